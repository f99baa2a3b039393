"""Why a network is not learning, found from one step's record, the epoch's gradient
norms and the loss so far, with the numbers that show it.

The causes, in the order they are reported (the first one that holds is the cause; a
wide spread of the inputs is also given as its likely reason when another one holds):

- **diverging** — the loss or a weight is no longer finite, or the latest loss is at
  least ``DIVERGING_RISE`` (100) times the lowest so far and above the first epoch's:
  the learning rate is too large for the surface.
- **saturated** — at least ``SATURATED_SHARE`` (half) of the hidden sigmoid and tanh
  units are saturated: their slope f'(z) is below ``FLAT_SLOPE`` (1 %) of the
  activation's steepest (σ' < 0.0025, tanh' < 0.01) on at least ``MOST_ROWS`` (90 %)
  of the step's rows. Their δ = f'(z)·Σ w·δ is then ~0, so they stop learning.
- **dead** — at least ``DEAD_SHARE`` (half) of the hidden ReLUs are zero (z ≤ 0) on
  every row of the step: no gradient reaches their weights at all.
- **exploding** / **vanishing** — the first layer's gradient norm is at least
  ``EXPLODING`` (1000) times / at most ``VANISHING`` (1/1000) of the output layer's.
- **scales** — the inputs are on very different scales: the largest spread (standard
  deviation over the step's rows) is at least ``SCALE_RATIO`` (100) times the median
  feature's, or that many times 1 when the median is below 1. Standardised inputs all
  have a spread of 1, so this only shows with standardising off.
- **steady** — none of these: the gradient ratio alone, as the evidence that the
  layers learn at comparable rates.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tui_backprop.engine.activations import Array
from tui_backprop.engine.records import StepRecord

DIVERGING_RISE = 100.0
FLAT_SLOPE = 0.01
MOST_ROWS = 0.9
SATURATED_SHARE = 0.5
DEAD_SHARE = 0.5
VANISHING = 1e-3
EXPLODING = 1e3
SCALE_RATIO = 100.0

# The steepest slope of each squashing activation (at z = 0).
PEAK_SLOPE = {"sigmoid": 0.25, "tanh": 1.0}


@dataclass(frozen=True)
class Diverging:
    """The loss ``rise`` times its lowest so far (None: not finite any more)."""

    rise: float | None
    lowest: float
    latest: float


@dataclass(frozen=True)
class Saturated:
    """``units`` of the ``of`` hidden ``activation`` units are flat on most rows."""

    units: int
    of: int
    activation: str
    slope: float  # the threshold: FLAT_SLOPE of the activation's peak
    row_share: float  # the share of their rows on which they are flat
    median_z: float  # the median |z| of those units over the rows: how far out they sit


@dataclass(frozen=True)
class Dead:
    """``units`` of the ``of`` hidden ReLUs output zero on all ``rows`` rows."""

    units: int
    of: int
    rows: int


@dataclass(frozen=True)
class GradientRatio:
    """The first layer's gradient norm over the output layer's."""

    ratio: float

    @property
    def kind(self) -> str:
        """``exploding``, ``vanishing`` or ``steady``."""
        if self.ratio >= EXPLODING:
            return "exploding"
        if self.ratio <= VANISHING:
            return "vanishing"
        return "steady"


@dataclass(frozen=True)
class Scales:
    """Input ``feature`` (its column) has the spread ``spread`` (a standard deviation
    over the step's rows), the median feature ``median``."""

    feature: int
    spread: float
    median: float


Finding = Diverging | Saturated | Dead | GradientRatio | Scales


@dataclass(frozen=True)
class Diagnosis:
    """The cause first, then its likely reason (a ``Scales``) when there is one."""

    findings: tuple[Finding, ...]

    @property
    def problem(self) -> bool:
        """Whether the first finding is something wrong (not a steady gradient ratio)."""
        first = self.findings[0] if self.findings else None
        return first is not None and not (
            isinstance(first, GradientRatio) and first.kind == "steady"
        )


def diagnose(
    record: StepRecord, norms: Sequence[float], losses: Array, *, diverged: bool = False
) -> Diagnosis:
    """The diagnosis of a step (``record``), the epoch's per-layer gradient norms
    (first layer first) and every epoch's loss so far, the latest last; ``diverged``
    when the trainer found a weight that is no longer finite."""
    scales = input_scales(record.x)
    cause = (
        diverging(losses, not diverged)
        or saturated(record)
        or dead(record)
        or gradient_ratio(norms, problem_only=True)
    )
    if cause is None:
        found: list[Finding] = [scales] if scales else []
        ratio = gradient_ratio(norms, problem_only=False)
        return Diagnosis((*found, *([ratio] if ratio else [])))
    return Diagnosis((cause, scales) if scales and not isinstance(cause, Diverging) else (cause,))


def diverging(losses: Array, finite: bool = True) -> Diverging | None:
    """A loss gone non-finite (or weights, when ``finite`` is False) or far above its
    lowest (see the module's rule)."""
    if not len(losses):
        return None
    latest = float(losses[-1])
    if not (finite and math.isfinite(latest)):
        kept = losses[np.isfinite(losses)]
        return Diverging(None, float(kept.min()) if len(kept) else math.nan, latest)
    lowest = float(np.min(losses))
    if lowest > 0 and latest >= DIVERGING_RISE * lowest and latest > float(losses[0]):
        return Diverging(latest / lowest, lowest, latest)
    return None


def saturated(record: StepRecord) -> Saturated | None:
    """The hidden sigmoid and tanh units flat on most rows, if they are most units."""
    units = rows_flat = of = 0
    far: list[Array] = []
    kind = ""
    for layer in record.layers[:-1]:
        peak = PEAK_SLOPE.get(layer.activation)
        if peak is None:
            continue
        flat = layer.derivative < FLAT_SLOPE * peak  # (rows, units)
        mostly = flat.mean(axis=0) >= MOST_ROWS
        of += flat.shape[1]
        units += int(mostly.sum())
        rows_flat += int(flat[:, mostly].sum())
        far.append(np.abs(layer.z[:, mostly]).ravel())
        kind = layer.activation
    if not of or units < SATURATED_SHARE * of:
        return None
    rows = len(record.rows)
    return Saturated(
        units,
        of,
        kind,
        FLAT_SLOPE * PEAK_SLOPE[kind],
        rows_flat / (units * rows),
        float(np.median(np.concatenate(far))),
    )


def dead(record: StepRecord) -> Dead | None:
    """The hidden ReLUs at zero on every row, if they are most of them."""
    units = of = 0
    for layer in record.layers[:-1]:
        if layer.activation != "relu":
            continue
        of += layer.z.shape[1]
        units += int((layer.z <= 0).all(axis=0).sum())
    if not of or units < DEAD_SHARE * of:
        return None
    return Dead(units, of, len(record.rows))


def gradient_ratio(norms: Sequence[float], *, problem_only: bool) -> GradientRatio | None:
    """The first layer's gradient over the output's (None for one layer, norms that
    cannot compare or, with ``problem_only``, a ratio within bounds)."""
    if len(norms) < 2:
        return None
    first, last = norms[0], norms[-1]
    if not (math.isfinite(first) and math.isfinite(last)) or first <= 0 or last <= 0:
        return None
    found = GradientRatio(first / last)
    return None if problem_only and found.kind == "steady" else found


def input_scales(x: Array) -> Scales | None:
    """The feature whose spread dwarfs the others' (see the module's rule), or None.
    Measured on at most ``SPREAD_ROWS`` evenly spaced rows, and remembered for the last
    array asked about: a full batch is the same array every epoch, and its spreads are
    the slowest part of a diagnosis of a large dataset."""
    if _LAST.x is not x:
        _LAST.found = _scales(x[:: max(len(x) // SPREAD_ROWS, 1)])
        _LAST.x = x
    return _LAST.found


def _scales(x: Array) -> Scales | None:
    if x.shape[0] < 2 or x.shape[1] < 1:
        return None
    spreads = x.std(axis=0)
    if not np.isfinite(spreads).all():
        return None
    widest = int(np.argmax(spreads))
    median = float(np.median(spreads))
    if spreads[widest] < SCALE_RATIO * max(median, 1.0):
        return None
    return Scales(widest, float(spreads[widest]), median)


SPREAD_ROWS = 2000


@dataclass
class _Remembered:
    """The array ``input_scales`` was last asked about, and its answer."""

    x: Array | None = None
    found: Scales | None = None


_LAST = _Remembered()
