"""The confusion matrix (C) and the hidden space (H, x, X) in the chart's place: keys,
and the epoch shown followed while looking back and walking."""

from __future__ import annotations

import re

from textual.widgets import Static

from tests.helpers import DEEP, SIZE, app_of, press, shown_epoch, text_of, wait_until
from tui_backprop.engine.confusion import EpochConfusion
from tui_backprop.settings import resolve
from tui_backprop.ui.panes.boundary_pane import BoundaryPane
from tui_backprop.ui.panes.chart_pane import MetricsChart
from tui_backprop.ui.panes.confusion_pane import ConfusionPane
from tui_backprop.ui.panes.hidden_space_pane import HiddenSpacePane


async def test_the_matrix_takes_the_charts_place_and_follows_the_epoch_shown() -> None:
    app = app_of(DEEP)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, *["space"] * 6)
        pane, chart = app.query_one(ConfusionPane), app.query_one(MetricsChart)
        assert pane.shown is None  # hidden: nothing counted on each step
        await press(pilot, "C")
        assert pane.display and not chart.display
        await wait_until(pilot, lambda: pane.size.height > 0 and pane.shown is not None)
        assert pane.shown.epoch == 5
        metrics = app.main.view.metrics
        assert metrics is not None and metrics.epoch == 5
        text = text_of(pane)
        assert "epoch 5" in text and f"train · {100 * metrics.accuracy:.2f}% right" in text
        assert f"test · {100 * metrics.test_accuracy:.2f}% right" in text
        await press(pilot, "left_square_bracket", "left_square_bracket")
        await wait_until(pilot, lambda: shown_epoch(app) == 4 and pane.shown.epoch == 3)
        past = app.main.view.metrics
        assert EpochConfusion.accuracy(pane.shown.train) == past.accuracy
        assert EpochConfusion.accuracy(pane.shown.test) == past.test_accuracy
        assert "epoch 3" in text_of(pane)
        await press(pilot, "C")
        assert chart.display and not pane.display


async def test_an_epoch_walked_through_shows_no_matrix_until_it_is_done() -> None:
    app = app_of(DEEP)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "C")
        pane = app.query_one(ConfusionPane)
        await wait_until(pilot, lambda: pane.size.height > 0)
        assert "press space" in text_of(pane, inside=True)
        await press(pilot, "space", "n")
        await wait_until(pilot, lambda: pane.shown is None)
        assert "walking an epoch" in text_of(pane, inside=True)
        await press(pilot, "space")
        await wait_until(pilot, lambda: pane.shown is not None and pane.shown.epoch == 1)


async def test_one_view_at_a_time_in_the_charts_place() -> None:
    app = app_of(DEEP)
    async with app.run_test(size=SIZE) as pilot:
        confusion, hidden = app.query_one(ConfusionPane), app.query_one(HiddenSpacePane)
        await press(pilot, "C", "H")
        assert hidden.display and not confusion.display
        await press(pilot, "b")
        assert app.query_one(BoundaryPane).display and not hidden.display
        await press(pilot, "C")
        assert confusion.display and not app.query_one(BoundaryPane).display


async def test_keys_choose_the_neurons_and_the_picture_follows_history() -> None:
    app = app_of(DEEP)  # hidden layers of 5 and 4 neurons
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, *["space"] * 4, "H")
        pane = app.query_one(HiddenSpacePane)
        await wait_until(pilot, lambda: pane.draws > 0)
        assert pane.axes() == ((1, 0), (1, 1))
        await wait_until(pilot, lambda: re.search(r"h1\.1 \S+…\S+ →  h1\.2 \S+…", text_of(pane)))
        await press(pilot, "x", "x")
        assert pane.axes() == ((1, 0), (1, 3))
        await press(pilot, "X")
        assert pane.axes() == ((2, 0), (2, 1))
        await wait_until(pilot, lambda: re.search(r"h2\.1 \S+…\S+ →  h2\.2 \S+…", text_of(pane)))
        drawn = pane.draws
        await press(pilot, "left_square_bracket")
        await wait_until(pilot, lambda: shown_epoch(app) == 3 and pane.draws > drawn)
        assert pane.drawn_from is app.main.view.params
        await press(pilot, "X", "X")  # two hidden layers: back to the second
        assert pane.axes() == ((2, 0), (2, 1))


async def test_a_layer_of_one_neuron_is_plotted_against_the_output() -> None:
    app = app_of(DEEP, hidden=(1,))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space", "x")  # x alone brings the hidden space
        pane = app.query_one(HiddenSpacePane)
        assert pane.display
        assert pane.axes() == ((1, 0), (2, 1))  # the second of the three outputs
        await wait_until(pilot, lambda: pane.draws > 0)
        # the axes' ranges come with the picture
        await wait_until(pilot, lambda: re.search(r"h1 \S+…\S+ →  1 \S+…\S+ ↑", text_of(pane)))


async def test_the_initial_weights_looked_back_at_do_not_say_space_trains() -> None:
    """Home after five epochs: the matrix said 'press space: the counts come with the
    first epoch' and the rows table 'Epoch 0 is not trained yet: space trains it', where
    space asks to discard the five."""
    app = app_of(resolve("xor", {}))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space", "space", "space", "space", "space", "home", "C")
        pane = app.query_one(ConfusionPane)
        await wait_until(pilot, lambda: "epoch" in text_of(pane))
        matrix = " ".join(text_of(pane).split())
        assert "the initial weights, before epoch 0" in matrix and "press space" not in matrix
        await press(pilot, "t")
        heading = app.screen.query_one("#rows-title", Static)
        await wait_until(pilot, lambda: str(heading.render()))
        title = str(heading.render())
        assert title.startswith("The initial weights, before epoch 0") and "discarding" in title
