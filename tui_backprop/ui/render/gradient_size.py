"""Words for how the first layer's gradient compares with the output layer's: the
verdict under the deltas pane's gradient sizes, wrapped so it is never cut."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

VANISHING = 1e-3  # the first layer's gradient this many times the output's, or less
EXPLODING = 1e3  # ... or this many times, or more


def ratio_words(ratio: float) -> str:
    """``1/1,700 of`` or ``0.83 times`` or ``3.2 times``, to two significant figures."""
    if ratio <= 0.5:
        return f"1/{_two_figures(1 / ratio)} of"
    return f"{_two_figures(ratio)} times"


def _two_figures(x: float) -> str:
    rounded = float(f"{x:.2g}")
    return f"{rounded:,.0f}" if rounded >= 10 else f"{rounded:g}"


def verdict(norms: Sequence[float]) -> tuple[str, bool] | None:
    """The sentence for one epoch's per-layer gradient norms (first layer first), and
    whether it names a problem; None for a single layer or norms that cannot compare."""
    if len(norms) < 2:
        return None
    first, last = norms[0], norms[-1]
    if not (math.isfinite(first) and math.isfinite(last)) or first <= 0 or last <= 0:
        return None
    ratio = first / last
    text = f"the first layer's gradient is {ratio_words(ratio)} the output's"
    if ratio <= VANISHING:
        return text + ": vanishing gradients", True
    if ratio >= EXPLODING:
        return text + ": exploding gradients", True
    return text, False


def wrapped(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` columns, broken between words."""
    return textwrap.wrap(text, max(width, 12)) or [""]
