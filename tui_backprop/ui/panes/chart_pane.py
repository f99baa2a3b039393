"""Loss (upper panel) and accuracy or R² (lower panel) per epoch, on one epoch axis,
for the training rows and, when there is a split, the test rows; a legend row above each
panel names it and its curves. An earlier run kept for comparison (``c``) is drawn
under the live one, in greys, its test curves dotted; the legend names each run before
its swatches, and when the two runs' losses are an order of magnitude apart the loss
goes on a log axis, so the lower run is not a flat line. Each series is thinned to
about one point per column first: plotext's cost grows with the points it is given (about 10 ms per
frame for two series of 60 points), never with the epochs."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray
from rich.color import Color
from rich.segment import Segment
from rich.style import Style as RichStyle
from rich.text import Text
from textual.strip import Strip
from textual.style import Style
from textual.timer import Timer
from textual_plotext import PlotextPlot

from tui_backprop.engine.activations import Array
from tui_backprop.ui.command_table import hidden_in, key_hint
from tui_backprop.ui.model.kept_runs import Comparison
from tui_backprop.ui.model.run_info import PlayState
from tui_backprop.ui.model.series import pick_log, sample_epochs
from tui_backprop.ui.model.view import TrainingView
from tui_backprop.ui.panes.view_pane import ViewPane
from tui_backprop.ui.render.plot_cells import Run, build_cells, rows_of

RGB = tuple[int, int, int]
LOG_SPAN = 1e3
RUNS_APART = 10.0  # two runs' highest losses this far apart: a log loss axis
LIVE_RUN = "this run"  # the live run's name in the legend, beside an earlier one
SHORT_LIVE_RUN = "now"
SOLID, DOTTED = "braille", "·"  # plotext markers: train lines, an earlier run's test
SWATCH = {SOLID: "━━", DOTTED: "··"}
# Not the weights' blue and orange: here colour names a series, not a sign.
LOSS_TRAIN = (235, 95, 95)
LOSS_TEST = (245, 175, 175)
SCORE_TRAIN = (90, 200, 120)
SCORE_TEST = (175, 230, 185)
# An earlier run overlaid for comparison: greys, so the live run stays in front; its
# test curves darker and dotted, so they are told from its training curves.
PAST_TRAIN = (175, 175, 185)
PAST_TEST = (125, 125, 140)
KEYS_HINT = (  # (command, hint): a lesson's hidden commands are left out
    ("boundary", "b boundary"),
    ("compare", "c compare"),
    ("datasets", "d data"),
    ("settings", "S settings"),
)
EMPTY_TITLE = "press space: the curves start after the first epoch"
PLOT_EVERY = 0.2  # seconds: while the run plays, the chart plots at most 5 times a second


@dataclass(frozen=True)
class Curve:
    label: str  # "train", "test"
    colour: RGB
    side: str  # the y axis: "left" (loss) or "right" (score)
    xs: tuple[int, ...]
    ys: tuple[float, ...]
    run: str = ""  # the run it belongs to, when two are drawn: "run 1", "this run"
    marker: str = SOLID

    @property
    def name(self) -> str:
        """``run 1 test``: the curve with its run, where one label must say both."""
        return f"{self.run} {self.label}" if self.run else self.label


@dataclass(frozen=True, eq=False)
class Overlay:
    """An earlier run's loss and accuracy (or R²) curves, drawn under the live ones."""

    name: str  # "run 2"
    caption: str  # what differs: "lr 0.1 vs 1"
    loss: Array
    test_loss: Array | None
    score: Array | None = None  # accuracy or R², per epoch
    test_score: Array | None = None
    at: NDArray[np.int64] | None = None  # each value's epoch (thinned), else 0, 1, 2 …

    @classmethod
    def of(cls, compared: Comparison) -> Overlay:
        """The curves of the kept run a view compares with."""
        run = compared.run
        return cls(
            f"run {run.number}",
            compared.caption,
            run.loss,
            run.test_loss,
            run.score,
            run.test_score,
            run.at,
        )

    @property
    def epochs(self) -> int:
        return int(self.at[-1]) + 1 if self.at is not None and len(self.at) else len(self.loss)

    def curves(self, points: int) -> list[Curve]:
        """Each curve, thinned to about ``points``, on its panel."""
        curves = [
            ("train", self.loss, PAST_TRAIN, "left", SOLID),
            ("test", self.test_loss, PAST_TEST, "left", DOTTED),
            ("train", self.score, PAST_TRAIN, "right", SOLID),
            ("test", self.test_score, PAST_TEST, "right", DOTTED),
        ]
        out = []
        for label, values, colour, side, marker in curves:
            if values is None:
                continue
            kept = [
                (i if self.at is None else int(self.at[i]), float(values[i]))
                for i in sample_epochs(len(values), points)
                if math.isfinite(values[i])
            ]
            xs, ys = tuple(i for i, _ in kept), tuple(v for _, v in kept)
            out.append(Curve(label, colour, side, xs, ys, self.name, marker))
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
    focused: bool = False  # z zooms the focused pane: a pane too small says how


class MetricsChart(PlotextPlot, ViewPane, can_focus=True):
    """Plots only when its picture changes, and while the run plays at most once per
    ``PLOT_EVERY`` seconds: the latest picture is plotted by a timer then. A picture
    after a quiet spell is plotted at once; a new view while paused, right after the
    frame that answers the key, so the status line and the other panes never wait for
    plotext (the dearest pane)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._strips: list[Strip] = []
        self._shown: Picture | None = None
        self._focused = False
        self._plotted_at = -math.inf
        self._timer: Timer | None = None
        self._after_frame = False  # a plot is asked for right after the next frame
        self._playing = False
        self._compared: Comparison | None = None  # the view's, which ``overlay`` draws
        self.overlay: Overlay | None = None  # a kept run's curves under the live ones (c)
        self.plots = 0  # pictures plotted: lets tests see that nothing is wasted

    @property
    def drawn(self) -> list[Strip]:
        """The chart's lines as last plotted."""
        return self._strips

    @property
    def picture(self) -> Picture | None:
        """What the chart shows now: its curves (None before the first plot)."""
        return self._shown

    def on_mount(self) -> None:
        self.border_subtitle = self._keys_hint()
        if isinstance(getattr(self.screen, "state", None), PlayState):  # the main screen
            self.watch(self.screen, "state", self._play_state_changed)
        # after PlotextPlot's own subscriber has registered the new theme with plotext
        self.app.theme_changed_signal.subscribe(self, lambda _: self.call_next(self._show))

    def _play_state_changed(self, state: PlayState) -> None:
        self._playing = state.running
        if not state.running:
            self._show()  # paused: the latest epoch, now

    def watch_view(self, view: TrainingView | None) -> None:
        """A new view: plotted soon (paced while playing); at once when the kept run it
        compares with changed (a key asked for that)."""
        if view is not None:
            score = "accuracy" if view.network.classification else "R²"
            title = f"Loss and {score}"
            if self.border_title != title:  # setting it repaints
                self.border_title = title
        compared = None if view is None else view.compared
        if compared is self._compared:
            self._show(throttle=True)
            return
        self._compared = compared
        overlay = self.overlay = None if compared is None else Overlay.of(compared)
        self.border_subtitle = Text(  # a kept run's name comes from its data: not markup
            f"c: {overlay.name} vs {LIVE_RUN} · {overlay.caption}"
            if overlay is not None
            else self._keys_hint()
        )
        self._show()

    def _keys_hint(self) -> str:
        return key_hint(KEYS_HINT, hidden_in(self.app))

    def on_resize(self) -> None:
        self._show()

    def on_focus(self) -> None:
        self._focused = True  # (``has_focus`` is set only after this event)
        self._show()

    def on_blur(self) -> None:
        self._focused = False
        self._show()

    def _show(self, throttle: bool = False) -> None:
        """Plot the latest picture if it differs from the one on screen; while playing,
        (``throttle``) no sooner than ``PLOT_EVERY`` after the last plot."""
        if self._timer is not None:
            if throttle:
                return  # the timer will plot the latest
            self._timer.stop()
            self._timer = None
        if throttle and not self._playing:
            if not self._after_frame:
                self._after_frame = True
                self.call_after_refresh(self.plot_now)
            return
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

    @property
    def plot_pending(self) -> bool:
        """A plot is asked for right after the next frame."""
        return self._after_frame

    def plot_now(self) -> None:
        """Plot the latest picture now (a paused view's, right after its frame)."""
        self._after_frame = False
        self._show()

    def _picture(self, width: int, height: int) -> Picture:
        view, overlay = self.view, self.overlay
        theme = self._get_plotext_theme_name(self.app.theme)
        if view is None or (view.epoch == 0 and overlay is None):
            return Picture((width, height), theme, title=EMPTY_TITLE)
        points = max(width, 8)  # plotext's cost grows with the points
        curves = overlay.curves(points) if overlay is not None else []
        if view.epoch:
            run = LIVE_RUN if overlay is not None else ""
            curves += [
                _curve(label, colour, side, pick_log(view.history, key, view.epoch, points), run)
                for label, key, colour, side in _series(view, _score_name(view))
            ]
        count = max(view.epoch, overlay.epochs if overlay is not None else 0)
        losses = [y for c in curves if c.side == "left" for y in c.ys]
        log = _needs_log(losses) or _runs_apart([c for c in curves if c.side == "left"])
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
            self._focused and _too_small(width, height),  # a plot does not say it
        )

    def _replot(self, picture: Picture) -> None:
        self._plotted_at = time.monotonic()
        if picture == self._shown:
            return
        self._shown = picture
        self._strips = self._to_strips(chart_rows(self.plt, picture))
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


def chart_rows(plt: Any, picture: Picture) -> list[list[Run]]:
    """The picture as rows of runs: a legend row naming each panel and its curves, then
    the loss panel above the accuracy (or R²) panel on the same epoch axis; in a short
    pane one panel with loss on the left axis and the score, in per cent, on the right."""
    width, height = picture.size
    if picture.title == EMPTY_TITLE:
        return _plot(plt, picture, (width, height), _draw_empty)
    if _too_small(width, height):
        return _latest_rows(picture)
    left = [c for c in picture.curves if c.side == "left"]
    right = [c for c in picture.curves if c.side == "right"]
    loss_name = "loss (log scale)" if picture.log_ticks is not None else "loss"
    if picture.title is not None:
        loss_name += f" · {picture.title}"
    score_name = picture.score or "accuracy"
    loss_height = (height - 2 - 6) * 3 // 5 + 3  # a frame and an axis, and no tick labels
    rows = loss_height - 2 if height >= TWO_PANELS else height - 4
    labels = _tick_labels(picture, left, right, rows)
    if height < TWO_PANELS:
        curves = picture.curves
        named = [replace(c, label=_one_panel_label(c, loss_name, score_name)) for c in curves]
        legend = _fitting_legend("", named, width)
        one = _plot(plt, picture, (width, height - 1), lambda p: _draw_one(p, picture, labels))
        return [legend, *one]
    loss = _plot(plt, picture, (width, loss_height), lambda p: _draw_loss(p, picture, labels))
    score = _plot(
        plt,
        picture,
        (width, height - 2 - loss_height + 1),
        lambda p: _draw_score(p, picture, labels),
    )
    return [
        _fitting_legend(loss_name, left, width),
        *loss[:-1],
        _fitting_legend(score_name, right, width),
        *score,
    ]


TWO_PANELS = 14  # rows from which loss and score get a panel each
DIM = RichStyle(dim=True)
TOO_SMALL = (30, 9)  # a pane narrower or shorter than this shows the latest numbers


def _plot(
    plt: Any, picture: Picture, size: tuple[int, int], draw: Callable[[Any], None]
) -> list[list[Run]]:
    """Rows of one plotext figure of ``size`` drawn by ``draw``."""
    plt.clear_data()
    plt.clear_figure()
    draw(plt)
    plt.plotsize(*size)
    plt._set_size(*size)  # as PlotextPlot.render does: plotsize alone is not enough
    plt.theme(picture.theme)
    return rows_of(build_cells(plt))


def _fitting_legend(name: str, curves: Sequence[Curve], width: int) -> list[Run]:
    """The legend in ``width`` cells if it can be: else with "log" for "log scale" and
    the live run called "now"."""
    legend = _legend(name, curves)
    if sum(len(text) for text, _ in legend) <= width:
        return legend
    short = [replace(c, run=SHORT_LIVE_RUN) if c.run == LIVE_RUN else c for c in curves]
    return _legend(name.replace("log scale", "log"), short)


def _legend(name: str, curves: Sequence[Curve]) -> list[Run]:
    """A panel's name, then each run's name and its curves' swatches and labels, above
    the data: ``loss  run 1: ━━ train ·· test  this run: ━━ train ━━ test``."""
    runs: list[Run] = [(name, RichStyle(bold=True))] if name else []
    group: str | None = None
    for c in curves:
        gap = " " if c.run and c.run == group else "  " if runs else ""
        if c.run != group:
            group = c.run
            if c.run:
                runs.append((f"{gap}{c.run}:", DIM))
                gap = " "
        swatch = SWATCH.get(c.marker, c.marker * 2)
        runs += [
            (f"{gap}{swatch} ", RichStyle(color=Color.from_rgb(*c.colour))),
            (c.label, RichStyle()),
        ]
    return runs


def _one_panel_label(curve: Curve, loss: str, score: str) -> str:
    """``train loss``, ``test accuracy %``: on one panel the label says which axis."""
    return f"{curve.label} {loss}" if curve.side == "left" else f"{curve.label} {score} %"


def _draw_empty(plt: Any) -> None:
    plt.frame(False)
    plt.xticks([])
    plt.yticks([])
    plt.title(EMPTY_TITLE)


def _too_small(width: int, height: int) -> bool:
    """Too small for a readable plot: the latest numbers instead."""
    return width < TOO_SMALL[0] or height < TOO_SMALL[1]


def _latest_rows(picture: Picture) -> list[list[Run]]:
    """Each curve's latest value, for a pane too small for a readable plot."""
    rows: list[list[Run]] = []
    for c in picture.curves:
        if not c.ys:
            continue
        y = c.ys[-1]
        if c.side == "left":
            value = f"loss {10**y if picture.log_ticks is not None else y:.4f}"
        else:
            value = f"acc {y:.1%}" if picture.classify else f"R² {y:.3f}"
        rows.append([(f"{value} ", RichStyle(color=Color.from_rgb(*c.colour))), (c.name, DIM)])
    # z zooms the pane with the focus: the network's, until tab (or a click) moves it
    hint = "z zooms the chart" if picture.focused else "tab to it, z zooms"
    return [*rows, [(hint, DIM)]]


def _curves(plt: Any, curves: Sequence[Curve], yside: str = "left") -> None:
    for c in curves:
        plt.plot(list(c.xs), list(c.ys), color=c.colour, yside=yside, marker=c.marker)


def _x_axis(plt: Any, picture: Picture, labelled: bool) -> None:
    ticks = list(picture.xticks)
    plt.xticks(ticks, [f"{t:,}" if labelled else "" for t in ticks])
    # one range for both panels, so an epoch sits in the same column in each
    plt.xlim(0, max(1, *ticks, *(c.xs[-1] for c in picture.curves)))
    if labelled:
        plt.xlabel("epoch")


def _y_axis(plt: Any, ticks: tuple[list[float], list[str]], yside: str = "left") -> None:
    plt.yticks(*ticks, yside=yside)
    if len(ticks[0]) > 1:
        plt.ylim(ticks[0][0], ticks[0][-1], yside=yside)


def _draw_loss(plt: Any, picture: Picture, labels: TickLabels) -> None:
    _curves(plt, [c for c in picture.curves if c.side == "left"])
    _x_axis(plt, picture, labelled=False)
    _y_axis(plt, labels.left)


def _draw_score(plt: Any, picture: Picture, labels: TickLabels) -> None:
    _curves(plt, [c for c in picture.curves if c.side == "right"])
    _x_axis(plt, picture, labelled=True)
    _y_axis(plt, labels.right)


def _draw_one(plt: Any, picture: Picture, labels: TickLabels) -> None:
    """Both scales on one panel, for a short pane: loss left, score right."""
    _curves(plt, [c for c in picture.curves if c.side == "left"])
    _curves(plt, [c for c in picture.curves if c.side == "right"], "right")
    _x_axis(plt, picture, labelled=True)
    _y_axis(plt, labels.left)
    _y_axis(plt, labels.right, "right")


@dataclass(frozen=True)
class TickLabels:
    """Each panel's y ticks and their labels, padded to one width so both panels'
    plots start in the same column and their epochs line up."""

    left: tuple[list[float], list[str]]
    right: tuple[list[float], list[str]]


def _tick_labels(picture: Picture, left: list[Curve], right: list[Curve], rows: int) -> TickLabels:
    """The ticks of panels ``rows`` high."""
    if picture.log_ticks is not None:
        lo, hi = math.floor(min(picture.log_ticks)), math.ceil(max(picture.log_ticks))
        step = max(1, math.ceil((hi - lo) / 5))
        exponents = list(range(lo, hi + 1, step))
        loss = ([float(t) for t in exponents], [_power(t) for t in exponents])
    else:
        loss = _value_ticks([y for c in left for y in c.ys], rows // 2 + 1)
    if picture.classify:
        score = ([0.0, 0.5, 1.0], ["0%", "50%", "100%"])
    else:
        score = _value_ticks([y for c in right for y in c.ys], rows // 2 + 1)
    width = max(len(label) for label in [*loss[1], *score[1], ""])
    return TickLabels(
        (loss[0], [label.rjust(width) for label in loss[1]]),
        (score[0], [label.rjust(width) for label in score[1]]),
    )


def _value_ticks(values: list[float], most: int) -> tuple[list[float], list[str]]:
    """Round ticks (1, 2 or 5 times a power of ten apart) from just below ``values`` to
    just above, at most about ``most`` of them, labelled with as many decimals as the
    spacing needs; the panel's y range is the first tick to the last."""
    if not values:
        return [], []
    lo, hi = min(values), max(values)
    if hi - lo <= 1e-12 * max(abs(hi), 1.0):
        return [lo], [f"{lo:.4g}"]
    raw = (hi - lo) / max(most - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(k * power for k in (1, 2, 5, 10) if k * power >= raw)
    first, last = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
    ticks = [k * step for k in range(first, last + 1)]
    decimals = max(0, -math.floor(math.log10(step)))
    return ticks, [f"{t:.{decimals}f}" for t in ticks]


def _power(exponent: int) -> str:
    """A log axis's tick, 10 to ``exponent``, as plainly as it reads: 0.01, 1, 1000, 1e6."""
    return f"{10.0**exponent:g}" if -3 <= exponent <= 4 else f"1e{exponent}"


def _score_name(view: TrainingView) -> str:
    return "accuracy" if view.network.classification else "R²"


def _series(view: TrainingView, name: str) -> list[tuple[str, str, RGB, str]]:
    """(label, metric column, colour, axis) of every line this run has."""
    score = "accuracy" if view.network.classification else "r2"
    series = [("train", "loss", LOSS_TRAIN, "left"), ("train", score, SCORE_TRAIN, "right")]
    if view.history.has("test_loss"):
        series[1:1] = [("test", "test_loss", LOSS_TEST, "left")]
        series.append(("test", f"test_{score}", SCORE_TEST, "right"))
    return series


def _needs_log(losses: list[float]) -> bool:
    """A loss spanning many decades (a diverging run, say) goes on a log axis:
    a linear one would flatten it, and plotext cannot draw beyond about 1e30."""
    positive = [y for y in losses if y > 0]
    return bool(positive) and max(positive) > LOG_SPAN * min(positive)


def _runs_apart(losses: Sequence[Curve]) -> bool:
    """Two runs whose highest losses are ``RUNS_APART`` times apart or more: on a linear
    axis the lower run would be a flat line along the bottom."""
    peaks: dict[str, float] = {}
    for c in losses:
        if c.ys:
            peaks[c.run] = max(peaks.get(c.run, -math.inf), max(c.ys))
    if len(peaks) < 2:
        return False
    low, high = min(peaks.values()), max(peaks.values())
    return low > 0 and high >= RUNS_APART * low


def _curve(
    label: str, colour: RGB, side: str, points: tuple[list[int], list[float]], run: str = ""
) -> Curve:
    return Curve(label, colour, side, tuple(points[0]), tuple(points[1]), run)


def _log10(curve: Curve) -> Curve:
    kept = [(x, math.log10(y)) for x, y in zip(curve.xs, curve.ys, strict=True) if y > 0]
    return replace(curve, xs=tuple(x for x, _ in kept), ys=tuple(y for _, y in kept))


def epoch_ticks(last: int, most: int) -> list[int]:
    """Whole epochs 0..last at a round spacing (1, 2, 5, 10, 20, 50, ...), at most
    ``most`` of them."""
    step, k = 1, 0
    while last // step + 1 > most:
        k += 1
        step = (1, 2, 5)[k % 3] * 10 ** (k // 3)
    return list(range(0, last + 1, step))
