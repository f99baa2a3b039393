"""Neuron maps (m), the layer's gallery of them and of δ (M, then ( and ) to page): the
engine's own activations over the plane, following the walk, history and forks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from textual.pilot import Pilot

from tests.helpers import DEEP, SIZE, app_of, lines_of, press, text_of, wait_until
from tui_backprop.engine import Params
from tui_backprop.engine.neuron_maps import activations_at, layer_maps
from tui_backprop.experiment import Experiment
from tui_backprop.settings import resolve
from tui_backprop.ui.panes.boundary_pane import BoundaryPane

CIRCLES16 = resolve("circles", {"hidden": (16,), "activation": "tanh"})


def before_update(trainer_record: object) -> Params:
    layers = trainer_record.layers  # type: ignore[attr-defined]
    return Params(tuple(lay.w_before for lay in layers), tuple(lay.b_before for lay in layers))


def test_map_values_are_the_engines_activations_at_the_data_points() -> None:
    trainer = Experiment.build(DEEP).trainer
    for _ in range(3):
        trainer.train_epoch()
    record = trainer.last_record
    assert record is not None
    params = before_update(record)  # the step's forward pass ran on these
    at_rows = activations_at(trainer, record.x, params)
    for layer, lay in enumerate(record.layers, start=1):
        np.testing.assert_allclose(at_rows[layer], lay.a, rtol=0, atol=1e-12)
    for i in (0, 7, len(record.x) - 1):  # a one-point grid placed on a row
        px, py = record.x[i]
        grid = layer_maps(trainer, 1, 1, (px, px, py, py), params)
        for layer, lay in enumerate(record.layers, start=1):
            np.testing.assert_allclose(grid.layers[layer][0, 0], lay.a[i], rtol=0, atol=1e-12)


def boundary(app: object) -> BoundaryPane:
    return app.query_one(BoundaryPane)  # type: ignore[attr-defined,no-any-return]


async def titled(pilot: Pilot[Any], pane: BoundaryPane, start: str) -> None:
    """Wait for the pane to draw a picture whose title begins with ``start`` (titles
    follow the picture they name)."""
    await wait_until(pilot, lambda: str(pane.border_title).startswith(start))


def colours(pane: BoundaryPane) -> list[list[tuple[str, str]]]:
    return [[(seg.text, str(seg.style)) for seg in line] for line in lines_of(pane, inside=True)]


async def test_m_shows_the_selected_neurons_map_and_follows_the_selection() -> None:
    app = app_of(DEEP)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space", "space", "m")
        pane = boundary(app)
        assert pane.display
        await titled(pilot, pane, "h1.1 · tanh · output over the plane")
        assert "?" not in text_of(pane, inside=True)
        await press(pilot, "right", "down")
        await titled(pilot, pane, "h2.2 · tanh")
        await press(pilot, "m")
        await titled(pilot, pane, "Boundary")  # "Decision" left out at this width


async def test_gallery_then_deltas_then_the_boundary() -> None:
    app = app_of(DEEP)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space", "M")
        pane = boundary(app)
        await titled(pilot, pane, "hidden 1 · tanh · 5 maps")
        inside = text_of(pane, inside=True)
        assert all(f"h1.{j}" in inside for j in range(1, 6))
        await press(pilot, "M")
        await titled(pilot, pane, "hidden 1 · δ of each row · epoch 0")  # the status line's
        await press(pilot, "M")
        await titled(pilot, pane, "Boundary")  # "Decision" left out at this width


async def test_a_large_layer_pages() -> None:
    app = app_of(CIRCLES16)
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "space", "M")
        pane = boundary(app)
        await wait_until(pilot, lambda: "page 1/" in str(pane.border_title))
        assert text_of(pane, inside=True).startswith("h1 ")
        await press(pilot, "right_parenthesis")
        await wait_until(pilot, lambda: "page 2/" in str(pane.border_title))
        assert not text_of(pane, inside=True).startswith("h1 ")
        await press(pilot, "left_parenthesis")
        await wait_until(pilot, lambda: "page 1/" in str(pane.border_title))


async def test_during_the_walk_an_uncomputed_layer_is_a_question_mark() -> None:
    app = app_of(DEEP)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "n", "m")  # forward through layer 1 only
        pane = boundary(app)
        await pilot.pause()
        assert "?" not in text_of(pane, inside=True)
        await press(pilot, "right", "right")  # the output: not computed yet
        await pilot.pause()
        assert "?" in text_of(pane, inside=True)
        # the legend follows the picture it names, set once it is drawn
        await wait_until(pilot, lambda: "not computed yet" in str(pane.border_subtitle))
        await press(pilot, "n", "n")  # its forward pass is shown now
        await pilot.pause()
        assert "?" not in text_of(pane, inside=True)
        await press(pilot, "m", "M", "M")  # δ of the layer being walked is not known yet
        await pilot.pause()
        assert "?" in text_of(pane, inside=True)


async def test_maps_follow_history_and_a_fork() -> None:
    app = app_of(DEEP)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, *["space"] * 4, "m")
        pane = boundary(app)
        await pilot.pause()
        await titled(pilot, pane, "h1.1")
        now = colours(pane)
        await press(pilot, "home")
        await pilot.pause()
        assert app.main.view is not None and app.main.view.epoch == 0
        assert pane.drawn_from is app.main.view
        initial = colours(pane)
        assert initial != now
        await press(pilot, "space", "space")  # the first asks, the second forks
        await pilot.pause()
        assert app.main.view.epoch == 1
        assert pane.drawn_from is app.main.view
        assert str(pane.border_title).startswith("h1.1")


async def test_regression_on_two_features_shows_the_predicted_value(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (60, 2))
    rows = "\n".join(f"{a:.4f},{b:.4f},{a + 2 * b:.4f}" for a, b in x)
    path = tmp_path / "plane.csv"
    path.write_text("u,v,height\n" + rows + "\n")
    app = app_of(resolve(str(path), {"output": "linear"}))
    async with app.run_test(size=(160, 45)) as pilot:
        await press(pilot, "space")
        pane = boundary(app)
        await titled(pilot, pane, "Predicted height over u →  v ↑")
        assert "actual value" in str(pane.border_subtitle)
