"""Comparing runs (``c``): the legend pairs each swatch with its run, an earlier run's
train and test curves look different, and a loss axis shows both runs (log when their
losses are an order of magnitude apart, and saying so)."""

from __future__ import annotations

import math

from tests.helpers import SIZE, app_of, press, text_of
from tui_backprop.settings import resolve
from tui_backprop.ui.app import BackpropApp
from tui_backprop.ui.panes.chart_pane import Curve, MetricsChart, Picture


def picture(app: BackpropApp) -> Picture:
    shown = app.query_one(MetricsChart)._shown
    assert shown is not None
    return shown


def legend_rows(app: BackpropApp) -> list[str]:
    """The chart's legend rows (loss, then accuracy), as the screen prints them."""
    lines = text_of(app.query_one(MetricsChart), inside=True).splitlines()
    return [line for line in lines if line.startswith(("loss", "accuracy"))]


def loss_of(pic: Picture, run: str, label: str = "train") -> Curve:
    return next(c for c in pic.curves if c.side == "left" and c.run == run and c.label == label)


async def test_a_run_ten_times_lower_is_not_flat_on_a_log_axis() -> None:
    """The lr-too-high lesson: lr 10 leaps to a loss near 60, lr 0.1 stays under 0.7."""
    app = app_of(lr=10.0)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, *["space"] * 20, *["l"] * 4, "r", *["space"] * 20, "c")
        pic = picture(app)
        legend = legend_rows(app)
    assert pic.log_ticks is not None
    assert legend[0].startswith("loss (log")  # the axis says it is a log one
    low, high = min(pic.log_ticks), max(pic.log_ticks)
    live = loss_of(pic, "this run")
    # the live run's fall, 0.69 to 0.34, takes a visible part of the axis
    assert (max(live.ys) - min(live.ys)) / (high - low) > 0.1
    assert max(loss_of(pic, "run 1").ys) > math.log10(40)  # and the earlier run's leap


async def test_the_legend_pairs_each_swatch_with_its_run() -> None:
    """A run with test rows against an earlier one: each legend row names both runs
    before their swatches, and the earlier run's test curve is dotted and darker."""
    app = app_of(resolve("moons", {}))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, *["space"] * 6, "L", "r", *["space"] * 8, "c")
        pic = picture(app)
        legend = legend_rows(app)
        chart = text_of(app.query_one(MetricsChart), inside=True)
        subtitle = str(app.query_one(MetricsChart).border_subtitle)
    for row in legend:
        earlier = row.index("run 1:")
        live = max(row.find("this run:"), row.find("now:"))  # "now" where room is short
        assert 0 < earlier < row.index("━━ train") < row.index("·· test") < live
        assert row[live:].count("━━") == 2  # this run's train and test
    train, test = loss_of(pic, "run 1"), loss_of(pic, "run 1", "test")
    assert train.colour != test.colour and train.marker != test.marker
    assert pic.log_ticks is None  # two runs of like losses stay on a linear axis
    plot = chart.split("\n", 2)[2]
    assert "·" in plot  # the dotted curve is drawn, not only named
    assert subtitle.startswith("c: run 1 vs this run")


async def test_without_a_comparison_the_legend_names_no_run() -> None:
    app = app_of(resolve("moons", {}))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space", "space")
        legend = legend_rows(app)
    assert legend[0].split() == ["loss", "━━", "train", "━━", "test"]
