"""The δ pane's diagnosis in words: the cause the engine found (``engine.diagnosis``)
with its numbers, wrapped so it is never cut."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from tui_backprop.engine.diagnosis import (
    Dead,
    Diagnosis,
    Diverging,
    Finding,
    GradientRatio,
    Saturated,
    Scales,
)


def ratio_words(ratio: float) -> str:
    """``1/1,700 of`` or ``0.83 times`` or ``3.2 times``, to two significant figures."""
    if ratio <= 0.5:
        return f"1/{_two_figures(1 / ratio)} of"
    return f"{_two_figures(ratio)} times"


def _two_figures(x: float) -> str:
    rounded = float(f"{x:.2g}")
    if rounded >= 1e6:
        return f"{rounded:.1e}"
    return f"{rounded:,.0f}" if rounded >= 10 else f"{rounded:g}"


LR_CURE = "lower the lr: l, then r"
EDIT_CURE = "after a hand edit: u undoes it"


def sentences(
    found: Diagnosis, features: Sequence[str], *, short: bool = False, cure: str = LR_CURE
) -> list[tuple[str, bool]]:
    """Each finding as a sentence (``short``: its gist for a small pane), and whether
    it names a problem; ``features`` are the inputs' names (for the one whose scale
    stands out); ``cure``: what a run that is no longer finite calls for."""
    if short:
        return [(short_words(f, features), _is_problem(f)) for f in found.findings]
    return [(finding_words(f, features, cure), _is_problem(f)) for f in found.findings]


def _is_problem(finding: Finding) -> bool:
    return not (isinstance(finding, GradientRatio) and finding.kind == "steady")


def finding_words(finding: Finding, features: Sequence[str], cure: str = LR_CURE) -> str:
    """One finding in words, its evidence in numbers."""
    if isinstance(finding, Diverging):
        if finding.rise is None:
            return f"diverging: the loss or a weight is no longer finite ({cure})"
        return (
            f"diverging: the loss {_two_figures(finding.latest)} is "
            f"{_two_figures(finding.rise)} times its lowest ({_two_figures(finding.lowest)}):"
            " lower the learning rate (l)"
        )
    if isinstance(finding, Saturated):
        slope = "σ'" if finding.activation == "sigmoid" else f"{finding.activation}'"
        return (
            f"saturated: {finding.units} of {finding.of} hidden {finding.activation} units "
            f"flat ({slope} < {finding.slope:g}) on {finding.row_share:.0%} of rows, "
            f"median |z| {_two_figures(finding.median_z)}: their δ≈0"
        )
    if isinstance(finding, Dead):
        return (
            f"dead ReLUs: {finding.units} of {finding.of} hidden units are 0 on all "
            f"{finding.rows} rows: no gradient reaches their weights"
        )
    if isinstance(finding, Scales):
        name = features[finding.feature] if finding.feature < len(features) else "a feature"
        return (
            f"inputs on very different scales: {name}'s sd {_two_figures(finding.spread)}, "
            f"the median feature's {_two_figures(finding.median)}; standardise them (S)"
        )
    text = f"the first layer's gradient is {ratio_words(finding.ratio)} the output's"
    return text if finding.kind == "steady" else f"{text}: {finding.kind} gradients"


def short_words(finding: Finding, features: Sequence[str]) -> str:
    """A finding in a few words, with its main number."""
    if isinstance(finding, Diverging):
        rise = "not finite" if finding.rise is None else f"{_two_figures(finding.rise)}× its lowest"
        return f"diverging: loss {rise}"
    if isinstance(finding, Saturated):
        return f"saturated: {finding.units} of {finding.of} {finding.activation} units, δ≈0"
    if isinstance(finding, Dead):
        return f"dead ReLUs: {finding.units} of {finding.of}"
    if isinstance(finding, Scales):
        name = features[finding.feature] if finding.feature < len(features) else "a feature"
        return f"{name}'s sd {_two_figures(finding.spread)}: standardise (S)"
    if finding.kind == "steady":
        return f"layer 1's gradient {ratio_words(finding.ratio)} the output's"
    return f"{finding.kind}: layer 1's gradient {ratio_words(finding.ratio)} the output's"


def wrapped(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` columns, broken between words."""
    return textwrap.wrap(text, max(width, 12)) or [""]
