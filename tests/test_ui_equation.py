"""The equation view: the engine's numbers, and substitutions that add up to them."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from tests.helpers import DEEP, SIZE, app_of, press, text_of, wait_until
from tui_backprop.experiment import Experiment
from tui_backprop.settings import SEED_PRESET, Settings
from tui_backprop.ui.model.view import TrainingView, describe_network, snapshot
from tui_backprop.ui.panes.neuron_pane import NeuronDetail
from tui_backprop.ui.render.equation_layout import fit
from tui_backprop.ui.render.equations import equations, render
from tui_backprop.ui.render.numbers import short
from tui_backprop.ui.render.substitution import hidden_delta, weight_gradient, weighted_input

RUNS = {
    "seed": SEED_PRESET,
    "tanh-softmax-bias-mean": DEEP,
    "relu-l2-minibatch": replace(DEEP, activation="relu", l2=0.01, batch_size=50),
}


def trained_view(settings: Settings, sample: int | None) -> TrainingView:
    experiment = Experiment.build(settings)
    trainer = experiment.trainer
    for _ in range(3):
        trainer.train_epoch()
    ds = experiment.dataset
    network = describe_network(trainer, ds.feature_names, ds.class_names, ds.label_name)
    return snapshot(trainer, network, sample)


@pytest.mark.parametrize("settings", RUNS.values(), ids=RUNS.keys())
@pytest.mark.parametrize("sample", [None, 0, 7])
def test_the_terms_of_z_add_up_to_the_recorded_z(settings: Settings, sample: int | None) -> None:
    view = trained_view(settings, sample)
    record = view.record
    assert record is not None
    for layer in range(1, len(view.network.sizes)):
        z = record.layers[layer - 1].z
        for neuron in range(view.network.sizes[layer]):
            s = weighted_input(view, layer, neuron)
            assert s is not None
            shown = z[sample, neuron] if sample is not None else z.mean(axis=0)[neuron]
            assert s.total == shown  # the engine's number, not a recomputation
            assert s.reassembled() == pytest.approx(s.total, abs=1e-12)


@pytest.mark.parametrize("settings", RUNS.values(), ids=RUNS.keys())
def test_the_terms_of_a_hidden_delta_add_up_to_the_recorded_delta(settings: Settings) -> None:
    for sample in range(5):
        view = trained_view(settings, sample)
        record = view.record
        assert record is not None
        for layer in range(1, view.network.depth):
            for neuron in range(view.network.sizes[layer]):
                s = hidden_delta(view, layer, neuron)
                assert s is not None
                assert s.total == record.layers[layer - 1].delta[sample, neuron]
                assert s.reassembled() == pytest.approx(s.total, abs=1e-12)
    assert hidden_delta(trained_view(SEED_PRESET, None), 1, 0) is None  # no mean substitution


@pytest.mark.parametrize("settings", RUNS.values(), ids=RUNS.keys())
def test_the_rows_of_a_gradient_add_up_to_the_recorded_gradient(settings: Settings) -> None:
    view = trained_view(settings, None)
    record = view.record
    assert record is not None
    for layer in range(1, len(view.network.sizes)):
        grad = record.layers[layer - 1].grad_w
        for source in range(grad.shape[0]):
            for neuron in range(grad.shape[1]):
                s = weight_gradient(view, layer, source, neuron)
                assert s is not None and s.total == grad[source, neuron]
                assert s.reassembled() == pytest.approx(s.total, abs=1e-12)


def test_every_line_fits_its_width_and_long_sums_are_summarised() -> None:
    view = trained_view(replace(DEEP, hidden=(64,)), 3)
    for width in (30, 44, 60, 100):
        for eq in equations(view, 2, 1):
            assert len(fit(eq, width).plain) <= width
    z_line = fit(equations(view, 2, 1)[0], 100).plain
    record = view.record
    assert record is not None
    assert "more terms: " in z_line and z_line.endswith(f"= {short(record.layers[1].z[3, 1])}")
    wide = fit(equations(trained_view(SEED_PRESET, 3), 1, 0)[0], 100).plain
    assert "…" not in wide and wide.count("·") == 3  # "Σ wᵢ·aᵢ" and both terms


def test_a_whole_epoch_view_shows_every_equation_of_the_neuron() -> None:
    view = trained_view(SEED_PRESET, 2)
    text = render(view, 2, 0, 100, 10).plain
    for start in (
        "z = Σ wᵢ·aᵢ",
        "ŷ = σ(z)",
        "ℓ = -[y·log ŷ",
        "L = Σ ℓ over 10 rows",
        "δ = ∂ℓ/∂ŷ·σ'(z) = (ŷ−y)/(ŷ(1−ŷ))·ŷ(1−ŷ) = ŷ − y = ",
        "∂L/∂w = Σ a·δ",
        "w ← w − η·∂L/∂w",
    ):
        assert start in text
    assert "?" not in text and "▶" not in text


def rounds(text: str, value: float) -> bool:
    """Whether ``text`` is ``value`` rounded to four decimals or more."""
    last = 10.0 ** -len(text.partition(".")[2])
    return last <= 1e-4 and abs(float(text) - value) <= last / 2


def shows(card: str, value: float) -> bool:
    """Whether the card gives ``value`` as a line's result (after `` = ``)."""
    return any(rounds(t, value) for t in re.findall(r"= (-?\d+\.\d+)(?!\S)", card))


async def test_the_screen_shows_the_engines_numbers_for_the_selected_neuron_and_row() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space", "space", "j", "down", "down")  # row 2, neuron h3
        await pilot.pause()
        record = app.main.experiment.trainer.last_record
        assert record is not None
        shown = text_of(app.query_one("#neuron"))
        hidden = record.layers[0]
        assert "h3 · hidden neuron 3" in shown and "row 2 (2 of 10)" in shown
        for value in (hidden.z[1, 2], hidden.a[1, 2], hidden.delta[1, 2], hidden.grad_w[0, 2]):
            assert shows(shown, float(value))
        await press(pilot, "right")
        await pilot.pause()
        shown = text_of(app.query_one("#neuron"))
        out = record.layers[1]
        for value in (out.z[1, 0], out.a[1, 0], out.delta[1, 0], record.row_losses[1]):
            assert shows(shown, float(value))
        total = re.search(r"= 10·([\d.]+) = ([\d.]+)", shown)
        assert total and rounds(total[1], record.loss) and rounds(total[2], record.objective)
        error = re.search(r"ŷ − y = ([\d.]+) − (\d)", shown)
        assert error and rounds(error[1], float(out.a[1, 0])) and float(error[2]) == record.y[1, 0]


async def test_a_walk_shows_unknown_equations_as_question_marks() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space", "n")  # row 1 unless j or k chose another
        await pilot.pause()
        lines = text_of(app.query_one("#neuron")).splitlines()
        marked = [line for line in lines if "▶" in line]
        assert [m.split("▶ ")[1][:2] for m in marked] == ["z ", "a "]
        assert all(
            line.rstrip(" │").endswith("= ?")
            for line in lines
            if any(k in line for k in ("δ =", "∂L/∂w =", "w ←"))
        )
        record = app.main.experiment.trainer.last_record
        assert record is not None
        assert shows("\n".join(marked), float(record.layers[0].z[0, 0]))
        await press(pilot, "n", "n", "n", "n", "n")  # through to the gradients
        await pilot.pause()
        shown = text_of(app.query_one("#neuron"))
        grad = record.layers[0].grad_w
        assert f"x1 {short(float(grad[0, 0]))}" in shown and "w ← w − η·∂L/∂w = ?" in shown


async def test_a_card_with_lines_left_out_says_how_many_in_its_title() -> None:
    """At 80×24 a hidden neuron's card has room for z, a and δ: its ∂L/∂w and update
    lines were left out with no sign of them. Its title counts them until a zoom shows
    them all."""
    app = app_of()
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "space", "space", "space")
        card = app.query_one(NeuronDetail)
        text = text_of(card, inside=True)
        assert "δ" in text and "∂L/∂w" not in text and "w ←" not in text
        await wait_until(pilot, lambda: "· 2 more lines" in str(card.border_title))
        await press(pilot, "z")
        await wait_until(pilot, lambda: "w ←" in text_of(card, inside=True))
        await wait_until(pilot, lambda: "more lines" not in str(card.border_title))


def test_with_l2_the_gradient_line_says_where_its_extra_term_comes_from() -> None:
    """L is printed as Σ ℓ, and its gradient had a λ·w no line accounted for."""
    view = trained_view(replace(SEED_PRESET, l2=0.01), 0)
    card = render(view, 2, 0, 160, 24).plain
    assert "L = Σ ℓ" in card
    assert "+ λ·w (the gradient of the L2 penalty ½λ·Σw²)" in card
    assert "penalty" not in render(trained_view(SEED_PRESET, 0), 2, 0, 160, 24).plain


async def test_a_reset_card_says_no_lines_are_left_out() -> None:
    """r after training at 80×24: the card's title kept '· 2 more lines' over the
    'press space' text, which leaves nothing out."""
    app = app_of()
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "space", "space")
        card = app.query_one(NeuronDetail)
        await wait_until(pilot, lambda: "more lines" in str(card.border_title))
        await press(pilot, "r")
        await wait_until(pilot, lambda: "more lines" not in str(card.border_title))
        assert "press space" in text_of(card, inside=True)
