"""Every equation the card prints closes with a calculator: recomputed from the numbers
printed on its own line, each line gives its printed result to within one unit of that
result's last digit.

The numbers are taken as printed (a learner has nothing else), the expression is worked
out in floating point, and it may miss the printed result by at most one unit of its last
digit: half a unit for the result's own rounding, half for the operands' (see
``ui.render.closing_digits``). A wrong factor, a wrong formula, a number the line does not
show or too few digits fails the check.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.helpers import SIZE, app_of, press, text_of
from tui_backprop.engine.activations import LEAKY_SLOPE
from tui_backprop.experiment import Experiment
from tui_backprop.settings import CHOICES, SEED_PRESET, Settings, resolve
from tui_backprop.ui.model.view import Network, TrainingView, describe_network, snapshot
from tui_backprop.ui.model.walk import next_walk, phase_view
from tui_backprop.ui.render.closing_digits import Book
from tui_backprop.ui.render.equation_layout import fit
from tui_backprop.ui.render.equations import equations, render

DEFAULT_ROW = 0  # the app shows row 1 until j or k picks another
SLACK = 1 + 1e-9  # the calculator's own rounding


def unit(text: str) -> float:
    """One unit of the last digit of a printed number."""
    mantissa, _, exponent = text.partition("e")
    return 10.0 ** (int(exponent or 0) - len(mantissa.partition(".")[2]))


NAMES = {
    "sig": lambda z: 1 / (1 + math.exp(-z)) if z > -700 else 0.0,
    "log": math.log,
    "tanh": math.tanh,
    "relu": lambda z: max(z, 0.0),
    "leaky": lambda z: z if z > 0 else LEAKY_SLOPE * z,
    "sign": lambda x: float((x > 0) - (x < 0)),
    "exp": math.exp,
}
NUMBER = re.compile(r"\d+(?:\.\d+)?(?:e[-+]?\d+)?")
CUT = re.compile(r"\[\d+ (?:more )?terms?: (-?[\d.e+-]+)\]")
ARITHMETIC = re.compile(r"(?:[\d.e+\-−·/()²½ ]|σ|log|exp|tanh|relu|leaky|sign)+")
CROSSED = " (crossed 0)"  # an L1 step that carried the weight across 0 made it 0
CONTINUED = ("= ", "← ", "+ ", "− ")  # how a line that goes on from the one above starts


def evaluate(segment: str) -> float | None:
    """A substitution worked out from its printed numbers, or None when the segment is
    not numbers alone (a formula, a list, an unknown)."""
    text = CUT.sub(r"(\1)", segment.strip())
    if not text or ARITHMETIC.fullmatch(text) is None or not NUMBER.search(text):
        return None
    text = text.replace("σ(", "sig(").replace("−", "-").replace("·", "*")
    text = text.replace("²", "**2").replace("½", "0.5*")
    result = eval(text, {"__builtins__": {}}, NAMES)
    assert isinstance(result, float | int)
    return float(result)


def check_line(line: str) -> int:
    """Check one line: every substitution on it gives the result it ends with, to
    within one unit of the result's last digit. Returns how many it held."""
    body = line.strip(" │▶")
    assert not body.endswith("…"), f"a line cut short: {line!r}"
    segments = re.split(r" = | ← ", body)
    last = segments[-1]
    crossed = last.endswith(CROSSED)
    last = last.removesuffix(CROSSED)
    if len(segments) < 3 or evaluate(last) is None:
        return 0
    value, tolerance = float(last), unit(last) * SLACK
    checked = 0
    for segment in segments[1:-1]:
        computed = evaluate(segment)
        if computed is None:
            continue
        signs = re.findall(r"sign\((\(?-?[\d.e+-]+\)?)\)", segment)
        side = evaluate(signs[-1]) if signs else None  # the L1 step's weight
        if crossed:  # the loss step took the weight across 0, and the L1 step to 0
            assert value == 0 and side is not None and computed * side <= 0, line
        else:
            # an L1 step ends on the weight's side of 0, else it is zeroed
            assert side is None or computed * side > 0 or computed == 0, line
            miss = abs(computed - value)
            assert miss <= tolerance, f"{segment} = {computed:.8g}, shown {last}: {line!r}"
        checked += 1
    return checked


def joined(lines: list[str]) -> list[str]:
    """The card's lines with an equation written over several lines made one again."""
    out: list[str] = []
    for line in lines:
        body = line.strip(" │▶")
        if body.startswith(CONTINUED) and out:
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
        for arg in re.findall(r"(?:σ|tanh|relu|leaky)\((-?[\d.e+-]+)\)", line):
            assert arg == named.get("z", arg), line
        # a hidden neuron's card in the loss phase takes ŷ from the diagram, and a
        # softmax output's ℓ takes the true class's ŷ, another output neuron's
        out = None if "Σ y·log" in line else named.get("ŷ")
        for p in re.findall(r"log\((?:1 − )?(-?[\d.e+-]+)\)", line):
            assert out is None or p == out, line
        error = re.search(r"ŷ − y = (-?[\d.e+-]+) − ", line)
        if error:
            assert error.group(1) == named.get("ŷ", error.group(1)), line
        slope = re.search(r"\(?(-?[\d.e+-]+)\)?·\(1 − \(?(-?[\d.e+-]+)\)?\)", line)
        if slope:
            assert slope.group(1) == slope.group(2) == named.get("a", slope.group(1)), line
    return sum(check_line(line) for line in lines)


# -- cards over many runs ------------------------------------------------------------

# (width, rows) of the card's text: 120×40, 80×24, zoomed at 120×40, and narrow; each
# width also with room for every line, so none goes unchecked
SCREENS = ((62, 8), (78, 3), (118, 36), (40, 12))
ROWS = 24


def run_of(settings: Settings) -> tuple[Experiment, Network]:
    experiment = Experiment.build(settings)
    ds = experiment.dataset
    trainer = experiment.trainer
    return experiment, describe_network(trainer, ds.feature_names, ds.class_names, ds.label_name)


def cards(view: TrainingView) -> Iterator[tuple[int, int, str]]:
    """Every neuron's card on every screen: (layer, width, text)."""
    sizes = view.network.sizes
    for layer in range(1, len(sizes)):
        for neuron in range(sizes[layer]):
            for width, rows in SCREENS:
                for height in (rows, ROWS):
                    yield layer, width, render(view, layer, neuron, width, height).plain


def check_run(settings: Settings, epochs: int, samples: tuple[int | None, ...]) -> int:
    """Train ``epochs`` and check every card of every sample shown; the number of
    substitutions checked."""
    experiment, network = run_of(settings)
    for _ in range(epochs):
        experiment.trainer.train_epoch()
    return sum(
        check_card(text)
        for sample in samples
        for _, _, text in cards(snapshot(experiment.trainer, network, sample))
    )


@pytest.mark.parametrize("epochs", [1, 3, 19, 60])
def test_every_line_of_the_seed_cards_closes(epochs: int) -> None:
    """The reference run after ``epochs``, on row 1, row 5 and the batch mean; zoomed,
    every line of a row's card is worked out (none closes by showing no numbers)."""
    assert check_run(SEED_PRESET, epochs, (DEFAULT_ROW, 4, None)) > 100
    experiment, network = run_of(SEED_PRESET)
    for _ in range(epochs):
        experiment.trainer.train_epoch()
    view = snapshot(experiment.trainer, network, 4)
    # z, a, δ, one gradient, one update; at the output also ℓ and L
    assert check_card(render(view, 1, 2, 118, 36).plain) == 5
    assert check_card(render(view, 2, 0, 118, 36).plain) == 7


SMALL = {"points": 40, "test_split": 0.0}
RUNS = {
    "xor 2-4-1 tanh": resolve("xor", {"hidden": (4,), "activation": "tanh", **SMALL}),
    "circles 2-6-1 relu": resolve("circles", {"hidden": (6,), "activation": "relu", **SMALL}),
    **{
        f"{act} hidden, {out} output": resolve(
            "plane" if out == "linear" else "spiral3" if out == "softmax" else "moons",
            {"hidden": (3, 2), "activation": act, "output": out, **SMALL},
        )
        for act in CHOICES["activation"]
        for out in CHOICES["output"]
    },
    "no bias, mean": replace(SEED_PRESET, reduction="mean"),
    "bias, sum": resolve("xor", {"reduction": "sum", "lr": 0.01, **SMALL}),
    "l1 and l2": replace(SEED_PRESET, l1=0.3, l2=0.01),
    "l2, bias, mean": resolve("moons", {"l2": 0.03, **SMALL}),
    "momentum": resolve("xor", {"optimizer": "momentum", **SMALL}),
    "adam": resolve("circles", {"optimizer": "adam", "activation": "leaky_relu", **SMALL}),
    "mini-batches": resolve("gaussians", {"batch_size": 8, **SMALL}),
    "float32": resolve("xor", {"dtype": "float32", **SMALL}),
    "lr 10": replace(SEED_PRESET, lr=10.0),
}


@pytest.mark.parametrize("settings", RUNS.values(), ids=RUNS.keys())
def test_every_line_of_every_kind_of_run_closes(settings: Settings) -> None:
    assert check_run(settings, 4, (DEFAULT_ROW, 3, None)) > 20


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    activation=st.sampled_from(CHOICES["activation"]),
    output=st.sampled_from(CHOICES["output"]),
    bias=st.booleans(),
    reduction=st.sampled_from(CHOICES["reduction"]),
    optimizer=st.sampled_from(CHOICES["optimizer"]),
    lr=st.sampled_from((0.01, 0.3, 3.0)),
    l1=st.sampled_from((0.0, 0.001, 0.1)),
    l2=st.sampled_from((0.0, 0.01)),
    epochs=st.integers(1, 30),
    seed=st.integers(0, 1000),
)
@example(  # the L1 step zeroes a weight: the loss step's printed result closes too
    activation="tanh",
    output="sigmoid",
    bias=False,
    reduction="mean",
    optimizer="sgd",
    lr=3.0,
    l1=0.001,
    l2=0.0,
    epochs=1,
    seed=961,
)
@example(  # ŷ a few bits from 1: no digits of it give the ℓ taken from z, so no substitution
    activation="tanh",
    output="sigmoid",
    bias=True,
    reduction="sum",
    optimizer="sgd",
    lr=3.0,
    l1=0.0,
    l2=0.01,
    epochs=5,
    seed=147,
)
@example(  # tanh saturated: a printed to 16 decimals, a digit beyond its float's
    activation="tanh",
    output="linear",
    bias=False,
    reduction="sum",
    optimizer="momentum",
    lr=0.3,
    l1=0.0,
    l2=0.01,
    epochs=4,
    seed=255,
)
@example(  # a linear softmax run blown up: exp(z) of its outputs is not written out
    activation="linear",
    output="softmax",
    bias=False,
    reduction="sum",
    optimizer="sgd",
    lr=3.0,
    l1=0.0,
    l2=0.0,
    epochs=3,
    seed=0,
)
def test_any_run_closes(
    activation: str,
    output: str,
    bias: bool,
    reduction: str,
    optimizer: str,
    lr: float,
    l1: float,
    l2: float,
    epochs: int,
    seed: int,
) -> None:
    dataset = "plane" if output == "linear" else "spiral3" if output == "softmax" else "xor"
    changes = {"activation": activation, "output": output, "bias": bias, "seed": seed}
    changes |= {"reduction": reduction, "optimizer": optimizer, "lr": lr, "l1": l1, "l2": l2}
    # a run that diverges overflows in its own arrays on the way: its card still closes
    with np.errstate(all="ignore"):
        check_run(resolve(dataset, {"hidden": (3,), "points": 24, **changes}), epochs, (1,))


def test_the_walk_closes_and_prints_every_number_as_the_finished_epoch_does() -> None:
    """The seed run's epoch 3, phase by phase: each line known so far closes and reads
    exactly as it does once the epoch is done."""
    experiment, network = run_of(SEED_PRESET)
    trainer = experiment.trainer
    for _ in range(3):
        trainer.train_epoch()
    walk, views = next_walk(None, trainer), []
    while walk is not None:
        views.append(phase_view(trainer, network, DEFAULT_ROW, walk))
        walk = walk.advanced()
    assert len(views) == 7
    finished = views[-1]
    for layer in (1, 2):
        done = {
            (eq.kind, eq.pieces[0].variants[0]): fit(eq, 200).plain
            for eq in equations(finished, layer, 0)
        }
        for view in views:
            for _, _, text in cards(view):
                check_card(text)
            for eq in equations(view, layer, 0):
                if eq.known and (eq.kind, eq.pieces[0].variants[0]) in done:
                    assert fit(eq, 200).plain == done[(eq.kind, eq.pieces[0].variants[0])]


def test_a_run_with_l1_and_l2_shows_the_zeroing() -> None:
    """A weight the L1 step carried across 0 says so, and its line shows why."""
    experiment, network = run_of(replace(SEED_PRESET, l1=0.3, l2=0.01))
    trainer = experiment.trainer
    crossed = 0
    for _ in range(6):
        trainer.train_epoch()
        for _, _, text in cards(snapshot(trainer, network, DEFAULT_ROW)):
            check_card(text)
            crossed += CROSSED in text
    assert crossed
    shown = render(snapshot(trainer, network, DEFAULT_ROW), 1, 0, 118, 36).plain
    assert "− 0.1·0.3·sign(" in shown and "+ 0.01·" in shown  # both terms, worked


def test_the_checker_catches_an_equation_that_does_not_close() -> None:
    assert check_line("  z = Σ wᵢ·aᵢ = (-0.0938)·2.78 + 0.00871·2.55 = -0.2386") == 1
    with pytest.raises(AssertionError):  # 0.0002 away: two units of its last digit
        check_line("  z = Σ wᵢ·aᵢ = (-0.0938)·2.78 + 0.00871·2.55 = -0.2384")
    with pytest.raises(AssertionError):  # the student's δ: these numbers give -0.1150
        check_line("δ = σ'·Σ w·δ = 0.6241·(1 − 0.6241)·(-1.4)·0.35 = -0.1143")
    with pytest.raises(AssertionError):
        check_line("L = Σ ℓ over 10 rows = 10·mean ℓ = 10·0.3434 = 3.4342")
    assert check_line("L = Σ ℓ over 10 rows = 10·mean ℓ = 10·0.34342 = 3.4342") == 1
    assert check_line("  a = relu(z) = relu(-0.4324) = 0.0000") == 1
    assert check_line("  a = leaky(z) = leaky(-0.4324) = -4.32e-03") == 1
    with pytest.raises(AssertionError):  # σ of a mean is not a mean of σ
        check_line("  a = σ(z) = σ(-0.4324) = 0.3951")
    assert check_line("  ∂L/∂w(x1) = 2.8·(-0.007) + [9 more terms: 0.1525] = 0.1329") == 1
    assert check_line("    w(x1) ← 0.0200 − 0.1·0.0500 − 0.1·0.3·sign(0.0200) = 0 (crossed 0)") == 1
    with pytest.raises(AssertionError):  # it did not cross 0
        check_line("    w(x1) ← 0.200 − 0.1·0.0500 − 0.1·0.3·sign(0.200) = 0 (crossed 0)")
    with pytest.raises(AssertionError):  # it crossed 0 and was not zeroed
        check_line("    w(x1) ← 0.0200 − 1·0.0500 − 1·0.5·sign(0.0200) = -0.530")
    with pytest.raises(AssertionError):  # σ(z) from another z than the line above's
        check_card("  z = Σ wᵢ·aᵢ = 1·2 = 2\n  a = σ(z) = σ(3) = 0.9526")
    assert check_card("z = Σ wᵢ·aᵢ = 1·2\n  + 3·4 = 14\n  a = σ(z) = σ(14) = 1.0000") == 2


# -- the real screen ------------------------------------------------------------------


@pytest.mark.parametrize("size", [SIZE, (80, 24)])
async def test_the_screen_walk_and_the_zoomed_card_close_on_row_one(size: tuple[int, int]) -> None:
    """The real card, phase by phase, on the output neuron and the first hidden one,
    then zoomed, as a learner reads it."""
    app = app_of()
    async with app.run_test(size=size) as pilot:
        await press(pilot, "space", "space", "space")
        checked = 0
        for _ in range(7):
            await press(pilot, "n")
            await pilot.pause()
            card = text_of(app.query_one("#neuron"))
            assert "row 1 (1 of 10)" in card
            checked += check_card(card)
        await press(pilot, "right")
        await pilot.pause()
        output = text_of(app.query_one("#neuron"))
        checked += check_card(output)
        if size == SIZE:  # the output's sum of four terms, every term on screen
            z = joined(output.splitlines())[1]
            assert z.count("·") == 5 and "more term" not in z, output
        await press(pilot, "z")
        await pilot.pause()
        checked += check_card(text_of(app.query_one("#neuron")))
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


def test_a_line_no_digits_can_close_shows_no_substitution() -> None:
    """ℓ = −log(1 − ŷ) with ŷ a few bits from 1: the float ŷ itself is further from the
    σ(z) the engine took ℓ from than the printed ℓ allows, so the line is left open
    (the card then prints the formula and ℓ, with no numbers put in); an ŷ further from
    1 closes with the digits it is given."""
    p, loss = 0.9999999999999976, 33.6381  # seed 147's row: ℓ from z is 33.638…
    book = Book()
    book.close(loss, [(p, 1 / (1 - p))])
    assert not book.closes(loss)
    p = 0.9999
    book.close(-math.log(1 - p), [(p, 1 / (1 - p))])
    assert book.closes(-math.log(1 - p))
    assert abs(-math.log(1 - float(book.text(p))) - -math.log(1 - p)) < 1e-4
    # ŷ = 1/(1 + e⁻ᶻ) is rounded twice, up to a bit and a half off σ(z): such a line is
    # left open, or closes within a unit (it was closed 1.35 units off)
    for z in (27.41554950709384, 20.8272492590976, 24.0, 30.5):
        p, loss = 1 / (1 + math.exp(-z)), z + math.log1p(math.exp(-z))  # ℓ taken from z
        book = Book()
        book.close(loss, [(p, 1 / (1 - p))])
        shown = float(book.text(loss))
        assert not book.closes(loss) or abs(-math.log(1 - float(book.text(p))) - shown) <= 1e-4
