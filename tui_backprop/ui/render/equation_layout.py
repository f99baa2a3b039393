"""Equations as rows of pieces that give way, in a set order, when a row is too wide,
and the choice of which rows a few lines of screen can hold."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rich.text import Text

from tui_backprop.engine.phases import Phase

# How readily a piece gives way when a row is too wide, the lowest first: summarise a
# substitution, shorten the formula, shorten a list or drop the substitution, drop
# the formula.
SUMMARISE, SHORTEN, DROP, LAST = 0, 1, 2, 3


@dataclass(frozen=True)
class Piece:
    """Text variants from the longest to the shortest; ``steps[i]`` is how readily the
    piece goes from variant i to i + 1 (see SUMMARISE … LAST)."""

    variants: tuple[str, ...]
    style: str
    steps: tuple[int, ...] = ()


@dataclass(frozen=True)
class Equation:
    kind: str  # the phase that computes it
    layer: int | None  # the engine's layer index, for the phases that have one
    pieces: tuple[Piece, ...]
    known: bool = True
    detail: bool = False  # an extra line, shown only when there is room
    tail: bool = False  # a line that goes on from the one above
    whole: bool = False  # a short sum, kept whole over more lines before the other lines

    def active(self, phase: Phase | None) -> bool:
        if phase is None or phase.kind != self.kind:
            return False
        return phase.layer is None or phase.layer == self.layer


def fit(eq: Equation, width: int) -> Text:
    """The equation in ``width`` cells, shortening its pieces in the order ``steps``
    ranks them."""
    out = Text(no_wrap=True, overflow="ellipsis")
    for p, i in zip(eq.pieces, _choose(eq, width), strict=True):
        out.append(p.variants[i], "dim" if not eq.known else p.style)
    return out


def _choose(eq: Equation, width: int) -> list[int]:
    """The variant of each piece: the longest ones that fit."""
    chosen = [0] * len(eq.pieces)

    def length() -> int:
        return sum(len(p.variants[i]) for p, i in zip(eq.pieces, chosen, strict=True))

    while length() > width:
        options = [k for k, p in enumerate(eq.pieces) if chosen[k] < len(p.steps)]
        if not options:
            break
        k = min(options, key=lambda k: eq.pieces[k].steps[chosen[k]])
        chosen[k] += 1
    return chosen


def full_length(eq: Equation) -> int:
    return sum(len(p.variants[0]) for p in eq.pieces)


MOST_LINES = 3  # an equation wrapped over more would crowd out the others
BREAKS = (" = ", " ← ", " + ", " − ")
BREAK = re.compile("|".join(re.escape(b) for b in BREAKS))


def wrapped(eq: Equation, width: int) -> list[Equation] | None:
    """The equation over at most ``MOST_LINES`` lines, where that shows more of its
    substitution than one line does (every term, or more of them): broken before a
    ``+``, ``−`` or ``=`` outside brackets, the next lines indented past its name, and
    its formula kept, as long as the lines allow. None when one line shows it all."""
    if not eq.known or full_length(eq) <= width or len(eq.pieces) < 3:
        return None
    one_line = _choose(eq, width)
    sums = [k for k, p in enumerate(eq.pieces) if p.steps[:1] == (SUMMARISE,)]
    formula = 1 if not eq.detail else None  # a detail line's second piece is its sum
    if not sums:  # nothing to summarise: more lines only keep the whole substitution
        sums = [k for k, p in enumerate(eq.pieces) if k > 1 and len(p.variants) > 1]
    if not sums or one_line[sums[0]] == 0:
        return None
    k_sum = sums[0]
    for level in range(one_line[k_sum]):  # the most terms first
        if len(eq.pieces[k_sum].variants[level]) > MOST_LINES * width:
            continue  # too long for the lines whatever the rest
        best: list[list[tuple[str, str]]] | None = None
        forms = eq.pieces[formula].variants if formula is not None else ("",)
        for form in forms:
            if formula is not None and not form:
                continue  # a formula is kept where an equation takes more lines
            segments = [(p.variants[0], p.style) for p in eq.pieces]
            segments[k_sum] = (eq.pieces[k_sum].variants[level], eq.pieces[k_sum].style)
            if formula is not None:
                segments[formula] = (form, eq.pieces[formula].style)
            lines = _broken(segments, width, len(eq.pieces[0].variants[0]) + 1)
            if lines is not None and (best is None or len(lines) < len(best)):
                best = lines
        if best is not None:
            return [
                Equation(
                    eq.kind,
                    eq.layer,
                    tuple(Piece((text,), style) for text, style in line),
                    eq.known,
                    eq.detail,
                    tail=k > 0,
                )
                for k, line in enumerate(best)
            ]
    return None


def _broken(
    segments: list[tuple[str, str]], width: int, indent: int
) -> list[list[tuple[str, str]]] | None:
    """``segments`` (text, style) broken into lines of at most ``width`` cells."""
    text = "".join(t for t, _ in segments)
    if len(text) > MOST_LINES * width:
        return None
    styles = [style for t, style in segments for _ in t]
    cuts, depth, last = [], 0, 0
    for m in BREAK.finditer(text):
        i = m.start()
        opened = sum(text.count(c, last, i) for c in "([")
        depth += opened - sum(text.count(c, last, i) for c in ")]")
        last = i
        # a sum's terms inside scale·(…) are one bracket deep; (1 − a) is not a sum
        breaks = BREAKS if depth == 0 else (" + ",) if depth == 1 else ()
        if i and breaks and text.startswith(breaks, i):
            cuts.append(i + 1)  # the next line starts with the operator
    starts, room = [0], width
    while len(text) - starts[-1] > room:
        fitting = [c for c in cuts if starts[-1] < c <= starts[-1] + room]
        if not fitting or len(starts) == MOST_LINES:
            return None
        starts.append(fitting[-1])
        room = width - indent
    lines = []
    for k, start in enumerate(starts):
        end = starts[k + 1] - 1 if k + 1 < len(starts) else len(text)
        line = [(" " * indent, "")] if k else []
        for i in range(start, end):
            if line and line[-1][1] == styles[i] and (k == 0 or len(line) > 1):
                line[-1] = (line[-1][0] + text[i], styles[i])
            else:
                line.append((text[i], styles[i]))
        lines.append(line)
    return lines


def chosen_blocks(
    eqs: list[Equation], phase: Phase | None, rows: int, width: int
) -> tuple[list[Equation], int]:
    """At most ``rows`` lines in the equations' order, and how many main (not detail)
    equations found no room. First the active phase's lines, then the short sums whole
    (over two lines if need be), then the other main lines, the active phase's whole,
    the other main lines whole, and the details likewise."""
    blocks: dict[int, list[Equation]] = {}
    room = rows

    def take(k: int, lines: list[Equation]) -> None:
        nonlocal room
        extra = len(lines) - len(blocks.get(k, []))
        if 0 < extra <= room:
            blocks[k] = lines
            room -= extra

    every = range(len(eqs))
    active = [k for k in every if eqs[k].active(phase)]
    main = [k for k in every if not eqs[k].detail]
    passes = (
        (active, False),
        ([k for k in main if eqs[k].whole], True),
        (main, False),
        (active, True),
        (main, True),
        (every, False),
        (every, True),
    )
    for group, whole in passes:
        for k in group:
            take(k, (wrapped(eqs[k], width) or []) if whole else [eqs[k]])
    lines = [line for k in sorted(blocks) for line in blocks[k]]
    return lines, sum(1 for k in main if k not in blocks)
