"""Loss (left axis) and accuracy or R² (right axis) per epoch, for the training rows
and, when there is a split, the test rows. Each series is thinned to about one point
per column first: plotext's cost grows with the points it is given (about 10 ms per
frame for two series of 60 points), never with the epochs."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from rich.markup import escape
from textual.reactive import reactive
from textual_plotext import PlotextPlot

from tui_backprop.engine.activations import Array
from tui_backprop.ui.model.series import pick, sample_epochs
from tui_backprop.ui.model.view import TrainingView

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


@dataclass(frozen=True, eq=False)
class Overlay:
    """An earlier run's loss curves, drawn under the live ones."""

    name: str  # "run 2"
    caption: str  # what differs: "lr 0.1 vs 1"
    loss: Array
    test_loss: Array | None

    def series(self, points: int) -> list[tuple[str, RGB, list[int], list[float]]]:
        """(label, colour, epochs, values) of each curve, thinned to about ``points``."""
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
            out.append((f"{self.name} {label}", colour, [i for i, _ in kept], [v for _, v in kept]))
        return out


class MetricsChart(PlotextPlot, can_focus=True):
    view: reactive[TrainingView | None] = reactive(None)
    overlay: reactive[Overlay | None] = reactive(None)

    def on_mount(self) -> None:
        self.border_subtitle = KEYS_HINT

    def watch_view(self, view: TrainingView | None) -> None:
        if view is not None:
            score = "accuracy" if view.network.classification else "R²"
            self.border_title = f"Loss and {score}"
        self._replot(view)

    def watch_overlay(self, overlay: Overlay | None) -> None:
        self.border_subtitle = (
            f"c: {escape(overlay.name)} · {escape(overlay.caption)}"
            if overlay is not None
            else KEYS_HINT
        )
        self._replot(self.view)

    def on_resize(self) -> None:
        self._replot(self.view)

    def _replot(self, view: TrainingView | None) -> None:
        plt: Any = self.plt  # the bundled stubs lack plotext's yside arguments
        plt.clear_data()
        plt.clear_figure()
        overlay = self.overlay
        if view is None or (view.epoch == 0 and overlay is None):
            plt.frame(False)
            plt.xticks([])
            plt.yticks([])
            plt.title("press space: the curves start after the first epoch")
            self.refresh()
            return
        plt.xlabel("epoch")
        points = max(self.size.width, 8)  # plotext's cost grows with the points
        count = view.epoch
        classify = view.network.classification
        name = "accuracy" if classify else "R²"
        drawn = [
            (label, colour, "left", xs, ys)
            for label, colour, xs, ys in (overlay.series(points) if overlay is not None else [])
        ]
        if count:
            drawn += [
                (label, colour, side, *pick(view.history.column(key), count, points))
                for label, key, colour, side in _series(view, name)
            ]
        count = max(count, len(overlay.loss) if overlay is not None else 0)
        losses = [y for _, _, side, _, ys in drawn if side == "left" for y in ys]
        log = _needs_log(losses)
        for label, colour, side, xs, ys in drawn:
            if log and side == "left":
                xs, ys = _log10(xs, ys)
            if xs:
                plt.plot(xs, ys, label=label, color=colour, yside=side, marker="braille")
        ticks = epoch_ticks(count - 1, max(self.size.width // 9, 2))
        plt.xticks(ticks, [f"{t:,}" for t in ticks])
        if log:
            _log_ticks(plt, [math.log10(y) for y in losses if y > 0])
        if classify and view.epoch:
            plt.ylim(0, 1, yside="right")
        plt.ylabel("loss (log)" if log else "loss", yside="left")
        if view.epoch:
            plt.ylabel(name, yside="right")
        if view.diverged:
            plt.title(f"diverged at epoch {view.epoch - 1}")
        self.refresh()


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


def _log10(xs: list[int], ys: list[float]) -> tuple[list[int], list[float]]:
    kept = [(x, math.log10(y)) for x, y in zip(xs, ys, strict=True) if y > 0]
    return [x for x, _ in kept], [y for _, y in kept]


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
