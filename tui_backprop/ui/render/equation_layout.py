"""Equations as rows of pieces that give way, in a set order, when a row is too wide,
and the choice of which rows a few lines of screen can hold."""

from __future__ import annotations

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
    tail: bool = False  # the second line of an equation split in two

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


def split(eq: Equation, width: int) -> list[Equation]:
    """The equation on two lines, its name and formula, then (indented) the rest, when
    that keeps what one line would lose: its formula's long form, its substitution or
    its list of values."""
    if len(eq.pieces) < 3 or not eq.known or eq.detail:  # a detail line has no formula
        return [eq]
    indent = Piece((" " * len(eq.pieces[0].variants[0]),), "")
    head = Equation(eq.kind, eq.layer, eq.pieces[:2], eq.known, eq.detail)
    tail = Equation(eq.kind, eq.layer, (indent, *eq.pieces[2:]), eq.known, eq.detail, True)
    two = sum(_choose(head, width)) + sum(_choose(tail, width)[1:])
    if two >= sum(_choose(eq, width)):
        return [eq]
    return [head, tail]


def chosen_lines(eqs: list[Equation], phase: Phase | None, rows: int, width: int) -> list[Equation]:
    """At most ``rows`` lines in the equations' order: the active phase's first (on two
    lines when that keeps its substitution whole), then the main ones, then the
    details."""

    def priority(k: int) -> tuple[int, int]:
        eq = eqs[k]
        return (0 if eq.active(phase) else 1 if not eq.detail else 2, k)

    blocks: dict[int, list[Equation]] = {}
    room = rows
    for k in sorted(range(len(eqs)), key=priority):
        eq = eqs[k]
        lines = split(eq, width) if eq.active(phase) and full_length(eq) > width else [eq]
        if len(lines) > room:
            lines = [eq]
        if room < 1:
            break
        blocks[k] = lines
        room -= len(lines)
    return [line for k in sorted(blocks) for line in blocks[k]]
