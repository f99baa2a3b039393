"""Loss (left axis) and accuracy or R² (right axis) per epoch, for the training rows
and, when there is a split, the test rows. Each series is thinned to about one point
per column first: plotext's cost grows with the points it is given (about 10 ms per
frame for two series of 60 points), never with the epochs."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

from rich.markup import escape
from rich.segment import Segment
from rich.style import Style as RichStyle
from textual.reactive import reactive
from textual.strip import Strip
from textual.style import Style
from textual.timer import Timer
from textual_plotext import PlotextPlot

from tui_backprop.engine.activations import Array
from tui_backprop.ui.model.series import pick, sample_epochs
from tui_backprop.ui.model.status import PlayState
from tui_backprop.ui.model.view import TrainingView
from tui_backprop.ui.render.plot_cells import Run, build_cells, rows_of

RGB = tuple[int, int, int]
LOG_SPAN = 1e3
# Not the weights' blue and orange: here colour names a series, not a sign.
LOSS_TRAIN = (235, 95, 95)
LOSS_TEST = (245, 175, 175)
SCORE_TRAIN = (90, 200, 120)
SCORE_TEST = (175, 230, 185)
# An earlier run overlaid for comparison: grey, so the live run stays in front.
PAST_LOSS = (165, 165, 175)
PAST_TEST_LOSS = (110, 110, 120)
KEYS_HINT = "b boundary · c compare · d data · S settings"
EMPTY_TITLE = "press space: the curves start after the first epoch"
PLOT_EVERY = 0.2  # seconds: while the run plays, the chart plots at most 5 times a second


@dataclass(frozen=True)
class Curve:
    label: str
    colour: RGB
    side: str  # the y axis: "left" (loss) or "right" (score)
    xs: tuple[int, ...]
    ys: tuple[float, ...]


@dataclass(frozen=True, eq=False)
class Overlay:
    """An earlier run's loss curves, drawn under the live ones."""

    name: str  # "run 2"
    caption: str  # what differs: "lr 0.1 vs 1"
    loss: Array
    test_loss: Array | None

    def curves(self, points: int) -> list[Curve]:
        """Each curve, thinned to about ``points``, on the loss axis."""
        curves = [("loss", self.loss, PAST_LOSS)]
        if self.test_loss is not None:
            curves.append(("test loss", self.test_loss, PAST_TEST_LOSS))
        out = []
        for label, values, colour in curves:
            kept = [
                (i, float(values[i]))
                for i in sample_epochs(len(values), points)
                if math.isfinite(values[i])
            ]
            xs, ys = tuple(i for i, _ in kept), tuple(v for _, v in kept)
            out.append(Curve(f"{self.name} {label}", colour, "left", xs, ys))
        return out


@dataclass(frozen=True)
class Picture:
    """Everything the chart draws: equal pictures look the same, so plotting a picture
    equal to the one on screen is skipped."""

    size: tuple[int, int]
    theme: str
    curves: tuple[Curve, ...] = ()
    xticks: tuple[int, ...] = ()
    log_ticks: tuple[float, ...] | None = None  # the loss's log10s, for a log axis
    score: str | None = None  # the right axis's name, once there are epochs
    classify: bool = False
    title: str | None = None


class MetricsChart(PlotextPlot, can_focus=True):
    """Plots only when its picture changes, and while the run plays at most once per
    ``PLOT_EVERY`` seconds: the latest picture is plotted by a timer then. A picture
    after a quiet spell, or while paused, is plotted at once."""

    # A new view repaints nothing by itself: ``_replot`` refreshes when the picture changes.
    view: reactive[TrainingView | None] = reactive(None, repaint=False)
    overlay: reactive[Overlay | None] = reactive(None, repaint=False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._strips: list[Strip] = []
        self._shown: Picture | None = None
        self._plotted_at = -math.inf
        self._timer: Timer | None = None
        self._playing = False
        self.plots = 0  # pictures plotted: lets tests see that nothing is wasted

    def on_mount(self) -> None:
        self.border_subtitle = KEYS_HINT
        if isinstance(getattr(self.screen, "state", None), PlayState):  # the main screen
            self.watch(self.screen, "state", self._play_state_changed)
        # after PlotextPlot's own subscriber has registered the new theme with plotext
        self.app.theme_changed_signal.subscribe(self, lambda _: self.call_next(self._show))

    def _play_state_changed(self, state: PlayState) -> None:
        self._playing = state.running
        if not state.running:
            self._show()  # paused: the latest epoch, now

    def watch_view(self, view: TrainingView | None) -> None:
        if view is not None:
            score = "accuracy" if view.network.classification else "R²"
            title = f"Loss and {score}"
            if self.border_title != title:  # setting it repaints
                self.border_title = title
        self._show(throttle=True)

    def watch_overlay(self, overlay: Overlay | None) -> None:
        self.border_subtitle = (
            f"c: {escape(overlay.name)} · {escape(overlay.caption)}"
            if overlay is not None
            else KEYS_HINT
        )
        self._show()

    def on_resize(self) -> None:
        self._show()

    def _show(self, throttle: bool = False) -> None:
        """Plot the latest picture if it differs from the one on screen; while playing,
        (``throttle``) no sooner than ``PLOT_EVERY`` after the last plot."""
        if self._timer is not None:
            if throttle:
                return  # the timer will plot the latest
            self._timer.stop()
            self._timer = None
        wait = self._plotted_at + PLOT_EVERY - time.monotonic()
        if throttle and self._playing and wait > 0:
            self._timer = self.set_timer(wait, self._on_timer)
            return
        width, height = self.size
        if width and height:
            self._replot(self._picture(width, height))

    def _on_timer(self) -> None:
        self._timer = None
        self._show()

    def _picture(self, width: int, height: int) -> Picture:
        view, overlay = self.view, self.overlay
        theme = self._get_plotext_theme_name(self.app.theme)
        if view is None or (view.epoch == 0 and overlay is None):
            return Picture((width, height), theme, title=EMPTY_TITLE)
        points = max(width, 8)  # plotext's cost grows with the points
        curves = overlay.curves(points) if overlay is not None else []
        if view.epoch:
            curves += [
                _curve(label, colour, side, pick(view.history.column(key), view.epoch, points))
                for label, key, colour, side in _series(view, _score_name(view))
            ]
        count = max(view.epoch, len(overlay.loss) if overlay is not None else 0)
        losses = [y for c in curves if c.side == "left" for y in c.ys]
        log = _needs_log(losses)
        if log:
            curves = [_log10(c) if c.side == "left" else c for c in curves]
        return Picture(
            (width, height),
            theme,
            tuple(c for c in curves if c.xs),
            tuple(epoch_ticks(count - 1, max(width // 9, 2))),
            tuple(math.log10(y) for y in losses if y > 0) if log else None,
            _score_name(view) if view.epoch else None,
            view.network.classification and view.epoch > 0,
            f"diverged at epoch {view.epoch - 1}" if view.diverged else None,
        )

    def _replot(self, picture: Picture) -> None:
        self._plotted_at = time.monotonic()
        if picture == self._shown:
            return
        self._shown = picture
        plt: Any = self.plt  # the bundled stubs lack plotext's yside arguments
        plt.clear_data()
        plt.clear_figure()
        _draw(plt, picture)
        plt.plotsize(*picture.size)
        plt._set_size(*picture.size)  # as PlotextPlot.render does: plotsize alone is not enough
        plt.theme(picture.theme)
        self._strips = self._to_strips(rows_of(build_cells(plt)))
        self.plots += 1
        self.refresh()

    def _to_strips(self, rows: list[list[Run]]) -> list[Strip]:
        """Segments styled as Textual styles text on this widget: on its base style,
        with each segment's offset (for text selection) in its meta."""
        base = self.visual_style
        ansi_theme = self.app.ansi_theme
        styles: dict[RichStyle, Style] = {}
        strips = []
        for y, row in enumerate(rows):
            segments, x = [], 0
            for text, style in row:
                if style not in styles:
                    styles[style] = base + Style.from_rich_style(style, ansi_theme)
                segments.append(Segment(text, styles[style].rich_style_with_offset(x, y)))
                x += len(text)
            strips.append(Strip(segments, x))
        return strips

    def render_line(self, y: int) -> Strip:
        if y < len(self._strips):
            return self._strips[y]
        return Strip.blank(self.size.width, self.visual_style.rich_style)


def _draw(plt: Any, picture: Picture) -> None:
    """The plotext calls that draw ``picture``."""
    if picture.title == EMPTY_TITLE:
        plt.frame(False)
        plt.xticks([])
        plt.yticks([])
        plt.title(EMPTY_TITLE)
        return
    plt.xlabel("epoch")
    for c in picture.curves:
        plt.plot(
            list(c.xs), list(c.ys), label=c.label, color=c.colour, yside=c.side, marker="braille"
        )
    plt.xticks(list(picture.xticks), [f"{t:,}" for t in picture.xticks])
    if picture.log_ticks is not None:
        _log_ticks(plt, list(picture.log_ticks))
    if picture.classify:
        plt.ylim(0, 1, yside="right")
    plt.ylabel("loss (log)" if picture.log_ticks is not None else "loss", yside="left")
    if picture.score is not None:
        plt.ylabel(picture.score, yside="right")
    if picture.title is not None:
        plt.title(picture.title)


def _score_name(view: TrainingView) -> str:
    return "accuracy" if view.network.classification else "R²"


def _series(view: TrainingView, name: str) -> list[tuple[str, str, RGB, str]]:
    """(label, metric column, colour, axis) of every line this run has."""
    score = "accuracy" if view.network.classification else "r2"
    series = [("loss", "loss", LOSS_TRAIN, "left"), (name, score, SCORE_TRAIN, "right")]
    if view.history.has("test_loss"):
        series[1:1] = [("test loss", "test_loss", LOSS_TEST, "left")]
        series.append((f"test {name}", f"test_{score}", SCORE_TEST, "right"))
    return series


def _needs_log(losses: list[float]) -> bool:
    """A loss spanning many decades (a diverging run, say) goes on a log axis:
    a linear one would flatten it, and plotext cannot draw beyond about 1e30."""
    positive = [y for y in losses if y > 0]
    return bool(positive) and max(positive) > LOG_SPAN * min(positive)


def _curve(label: str, colour: RGB, side: str, points: tuple[list[int], list[float]]) -> Curve:
    return Curve(label, colour, side, tuple(points[0]), tuple(points[1]))


def _log10(curve: Curve) -> Curve:
    kept = [(x, math.log10(y)) for x, y in zip(curve.xs, curve.ys, strict=True) if y > 0]
    xs, ys = tuple(x for x, _ in kept), tuple(y for _, y in kept)
    return Curve(curve.label, curve.colour, curve.side, xs, ys)


def _log_ticks(plt: Any, exponents: list[float]) -> None:
    """Label a log10 axis with powers of ten, at most six of them."""
    if not exponents:
        return
    lo, hi = math.floor(min(exponents)), math.ceil(max(exponents))
    step = max(1, math.ceil((hi - lo) / 5))
    ticks = list(range(lo, hi + 1, step))
    plt.yticks(ticks, [f"1e{t}" for t in ticks], yside="left")


def epoch_ticks(last: int, most: int) -> list[int]:
    """Whole epochs 0..last at a round spacing (1, 2, 5, 10, 20, 50, ...), at most
    ``most`` of them."""
    step, k = 1, 0
    while last // step + 1 > most:
        k += 1
        step = (1, 2, 5)[k % 3] * 10 ** (k // 3)
    return list(range(0, last + 1, step))
