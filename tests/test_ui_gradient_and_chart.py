"""The deltas pane's gradient sizes on one shared axis with the verdict in sight, and a
chart whose loss and accuracy panels say what they show, an overlaid run included."""

from __future__ import annotations

import numpy as np

from tests.helpers import SIZE, app_of, press, text_of
from tui_backprop.settings import resolve
from tui_backprop.ui.panes.chart import MetricsChart
from tui_backprop.ui.render.gradient_size import verdict

DEEP_SIGMOID = resolve("spiral", {"hidden": (8, 8, 8, 8, 8), "activation": "sigmoid"})


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
        metrics = app.main.view.metrics
        said = verdict(metrics.grad_norms)
        assert said is not None and " ".join(lines).find(said[0]) >= 0  # whole, in sight


async def test_the_verdict_wraps_rather_than_being_cut_at_a_high_learning_rate() -> None:
    app = app_of(DEEP_SIGMOID, lr=3.0)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, *["space"] * 10)
        lines = pane_lines(app, "#deltas")
        said = verdict(app.main.view.metrics.grad_norms)
        assert said is not None
        assert said[0] in " ".join(lines)
        assert not any(line.endswith("…") for line in lines if line.startswith("the first"))


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
        past = app.main.kept.runs[0]
        assert np.array_equal(chart.overlay.score, past.score)
        lines = pane_lines(app, "#chart")
        loss_row = next(line for line in lines if line.startswith("loss"))
        score_row = next(line for line in lines if line.startswith("accuracy"))
        assert "run 1" in loss_row and "run 1" in score_row and "train" in score_row
        shown = chart._shown
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
