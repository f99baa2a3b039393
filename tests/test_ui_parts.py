"""The UI's plain parts: pacing, thinning series, number formats, diagram geometry."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tui_backprop.engine.diagnosis import GradientRatio, gradient_ratio
from tui_backprop.settings import LEARNING_RATES, next_rate
from tui_backprop.ui.model.pacing import MAX_LAG, SPEEDS, Pacer, Schedule
from tui_backprop.ui.model.series import positive_range, sample_epochs, sparkline
from tui_backprop.ui.model.view import Network
from tui_backprop.ui.render.diagram_layout import HIDDEN, plan
from tui_backprop.ui.render.edges import rasterise
from tui_backprop.ui.render.gradient_size import finding_words, wrapped
from tui_backprop.ui.render.numbers import signed


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_paced_run_trains_when_its_speed_says() -> None:
    clock = Clock()
    schedule = Schedule(10, clock=clock)
    assert schedule.wait() == 0  # the first epoch is due at once
    schedule.done()
    assert schedule.wait() == pytest.approx(0.1)
    clock.now += 0.05
    assert schedule.wait() == pytest.approx(0.05)
    clock.now += 0.05
    assert schedule.wait() == 0


def test_a_stall_does_not_earn_a_burst() -> None:
    clock = Clock()
    schedule = Schedule(100, clock=clock)
    schedule.done()
    clock.now += 10.0
    caught_up = 0
    while schedule.wait() == 0:
        schedule.done()
        caught_up += 1
    assert caught_up <= 100 * MAX_LAG + 2


def test_max_speed_is_always_due_and_measures_its_rate() -> None:
    clock = Clock()
    schedule = Schedule(math.inf, clock=clock)
    for _ in range(501):
        assert schedule.wait() == 0
        schedule.done()
        clock.now += 0.001
    assert schedule.measured() == pytest.approx(1000, rel=0.01)


def test_a_new_rate_starts_from_now() -> None:
    clock = Clock()
    schedule = Schedule(1, clock=clock)
    schedule.done()
    assert schedule.wait() == pytest.approx(1.0)
    schedule.set_rate(100)
    assert schedule.wait() == 0


def test_speed_stays_within_its_ladder() -> None:
    pacer = Pacer(speed=0)
    pacer.slower()
    assert pacer.rate == SPEEDS[0]
    for _ in range(len(SPEEDS) + 2):
        pacer.faster()
    assert math.isinf(pacer.rate)


def test_epoch_samples_are_bounded_and_keep_the_last() -> None:
    assert sample_epochs(5, 10) == [0, 1, 2, 3, 4]
    many = sample_epochs(1_000_000, 60)
    assert len(many) <= 60 and many[0] == 0 and many[-1] == 999_999
    assert sample_epochs(0, 10) == []


def test_sparkline_runs_from_lowest_to_highest_on_a_log_scale() -> None:
    line, lo, hi = sparkline([1e-4, 1e-2, 1.0, math.nan])
    assert line == "▁▅█ " and lo == 1e-4 and hi == 1.0


def test_sparklines_on_one_shared_axis_compare_by_height() -> None:
    """A layer whose gradient is 1000 times smaller draws lower, not alike."""
    output, first = [1e-1, 2e-1, 1e-1], [1e-4, 2e-4, 1e-4]
    bounds = positive_range([output, first])
    assert bounds == (1e-4, 2e-1)
    high, _, _ = sparkline(output, bounds=bounds)
    low, _, _ = sparkline(first, bounds=bounds)
    assert set(low) <= set("▁▂") and set(high) <= set("▇█")
    alone, _, _ = sparkline(first)  # on its own axis it would look like the output's
    assert alone == "▁█▁"


def verdict(norms: list[float]) -> str | None:
    found = gradient_ratio(norms, problem_only=False)
    return None if found is None else finding_words(found, ())


def test_the_verdict_compares_the_first_layer_with_the_output() -> None:
    assert verdict([1.7e-4, 3.2e-2]) == "the first layer's gradient is 1/190 of the output's"
    said = verdict([6e-6, 1e-2])
    assert said is not None
    assert said.startswith("the first layer's gradient is 1/1,700 of the output's: vanishing")
    assert verdict([5e3, 1.0]) == (
        "the first layer's gradient is 5,000 times the output's: exploding gradients"
    )
    assert GradientRatio(5e3).kind == "exploding"
    assert verdict([0.5]) is None and verdict([math.nan, 1.0]) is None
    assert all(len(line) <= 30 for line in wrapped(said, 30))


@pytest.mark.parametrize(
    "value", [0.0342, -1.2e-4, 123.45, -9.99996, 1e9, 0.0, -3e-300, math.nan, math.inf, -math.inf]
)
@pytest.mark.parametrize("width", [5, 6, 7, 8])
def test_numbers_keep_their_width(value: float, width: int) -> None:
    assert len(signed(value, width)) == width


def test_learning_rate_ladder() -> None:
    assert next_rate(0.1, 1) == 0.3
    assert next_rate(0.1, -1) == 0.03
    assert next_rate(0.05, -1) == 0.03
    assert next_rate(LEARNING_RATES[-1], 1) == LEARNING_RATES[-1]
    assert next_rate(LEARNING_RATES[0], -1) == LEARNING_RATES[0]


def _network(*sizes: int) -> Network:
    labels = tuple(tuple(f"n{j}" for j in range(n)) for n in sizes)
    titles = ("input", *("hidden" for _ in sizes[1:-1]), "output")
    return Network(sizes, ("input", *("sigmoid" for _ in sizes[1:])), labels, titles, True)


def test_wide_layers_are_summarised_in_the_diagram() -> None:
    lay = plan(_network(2, 100, 1), 60, 12)
    assert lay is not None
    hidden = lay.columns[1].items
    assert len(hidden) == 11
    summary = [it for it in hidden if it.neuron == HIDDEN]
    assert len(summary) == 1 and summary[0].hidden_count == 90
    assert hidden[0].neuron == 0 and hidden[-1].neuron == 99


def test_every_shown_pair_of_neurons_has_an_edge() -> None:
    lay = plan(_network(2, 4, 1), 60, 12)
    assert lay is not None
    assert len(lay.edge_layer) == 2 * 4 + 4 * 1
    assert lay.neuron_at(lay.columns[2].x, lay.columns[2].items[0].y) == (2, 0)


@pytest.mark.parametrize("size", [(1, 1), (5, 2), (12, 3), (40, 12)])
def test_tiny_panes_get_a_layout_or_none(size: tuple[int, int]) -> None:
    lay = plan(_network(3, 8, 8, 2), *size)
    assert lay is None or lay.width == size[0]


def test_crossing_edges_take_the_strongest_colour() -> None:
    raster = rasterise(10, 3, [(0, 0, 9, 2), (0, 2, 9, 0)])
    colours = raster.colours(np.array([3, -7]))
    crossing = set(raster.cell[raster.edge == 0]) & set(raster.cell[raster.edge == 1])
    assert crossing and all(colours[c] == -7 for c in crossing)


def test_pick_reads_sampled_epochs_and_skips_non_finite_values() -> None:
    from tui_backprop.ui.model.series import pick

    column = np.arange(1000, dtype=float)
    column[999] = np.nan
    xs, ys = pick(column, 1000, 10)
    assert len(xs) == 9 and xs[0] == 0 and 999 not in xs
    assert ys == [float(x) for x in xs]
    assert pick(column, 3, 10) == ([0, 1, 2], [0.0, 1.0, 2.0])
