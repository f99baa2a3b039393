"""Numbers in a fixed number of columns, so matrices line up and nothing jumps."""

from __future__ import annotations

import math

CELL = 7  # "+0.0342", "-1.2e-4", "+123.45"


def signed(x: float, width: int = CELL) -> str:
    """``x`` with its sign in exactly ``width`` columns (width >= 5), as precise as fits;
    small magnitudes switch to a short exponent rather than showing as zero."""
    if math.isnan(x):
        return "nan".rjust(width)
    if math.isinf(x):
        return ("+inf" if x > 0 else "-inf").rjust(width)
    mag = abs(x)
    sign = "-" if x < 0 else "+"
    if mag == 0:
        return ("+0." + "0" * (width - 3))[:width]
    # below this, fixed point would keep no significant digit (or, for 7+ columns, one)
    tiny = max(1e-3, 10.0 ** (3 - width))
    if mag < tiny or mag >= 10 ** (width - 1):
        return (sign + _exponent(mag, width - 1)).rjust(width)
    for decimals in range(max(width - 3, 0), -1, -1):
        text = f"{mag:.{decimals}f}"
        if len(text) <= width - 1:
            return (sign + text).rjust(width)
    return (sign + _exponent(mag, width - 1)).rjust(width)


def _exponent(mag: float, width: int) -> str:
    """``1.2e-4`` (no padding zeros, no ``+`` in the exponent) in at most ``width``."""
    for decimals in range(max(width - 4, 0), -1, -1):
        mant, exp = f"{mag:.{decimals}e}".split("e")
        text = f"{mant}e{int(exp)}"
        if len(text) <= width:
            return text
    return "~0" if mag < 1 else "huge"


def short(x: float) -> str:
    """A compact human number for prose: 0.6931, 1.2e-05, 1,234."""
    if not math.isfinite(x):
        return str(x)
    mag = abs(x)
    if mag != 0 and (mag < 1e-3 or mag >= 1e5):
        return f"{x:.2e}"
    if mag >= 100:
        return f"{x:,.1f}"
    return f"{x:.4f}"


def percent(x: float | None) -> str:
    return "—" if x is None or not math.isfinite(x) else f"{x * 100:.1f}%"


def axis_span(low: float, high: float) -> str:
    """An axis's range in few characters: ``-1.9…2``, ``0…250``."""

    def tick(v: float) -> str:
        return f"{v:.0f}" if abs(v) >= 100 else f"{v:.2g}"

    return f"{tick(low)}…{tick(high)}"
