"""Changes made by hand: a weight or bias set in the weights pane (and undone), and
points clicked onto or taken off the decision boundary's plane, with keys or a mouse."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Label

from tests.helpers import SIZE, app_of, press, settle, shown_epoch, text_of, wait_until
from tui_backprop.data import load_csv
from tui_backprop.settings import resolve
from tui_backprop.ui.panes.boundary_pane import BoundaryPane
from tui_backprop.ui.panes.weights_pane import WeightsPane
from tui_backprop.ui.screens.edit_value_dialog import EditValueDialog


async def step(pilot: Pilot[object], times: int = 1) -> None:
    """Train ``times`` epochs, each done before the next key (a slow one trains in a thread)."""
    for _ in range(times):
        await press(pilot, "space")
        await wait_until(pilot, lambda: not pilot.app.main.stepping)


def cell_offset(pane: WeightsPane, row_kind: str, layer: int, column: int) -> tuple[int, int]:
    """Where to click, in the pane's outer box, for a cell of the first such row."""
    x, y = pane.cell_place(row_kind, layer, column)
    gutter = pane.styles.gutter
    return gutter.left + x + 1, gutter.top + y - pane.scroll_offset.y


async def test_zeroing_a_weight_is_a_fork_that_the_next_epoch_starts_from() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        trainer = app.main.experiment.trainer
        await step(pilot, 3)
        pane = app.main.query_one(WeightsPane)
        pane.focus()
        await press(pilot, "0")  # no cell selected yet: nothing changes
        assert not trainer.edits
        await press(pilot, "down", "right")  # the first cell, then the one to its right
        old = float(trainer.params.weights[0][0, 1])
        earlier = float(trainer.state_at(2).params.weights[0][0, 1])
        await press(pilot, "0")
        assert trainer.params.weights[0][0, 1] == 0.0
        label = f"edited W1[x1,h2]: {old:.3g} → 0"
        assert app.main.session.kept.runs[-1].ended == label  # the run before it, for c
        assert label in text_of(pane)  # the pane names the edit of the epoch shown
        await step(pilot)
        assert trainer.last_record.layers[0].w_before[0, 1] == 0.0
        await press(pilot, "left_square_bracket")
        assert shown_epoch(app) == 3 and app.main.view.params.weights[0][0, 1] == 0.0
        assert label in text_of(pane)
        await press(pilot, "left_square_bracket")  # before the edit: the value it had
        assert app.main.view.params.weights[0][0, 1] == earlier != 0.0
        assert label not in text_of(pane)


async def test_undo_takes_the_edit_back() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        trainer = app.main.experiment.trainer
        await step(pilot)
        before = [np.array(w) for w in trainer.params.weights]
        pane = app.main.query_one(WeightsPane)
        await pilot.click("#weights", offset=cell_offset(pane, "weights", 2, 0))
        await settle(pilot)
        assert pane.selected_cell() == (2, 0, 0)
        await press(pilot, "0", "u")
        for a, b in zip(trainer.params.weights, before, strict=True):
            np.testing.assert_array_equal(a, b)
        assert not trainer.edits
        await press(pilot, "0")
        await step(pilot)
        await press(pilot, "u")  # trained since: refused, nothing changes
        assert len(trainer.edits) == 1 and trainer.epoch == 2


async def test_a_typed_value_sets_a_bias() -> None:
    app = app_of(resolve("xor", {}), hidden=(3,), bias=True)
    async with app.run_test(size=SIZE) as pilot:
        trainer = app.main.experiment.trainer
        await step(pilot)
        pane = app.main.query_one(WeightsPane)
        await pilot.click("#weights", offset=cell_offset(pane, "bias", 1, 2))
        await settle(pilot)
        assert pane.selected_cell() == (1, None, 2)
        await press(pilot, "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, EditValueDialog))
        await wait_until(pilot, lambda: app.screen.query(Input))
        app.screen.query_one(Input).value = "oops"
        await press(pilot, "enter")
        assert "not a number" in str(app.screen.query_one("#edit-error", Label).render())
        app.screen.query_one(Input).value = "0.5"
        await press(pilot, "enter")
        await wait_until(pilot, lambda: app.screen is app.main)
        assert trainer.params.biases[0][2] == 0.5
        assert trainer.edits[0].row is None and "edited b1[h3]" in text_of(pane)
        await press(pilot, "down", "0")  # the next cell down: the second layer's weights
        assert len(trainer.edits) == 2


async def test_editing_while_looking_back_asks_once_then_forks() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        trainer = app.main.experiment.trainer
        await step(pilot, 3)
        await press(pilot, "left_square_bracket")
        app.main.query_one(WeightsPane).focus()
        await press(pilot, "down", "0")
        looking = app.main.session.looking
        await wait_until(pilot, lambda: looking.asked)  # the pane's message handled
        assert trainer.epoch == 3 and not trainer.edits  # only asked
        await press(pilot, "0")
        await wait_until(pilot, lambda: trainer.edits)
        assert trainer.epoch == 2 and trainer.edits[0].epoch == 2
        assert trainer.params.weights[0][0, 0] == 0.0


async def show_boundary(pilot: Pilot[object]) -> BoundaryPane:
    """``b``, then wait until the pane is laid out where a click will find it."""
    await press(pilot, "b")
    pane = pilot.app.main.query_one(BoundaryPane)
    await wait_until(
        pilot, lambda: pilot.app.get_widget_at(pane.region.x + 5, pane.region.y + 3)[0] is pane
    )
    return pane


def _points(app: object) -> tuple[str, int]:
    ds = app.main.experiment.dataset  # type: ignore[attr-defined]
    return ds.name, ds.n_rows


async def test_clicks_add_and_remove_points_and_export_writes_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await step(pilot)
        pane = await show_boundary(pilot)
        await pilot.click("#boundary", offset=(5, 3))
        await settle(pilot)
        assert _points(app) == ("seed-custom", 11)
        exp = app.main.experiment
        assert exp.split.y_train[-1] == 0 and len(exp.split.x_train) == 11
        assert exp.trainer.epoch == 0  # goes on from the weights shown, with new data
        assert app.main.session.kept.runs[-1].ended == "added a point of class 0"
        where = exp.split.x_train[-1]
        scene = pane.scene
        x0, x1, y0, y1 = scene.plane
        assert x0 < where[0] < x0 + (x1 - x0) * 0.2 and y1 - (y1 - y0) * 0.3 < where[1] < y1
        await pilot.click("#boundary", offset=(5, 3), button=3)  # removes the nearest: it
        await settle(pilot)
        assert _points(app) == ("seed-custom", 10)
        await pilot.click("#boundary", offset=(6, 3), shift=True)
        await settle(pilot)
        assert _points(app)[1] == 9
        await press(pilot, "e")
        files = sorted(tmp_path.glob("seed-custom-*-data.csv"))
        assert len(files) == 1
        assert load_csv(files[0]).n_rows == 9


async def test_keys_move_a_cursor_that_adds_and_removes_points() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        pane = await show_boundary(pilot)
        pane.focus()
        await press(pilot, "right")  # the cursor appears in the middle
        assert pane.cursor is not None and "+" in text_of(pane, inside=True)
        await press(pilot, "a", "up", "up", "enter")
        exp = app.main.experiment
        assert _points(app) == ("seed-custom", 11) and exp.split.y_train[-1] == 1
        await press(pilot, "delete")
        assert _points(app) == ("seed-custom", 10)


async def test_points_need_a_plane_of_two_features_and_classes() -> None:
    app = app_of(resolve("seed", {}), output="linear")
    async with app.run_test(size=SIZE) as pilot:
        await show_boundary(pilot)
        await pilot.click("#boundary", offset=(5, 3))
        await settle(pilot)
        assert _points(app) == ("seed", 10)


def arrows_of(pane: WeightsPane, name: str) -> list[str]:
    """The arrows after the numbers of row ``name`` (the first such row)."""
    row = next(
        line for line in text_of(pane, inside=True).splitlines() if line.split()[:1] == [name]
    )
    return re.findall(r"[+-]\d\.\d+([▲▼ ])", row)


async def test_an_edited_weights_arrow_says_how_it_moved_since_the_epoch_began() -> None:
    """Zeroed after its update moved it down, a weight kept its ▼ beside +0.0000: the
    arrow compares what is shown with where the epoch began."""
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await step(pilot, 3)
        pane = app.main.query_one(WeightsPane)
        pane.focus()
        began = float(app.main.view.first.layers[0].w_before[0, 1])
        now = float(app.main.experiment.trainer.params.weights[0][0, 1])
        assert began < 0 and now < began and arrows_of(pane, "x1")[1] == "▼"
        await press(pilot, "down", "right", "0")
        await wait_until(pilot, lambda: "+0.0000" in text_of(pane))
        assert arrows_of(pane, "x1")[1] == "▲"
