"""Image data drawn as pictures (``render.pixel_picture``): half blocks pair pixel rows,
a weight picture is the weight matrix's column reshaped, and every view that shows image
data shows its picture: the diagram, ``M``, the neuron card, ``t`` and the
principal-component view, at 120×40 and 80×24, zoomed and in the light theme."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from rich.color import Color
from textual.strip import Strip
from textual.widgets import DataTable

from tests.digits import SIDE, write_digits
from tests.helpers import SIZE, app_of, lines_of, press, wait_until
from tui_backprop.settings import resolve
from tui_backprop.ui.app import BackpropApp
from tui_backprop.ui.panes.boundary_pane import BoundaryPane
from tui_backprop.ui.panes.diagram_pane import NetworkDiagram
from tui_backprop.ui.panes.neuron_pane import NeuronDetail
from tui_backprop.ui.render import palette, pixel_picture, weight_pictures
from tui_backprop.ui.render.pixel_picture import EMPTY, HALF, PixelPicture, ink, signed

RGB = tuple[int, int, int]


def cell_colours(line: Strip) -> list[tuple[RGB, RGB] | None]:
    """Each cell's (foreground, background) where it is a half block, else None."""
    out: list[tuple[RGB, RGB] | None] = []
    for seg in line:
        for ch in seg.text:
            style = seg.style
            if ch != HALF or style is None or style.color is None or style.bgcolor is None:
                out.append(None)
                continue
            out.append((_rgb(style.color), _rgb(style.bgcolor)))
    return out


def _rgb(colour: Color) -> RGB:
    triplet = colour.get_truecolor()
    return triplet.red, triplet.green, triplet.blue


def pixels_of(picture: PixelPicture) -> list[list[RGB]]:
    return [[tuple(int(c) for c in px) for px in row] for row in picture.rgb]  # type: ignore[misc]


# -- the drawing helper ------------------------------------------------------------------


@pytest.mark.parametrize("height", [4, 5])
def test_a_cell_is_the_pixel_above_over_the_pixel_below(height: int) -> None:
    width = 3
    values = np.arange(width * height, dtype=np.float64)
    picture = ink(values, (width, height))
    lines = picture.lines()
    assert len(lines) == (height + 1) // 2
    rgb = pixels_of(picture)
    for r, line in enumerate(lines):
        cells = cell_colours(line)
        assert len(cells) == width
        for x, cell in enumerate(cells):
            below = rgb[2 * r + 1][x] if 2 * r + 1 < height else EMPTY
            assert cell == (rgb[2 * r][x], below)


def test_ink_runs_from_dark_at_the_lowest_value_to_light_at_the_highest() -> None:
    values = np.array([3.0, -1.0, 7.0, 0.0])
    rgb = pixels_of(ink(values, (2, 2)))
    assert rgb[0][1] == pixel_picture.DARK and rgb[1][0] == pixel_picture.LIGHT
    assert sum(rgb[0][0]) > sum(rgb[1][1]) > sum(rgb[0][1])  # brighter with the value


def test_signed_pictures_take_the_sign_colours_at_the_scale_given() -> None:
    values = np.array([-2.0, 2.0, 0.0, 1.0])
    rgb = pixels_of(signed(values, (2, 2), reach=2.0))
    assert rgb[0][0] == palette.NEGATIVE and rgb[0][1] == palette.POSITIVE
    assert rgb[1][0] == palette.NEUTRAL
    assert rgb[1][1] != palette.POSITIVE  # half way: on the way to blue
    halfway = pixels_of(signed(values, (2, 2), reach=1.0))
    assert halfway[1][1] == palette.POSITIVE  # a smaller scale: full colour at 1


def test_zoom_repeats_each_pixel_and_marking_colours_one() -> None:
    picture = ink(np.arange(4.0), (2, 2))
    big = picture.zoomed(3)
    assert big.rgb.shape == (6, 6, 3)
    assert (big.rgb[0:3, 3:6] == picture.rgb[0, 1]).all()
    marked = pixels_of(picture.marked(2))
    assert marked[1][0] == pixel_picture.MARK and marked[0][0] != pixel_picture.MARK


# -- the app on digits -------------------------------------------------------------------


@pytest.fixture
def digits_csv(tmp_path: Path) -> Path:
    return write_digits(tmp_path / "digits.csv", rows=120)


def digits_app(path: Path, **changes: object) -> BackpropApp:
    return app_of(resolve(str(path), {}), **changes)


def picture_cells(lines: list[Strip]) -> int:
    return sum(cell is not None for line in lines for cell in cell_colours(line))


async def test_the_diagram_draws_the_selected_row_as_its_picture(digits_csv: Path) -> None:
    app = digits_app(digits_csv)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space")
        diagram = app.screen.query_one(NetworkDiagram)
        lay = diagram.drawn_layout
        assert lay is not None and lay.picture is not None
        spot = lay.picture
        view = app.main.view
        assert view is not None
        row = view.activation(0)
        assert row is not None
        expected = pixels_of(ink(row, (SIDE, SIDE)).zoomed(spot.zoom))
        lines = lines_of(diagram, inside=True)
        for dy in range(spot.lines):
            cells = cell_colours(lines[spot.y + dy])[spot.x : spot.x + spot.width]
            assert cells == [
                (expected[2 * dy][x], expected[2 * dy + 1][x]) for x in range(spot.width)
            ]
        await press(pilot, "j")  # the next row: another picture
        other = app.main.view
        assert other is not None and other.sample == 1
        assert not np.array_equal(other.activation(0), row)


async def test_m_draws_each_first_layer_neurons_weights_as_its_picture(
    digits_csv: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: list[PixelPicture] = []

    def recording(values: Any, shape: Any, reach: float) -> PixelPicture:
        picture = signed(values, shape, reach)
        drawn.append(picture)
        return picture

    monkeypatch.setattr(weight_pictures, "signed", recording)
    app = digits_app(digits_csv)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space", "space", "M")
        pane = app.screen.query_one(BoundaryPane)
        await wait_until(pilot, lambda: "incoming weights" in str(pane.border_title))
        lines = lines_of(pane, inside=True)
        weights = app.main.view.params.weights[0]  # type: ignore[union-attr]
        reach = palette.magnitude(weights)
        n = weights.shape[1]
        assert len(drawn) >= n
        drawn = drawn[-n:]  # the pictures on screen: the last drawing's
        for j, picture in enumerate(drawn):
            np.testing.assert_array_equal(picture.values, weights[:, j].reshape(SIDE, SIDE))
            np.testing.assert_array_equal(
                picture.rgb, signed(weights[:, j], (SIDE, SIDE), reach).rgb
            )
        # the first tile, under its label, is neuron 1's picture, cell by cell
        assert lines[0].text.startswith("h1")
        zoom = len(cell_colours(lines[1])) and _first_run(lines[1]) // SIDE
        first = pixels_of(drawn[0].zoomed(zoom))
        for dy in range(SIDE * zoom // 2):
            cells = cell_colours(lines[1 + dy])[: SIDE * zoom]
            assert cells == [(first[2 * dy][x], first[2 * dy + 1][x]) for x in range(SIDE * zoom)]
        assert "one scale for the layer" in str(pane.border_subtitle)


def _first_run(line: Strip) -> int:
    """How many half blocks the line starts with."""
    count = 0
    for cell in cell_colours(line):
        if cell is None:
            break
        count += 1
    return count


async def test_the_card_shows_the_rows_picture_beside_the_weights_picture(
    digits_csv: Path,
) -> None:
    app = digits_app(digits_csv)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space")
        card = app.screen.query_one(NeuronDetail)
        text = card.render()
        first = str(text).split("\n")
        assert first[0].count(HALF) == 2 * SIDE  # the row, then the weights
        assert "row" in first[SIDE // 2] and "W in" in first[SIDE // 2]
        assert "z = Σ" in str(text)  # the equations beside them
        await press(pilot, "left")  # an input: no pictures on its card
        assert HALF not in str(card.render())


async def test_the_rows_view_shows_each_rows_picture(digits_csv: Path) -> None:
    app = digits_app(digits_csv)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space", "t")
        table: DataTable[Any] = app.screen.query_one("#rows-table", DataTable)
        await wait_until(pilot, lambda: table.row_count > 0)
        assert [str(c.label) for c in table.ordered_columns][:3] == ["row", "picture", "target"]
        picture = table.get_row_at(0)[1]
        assert str(picture).split("\n") == [HALF * SIDE] * (SIDE // 2)
        view = app.main.view
        assert view is not None and view.record is not None
        expected = ink(view.record.x[0], (SIDE, SIDE)).lines()
        drawn = [cell_colours(Strip(list(line.render(app.console)))) for line in picture.split()]
        assert drawn == [cell_colours(line) for line in expected]


async def test_the_principal_component_view_shows_both_components(digits_csv: Path) -> None:
    app = digits_app(digits_csv)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space", "b")  # the boundary in the chart's place
        pane = app.screen.query_one(BoundaryPane)
        await wait_until(pilot, lambda: pane.display and pane.size.height > 0)
        lines = lines_of(pane, inside=True)
        assert lines[0].text.startswith("PC1") and "PC2" in lines[0].text
        scene = pane.scene
        assert scene is not None and scene.basis is not None
        axes = scene.basis.axes
        reach = palette.magnitude(axes)
        pc2 = pixels_of(signed(axes[1], (SIDE, SIDE), reach))
        cells = cell_colours(lines[1])[SIDE + 1 : 2 * SIDE + 1]
        assert cells == [(pc2[0][x], pc2[1][x]) for x in range(SIDE)]


async def test_80x24_zoomed_and_light_keep_the_pictures(digits_csv: Path) -> None:
    app = digits_app(digits_csv)
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "space")
        diagram = app.screen.query_one(NetworkDiagram)
        assert picture_cells(lines_of(diagram, inside=True)) >= SIDE * SIDE // 2
        card = app.screen.query_one(NeuronDetail)
        assert HALF not in str(card.render())  # three lines: the equations need them
        await press(pilot, "z")  # the network pane zoomed: room for the card's pictures
        await wait_until(pilot, lambda: HALF in str(card.render()))
        dark = [cell_colours(line) for line in lines_of(diagram, inside=True)]
        app.theme = "textual-light"
        await pilot.pause()
        light = [cell_colours(line) for line in lines_of(diagram, inside=True)]
        assert picture_cells(lines_of(diagram, inside=True)) >= SIDE * SIDE // 2
        assert [c for row in light for c in row if c] == [c for row in dark for c in row if c]
