"""Per-epoch series thinned to what a pane can show, so drawing a chart costs the same
at epoch 100 and at epoch 1,000,000."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from tui_backprop.engine.activations import Array
from tui_backprop.engine.history import MetricsLog

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


def pick(column: Array, count: int, points: int) -> tuple[list[int], list[float]]:
    """(epochs, values) of one metric column over its first ``count`` epochs, thinned;
    epochs whose value is not finite are left out. Reads only the sampled entries."""
    epochs = np.array(sample_epochs(count, points), dtype=np.intp)
    values = column[epochs] if len(epochs) else np.empty(0)
    keep = np.isfinite(values)
    return epochs[keep].tolist(), values[keep].tolist()


def pick_log(
    history: MetricsLog, name: str, count: int, points: int, layer: int | None = None
) -> tuple[list[int], list[float]]:
    """``pick`` from a log's metric (``layer``: that layer's gradient norm), by the rows
    it keeps: evenly spread among those before epoch ``count``, the last included, each
    at the epoch it holds (a thinned log keeps only some)."""
    column = history.column(name)
    if layer is not None:
        column = column[:, layer]
    rows = np.array(sample_epochs(history.rows_before(count), points), dtype=np.intp)
    values = column[rows] if len(rows) else np.empty(0)
    keep = np.isfinite(values)
    return history.epochs_at(rows[keep]).tolist(), values[keep].tolist()


def sparkline(
    values: Sequence[float], log: bool = True, bounds: tuple[float, float] | None = None
) -> tuple[str, float, float]:
    """Block characters for ``values`` (on a log scale when asked, for quantities that
    vanish or explode), from the lowest block at ``bounds[0]`` to the highest at
    ``bounds[1]`` (by default the values' own smallest and largest), and those bounds.
    Lines drawn with the same bounds share one axis and compare by height."""
    usable = [v for v in values if math.isfinite(v) and (v > 0 or not log)]
    if not usable:
        return "", math.nan, math.nan
    lo, hi = bounds if bounds is not None else (min(usable), max(usable))
    f = math.log10 if log else float
    span = f(hi) - f(lo)
    chars = []
    for v in values:
        if not (math.isfinite(v) and (v > 0 or not log)):
            chars.append(" ")
            continue
        t = (f(v) - f(lo)) / span if span > 0 else 0.5
        chars.append(SPARK[max(min(int(t * len(SPARK)), len(SPARK) - 1), 0)])
    return "".join(chars), lo, hi


def positive_range(series: Sequence[Sequence[float]]) -> tuple[float, float] | None:
    """The smallest and largest finite positive value over several series: one log
    axis for all of them, or None when none has such a value."""
    usable = [v for values in series for v in values if math.isfinite(v) and v > 0]
    return (min(usable), max(usable)) if usable else None
