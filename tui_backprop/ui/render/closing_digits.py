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
result is the number the line is about. An operand's own float is part of the error (a
bit or two off the number the engine took the result from): a line where that alone
spends the budget (ŷ a few bits from 1 in −log(1 − ŷ)) cannot close, and shows no
substitution.

One text per value: a value the card prints on several lines (z inside σ(z), a in
a·(1 − a), ŷ in ℓ and in ŷ − y, the row's input in z and in ∂L/∂w, the first weight in
z, in its gradient and in its update, a gradient in its update) is printed the same way
on each, with the most decimals any of them needs. A result gets at least the card's
usual precision (``numbers.short``: four decimals, three significant digits below
0.001, and 0 below ``TINY``), an operand at least two significant digits (fewer where
it is exactly that number, as a target 1 is). The needs are settled from the card's
last line back to its first (``Book.settling``), so a value's decimals are final before
the line that computes it is closed: a number raised for a line below raises the budget
of its own line.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

SHARE = 0.45  # of a unit of the result's last digit, for the operands' rounding
LINEAR = 0.5  # the same where no two rounded numbers multiply: nothing second-order
FLOAT_BITS = 2  # last bits an operand may be off from the number the result was taken from
# Below this a number is rounding noise (the mean of standardised inputs, 1e-17): 0
TINY = 1e-12
SMALL, LARGE = 1e-3, 1e5  # outside these a number is written 1.23e-04, 1.23e+05


def _exponent(mag: float) -> int:
    return math.floor(math.log10(mag))


def _exponential(mag: float) -> bool:
    return mag < SMALL or mag >= LARGE


def result_floor(x: float) -> int:
    """The decimals ``numbers.short`` prints ``x`` with (negative: tens, hundreds…)."""
    mag = abs(x)
    if mag < TINY:
        return 0
    if not math.isfinite(mag):
        return 4
    if _exponential(mag):
        return 2 - _exponent(mag)  # three significant digits
    return 1 if mag >= 100 else 4


def float_decimals(x: float) -> int:
    """The most decimals ``x`` is printed with: its last digit still worth a few bits
    of the float (tanh(z) = -0.9999999999990117 printed to 16 decimals showed a digit
    no calculator reproduces from z; a line that needs more stays open)."""
    return math.floor(-math.log10(2 * FLOAT_BITS * math.ulp(x)))


def operand_floor(x: float) -> int:
    """Two significant digits, or fewer decimals where they print ``x`` exactly."""
    mag = abs(x)
    if mag < TINY or not math.isfinite(mag):
        return 0
    two = 1 - _exponent(mag)
    if not _exponential(mag):
        two = max(two, 0)  # fixed point keeps every digit before the point
    return next((d for d in range(two) if printed(x, d) == x), two)


def text(x: float, decimals: int) -> str:
    """``x`` to ``decimals`` decimals; below 0.001 and from 100,000 in the ``1.23e-04``
    form ``numbers.short`` uses, with the same last digit."""
    if not math.isfinite(x):
        return str(x)
    mag = abs(x)
    if mag < TINY:
        return "0"
    if _exponential(mag):
        return f"{x:.{max(decimals + _exponent(mag), 0)}e}"
    return f"{x:.{max(decimals, 0)}f}"


def printed(x: float, decimals: int) -> float:
    """The number ``text(x, decimals)`` shows (as ``round``, correctly rounded)."""
    if abs(x) < TINY:
        return 0.0
    try:
        return round(x, decimals)
    except OverflowError:  # rounded up past the largest float: a diverged run's number
        return math.copysign(math.inf, x)


class Book:
    """The decimals of every number one card prints, found by closing its lines."""

    def __init__(self) -> None:
        self.settling = True  # the lines' needs are being gathered; then they print
        # whether a line already closed has lost its footing since this was cleared: a
        # number it computed was raised afterwards (two lines sharing a value by chance)
        self.changed = False
        self._open: set[float] = set()  # results a line of theirs cannot close
        self._closed: set[float] = set()  # results whose line was closed
        self._decimals: dict[float, int] = {}
        self._floors: dict[float, int] = {}

    def decimals(self, x: float, floor: int | None = None) -> int:
        if floor is None:
            floor = self._floors.get(x)
            if floor is None:
                floor = self._floors[x] = operand_floor(x)
        return max(self._decimals.get(x, floor), floor)

    def _raise(self, x: float, decimals: int) -> None:
        if x not in self._decimals or decimals > self._decimals[x]:
            self._decimals[x] = decimals
            self.changed = self.changed or x in self._closed

    def closes(self, result: float) -> bool:
        """Whether every line that computes ``result`` closed: one that cannot shows no
        substitution."""
        return float(result) not in self._open

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
        result = float(result)
        self._raise(result, result_floor(result))
        self._closed.add(result)
        budget = share * 10.0 ** -self.decimals(result, result_floor(result))
        values, slopes, places, errors = [], [], [], []
        for x, s in operands:
            x, s = float(x), abs(float(s))
            # an operand that is the result itself prints as it does: nothing to raise
            if s and math.isfinite(x) and math.isfinite(s) and x != result:
                d = self.decimals(x)
                values.append(x)
                slopes.append(s)
                places.append(d)
                errors.append(s * abs(printed(x, d) - x))
        # An operand is itself a float, a bit or two from the number the engine worked
        # the result from (ŷ = 1/(1 + e⁻ᶻ) rounded twice, against the ℓ taken from z):
        # that much is spent before any rounding to digits, and where it is the whole
        # budget (ℓ = −log(1 − ŷ) with ŷ a few bits from 1) no digits close the line.
        budget -= sum(s * FLOAT_BITS * math.ulp(x) for x, s in zip(values, slopes, strict=True))
        if budget <= 0:
            self._open.add(result)
            return
        while sum(errors) > budget:
            k = max(range(len(errors)), key=errors.__getitem__)
            if places[k] >= float_decimals(values[k]):
                self._open.add(result)  # beyond a float's digits (saturated, diverged)
                break
            places[k] += 1
            errors[k] = slopes[k] * abs(printed(values[k], places[k]) - values[k])
        for x, d in zip(values, places, strict=True):
            self._raise(x, d)
