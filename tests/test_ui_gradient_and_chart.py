"""The deltas pane's gradient sizes on one shared axis with the verdict in sight, and a
chart whose loss and accuracy panels say what they show, an overlaid run included."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tests.helpers import SIZE, app_of, press, text_of, three_classes_one_wide_feature
from tui_backprop.engine.diagnosis import diagnose
from tui_backprop.settings import resolve
from tui_backprop.ui.model.view import TrainingView
from tui_backprop.ui.panes.chart_pane import MetricsChart
from tui_backprop.ui.render.gradient_size import sentences

DEEP_SIGMOID = resolve("spiral", {"hidden": (8, 8, 8, 8, 8), "activation": "sigmoid"})


def verdict(view: TrainingView) -> str:
    """The diagnosis of the epoch ``view`` shows, as the pane words it in full."""
    assert view.record is not None and view.metrics is not None
    losses = view.history.column("loss")[: view.epoch]
    found = diagnose(view.record, view.metrics.grad_norms, losses)
    return " ".join(text for text, _ in sentences(found, view.network.labels[0]))


def pane_lines(app: object, selector: str) -> list[str]:
    return [line.strip("│ ") for line in text_of(app.query_one(selector)).splitlines()]  # type: ignore[attr-defined]


async def test_a_deep_sigmoid_net_shows_every_layer_and_the_verdict_at_120x40() -> None:
    app = app_of(DEEP_SIGMOID)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, *["space"] * 10)
        lines = pane_lines(app, "#deltas")
        assert "one log axis" in lines[2]
        titles = [line.split()[0] for line in lines if "e-0" in line]
        assert {"h1", "h5"} <= set(titles)
        said = verdict(app.main.view)
        assert " ".join(lines).find(said) >= 0  # whole, in sight


async def test_the_verdict_wraps_rather_than_being_cut_at_a_high_learning_rate() -> None:
    app = app_of(DEEP_SIGMOID, lr=3.0)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, *["space"] * 10)
        lines = pane_lines(app, "#deltas")
        said = verdict(app.main.view)
        assert said in " ".join(lines)
        assert not any(line.endswith("…") for line in lines)


async def test_the_first_layer_draws_lower_than_the_output_on_the_shared_axis() -> None:
    app = app_of(DEEP_SIGMOID)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, *["space"] * 10)
        lines = pane_lines(app, "#deltas")
        first = next(line for line in lines if line.startswith("h1 "))
        output = next(line for line in lines if line.startswith("out "))

        def height(line: str) -> float:
            blocks = [" ▁▂▃▄▅▆▇█".index(c) for c in line if c in "▁▂▃▄▅▆▇█"]
            return sum(blocks) / len(blocks)

        assert height(first) + 4 <= height(output)  # at least half the axis lower


async def test_compare_overlays_the_earlier_runs_accuracy_as_well_as_its_loss() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space", "space", "space", "R", "space", "space", "c")
        chart = app.query_one(MetricsChart)
        assert chart.overlay is not None and chart.overlay.score is not None
        past = app.main.session.kept.runs[0]
        assert np.array_equal(chart.overlay.score, past.score)
        lines = pane_lines(app, "#chart")
        loss_row = next(line for line in lines if line.startswith("loss"))
        score_row = next(line for line in lines if line.startswith("accuracy"))
        assert "run 1" in loss_row and "run 1" in score_row and "train" in score_row
        shown = chart.picture
        assert shown is not None
        run_curves = [c for c in shown.curves if c.run == "run 1" and c.label == "train"]
        assert {c.side for c in run_curves} == {"left", "right"}


async def test_the_chart_has_no_unexplained_markers_and_a_panel_each() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, *["space"] * 5)
        text = text_of(app.query_one("#chart"))
        assert "⅃" not in text and " L " not in text
        lines = pane_lines(app, "#chart")
        loss_at = next(k for k, line in enumerate(lines) if line.startswith("loss"))
        score_at = next(k for k, line in enumerate(lines) if line.startswith("accuracy"))
        assert loss_at < score_at  # two panels, each under its own legend
        # the 50 % line is labelled as a percentage, never next to a loss value
        assert any(line.startswith("50%┤") for line in lines[score_at:])
        assert not any("%" in line for line in lines[loss_at + 1 : score_at])


async def test_the_pane_names_saturation_with_its_numbers_at_both_sizes() -> None:
    said = "saturated: 4 of 4 hidden sigmoid units flat (σ' < 0.0025) on 100% of rows"
    for size in (SIZE, (80, 24)):
        app = app_of(lr=3.0)
        async with app.run_test(size=size) as pilot:
            await press(pilot, *["space"] * 10)
            text = " ".join(pane_lines(app, "#deltas"))
            assert said in text and text.find("their δ≈0") > text.find(said)  # all of it
            assert "vanishing" not in text


async def test_delta_is_named_for_the_reduction_it_is_shown_under() -> None:
    for reduction, name in (("sum", "δ = ∂L/∂z"), ("mean", "δ = ∂ℓ/∂z")):
        app = app_of(reduction=reduction)
        async with app.run_test(size=SIZE) as pilot:
            await press(pilot, "space")
            assert pane_lines(app, "#deltas")[1].startswith(name)


async def test_neurons_left_out_of_a_layers_line_are_counted_in_words() -> None:
    app = app_of(resolve("xor", {"hidden": (12,)}))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space")
        hidden = next(line for line in pane_lines(app, "#deltas") if line.startswith("hidden"))
        shown = len(hidden.split()) - 4  # the title, then the numbers, then "… N more"
        assert hidden.endswith(f"… {12 - shown} more") and "+" not in hidden.split()[-3]


async def test_a_small_pane_gives_the_cause_and_its_reason_in_short(tmp_path: Path) -> None:
    path = three_classes_one_wide_feature(tmp_path / "wide.csv")
    app = app_of(resolve(str(path), {"standardize": False}))
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, *["space"] * 5)
        text = " ".join(pane_lines(app, "#deltas"))
        assert "saturated: 8 of 8 tanh units, δ≈0" in text
        assert "proline's sd" in text and "standardise (S)" in text
