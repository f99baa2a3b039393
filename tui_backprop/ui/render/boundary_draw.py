"""The decision-boundary picture as terminal lines: "▀" half blocks give every cell two
pixels (its foreground on top, its background below), and the rows are glyphs on top.

One forward pass of the engine per picture (``boundary_grid`` or ``Trainer.predict``);
the rest is array work and one pass over the cells, with runs of equal cells merged
into one segment.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from tui_backprop.engine.activations import Array
from tui_backprop.engine.boundary import boundary_grid, grid_of
from tui_backprop.engine.metrics import predicted_classes
from tui_backprop.engine.network import Params
from tui_backprop.ui.model.kept_runs import EarlierBoundary
from tui_backprop.ui.model.scene import NOTHING, PLANE, REGRESSION, Scene
from tui_backprop.ui.render.class_colours import (
    BASE,
    MUTED,
    PLAIN,
    half_block,
    outline_style,
    pixel_rgb,
    point_style,
    shade_codes,
)

TRAIN, TEST = "●", "○"
WRONG_TRAIN, WRONG_TEST = "✖", "✕"  # predicted class differs from the label
UPPER, LOWER = "▀", "▄"
OUTLINE = "•"  # an earlier run's boundary (c)
DIAGONAL = Style(color=Color.from_rgb(*MUTED), bgcolor=Color.from_rgb(*BASE))
Mark = tuple[str, Style]


def draw(
    scene: Scene,
    params: Params,
    width: int,
    height: int,
    earlier: EarlierBoundary | None = None,
) -> list[Strip]:
    """``height`` lines of ``width`` cells picturing ``scene`` under ``params``, with
    ``earlier``'s boundary dotted over the map (under the points)."""
    if width < 1 or height < 1:
        return []
    if scene.kind == NOTHING:
        return [Strip.blank(width, DIAGONAL)] * height
    if scene.kind == PLANE:
        grid = boundary_grid(scene.trainer, width, 2 * height, scene.plane, params, scene.lift)
        codes = shade_codes(grid.classes, grid.confidence, scene.n_classes)
        where, classes, wrong = scene.where, scene.labels.astype(np.intp), None
    else:
        codes = np.full((2 * height, width), PLAIN, dtype=np.intp)
        where, classes, wrong = _predicted(scene, params)
    marks = _marks(scene, codes, where, classes, wrong)
    if earlier is not None and scene.kind == PLANE:
        _outline(earlier, scene, codes, marks)
    if scene.kind == REGRESSION:
        _diagonal(scene, marks, width, height)
    return [_line(codes[2 * r], codes[2 * r + 1], marks.get(r, {})) for r in range(height)]


def _predicted(
    scene: Scene, params: Params
) -> tuple[Array, NDArray[np.intp], NDArray[np.bool_] | None]:
    """Positions, colours and errors of the rows when they depend on the prediction."""
    out = scene.trainer.predict(scene.x, params)
    if scene.kind == REGRESSION:
        where = np.column_stack([scene.where[:, 0], out[:, 0]])
        return where, np.ones(len(where), dtype=np.intp), None
    classes = predicted_classes(scene.trainer.config.output, out)
    wrong: NDArray[np.bool_] = classes != scene.labels
    return scene.where, classes, wrong


def _pixels(
    scene: Scene, where: Array, width: int, pixel_rows: int
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Column and pixel row of every point; off the plane (or not finite) pins to its edge."""
    x0, x1, y0, y1 = scene.plane
    with np.errstate(invalid="ignore"):
        fx = np.nan_to_num((where[:, 0] - x0) / (x1 - x0), nan=0.5)
        fy = np.nan_to_num((y1 - where[:, 1]) / (y1 - y0), nan=0.5)
    cols = np.rint(np.clip(fx, 0, 1) * (width - 1)).astype(np.intp)
    rows = np.rint(np.clip(fy, 0, 1) * (pixel_rows - 1)).astype(np.intp)
    return cols, rows


def _marks(
    scene: Scene,
    codes: NDArray[np.intp],
    where: Array,
    classes: NDArray[np.intp],
    wrong: NDArray[np.bool_] | None,
) -> dict[int, dict[int, Mark]]:
    """The glyph on each cell that holds a point: the last row drawn there wins, so test
    rows (drawn after the training rows) and errors stay visible."""
    pixel_rows, width = codes.shape
    cols, prow = _pixels(scene, where, width, pixel_rows)
    order = np.arange(len(cols))
    if wrong is not None:  # errors last, on top
        order = np.concatenate([order[~wrong], order[wrong]])
    cell = (prow // 2) * width + cols
    last = len(order) - 1 - np.unique(cell[order][::-1], return_index=True)[1]
    marks: dict[int, dict[int, Mark]] = {}
    for i in order[last].tolist():
        glyph = _glyph(bool(scene.test[i]), wrong is not None and bool(wrong[i]))
        background = pixel_rgb(int(codes[prow[i], cols[i]]))
        row = int(prow[i]) // 2
        marks.setdefault(row, {})[int(cols[i])] = (glyph, point_style(int(classes[i]), background))
    return marks


def _outline(
    earlier: EarlierBoundary,
    scene: Scene,
    codes: NDArray[np.intp],
    marks: dict[int, dict[int, Mark]],
) -> None:
    """Dots on the cells where ``earlier``'s predicted class changes, under the points."""
    pixel_rows, width = codes.shape
    grid = grid_of(earlier.config, earlier.params, width, pixel_rows, scene.plane, scene.lift)
    old = grid.classes
    edge = np.zeros_like(old, dtype=bool)
    edge[:, :-1] |= old[:, :-1] != old[:, 1:]
    edge[:-1, :] |= old[:-1, :] != old[1:, :]
    cells = edge[0::2] | edge[1::2]
    for row, col in zip(*np.nonzero(cells), strict=True):
        r, c = int(row), int(col)
        style = outline_style(pixel_rgb(int(codes[2 * r, c])))
        marks.setdefault(r, {}).setdefault(c, (OUTLINE, style))


def _glyph(test: bool, wrong: bool) -> str:
    if wrong:
        return WRONG_TEST if test else WRONG_TRAIN
    return TEST if test else TRAIN


def _diagonal(scene: Scene, marks: dict[int, dict[int, Mark]], width: int, height: int) -> None:
    """Where predicted equals actual, under the points."""
    x0, x1, _, _ = scene.plane
    values = np.linspace(x0, x1, width)
    cols, prow = _pixels(scene, np.column_stack([values, values]), width, 2 * height)
    for c, p in zip(cols.tolist(), prow.tolist(), strict=True):
        marks.setdefault(p // 2, {}).setdefault(c, (UPPER if p % 2 == 0 else LOWER, DIAGONAL))


def _line(top: NDArray[np.intp], bottom: NDArray[np.intp], marks: dict[int, Mark]) -> Strip:
    segments: list[Segment] = []
    run, start = (-1, -1), 0
    pairs = list(zip(top.tolist(), bottom.tolist(), strict=True))
    for c, pair in enumerate(pairs):
        mark = marks.get(c)
        if mark is None and pair == run:
            continue
        if c > start:
            segments.append(Segment(UPPER * (c - start), half_block(*run)))
        if mark is not None:
            segments.append(Segment(*mark))
            run, start = (-1, -1), c + 1
        else:
            run, start = pair, c
    if len(pairs) > start:
        segments.append(Segment(UPPER * (len(pairs) - start), half_block(*run)))
    return Strip(segments, len(pairs))
