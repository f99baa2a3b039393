"""A confusion matrix as terminal lines: per true class (a row) the count and the row's
percentage in each predicted class (a column), the right answers on the diagonal in
green. Train and test side by side when the pane is wide enough, else one above the
other, else the one that fits (test first)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np
from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from tui_backprop.engine.confusion import Counts, EpochConfusion
from tui_backprop.ui.render.class_colours import class_rgb

NAME_CHARS = 8  # a longer class name is cut
RIGHT = (90, 200, 120)  # the chart's accuracy green: the diagonal
WRONG = (235, 235, 240)  # bright, not orange: orange is a negative number's colour
ZERO = (110, 110, 120)
Line = list[Segment]


@cache
def _style(rgb: tuple[int, int, int], bold: bool = False) -> Style:
    return Style(color=Color.from_rgb(*rgb), bold=bold)


def _cell(count: int, row_total: int, percent: bool) -> str:
    if not percent:
        return str(count)
    share = f"{100 * count / row_total:3.0f}%" if row_total else "   -"
    return f"{count} {share}"


def block(title: str, counts: Counts, names: Sequence[str], percent: bool) -> list[Line]:
    """One matrix: its caption, the predicted classes' names, a line per true class."""
    k = len(counts)
    short = [n[:NAME_CHARS] for n in names]
    totals = counts.sum(axis=1).tolist()
    texts = [[_cell(int(c), totals[i], percent) for c in counts[i]] for i in range(k)]
    width = max(len(t) for t in [*short, *(t for row in texts for t in row)])
    label = max(len(n) for n in short)
    total = int(counts.sum())
    right = int(np.trace(counts))
    share = f"{100 * right / total:.2f}% right" if total else "no rows"
    lines: list[Line] = [[Segment(f"{title} · {share} of {total}", _style(RIGHT, True))]]
    header = [Segment(" " * label)]
    header += [Segment(f" {n:>{width}}", _style(class_rgb(j))) for j, n in enumerate(short)]
    lines.append(header)
    for i in range(k):
        line = [Segment(f"{short[i]:>{label}}", _style(class_rgb(i), True))]
        for j, text in enumerate(texts[i]):
            rgb = RIGHT if i == j else WRONG if counts[i, j] else ZERO
            line.append(Segment(f" {text:>{width}}", _style(rgb, i == j)))
        lines.append(line)
    return lines


def _width(lines: list[Line]) -> int:
    return max(sum(len(s.text) for s in line) for line in lines)


def table(confusion: EpochConfusion, names: Sequence[str], width: int, height: int) -> list[Strip]:
    """The matrices of ``confusion`` laid out in ``width`` × ``height`` cells."""
    parts = [("train", confusion.train)]
    if confusion.test is not None:
        parts.append(("test", confusion.test))
    blocks = [block(t, c, names, True) for t, c in parts]
    if any(_width(b) > width for b in blocks):  # without percentages, counts may fit
        blocks = [block(t, c, names, False) for t, c in parts]
    lines: list[Line]
    if len(blocks) == 2 and sum(map(_width, blocks)) + 3 <= width:
        gap = _width(blocks[0]) + 3
        lines = [
            [*a, Segment(" " * (gap - sum(len(s.text) for s in a))), *b]
            for a, b in zip(blocks[0], blocks[1], strict=True)
        ]
    elif len(blocks) == 2 and 2 * len(blocks[0]) + 1 <= height:
        lines = [*blocks[0], [], *blocks[1]]
    else:
        lines = blocks[-1]
    return [Strip(line).crop_extend(0, width, None) for line in lines[:height]]
