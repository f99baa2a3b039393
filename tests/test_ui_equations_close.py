"""Every equation the default mode shows closes by hand: read back from the screen, its
numbers recompute its result to the printed precision.

Each printed number stands for an interval (±half a unit of its last digit; small
integers such as a row count or a label are exact), and each substitution is evaluated
in interval arithmetic: the result printed must lie in what the printed factors allow.
A wrong factor, a wrong formula or a number the line does not show fails the check.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest

from tests.helpers import SIZE, app_of, press, text_of
from tui_backprop.experiment import Experiment
from tui_backprop.settings import SEED_PRESET, Settings
from tui_backprop.ui.model.view import Network, TrainingView, describe_network, snapshot
from tui_backprop.ui.model.walk import next_walk, phase_view
from tui_backprop.ui.render.equations import render

DEFAULT_ROW = 0  # the app shows row 1 until j or k picks another


class Interval:
    """A closed interval of reals with the operations a substitution uses."""

    def __init__(self, lo: float, hi: float | None = None) -> None:
        self.lo, self.hi = lo, lo if hi is None else hi

    def __add__(self, o: Interval) -> Interval:
        return Interval(self.lo + o.lo, self.hi + o.hi)

    def __sub__(self, o: Interval) -> Interval:
        return Interval(self.lo - o.hi, self.hi - o.lo)

    def __neg__(self) -> Interval:
        return Interval(-self.hi, -self.lo)

    def __mul__(self, o: Interval) -> Interval:
        ends = [a * b for a in (self.lo, self.hi) for b in (o.lo, o.hi)]
        return Interval(min(ends), max(ends))

    def __truediv__(self, o: Interval) -> Interval:
        assert o.lo > 0 or o.hi < 0, "a divisor that may be zero"
        return self * Interval(1 / o.hi, 1 / o.lo)

    def __pow__(self, k: int) -> Interval:
        assert k == 2
        ends = sorted((self.lo * self.lo, self.hi * self.hi))
        return Interval(0.0 if self.lo <= 0 <= self.hi else ends[0], ends[1])

    def meets(self, o: Interval) -> bool:
        slack = 1e-12 * max(1.0, abs(self.lo), abs(o.lo))
        return self.lo <= o.hi + slack and o.lo <= self.hi + slack

    def __repr__(self) -> str:
        return f"[{self.lo:.6g}, {self.hi:.6g}]"


def _monotone(f: Callable[[float], float]) -> Callable[[Interval], Interval]:
    return lambda x: Interval(f(x.lo), f(x.hi))


def printed(text: str) -> Interval:
    """The values that print as ``text``: small integers exactly, the rest ± half a unit
    of the last digit printed."""
    mantissa, _, exponent = text.partition("e")
    if "." not in mantissa and not exponent and abs(int(mantissa)) < 100:
        return Interval(float(text))
    decimals = len(mantissa.partition(".")[2])
    half = 0.5 * 10.0 ** (int(exponent or 0) - decimals)
    return Interval(float(text) - half, float(text) + half)


NAMES = {
    "N": printed,
    "sig": _monotone(lambda z: 1 / (1 + math.exp(-z))),
    "log": _monotone(math.log),
    "tanh": _monotone(math.tanh),
    "sign": _monotone(lambda x: float((x > 0) - (x < 0))),
    "HALF": Interval(0.5),
}
NUMBER = re.compile(r"\d+(?:\.\d+)?(?:e[-+]?\d+)?")
CUT = re.compile(r"\[\d+ more terms?: (-?[\d.e+-]+)\]")
ARITHMETIC = re.compile(r"(?:[\d.e+\-−·×/()²½ ]|σ|log|tanh|sign)+")
CROSSED = " (crossed 0)"  # an L1 step that carried the weight across 0 made it 0


def evaluate(segment: str) -> Interval | None:
    """A substitution's value, or None when the segment is not numbers alone (a formula,
    a list, an unknown)."""
    text = CUT.sub(r"(\1)", segment.strip())
    if not text or ARITHMETIC.fullmatch(text) is None:
        return None
    text = text.replace("σ(", "sig(").replace("−", "-").replace("·", "*").replace("×", "*")
    text = text.replace("²", "**2").replace("½", "HALF*")
    text = NUMBER.sub(lambda m: f"N('{m.group()}')", text)
    result = eval(text, {"__builtins__": {}}, NAMES)
    assert isinstance(result, Interval)
    return result


def check_line(line: str) -> int:
    """Check one line: every substitution on it meets the result it ends with. Returns
    how many substitutions it held."""
    body = line.strip(" │▶")
    assert not body.endswith("…"), f"a line cut short: {line!r}"
    segments = re.split(r" = | ← ", body)
    crossed = segments[-1].endswith(CROSSED)
    value = evaluate(segments[-1].removesuffix(CROSSED)) if len(segments) > 2 else None
    if value is None:
        return 0
    checked = 0
    for segment in segments[1:-1]:
        computed = evaluate(segment)
        if computed is not None:
            signs = re.findall(r"sign\(([^)]*\)?)\)", segment)
            side = evaluate(signs[-1]) if signs else None  # the L1 step's weight
            if side is not None:  # the step ends across 0 exactly when it says so
                ends = computed * side  # on the weight's side of 0, or across it
                could = ends.lo <= 0 if crossed else ends.hi > 0 or ends.lo == ends.hi == 0
                assert could, f"{segment} = {computed}, shown crossed: {crossed}: {line!r}"
            if crossed:
                assert value.lo <= 0 <= value.hi, line
            else:
                assert computed.meets(value), f"{segment} = {computed}, shown {value}: {line!r}"
            checked += 1
    return checked


def joined(lines: list[str]) -> list[str]:
    """The card's lines with an equation split over two lines made one again."""
    out: list[str] = []
    for line in lines:
        body = line.strip(" │▶")
        if body.startswith(("= ", "← ")) and out:
            out[-1] = f"{out[-1].rstrip(' │')} {body}"
        else:
            out.append(line)
    return out


def values_of(lines: list[str]) -> dict[str, str]:
    """The printed result of the lines named z, a and ŷ."""
    out = {}
    for line in lines:
        m = re.match(r"\s*(?:▶ )?(z|a|ŷ) = .* = (-?[\d.e+-]+)\s*$", line.strip(" │"))
        if m:
            out[m.group(1)] = m.group(2)
    return out


def check_card(text: str) -> int:
    """Check every line of a neuron card, and that a number taken from a line above is
    printed as that line prints it. Returns the number of substitutions checked."""
    lines = joined(text.splitlines())
    named = values_of(lines)
    for line in lines:
        for arg in re.findall(r"σ\((-?[\d.e+-]+)\)", line):
            assert arg == named["z"], line
        # a hidden neuron's card in the loss phase takes ŷ from the diagram
        out = named.get("ŷ")
        for p in re.findall(r"log\((?:1 − )?(-?[\d.]+)\)", line):
            assert out is None or p == out, line
        error = re.search(r"ŷ − y = (-?[\d.]+) − ", line)
        if error:
            assert error.group(1) == named["ŷ"], line
        slope = re.search(r"(-?[\d.]+)·\(1 − (-?[\d.]+)\)", line)
        if slope:
            assert slope.group(1) == slope.group(2) == named["a"], line
    return sum(check_line(line) for line in lines)


# -- the seed network's cards and walks --------------------------------------------------

WIDTHS = (62, 100, 40)  # the card at 120 columns, a wide one, a narrow one
ROWS = 12  # enough for every equation of a neuron


def seed_run(settings: Settings = SEED_PRESET) -> tuple[Experiment, Network]:
    experiment = Experiment.build(settings)
    ds = experiment.dataset
    trainer = experiment.trainer
    return experiment, describe_network(trainer, ds.feature_names, ds.class_names, ds.label_name)


def cards(view: TrainingView) -> Iterator[tuple[int, int, str]]:
    """Every neuron's card at every width: (layer, width, text)."""
    sizes = view.network.sizes
    for layer in range(1, len(sizes)):
        for neuron in range(sizes[layer]):
            for width in WIDTHS:
                yield layer, width, render(view, layer, neuron, width, ROWS).plain


@pytest.mark.parametrize("epoch", [0, 1, 20])
def test_every_equation_of_the_walk_and_the_cards_closes_by_hand(epoch: int) -> None:
    experiment, network = seed_run()
    trainer = experiment.trainer
    for _ in range(epoch):
        trainer.train_epoch()
    if epoch:  # before the first step a card has no equations
        for _, _, text in cards(snapshot(trainer, network, DEFAULT_ROW)):
            check_card(text)
    walk = next_walk(None, trainer)
    phases = 0
    while walk is not None:
        phases += 1
        for layer, width, text in cards(phase_view(trainer, network, DEFAULT_ROW, walk)):
            checked = check_card(text)
            if walk.finished and width == 100:
                # z, a, δ, one gradient, one update; at the output also ℓ and L
                assert checked == (7 if layer == network.depth else 5), text
        walk = walk.advanced()
    assert phases == 7


def test_a_run_with_l1_and_l2_closes_by_hand_and_shows_the_zeroing() -> None:
    """L2 in the gradient, the L1 step in the update: both close, and a weight the L1
    step carried across 0 says so."""
    experiment, network = seed_run(replace(SEED_PRESET, l1=0.3, l2=0.01))
    trainer = experiment.trainer
    crossed = checked = 0
    for _ in range(6):
        trainer.train_epoch()
        for _, _, text in cards(snapshot(trainer, network, DEFAULT_ROW)):
            checked += check_card(text)
            crossed += CROSSED in text
    assert checked and crossed
    record = trainer.last_record
    assert record is not None and (record.l1, record.l2) == (0.3, 0.01)
    walk, shown = next_walk(None, trainer), ""
    while walk is not None:
        for _, _, text in cards(phase_view(trainer, network, DEFAULT_ROW, walk)):
            check_card(text)
            shown += text
        walk = walk.advanced()
    assert "− 0.1·0.3·sign(" in shown and "+ 0.01·" in shown  # both terms, worked


def test_the_checker_catches_an_equation_that_does_not_close() -> None:
    assert check_line("  z = Σ wᵢ·aᵢ = (-0.0938)·2.78 + 0.00871·2.55 = -0.2387") == 1
    with pytest.raises(AssertionError):
        check_line("  z = Σ wᵢ·aᵢ = (-0.0938)·2.78 + 0.00871·2.55 = -0.2367")
    with pytest.raises(AssertionError):  # σ of a mean is not a mean of σ
        check_line("  a = σ(z) = σ(-0.4324) = 0.3951")
    assert check_line("  ∂L/∂w(x1) = 2.8·(-0.007) + [9 more terms: 0.15] = 0.1329") == 1
    assert check_line("    w(x1) ← 0.0200 − 0.1·0.0500 − 0.1·0.3·sign(0.0200) = 0 (crossed 0)") == 1
    with pytest.raises(AssertionError):  # it did not cross 0
        check_line("    w(x1) ← 0.200 − 0.1·0.0500 − 0.1·0.3·sign(0.200) = 0 (crossed 0)")
    with pytest.raises(AssertionError):  # it crossed 0 and was not zeroed
        check_line("    w(x1) ← 0.0200 − 1·0.0500 − 1·0.5·sign(0.0200) = -0.530")
    with pytest.raises(AssertionError):  # σ(z) from another z than the line above's
        check_card("  z = Σ wᵢ·aᵢ = 1·2 = 2\n  a = σ(z) = σ(3) = 0.9526")


async def test_the_screen_walk_from_epoch_zero_closes_by_hand_on_row_one() -> None:
    """The real card at 120×40, phase by phase, as a learner reads it."""
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        checked = 0
        for _ in range(7):
            await press(pilot, "n")
            await pilot.pause()
            card = text_of(app.query_one("#neuron"))
            assert "row 1 (1 of 10)" in card
            checked += check_card(card)
        assert checked >= 15


async def test_j_and_k_choose_the_row_before_the_first_step() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        title = lambda: text_of(app.query_one("#neuron")).splitlines()[0]  # noqa: E731
        assert "row 1 · no step yet" in title()
        await press(pilot, "j")
        assert "row 2 · no step yet" in title()
        await press(pilot, "n")  # the walk starts on the row chosen
        await pilot.pause()
        record = app.main.experiment.trainer.last_record
        assert record is not None
        card = text_of(app.query_one("#neuron"))
        assert "row 2 (2 of 10)" in card
        assert f"= {record.layers[0].z[1, 0]:.4f}" in card
        await press(pilot, "k", "k")  # back past row 1 to the batch mean
        await pilot.pause()
        card = text_of(app.query_one("#neuron"))
        assert "mean of 10 rows" in card and "a = mean of σ(zᵢ) over 10 rows" in card
