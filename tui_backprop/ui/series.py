"""Per-epoch series thinned to what a pane can show, so drawing a chart costs the same
at epoch 100 and at epoch 1,000,000."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from tui_backprop.engine import EpochMetrics

SPARK = "▁▂▃▄▅▆▇█"


def sample_epochs(count: int, points: int) -> list[int]:
    """At most ``points`` evenly spread indices into ``count`` epochs, the last included."""
    if count <= 0 or points <= 0:
        return []
    if count <= points:
        return list(range(count))
    if points == 1:
        return [count - 1]
    step = (count - 1) / (points - 1)
    return sorted({round(k * step) for k in range(points)})


def pick(history: Sequence[EpochMetrics], count: int, points: int,
         value: Callable[[EpochMetrics], float | None]) -> tuple[list[int], list[float]]:
    """(epochs, values) of ``value`` over the first ``count`` epochs, thinned; epochs
    where the value is missing or not finite are left out."""
    xs, ys = [], []
    for i in sample_epochs(count, points):
        v = value(history[i])
        if v is not None and math.isfinite(v):
            xs.append(i)
            ys.append(v)
    return xs, ys


def sparkline(values: Sequence[float], log: bool = True) -> tuple[str, float, float]:
    """Block characters for ``values`` (on a log scale when asked, for quantities that
    vanish or explode), with the smallest and largest value drawn."""
    usable = [v for v in values if math.isfinite(v) and (v > 0 or not log)]
    if not usable:
        return "", math.nan, math.nan
    lo, hi = min(usable), max(usable)
    f = math.log10 if log else float
    span = f(hi) - f(lo)
    chars = []
    for v in values:
        if not (math.isfinite(v) and (v > 0 or not log)):
            chars.append(" ")
            continue
        t = (f(v) - f(lo)) / span if span > 0 else 0.5
        chars.append(SPARK[min(int(t * len(SPARK)), len(SPARK) - 1)])
    return "".join(chars), lo, hi
