"""Wide data (many features, many classes): every view shows what it names or says in
words what is out of sight and lets the keys reach it; no legend is cut; the hidden
space prints its axes' ranges. On data shaped like iris (4 features, 3 classes), wine
(13 features) and a 64-column, 10-class table, at 120×40 and at a projector's 80×24."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from rich.style import Style
from textual.pilot import Pilot
from textual.widgets import DataTable

from tests.helpers import app_of, lines_of, press, press_until, text_of, wait_until
from tui_backprop.settings import resolve
from tui_backprop.ui.app import BackpropApp
from tui_backprop.ui.panes.boundary_pane import BoundaryPane
from tui_backprop.ui.panes.deltas_pane import DeltasPane
from tui_backprop.ui.panes.diagram_pane import NetworkDiagram
from tui_backprop.ui.panes.hidden_space_pane import HiddenSpacePane
from tui_backprop.ui.panes.weights_pane import WeightsPane
from tui_backprop.ui.screens.rows_log_dialog import RowsLogDialog

WINE = [
    "alcohol",
    "malic_acid",
    "ash",
    "alcalinity",
    "magnesium",
    "phenols",
    "flavanoids",
    "nonflav",
    "proanth",
    "colour",
    "hue",
    "od280",
    "proline",
]
IRIS = ["sepal_len", "sepal_wid", "petal_len", "petal_wid"]
SIZES = [(120, 40), (80, 24)]


def write_csv(path: Path, features: list[str], classes: list[str], per_class: int) -> Path:
    """Rows around one centre per class, shuffled, with a header and the class last."""
    rng = np.random.default_rng(0)
    rows = []
    for name in classes:
        centre = rng.normal(0.0, 3.0, len(features))
        for _ in range(per_class):
            values = centre + rng.normal(0.0, 1.0, len(features))
            rows.append(",".join(f"{v:.3f}" for v in values) + f",{name}")
    order = rng.permutation(len(rows))
    lines = [",".join([*features, "class"]), *(rows[i] for i in order)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def iris(tmp: Path) -> Path:
    return write_csv(tmp / "iris.csv", IRIS, ["setosa", "versicolor", "virginica"], 40)


def wine(tmp: Path) -> Path:
    return write_csv(tmp / "wine.csv", WINE, ["barolo", "grignolino", "barbera"], 40)


def wide(tmp: Path) -> Path:
    """63 features and the class: 64 columns, 10 classes."""
    features = [f"px{k:02d}" for k in range(63)]
    return write_csv(tmp / "wide.csv", features, [f"digit{k}" for k in range(10)], 12)


DATA: list[Callable[[Path], Path]] = [iris, wine, wide]


def app_on(path: Path) -> BackpropApp:
    return app_of(resolve(str(path), {}))


def class_names(app: BackpropApp) -> list[str]:
    return list(app.main.experiment.dataset.class_names)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("data", DATA)
async def test_the_rows_view_reaches_every_column_it_names(
    tmp_path: Path, data: Callable[[Path], Path], size: tuple[int, int]
) -> None:
    app = app_on(data(tmp_path))
    async with app.run_test(size=size) as pilot:
        await press(pilot, "space", "t")
        screen = app.screen
        assert isinstance(screen, RowsLogDialog)
        await wait_until(pilot, lambda: screen.shown is not None)
        table: DataTable[object] = screen.query_one("#rows-table", DataTable)
        await wait_until(pilot, lambda: table.has_focus)  # arrows work without tab
        hint = str(screen.query_one("#rows-body").border_subtitle)
        assert "scroll" in hint and "tab" in hint
        assert "δ = ŷ − y" in [str(c.label) for c in table.columns.values()]
        await press_until(pilot, "right", lambda: table.scroll_x >= table.max_scroll_x, 60)
        await wait_until(pilot, lambda: table.scroll_x >= table.max_scroll_x)
        await wait_until(pilot, lambda: "δ = ŷ − y" in text_of(table))
        assert "loss" in text_of(table) or table.max_scroll_x > 0
        await press(pilot, "down", "down")
        await wait_until(pilot, lambda: table.scroll_y > 0 or table.max_scroll_y == 0)
        await press(pilot, "tab")  # the log, with the focus
        await wait_until(pilot, lambda: screen.query_one("#log").has_focus)


async def test_on_wide_data_the_rows_view_scrolls_sideways_to_the_loss_and_delta(
    tmp_path: Path,
) -> None:
    app = app_on(wide(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "space", "t")
        screen = app.screen
        assert isinstance(screen, RowsLogDialog)
        await wait_until(pilot, lambda: screen.shown is not None)
        table: DataTable[object] = screen.query_one("#rows-table", DataTable)
        assert table.max_scroll_x > 0 and "δ = ŷ − y" not in text_of(table)
        await press_until(pilot, "right", lambda: "δ = ŷ − y" in text_of(table), 60)
        await wait_until(pilot, lambda: "δ = ŷ − y" in text_of(table))
        assert re.search(r"^\s*row\b", text_of(table).splitlines()[0])  # it stays


async def focus_pane(pilot: Pilot[Any], pane: Any) -> None:
    """Focus ``pane`` as a user does without a mouse: tab until it has the focus."""
    for _ in range(12):
        if pane.has_focus:
            return
        await press(pilot, "tab")
    assert pane.has_focus


@pytest.mark.parametrize("data", DATA)
async def test_delta_rows_count_what_is_out_of_sight_and_the_arrows_reach_it(
    tmp_path: Path, data: Callable[[Path], Path]
) -> None:
    app = app_on(data(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await press(pilot, "space")
        pane = app.query_one(DeltasPane)
        text = text_of(pane)
        below = re.search(r"(\d+) more ↓", text)
        assert below and "more rows →" in text and "tab" in text
        await focus_pane(pilot, pane)
        assert "↑↓←→ scroll" in text_of(pane)
        for _ in range(int(below.group(1))):
            await press(pilot, "down")
        text = text_of(pane)
        assert "more ↓" not in text and "more ↑" in text
        last = app.main.view.network.labels[1][-1]  # the first hidden layer's last neuron
        assert re.search(rf"^│ {re.escape(last[:8])}\s", text, re.M)
        await press(pilot, "right")
        first = re.search(r"rows (\d+)-\d+ of", text_of(pane))
        assert first is not None and first.group(1) != "1"
        await press(pilot, "left")
        assert "rows 1-" in text_of(pane)
        page = int(re.search(r"rows 1-(\d+) of", text_of(pane)).group(1))  # type: ignore[union-attr]
        app.main.set_focus(None)
        await press(pilot, *["j"] * page)  # the row chosen is on the next page: it follows
        assert f"rows {page + 1}-" in text_of(pane) and "▼" in text_of(pane)


MORE_ROWS = r"\d+ more rows(, W\d+)?(, W\d+|…W\d+)? ↓"  # the matrices named when not in sight


@pytest.mark.parametrize("data", [iris, wide])
async def test_the_weights_pane_says_what_lies_right_and_below_and_reaches_it(
    tmp_path: Path, data: Callable[[Path], Path]
) -> None:
    app = app_on(data(tmp_path))
    async with app.run_test(size=(100, 40)) as pilot:
        await press(pilot, "space")
        pane = app.query_one(WeightsPane)
        text = text_of(pane)
        assert re.search(r"W1 .* \d+ more → ", text) and re.search(MORE_ROWS, text)
        await focus_pane(pilot, pane)
        for _ in range(max(app.main.view.network.sizes[1:])):
            await press(pilot, "right")
        await wait_until(pilot, lambda: not re.search(r"W1 .* more →", text_of(pane)))
        for _ in range(100):
            await press(pilot, "down")
        await wait_until(pilot, lambda: not re.search(MORE_ROWS, text_of(pane)))


@pytest.mark.parametrize("size", SIZES)
async def test_the_diagram_summarises_in_words_and_reaches_every_input(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    app = app_on(wine(tmp_path))
    async with app.run_test(size=size) as pilot:
        await press(pilot, "space")
        diagram = app.query_one(NetworkDiagram)
        assert re.search(r"⋮ ?\d+ more", text_of(diagram))
        await focus_pane(pilot, diagram)
        await press(pilot, "left")  # the input column
        for k, name in enumerate(WINE):
            assert diagram.selected == (0, k)
            assert re.search(rf"\b{name}\b", text_of(diagram)), name
            await press(pilot, "down")


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("data", DATA)
async def test_no_legend_is_cut_and_the_hidden_space_has_axis_ranges(
    tmp_path: Path, data: Callable[[Path], Path], size: tuple[int, int]
) -> None:
    app = app_on(data(tmp_path))
    async with app.run_test(size=size) as pilot:
        await press(pilot, "space", "b")
        boundary = app.query_one(BoundaryPane)
        names = class_names(app)
        await wait_until(
            pilot, lambda: all(re.search(rf"■{n}\b", text_of(boundary)) for n in names)
        )
        await press(pilot, "H")
        hidden = app.query_one(HiddenSpacePane)
        await wait_until(pilot, lambda: hidden.draws > 0)
        ranges = r"-?[\d.e+]+…-?[\d.e+]+"
        axes = rf"h1 {ranges} →  h2 {ranges} ↑"
        await wait_until(pilot, lambda: re.search(axes, str(hidden.border_title)))
        for name in names:
            assert re.search(rf"■{name}\b", text_of(hidden)), name
        assert "train" in str(hidden.border_subtitle)


def colour_before(pane: Any, name: str) -> tuple[int, int, int]:
    """The colour of the ■ drawn right before ``name`` in ``pane``."""
    for strip in lines_of(pane):
        segments = [s for s in strip if s.text]
        for here, after in itertools.pairwise(segments):
            if here.text.endswith("■") and after.text.startswith(name):
                style: Style = here.style  # type: ignore[assignment]
                assert style.color is not None and style.color.triplet is not None
                return tuple(style.color.triplet)  # type: ignore[return-value]
    raise AssertionError(f"no ■ before {name}")


async def test_an_output_neuron_wears_its_classs_colour_as_the_legend_shows_it(
    tmp_path: Path,
) -> None:
    app = app_on(iris(tmp_path))
    async with app.run_test(size=(160, 40)) as pilot:  # the boundary has its own pane
        await press(pilot, "space")
        boundary = app.query_one(BoundaryPane)
        await wait_until(pilot, lambda: boundary.draws > 0)
        diagram = app.query_one(NetworkDiagram)
        for name in class_names(app):
            legend = colour_before(boundary, name)
            assert colour_before(diagram, name) == legend


async def test_a_lone_sigmoid_output_wears_the_second_classs_colour() -> None:
    app = app_of()
    async with app.run_test(size=(160, 40)) as pilot:
        await press(pilot, "space")
        boundary = app.query_one(BoundaryPane)
        await wait_until(pilot, lambda: boundary.draws > 0)
        second = class_names(app)[1]
        assert colour_before(app.query_one(NetworkDiagram), "P(1)") == colour_before(
            boundary, second
        )


def last_unit(number: str) -> float:
    """The value of one unit in the last digit of ``number`` as printed."""
    mantissa, _, exponent = number.partition("e")
    decimals = len(mantissa.partition(".")[2])
    return 10.0 ** (int(exponent or 0) - decimals)


@pytest.mark.parametrize("run", ["seed", "circles"])
async def test_the_weights_pane_shows_whole_numbers_each_under_its_name(run: str) -> None:
    """At 80×24 a matrix wider than the pane shows only whole columns, each number (with
    its arrow) under its neuron's name and within half a unit of the weight (a column cut
    at the edge showed +0.3 for +0.37, with no name above it); the rows below are counted
    with their matrix named when its title is out of sight. No number or arrow lies under
    the scrollbar."""
    settings = resolve("seed", {}) if run == "seed" else resolve("circles", {"output": "softmax"})
    app = app_of(settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "space", "space", "space")
        pane = app.query_one(WeightsPane)
        lines = text_of(pane, inside=True).splitlines()
        params = app.main.experiment.trainer.params
        names = lines[1].split()
        assert names == list(app.main.view.network.labels[1][: len(names)]) and len(names) >= 2
        assert f" {len(params.weights[0][0]) - len(names)} more → " in lines[0]
        inputs = app.main.view.network.labels[0]
        biases = [] if params.biases is None else [params.biases[0]]
        for line, row in zip(lines[2:], [*params.weights[0], *biases], strict=False):
            label, *numbers = line.split()
            assert label in (*inputs, "bias")
            assert len(numbers) == len(names), line
            assert (
                len(line.rstrip()) <= pane.scrollable_content_region.width
            )  # no scrollbar over it
            for number, weight in zip(numbers, row, strict=False):
                value = number.rstrip("▲▼")
                assert abs(float(value) - weight) <= last_unit(value) / 2 + 1e-12, line
        if run == "circles":  # W2's title is below the pane: its rows are named
            assert re.search(r"\d+ more rows, W2 ↓", text_of(pane))


async def test_the_compact_delta_line_counts_the_neurons_out_of_sight() -> None:
    """At 80×24 the δ pane had room for one or two of the circles run's 8 hidden δ
    colours and showed them as if they were all."""
    app = app_of(resolve("circles", {}))
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "space")
        pane = app.query_one(DeltasPane)
        line = next(s for s in lines_of(pane, inside=True) if s.text.startswith("hidden"))
        base = next(s.style.bgcolor for s in line if s.text.startswith("hidden") and s.style)
        cells = [s for s in line if s.text == "  " and s.style and s.style.bgcolor != base]
        more = re.search(r"\+(\d+)", line.text)
        assert cells and more is not None
        assert len(cells) + int(more.group(1)) == app.main.view.network.sizes[1] == 8


async def test_the_count_of_rows_below_takes_a_line_of_its_own() -> None:
    """A 2-4-1 run with biases at 80×22: 'bias + 5 more rows, W2 ↓' was written over
    the bias row's numbers. The count takes the pane's last line in place of a row (the
    bias row is among those it counts)."""
    app = app_of(resolve("xor", {"hidden": (4,)}))
    async with app.run_test(size=(80, 22)) as pilot:
        await press(pilot, "space", "space", "space")
        pane = app.query_one(WeightsPane)
        lines = text_of(pane, inside=True).splitlines()
        shown = lines[: pane.scrollable_content_region.height]
        assert shown[-1].strip() == "6 more rows, W1, W2 ↓"  # W1's bias, W2's 4 and bias
        assert shown[-2].split()[0] == "x2" and len(shown[-2].split()) == 4  # whole
