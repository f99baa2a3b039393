"""How the panes draw: the chart plots only when its picture changes and not too often
while the run plays, the segments built directly match what Textual would have drawn
from text, and a pane repaints only what a new view changed."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pytest
from rich.text import Text
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.strip import Strip
from textual.visual import Visual, visualize
from textual.widget import Widget

from tests.helpers import SIZE, app_of, wait_until
from tui_backprop.ui.model.run_info import PlayState
from tui_backprop.ui.panes.chart_pane import PLOT_EVERY, MetricsChart
from tui_backprop.ui.panes.deltas_pane import DeltasPane
from tui_backprop.ui.panes.lines import RunStyler
from tui_backprop.ui.panes.status_pane import StatusLine
from tui_backprop.ui.render.styled_lines import StyledLines


def last_epoch_drawn(chart: MetricsChart) -> int:
    picture = chart.picture
    assert picture is not None
    return max(curve.xs[-1] for curve in picture.curves)


def segments(strips: Sequence[Strip]) -> list[list[tuple[str, object]]]:
    return [[(seg.text, seg.style) for seg in strip] for strip in strips]


async def test_a_paused_run_plots_every_epoch_at_once() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        chart = app.query_one(MetricsChart)
        for epoch in range(1, 6):
            await pilot.press("space")
            assert last_epoch_drawn(chart) == epoch - 1  # epochs count from 0 on the axis


async def test_a_paused_step_is_on_the_status_line_before_the_chart_plots_it() -> None:
    """The key's answer never waits for plotext: the frame that shows the new epoch goes
    out first, and the chart plots it right after that frame."""
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space")
        chart, status = app.query_one(MetricsChart), app.query_one(StatusLine)
        plots = chart.plots
        app.main.action_step()
        assert status.view is app.main.view and status.view.epoch == 2
        assert chart.plots == plots  # not yet: after the frame
        await pilot.pause()
        assert chart.plots == plots + 1
        assert last_epoch_drawn(chart) == 1


async def test_a_playing_run_plots_at_most_five_times_a_second_and_ends_on_the_latest() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        screen, chart = app.main, app.query_one(MetricsChart)
        # the first view's picture, plotted after the first frame
        await wait_until(pilot, lambda: chart.plots and not chart.plot_pending)
        screen.state = PlayState(True, math.inf, 0.0)
        await pilot.pause(PLOT_EVERY)  # a quiet spell: the next picture is plotted at once
        before = chart.plots
        for _ in range(10):  # ten views at once, as fast as a run could publish them
            screen.experiment.trainer.train_epoch()
            screen.publish()
        assert chart.plots == before + 1
        await pilot.pause(PLOT_EVERY * 2)  # the timer plots the latest view
        assert chart.plots == before + 2
        assert last_epoch_drawn(chart) == screen.experiment.trainer.epoch - 1


async def test_an_unchanged_picture_is_not_plotted_again() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space", "space")
        chart = app.query_one(MetricsChart)
        plots = chart.plots
        app.main.publish()  # a new view object of the same epoch
        await pilot.pause()
        assert chart.plots == plots


async def test_the_chart_draws_what_textual_plotext_would() -> None:
    """Its last panel (accuracy, at the bottom) is the figure plotext holds last."""
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*["space"] * 30)
        chart = app.query_one(MetricsChart)
        width = chart.size.width
        text = Text.from_ansi(chart.plt.build())
        height = len(text.plain.splitlines())
        want = Visual.to_strips(chart, visualize(chart, text), width, height, chart.visual_style)
        got = [
            [(seg.text, seg.style.clear_meta_and_links()) for seg in strip]
            for strip in chart.drawn[-height:]
        ]
        assert got == [[(seg.text, seg.style.clear_meta_and_links()) for seg in s] for s in want]


class TextWidget(Widget):
    DEFAULT_CSS = "TextWidget { text-wrap: nowrap; text-overflow: ellipsis; }"  # as #deltas
    text = Text()

    def render(self) -> Text:
        return self.text


class OneWidget(App[None]):
    def compose(self) -> ComposeResult:
        yield TextWidget()


async def test_styled_lines_draw_as_textual_draws_the_same_text() -> None:
    dim, bold = "dim", "bold reverse yellow"
    pieces = [("δ = ∂L/∂z", bold), (" · mean of 10 rows\n", dim), ("h1 ", None)]
    pieces += [("+0.25", "blue"), (" ", None), ("-0.5", "blue"), (" ", None), ("\n", None)]
    pieces += [("a line far too long for the widget that shows it", dim), ("!", bold)]
    pieces += [("\n", None), ("12345678901234567890", None), ("x", bold)]
    text, lines = Text(no_wrap=True, overflow="ellipsis"), StyledLines()
    for part, style in pieces:
        text.append(part, style)
        lines.append(part, style)
    app = OneWidget()
    async with app.run_test(size=(20, 6)) as pilot:
        widget = app.query_one(TextWidget)
        widget.text = text
        widget.refresh()
        await pilot.pause()
        want = [widget.render_line(y) for y in range(len(lines.rows))]
        styler = RunStyler(widget)
        got = [styler.strip(runs, y, 20) for y, runs in enumerate(lines.rows)]
        assert segments(got) == segments(want)
    assert lines.line_count() == len(text.plain.splitlines())


async def test_the_delta_pane_draws_once_per_view_and_size() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space")
        pane = app.query_one(DeltasPane)
        strips = pane.drawn
        pane.render_lines(Region(0, 0, *pane.outer_size))
        assert pane.drawn is strips  # drawn when the view came, not again
        await pilot.press("space")
        assert pane.drawn is not strips
        assert any("δ = ∂L/∂z" in strip.text for strip in pane.drawn)


async def test_views_while_playing_go_to_two_panes_a_frame_or_all_when_far_apart(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Frames 1/24 s apart each redraw the two stalest panes; frames further apart than
    a pane's period (a large network's) reach every shown pane, two a refresh. The panes
    inside one border (the network's diagram and card) always show the same view."""
    from tui_backprop.ui import panes_screen
    from tui_backprop.ui.model.view import snapshot
    from tui_backprop.ui.session.runner import FRAME

    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.main
        monkeypatch.setattr(type(screen.runner.process), "playing", property(lambda _: True))
        shown = screen.panes_shown
        assert [len(group) for group in shown if len(group) > 1] == [3]  # the network's
        trainer = screen.experiment.trainer

        def views() -> list[set[int]]:
            return [{id(p.view) for p in group} for group in shown]  # type: ignore[attr-defined]

        def next_view() -> int:
            """Train an epoch and publish its view: how many panes took it at once."""
            trainer.train_epoch()
            screen.view = snapshot(trainer, screen.network, screen.session.sample)
            assert all(len(group) == 1 for group in views())  # one view per border
            return sum(group == {id(screen.view)} for group in views())

        async def reaches_every_pane() -> None:
            assert next_view() == panes_screen.PANES_PER_FRAME  # two now ...
            view = screen.view
            await wait_until(pilot, lambda: views() == [{id(view)}] * len(shown))

        await pilot.pause(panes_screen.PANE_PERIOD)
        await reaches_every_pane()  # ... and the rest after refreshes
        for _ in range(3):
            await pilot.pause(FRAME)
            assert next_view() <= panes_screen.PANES_PER_FRAME
        await pilot.pause(panes_screen.PANE_PERIOD)
        await reaches_every_pane()
