"""Backprop's error signal: every layer's δ = ∂L/∂z per neuron, and how large each
layer's weight gradient has been over the epochs (log scale), so vanishing or
exploding gradients show as a layer whose line sinks or soars."""

from __future__ import annotations

from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from tui_backprop.engine.phases import HIDDEN_DELTA, OUTPUT_DELTA
from tui_backprop.ui.model.series import pick, sparkline
from tui_backprop.ui.model.view import TrainingView
from tui_backprop.ui.model.walk import active_layer, delta_known
from tui_backprop.ui.panes.lines import RunStyler, refresh_changed
from tui_backprop.ui.render import palette
from tui_backprop.ui.render.numbers import CELL, signed
from tui_backprop.ui.render.styled_lines import StyledLines

NORM_TAIL = 8  # " 1.2e-02" after the sparkline
RANGE_TAIL = 24  # "  (1.2e-04 to 1.0e-01)", when there is room
VANISHING = 1e-3  # a layer's gradient this many times smaller than the output's
UNKNOWN = "?"  # a δ the backward pass of the epoch being walked has not reached yet
UNKNOWN_CELL = " ·"


class DeltasPane(Widget, can_focus=True):
    """Drawn with the line API from strips built once per view and size; a new view
    repaints only the lines that changed."""

    view: reactive[TrainingView | None] = reactive(None, repaint=False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._strips: list[Strip] = []
        self._key: tuple[TrainingView | None, int, int] | None = None

    def watch_view(self) -> None:
        old = self._strips
        if self._update():
            refresh_changed(self, old, self._strips)

    def on_resize(self) -> None:
        self._update()
        self.refresh()

    def render_line(self, y: int) -> Strip:
        self._update()
        if y < len(self._strips):
            return self._strips[y]
        return Strip.blank(self.size.width, self.visual_style.rich_style)

    def _update(self) -> bool:
        """Rebuild the strips if the view or size changed; say whether they did."""
        width, height = self.size
        key = (self.view, width, height)
        if key == self._key:
            return False
        self._key = key
        styler = RunStyler(self)
        rows = self._lines().rows[:height]
        self._strips = [styler.strip(runs, y, width) for y, runs in enumerate(rows)]
        return True

    def _lines(self) -> StyledLines:
        view = self.view
        out = StyledLines()
        if view is None:
            return out
        if view.record is None:
            out.append("press space to train one epoch:\n", "italic")
            out.append("then every neuron's δ = ∂L/∂z and each layer's\n", "dim")
            out.append("gradient size over the epochs show here", "dim")
            return out
        out.append("δ = ∂L/∂z", "bold")
        out.append(f" · {view.sample_caption()}", "dim")
        out.append(" · ‖∇W‖ = ‖∂L/∂W‖ per epoch, log scale\n", "dim")
        titles = [_title(view, layer) for layer in range(len(view.network.sizes))]
        label = max(len(t) for t in titles[1:]) + 1
        for layer in range(len(view.network.sizes) - 1, 0, -1):  # backprop's order
            self._layer(out, view, layer, label)
        self._verdict(out, view)
        room = self.size.height - out.line_count() - 3
        if room > 0:
            self._per_row(out, view, room)
        return out

    def _per_row(self, out: StyledLines, view: TrainingView, room: int) -> None:
        """Every row's δ as a coloured cell: which rows of the batch drive the update."""
        record = view.record
        assert record is not None
        net = view.network
        label = min(max(len(s) for s in net.labels[-1] + net.labels[1]), 8) + 1
        rows = len(record.rows)
        shown = max(min(rows, (self.size.width - label) // 2), 1)
        out.append("\nδ per row", "bold")
        out.append(f"  (a column per row: rows 1-{shown} of {rows})\n", "dim")
        marks = "".join("▼ " if k == view.sample else "  " for k in range(shown))
        out.append(" " * label + marks + "\n", "bold")
        for layer in range(net.depth, 0, -1):
            delta = record.layers[layer - 1].delta
            scale = palette.magnitude(delta)
            known = delta_known(view, layer)
            for j in range(delta.shape[1]):
                if room == 0:
                    out.append("…", "dim")
                    return
                out.append(f"{net.labels[layer][j][: label - 1]:<{label}}", "dim")
                if not known:  # the backward pass has not reached this layer yet
                    out.append(UNKNOWN_CELL * shown, "dim")
                for k in range(shown if known else 0):
                    out.append("  ", palette.value_style(float(delta[k, j]), scale))
                out.append("\n")
                room -= 1

    def _layer(self, out: StyledLines, view: TrainingView, layer: int, label: int) -> None:
        width = self.size.width
        record = view.record
        delta = view.delta(layer)
        assert record is not None
        active = layer == active_layer(view, OUTPUT_DELTA, HIDDEN_DELTA)
        out.append(f"{_title(view, layer):<{label}}", "bold reverse yellow" if active else "bold")
        count = view.network.sizes[layer]
        scale = palette.magnitude(record.layers[layer - 1].delta)
        fitting = [c for c in (CELL, CELL - 1, CELL - 2) if count * (c + 1) <= width - label]
        cell = fitting[0] if fitting else CELL - 1
        room = max((width - label) // (cell + 1), 1)
        shown = range(count) if count <= room else [*range(room - 1), -1]
        for k in shown:
            if k < 0:
                out.append(f"… +{count - room + 1}", "dim")
                break
            if delta is None:  # the backward pass has not reached this layer yet
                out.append(UNKNOWN.center(cell) + " ", "dim")
                continue
            value = float(delta[k])
            out.append(signed(value, cell), palette.value_style(value, scale))
            out.append(" ")
        out.append("\n")
        self._norms(out, view, layer, width, label)

    @staticmethod
    def _norms(out: StyledLines, view: TrainingView, layer: int, width: int, label: int) -> None:
        wide = width - label >= 40
        points = max(width - label - NORM_TAIL - (RANGE_TAIL if wide else 0), 4)
        norms_column = view.history.column("grad_norms")
        _, norms = pick(norms_column[:, layer - 1], view.epoch, points)
        line, lo, hi = sparkline(norms)
        out.append(f"{'‖∇W' + str(layer) + '‖':<{label}}", "dim")
        out.append(line, "cyan")
        if norms:
            out.append(f" {norms[-1]:.1e}", "bold")
            if wide:
                out.append(f"  ({lo:.1e} to {hi:.1e})", "dim")
        out.append("\n")

    @staticmethod
    def _verdict(out: StyledLines, view: TrainingView) -> None:
        metrics = view.metrics
        if metrics is None or len(metrics.grad_norms) < 2:
            return
        first, last = metrics.grad_norms[0], metrics.grad_norms[-1]
        if last > 0 and first < VANISHING * last:
            out.append(
                "the first layer's gradient is tiny next to the output's: vanishing gradients",
                "yellow",
            )


DELTA_NAME_ROOM = 6  # "output", "hidden"; deeper nets' layers are h1, h2, …


def _title(view: TrainingView, layer: int) -> str:
    return view.network.layer_names(DELTA_NAME_ROOM)[layer]
