"""How many decimals each number on a neuron's card gets, so that every line closes.

A learner checks a line by recomputing its result from the numbers printed on it, as
with a calculator. Each printed number is the engine's value rounded, and the rounding
of a line's operands carries into what the learner computes. The rule, by error
propagation: a line's operands get the decimals that keep the error they carry in,
Σ |∂result/∂xᵢ|·|x̂ᵢ − xᵢ| (with each operand's actual rounding x̂ᵢ − xᵢ), within half a
unit of the result's last printed digit (``SHARE``: less a tenth where two rounded
numbers multiply, for the second-order terms this leaves out). Digits go first to the
operand whose rounding carries the most, so a number that is exact, or nearly so, stays
short. The result's own rounding adds at most half a
unit, so the recomputed result misses the printed one by less than one unit of its last
digit. The result keeps its digits and the operands get more, never the reverse: the
result is the number the line is about.

One text per value: a value the card prints on several lines (z inside σ(z), a in
a·(1 − a), ŷ in ℓ and in ŷ − y, the row's input in z and in ∂L/∂w, the first weight in
z, in its gradient and in its update, a gradient in its update) is printed the same way
on each, with the most decimals any of them needs. A result gets at least the card's
usual precision (``numbers.short``: four decimals, three significant digits below
0.001), an operand at least two significant digits (fewer where it is exactly that
number, as a target 1 is). The needs are settled from the card's last line back to its
first (``Book.settling``), so a value's decimals are final before the line that computes
it is closed: a number raised for a line below raises the budget of its own line.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

SHARE = 0.45  # of a unit of the result's last digit, for the operands' rounding
LINEAR = 0.5  # the same where no two rounded numbers multiply: nothing second-order
MOST = 12  # decimals: beyond this a float64 has nothing left to show at |x| ~ 1


def result_floor(x: float) -> int:
    """The decimals ``numbers.short`` prints ``x`` with."""
    mag = abs(x)
    if mag == 0 or not math.isfinite(mag):
        return 4
    if mag < 1e-3:
        return 2 - math.floor(math.log10(mag))
    return 1 if mag >= 100 else 4


def operand_floor(x: float) -> int:
    """Two significant digits, or fewer decimals where they print ``x`` exactly."""
    mag = abs(x)
    if mag == 0 or not math.isfinite(mag):
        return 0
    two = max(1 - math.floor(math.log10(mag)), 0)
    return next((d for d in range(two) if round(x, d) == x), two)


def text(x: float, decimals: int) -> str:
    """``x`` to ``decimals`` decimals; below 0.001 in the ``1.23e-04`` form
    ``numbers.short`` uses, with the same last digit."""
    if not math.isfinite(x):
        return str(x)
    mag = abs(x)
    if 0 < mag < 1e-3:
        return f"{x:.{max(decimals + math.floor(math.log10(mag)), 0)}e}"
    return f"{x:.{decimals}f}"


class Book:
    """The decimals of every number one card prints, found by closing its lines."""

    def __init__(self) -> None:
        self.settling = True  # the lines' needs are being gathered; then they print
        self._decimals: dict[float, int] = {}

    def decimals(self, x: float, floor: int | None = None) -> int:
        x = float(x)
        least = operand_floor(x) if floor is None else floor
        return max(self._decimals.get(x, least), least)

    def _raise(self, x: float, decimals: int) -> None:
        x = float(x)
        self._decimals[x] = max(self._decimals.get(x, decimals), decimals)

    def text(self, x: float) -> str:
        """A number as the card prints it everywhere; a result (or any number not an
        operand) at least to the card's usual precision."""
        x = float(x)
        return text(x, self._decimals.get(x, result_floor(x)))

    def factor(self, x: float) -> str:
        """A number inside an expression: in parentheses when negative."""
        shown = self.text(x)
        return f"({shown})" if shown.startswith("-") else shown

    def close(
        self, result: float, operands: Iterable[tuple[float, float]], share: float = SHARE
    ) -> None:
        """While settling: note ``result`` as a result, and give the operands (value,
        |∂result/∂value|) more decimals, the one whose rounding carries the most error
        into the result first, until together they carry at most ``share`` of a unit
        of the result's last digit (``LINEAR`` for a line without products)."""
        if not self.settling:
            return
        self._raise(result, result_floor(result))
        budget = share * 10.0 ** -self.decimals(result, result_floor(result))
        values: list[float] = []
        slopes: list[float] = []
        for x, s in operands:
            if s and math.isfinite(x) and math.isfinite(s):
                values.append(float(x))
                slopes.append(abs(float(s)))
        places = [self.decimals(x) for x in values]
        errors = [s * abs(round(x, d) - x) for x, s, d in zip(values, slopes, places, strict=True)]
        while sum(errors) > budget:
            k = max(range(len(errors)), key=errors.__getitem__)
            if places[k] >= MOST + result_floor(values[k]):
                break  # beyond a float's digits: the line cannot close any better
            places[k] += 1
            errors[k] = slopes[k] * abs(round(values[k], places[k]) - values[k])
        for x, d in zip(values, places, strict=True):
            self._raise(x, d)
