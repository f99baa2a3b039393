"""The weights beside an epoch's forward pass: the weights pane says in its title whether
it shows the weights that forward pass used or those after its update (``v`` switches),
and the used ones, multiplied by the diagram's inputs, give the diagram's numbers."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from tests.helpers import DEEP, SIZE, app_of, press, text_of, weights_of
from tui_backprop.settings import resolve
from tui_backprop.ui.app import BackpropApp
from tui_backprop.ui.model.weight_moment import shown_params
from tui_backprop.ui.panes.diagram_pane import NetworkDiagram
from tui_backprop.ui.panes.neuron_pane import NeuronDetail
from tui_backprop.ui.panes.weights_pane import WeightsPane

NUMBER = r"[+-]\d+\.\d+"


def weights_title(app: BackpropApp) -> str:
    return str(app.query_one(WeightsPane).border_title)


def shown_column(app: BackpropApp, column: int) -> dict[str, float]:
    """W1's ``column`` as the weights pane prints it, by input name."""
    lines = text_of(app.query_one(WeightsPane), inside=True).splitlines()
    end = next(k for k, line in enumerate(lines) if line.lstrip().startswith("W2"))
    rows = [re.match(rf"\s*(x\d)\s+((?:{NUMBER}\S?\s*)+)", line) for line in lines[:end]]
    return {
        m.group(1): float(re.findall(NUMBER, m.group(2))[column]) for m in rows if m is not None
    }


def diagram_numbers(app: BackpropApp) -> tuple[dict[str, float], float]:
    """The inputs the diagram prints beside x1, x2, and the selected neuron's (h1's) value."""
    text = text_of(app.query_one(NetworkDiagram))
    inputs = {name: float(v) for name, v in re.findall(rf"(x\d)\s+({NUMBER})", text)}
    selected = re.search(rf"▶({NUMBER})◀", text)
    assert selected is not None
    return inputs, float(selected.group(1))


def sigmoid_of(inputs: dict[str, float], weights: dict[str, float]) -> float:
    z = sum(inputs[name] * weights[name] for name in inputs)
    return 1 / (1 + math.exp(-z))


async def test_the_weights_the_pane_says_were_used_give_the_diagrams_activation() -> None:
    """The student's check, from the screen's own digits: x·W1[:, h1] through σ is h1."""
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space")
        after_title = weights_title(app)
        after = shown_column(app, 0)
        await press(pilot, "v")
        used_title = weights_title(app)
        used = shown_column(app, 0)
        inputs, h1 = diagram_numbers(app)
    assert "after epoch 0's update" in after_title
    assert "used by epoch 0's forward pass" in used_title
    assert set(inputs) == set(used) == {"x1", "x2"}
    # four printed decimals of x and W: σ agrees to well under 1e-3
    assert sigmoid_of(inputs, used) == pytest.approx(h1, abs=3e-4)
    # the weights after the update do not (0.434 against 0.4406: the confusion this ends)
    assert abs(sigmoid_of(inputs, after) - h1) > 3e-3


@pytest.mark.parametrize("keys", [("space",) * 3, ("space",) * 4 + ("left_square_bracket",)])
async def test_used_weights_make_every_layers_z(keys: tuple[str, ...]) -> None:
    """With biases, two hidden layers and mini-batches (the deep preset), now or looking
    back: the pane's used weights and biases make every layer's z of the shown pass."""
    app = app_of(DEEP)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, *keys, "v")
        pane = app.query_one(WeightsPane)
        view = pane.view
        assert view is not None and view.record is not None
        used = shown_params(view, pane.used)
        after = shown_params(view, False)
        assert used.biases is not None
        for layer, (w, b) in enumerate(zip(used.weights, used.biases, strict=True), 1):
            a = view.record.x if layer == 1 else view.record.layers[layer - 2].a
            np.testing.assert_allclose(a @ w + b, view.record.layers[layer - 1].z, atol=1e-12)
        assert not np.allclose(after.weights[0], used.weights[0])
        assert after.weights[0] is view.params.weights[0]  # the run's own, after the update


async def test_a_walk_shows_the_used_weights_until_its_update() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "n")
        assert "used by epoch 0's forward pass" in weights_title(app)
        forward = shown_column(app, 0)
        await press(pilot, "v")  # the walk decides: no switch
        assert "used by epoch 0's forward pass" in weights_title(app)
        titles = []
        while "update" not in str(app.query_one("#network-pane").border_title).lower():
            await press(pilot, "n")
            titles.append(weights_title(app))
        assert all("used by" in t for t in titles[:-1])
        assert "after epoch 0's update" in titles[-1]
        updated = shown_column(app, 0)
        run = weights_of(app)[0][:, 0]  # the walk's update is the run's own
    assert list(updated.values()) == pytest.approx(list(run), abs=5e-5)
    assert updated != forward


async def test_the_used_weights_are_not_edited_and_the_initial_ones_say_so() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert weights_title(app).startswith("Initial weights W")
        await press(pilot, "space", "v", "tab", "tab")
        pane = app.query_one(WeightsPane)
        pane.focus()
        before = [np.array(w) for w in app.main.experiment.trainer.params.weights]
        await press(pilot, "down", "0")
        after = app.main.experiment.trainer.params.weights
        assert all(np.array_equal(a, b) for a, b in zip(before, after, strict=True))
        await press(pilot, "v", "0")  # the weights after the update are the ones to edit
        assert app.main.experiment.trainer.params.weights[0][0, 0] == 0.0


def card_weights(app: BackpropApp) -> dict[str, float]:
    """An input neuron's card: its weights out, by the neuron they go into."""
    text = text_of(app.query_one(NeuronDetail), inside=True)
    return {name: float(value) for name, value in re.findall(rf"(h\d) ({NUMBER})", text)}


async def test_an_inputs_card_shows_the_weights_the_pane_shows() -> None:
    """With an input selected, v switches the card's weights out with the pane's: the
    card showed those after the update beside a pane of the used ones."""
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space", "space", "space", "left")
        assert app.main.session.choices.neuron == (0, 0)
        after = app.main.experiment.trainer.params.weights[0][0]
        assert card_weights(app) == pytest.approx(
            dict(zip(("h1", "h2", "h3", "h4"), after, strict=True)), abs=5e-5
        )
        await press(pilot, "v")
        view = app.main.view
        used = shown_params(view, True).weights[0][0]
        assert not np.allclose(used, after)
        assert card_weights(app) == pytest.approx(
            dict(zip(("h1", "h2", "h3", "h4"), used, strict=True)), abs=5e-5
        )
        assert "before the update" in text_of(app.query_one(NeuronDetail))
        assert card_weights(app)["h1"] == shown_column(app, 0)["x1"]


async def test_with_mini_batches_the_used_weights_are_the_last_steps_and_say_so() -> None:
    """Two steps an epoch (8 of the seed's 10 rows a batch): the used weights are the
    last step's, the title names that step, and the arrows say how its own update moves
    them, as the card's update line does (they showed the whole epoch's move)."""
    app = app_of(resolve("seed", {"batch_size": 8}))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space", "space", "space", "v")
        record = app.main.view.record
        assert record is not None and record.step == 1
        assert "step 2" in weights_title(app)
        layer = record.layers[0]
        lines = text_of(app.query_one(WeightsPane), inside=True).splitlines()
        row = next(line for line in lines if line.lstrip().startswith("x1"))
        arrows = re.findall(rf"{NUMBER}([▲▼ ])", row)
        moved = np.sign(layer.w_after[0] - layer.w_before[0])
        assert arrows == [{1: "▲", -1: "▼", 0: " "}[int(s)] for s in moved]
        epoch = np.sign(layer.w_after[0] - app.main.view.first.layers[0].w_before[0])
        assert not np.array_equal(moved, epoch)  # the case where the two differ
