"""The decision-boundary pane: the map on two features, the projection on more, the
regression picture, where it sits in the layout, and that it redraws only when needed."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tests.helpers import SIZE, app_of, lines_of, press, text_of
from tui_backprop.engine.boundary import boundary_grid
from tui_backprop.engine.metrics import predicted_classes
from tui_backprop.experiment import Experiment
from tui_backprop.settings import resolve
from tui_backprop.ui.model.scene import PLANE, PROJECTION, REGRESSION, Scene, scene_of
from tui_backprop.ui.panes.boundary_pane import BoundaryPane
from tui_backprop.ui.render.boundary_draw import TEST, TRAIN, UPPER, WRONG_TEST, WRONG_TRAIN, draw
from tui_backprop.ui.render.class_colours import half_block, shade_codes

XOR = resolve("xor", {"lr": 0.5})


def map_of(pane: BoundaryPane) -> str:
    """The text inside the pane's border: the map, without the legend that uses its marks."""
    return text_of(pane, inside=True)


def picture(pane: BoundaryPane) -> list[list[tuple[str, object]]]:
    """The map's text and colours, line by line."""
    return [[(seg.text, seg.style) for seg in strip] for strip in lines_of(pane, inside=True)]


def four_features(tmp_path: Path, regression: bool = False) -> Path:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(60, 4))
    y = x @ [1.0, -2.0, 0.5, 1.5]
    labels = [f"{v:.3f}" for v in y] if regression else ["yes" if v > 0 else "no" for v in y]
    rows = [
        ",".join(f"{v:.4f}" for v in row) + f",{label}"
        for row, label in zip(x, labels, strict=True)
    ]
    path = tmp_path / "four.csv"
    path.write_text("a,b,c,d,target\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_every_cell_shows_the_engines_prediction_at_its_two_pixels() -> None:
    experiment = Experiment.build(XOR)
    for _ in range(50):
        experiment.trainer.train_epoch()
    scene = scene_of(experiment)
    lines = draw(scene, experiment.trainer.params, 30, 12)
    grid = boundary_grid(experiment.trainer, 30, 24, scene.plane)
    codes = shade_codes(grid.classes, grid.confidence, 2)
    checked = 0
    for r, line in enumerate(lines):
        assert line.cell_length == 30
        c = 0
        for segment in line:
            for k, char in enumerate(segment.text):
                if char == UPPER:
                    assert segment.style == half_block(codes[2 * r, c + k], codes[2 * r + 1, c + k])
                    checked += 1
            c += len(segment.text)
    assert checked > 200
    assert {int(code) // 9 for code in codes.ravel()} == {0, 1}  # both classes on the map


def test_points_sit_where_their_coordinates_say() -> None:
    experiment = Experiment.build(XOR)
    scene = scene_of(experiment)
    text = [line.text for line in draw(scene, experiment.trainer.params, 40, 15)]
    x0, x1, y0, y1 = scene.plane
    for (x, y), test in zip(scene.where, scene.test, strict=True):
        col = round((x - x0) / (x1 - x0) * 39)
        row = round((y1 - y) / (y1 - y0) * 29) // 2
        # test rows are drawn last, so only another test row can cover one
        assert text[row][col] in ({TEST} if test else {TRAIN, TEST})
    glyphs = "".join(text)
    assert TEST in glyphs and TRAIN in glyphs and UPPER in glyphs


async def test_b_shows_the_boundary_in_the_charts_place_and_redraws_only_on_change() -> None:
    app = app_of(XOR)
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(BoundaryPane)
        assert not pane.display and app.query_one("#chart").display
        await press(pilot, "b")
        await pilot.pause()
        assert pane.display and not app.query_one("#chart").display
        assert pane.region.width > 40 and pane.region.height > 15
        shown = map_of(pane)
        assert TRAIN in shown and TEST in shown and UPPER in shown
        assert "x1" in str(pane.border_title) and "x2" in str(pane.border_title)  # its axes
        draws, before = pane.draws, picture(pane)
        await press(pilot, "space")
        await pilot.pause()
        assert pane.draws == draws + 1 and picture(pane) != before
        await press(pilot, "j", "j", "k")  # another row of the batch: same weights
        await pilot.pause()
        assert pane.draws == draws + 1
        await press(pilot, "b")
        await pilot.pause()
        assert not pane.display and app.query_one("#chart").display


async def test_the_boundary_follows_history() -> None:
    app = app_of(XOR)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "b", "space", "space")
        await pilot.pause()
        pane = app.query_one(BoundaryPane)
        at_two = picture(pane)
        await press(pilot, "space", "space")
        await pilot.pause()
        assert picture(pane) != at_two
        await press(pilot, "left_square_bracket", "left_square_bracket")
        await pilot.pause()
        assert picture(pane) == at_two


async def test_wide_terminals_show_boundary_and_chart_side_by_side() -> None:
    app = app_of(XOR)
    async with app.run_test(size=(170, 45)) as pilot:
        await press(pilot, "space")
        await pilot.pause()
        boundary, chart = app.query_one(BoundaryPane), app.query_one("#chart")
        assert boundary.display and chart.display
        network = app.query_one("#network-pane")
        assert network.region.right <= boundary.region.x < chart.region.x
        assert app.query_one("#weights").region.width > boundary.region.right // 2
        await press(pilot, "b")
        await pilot.pause()
        assert boundary.display and chart.display


def marked_errors(pane: BoundaryPane, experiment: Experiment, scene: Scene) -> tuple[int, int]:
    """How many wrong training and test rows the pane marks, checked against the
    engine's predictions: every error is marked (unless two share a cell), nothing else."""
    wrong = predicted_classes("sigmoid", experiment.trainer.predict(scene.x)) != scene.labels
    shown = map_of(pane)
    marks = shown.count(WRONG_TRAIN), shown.count(WRONG_TEST)
    for count, rows in zip(marks, (wrong & ~scene.test, wrong & scene.test), strict=True):
        assert (count > 0) == rows.any() and count <= rows.sum()
    return marks


async def test_four_features_are_projected_and_wrong_predictions_marked(tmp_path: Path) -> None:
    app = app_of(resolve(str(four_features(tmp_path)), {"lr": 1.0}))
    experiment = app.main.experiment
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "b", "space")
        await pilot.pause()
        pane = app.query_one(BoundaryPane)
        scene = pane.scene
        assert scene is not None and scene.kind == PROJECTION
        assert "PC1" in str(pane.border_title) and "PC2" in str(pane.border_title)
        assert marked_errors(pane, experiment, scene) != (0, 0)
        for _ in range(300):
            experiment.trainer.train_epoch()
        app.main.publish()
        await pilot.pause()
        assert marked_errors(pane, experiment, scene)[0] == 0  # the training rows are learnt
        shown = map_of(pane)
        assert TRAIN in shown and TEST in shown
        assert pane.scene is scene  # the projection is computed once per experiment


async def test_a_numeric_target_shows_predicted_against_actual(tmp_path: Path) -> None:
    app = app_of(resolve(str(four_features(tmp_path, regression=True)), {}))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "b", "space")
        await pilot.pause()
        pane = app.query_one(BoundaryPane)
        assert pane.scene is not None and pane.scene.kind == REGRESSION
        assert str(pane.border_title) == "Predicted vs actual · epoch 0"
        assert TRAIN in map_of(pane)


async def test_a_new_dataset_gets_a_new_scene() -> None:
    app = app_of(XOR)
    async with app.run_test(size=SIZE) as pilot:
        first = app.query_one(BoundaryPane).scene
        assert first is not None and first.kind == PLANE and first.n_classes == 2
        await press(pilot, "d")
        await pilot.pause()
        app.screen.query_one("OptionList").highlighted = 6  # type: ignore[attr-defined]
        await pilot.click("#data-ok")
        await pilot.pause()
        scene = app.query_one(BoundaryPane).scene
        assert scene is not None and scene is not first and scene.n_classes == 3
