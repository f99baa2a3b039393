"""Backprop's error signal: every layer's δ per neuron (a row's ∂ℓ/∂z, which is ∂L/∂z
when L sums the rows' losses), how large each layer's weight gradient has been over the
epochs (log scale), and the engine's diagnosis of why the network is not learning.

Below them, "δ per row" shows every row's δ for each neuron. What does not fit is
said in words on its last line ("3 more ↓ · 100 more rows →"), and with the pane
focused (``tab``, or a click) ↑ ↓ scroll its neurons and ← → page its rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.binding import BindingType
from textual.strip import Strip

from tui_backprop.engine.diagnosis import diagnose
from tui_backprop.engine.phases import HIDDEN_DELTA, OUTPUT_DELTA
from tui_backprop.ui.model.check_marks import DELTA, Mask, row_of, wrong_row
from tui_backprop.ui.model.looking_back import initial_hint
from tui_backprop.ui.model.series import pick_log, positive_range, sparkline
from tui_backprop.ui.model.view import TrainingView
from tui_backprop.ui.model.walk import active_layer, delta_known
from tui_backprop.ui.panes.lines import RunStyler, arrow_bindings, refresh_changed
from tui_backprop.ui.panes.view_pane import ViewPane
from tui_backprop.ui.render import gradient_size, palette
from tui_backprop.ui.render.check_text import WRONG_MARK, WRONG_STYLE
from tui_backprop.ui.render.numbers import CELL, signed
from tui_backprop.ui.render.styled_lines import StyledLines

NORM_TAIL = 8  # " 1.2e-02" after the sparkline
UNKNOWN = "?"  # a δ the backward pass of the epoch being walked has not reached yet
UNKNOWN_CELL = " ·"
MIN_CELL = 6  # the narrowest signed number


class DeltasPane(ViewPane, can_focus=True):
    """Drawn with the line API from strips built once per view and size; a new view
    repaints only the lines that changed."""

    BINDINGS: ClassVar[list[BindingType]] = [*arrow_bindings("scroll_rows", "Neurons", "Rows")]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._strips: list[Strip] = []
        self._key: tuple[object, ...] | None = None
        # "δ per row": its first neuron line and first row, and how far each can go
        self.units_at = 0
        self.rows_at = 0
        self._units_max = 0
        self._rows_page = 1
        self._sample: int | None = 0  # the row j / k chose, last seen: its page follows it

    @property
    def drawn(self) -> list[Strip]:
        """The lines drawn last: a new list each time they are drawn again."""
        return self._strips

    def action_scroll_rows(self, dx: int, dy: int) -> None:
        """↑ ↓ a neuron of "δ per row", ← → a page of its rows."""
        self.units_at = max(0, min(self.units_at + dy, self._units_max))
        self.rows_at = max(0, self.rows_at + dx * self._rows_page)
        self._repaint()

    def on_focus(self) -> None:
        self._repaint()  # the hint names the keys that now work

    def on_blur(self) -> None:
        self._repaint()

    def _repaint(self) -> None:
        old = self._strips
        if self._update():
            refresh_changed(self, old, self._strips)

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
        key = (self.view, width, height, self.units_at, self.rows_at, self.has_focus)
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
            if hint := initial_hint(view):
                out.append(hint, "italic")
                return out
            out.append("press space to train one epoch:\n", "italic")
            reduction = view.config.reduction if view.config else "sum"
            out.append(
                f"then every neuron's {delta_name(reduction, 0)[0]} and each layer's\n", "dim"
            )
            out.append("gradient size over the epochs show here", "dim")
            return out
        width, height = self.size
        net = view.network
        label = max(len(_title(view, layer)) for layer in range(1, len(net.sizes))) + 1
        verdict = _verdict(view, width, height - min(net.depth, 3))
        # two lines a layer (δ numbers, then the gradient size) when they all fit with
        # the verdict; else one: the gradient size, then δ as colour only
        compact = 2 + 2 * net.depth + len(verdict) > height
        scale = _shown_scale(view)
        cells = min(2 * max(net.sizes[1:]), (width - label - NORM_TAIL) // 2) if compact else 0
        points = max(width - label - NORM_TAIL - cells - 1, 4)
        norms = _norms(view, points)
        bounds = positive_range(list(norms.values()))
        # the verdict and three layers come before the scales' captions in a short pane
        if height >= 2 + min(net.depth, 3) + len(verdict):
            name, relation = delta_name(view.record.reduction, view.batch_rows)
            caption = f" · {view.sample_caption()} · colours to ±{scale:.2g}"
            out.append(name, "bold")
            fits = len(name + relation + caption) <= width
            out.append((relation if fits else "") + caption + "\n", "dim")
            out.append("‖∇W‖ by epoch, one log axis", "dim")
            if bounds is not None:
                out.append(f": ▁ {bounds[0]:.1e} … █ {bounds[1]:.1e}", "dim")
            out.append("\n")
        if compact and 3 + net.depth + len(verdict) <= height:  # name the two columns
            out.append(" " * label + "δ".ljust(cells + 1) + "‖∇W‖\n", "dim")
        room = height - out.line_count() - len(verdict)
        longest = max(len(n) for n in norms.values())
        for layer in _layers_in(net.depth, room if compact else 2 * net.depth):
            if layer is None:
                out.append("…\n", "dim")
            elif compact:
                self._layer_line(out, view, layer, label, scale, cells)
                _norm_line(out, norms[layer], bounds, longest)
            else:
                self._layer(out, view, layer, label, scale)
                out.append(f"{'‖∇W' + str(layer) + '‖':<{label}}", "dim")
                _norm_line(out, norms[layer], bounds, 0)
        for line, problem in verdict:
            out.append(line + "\n", "yellow" if problem else "dim")
        room = height - out.line_count() - 3
        if room > 0 and not compact:
            self._per_row(out, view, room)
        return out

    def _per_row(self, out: StyledLines, view: TrainingView, room: int) -> None:
        """Every row's δ as a coloured cell: which rows of the batch drive the update.
        One colour scale for every layer, so a layer whose δ vanishes fades out. What
        does not fit in ``room`` lines is counted on the last one."""
        record = view.record
        assert record is not None
        scale = max(palette.magnitude(layer.delta) for layer in record.layers)
        net = view.network
        label = min(max(len(s) for s in net.labels[-1] + net.labels[1]), 8) + 1
        rows = len(record.rows)
        page = max(min(rows, (self.size.width - label) // 2), 1)
        self._rows_page = page
        if view.sample != self._sample:  # j / k chose a row: show the page it is on
            self._sample = view.sample
            if view.sample is not None:
                self.rows_at = view.sample // page * page
        start = min(self.rows_at, (rows - 1) // page * page)
        end = min(start + page, rows)
        units = [(layer, j) for layer in range(net.depth, 0, -1) for j in range(net.sizes[layer])]
        whole = len(units) <= room and end - start == rows
        lines = room if whole else room - 1  # the last line counts what is out of sight
        self._units_max = max(len(units) - lines, 0)
        first = min(self.units_at, self._units_max)
        shown = units[first : first + max(lines, 0)]
        out.append("\nδ per row", "bold")
        caption = f"rows {start + 1}-{end} of {rows}, colours to ±{scale:.2g}"
        out.append(f"  ({caption})\n", "dim")
        marks = "".join("▼ " if k == view.sample else "  " for k in range(start, end))
        out.append(" " * label + marks + "\n", "bold")
        for layer, j in shown:
            delta = record.layers[layer - 1].delta
            out.append(f"{net.labels[layer][j][: label - 1]:<{label}}", "dim")
            if not delta_known(view, layer):  # the backward pass has not reached it yet
                out.append(UNKNOWN_CELL * (end - start), "dim")
            else:
                wrong = _wrong_deltas(view, layer)
                for k in range(start, end):
                    if wrong is not None and wrong[k, j]:
                        out.append(WRONG_MARK + " ", WRONG_STYLE)
                    else:
                        out.append("  ", palette.value_style(float(delta[k, j]), scale))
            out.append("\n")
        if not whole:
            below = len(units) - first - len(shown)
            out.append(self._out_of_sight(first, below, start, rows - end), "dim")

    def _out_of_sight(self, above: int, below: int, before: int, after: int) -> str:
        """The neurons and rows of "δ per row" out of sight, the most needed first as
        many as fit the width, and the keys that reach them."""
        keys = "↑↓←→ scroll" if self.has_focus else "tab, ↑↓←→"
        parts = [
            f"{below} more ↓" if below else "",
            f"{after} more rows →" if after else "",
            f"{above} more ↑" if above else "",
            f"{before} rows ←" if before else "",
        ]
        said: list[str] = []
        for part in filter(None, parts):
            if len(" · ".join([*said, part, keys])) <= self.size.width:
                said.append(part)
        return " · ".join([*said, keys])

    def _title_cell(self, out: StyledLines, view: TrainingView, layer: int, label: int) -> None:
        active = layer == active_layer(view, OUTPUT_DELTA, HIDDEN_DELTA)
        out.append(f"{_title(view, layer):<{label}}", "bold reverse yellow" if active else "bold")

    def _layer(
        self, out: StyledLines, view: TrainingView, layer: int, label: int, scale: float
    ) -> None:
        """The layer's δ, one number a neuron, on the colour scale shared by all layers."""
        width = self.size.width
        delta = view.delta(layer)
        self._title_cell(out, view, layer, label)
        count = view.network.sizes[layer]
        fitting = [c for c in (CELL, CELL - 1, CELL - 2) if count * (c + 1) <= width - label]
        cell = fitting[0] if fitting else CELL - 1
        room = max((width - label) // (cell + 1), 1)
        shown = (
            range(count) if count <= room else [*range(_kept(count, room, cell, width - label)), -1]
        )
        for k in shown:
            if k < 0:
                out.append(_more(count - len(shown) + 1), "dim")
                break
            if delta is None:  # the backward pass has not reached this layer yet
                out.append(UNKNOWN.center(cell) + " ", "dim")
                continue
            value = float(delta[k])
            out.append(signed(value, cell), palette.value_style(value, scale))
            out.append(" ")
        out.append("\n")
        self._yours(out, view, layer, label, cell, shown)

    @staticmethod
    def _yours(
        out: StyledLines,
        view: TrainingView,
        layer: int,
        label: int,
        cell: int,
        shown: Sequence[int],
    ) -> None:
        """Under a layer whose δ the student got wrong (``--check``): theirs for the row
        shown, each wrong entry crimson with ✗ where the engine's has its space."""
        check = None if view.check is None else view.check.differing(DELTA, layer)
        if check is None or check.student is None or check.wrong is None:
            return
        theirs, wrong = row_of(check.student, view.sample), wrong_row(check.wrong, view.sample)
        out.append(f"{'yours':>{label - 1}} ", "bold")
        for k in shown:
            if k < 0:
                break
            bad = bool(wrong[k])
            number = signed(float(theirs[k]), max(cell - 1, MIN_CELL))  # and ✗ in the gap
            out.append(number + (WRONG_MARK if bad else " "), WRONG_STYLE if bad else None)
            out.append(" " * (cell - len(number)))
        out.append("\n")

    def _layer_line(
        self,
        out: StyledLines,
        view: TrainingView,
        layer: int,
        label: int,
        scale: float,
        columns: int,
    ) -> None:
        """The layer's title and its δ as colour only, two of ``columns`` a neuron (the
        gradient size follows on the same line)."""
        self._title_cell(out, view, layer, label)
        delta = view.delta(layer)
        check = None if view.check is None else view.check.differing(DELTA, layer)
        wrong = (
            None if check is None or check.wrong is None else wrong_row(check.wrong, view.sample)
        )
        size = view.network.sizes[layer]
        count = min(size, columns // 2)
        if count < size:  # the last cell counts the neurons out of sight
            count = max(count - 1, 0)
        for k in range(count):
            if delta is None:  # the backward pass has not reached this layer yet
                out.append(UNKNOWN.center(2), "dim")
            elif wrong is not None and wrong[k]:  # the student's δ differs here
                out.append(WRONG_MARK + " ", WRONG_STYLE)
            else:
                out.append("  ", palette.value_style(float(delta[k]), scale))
        if count < size:
            more = size - count
            out.append(f"+{more}" if more < 10 else "+…", "dim")
            count += 1
        out.append(" " * (columns - 2 * count + 1))


def _wrong_deltas(view: TrainingView, layer: int) -> Mask | None:
    """Every row's wrong entries of the student's δ of ``layer`` (``--check``), or None."""
    check = None if view.check is None else view.check.differing(DELTA, layer)
    return None if check is None else check.wrong


def delta_name(reduction: str, rows: int) -> tuple[str, str]:
    """What the δ shown is: a row's own ∂ℓ/∂z, which is ∂L/∂z when L sums the rows'
    losses and N times it when L is their mean; and that relation (for ``rows`` N)."""
    if reduction == "mean":
        return "δ = ∂ℓ/∂z", f" = {rows}·∂L/∂z" if rows else ""
    return "δ = ∂L/∂z", " = ∂ℓ/∂z"


def _verdict(view: TrainingView, width: int, room: int) -> list[tuple[str, bool]]:
    """The engine's diagnosis of the epoch shown in at most ``room`` wrapped lines, each
    with whether it names a problem: in full when it fits, else in short, else the cause
    alone; none before the first epoch."""
    if view.metrics is None or view.record is None:
        return []
    losses = view.history.column("loss")[: view.history.rows_before(view.epoch)]
    found = diagnose(view.record, view.metrics.grad_norms, losses, diverged=view.diverged)
    features = view.network.labels[0]
    cure = gradient_size.LR_CURE if view.diverged_by is None else gradient_size.EDIT_CURE
    lines: list[tuple[str, bool]] = []
    for said in (
        gradient_size.sentences(found, features, cure=cure),
        gradient_size.sentences(found, features, short=True),
        gradient_size.sentences(found, features, short=True)[:1],
    ):
        lines = [
            (line, problem) for text, problem in said for line in gradient_size.wrapped(text, width)
        ]
        if len(lines) <= room:
            break
    return lines[: max(room, 1)]


def _more(hidden: int) -> str:
    """The mark for neurons left out at the end of a layer's line, in words."""
    return f"… {hidden} more"


def _kept(count: int, room: int, cell: int, width: int) -> int:
    """How many of ``count`` numbers of ``cell`` columns (and a space) fit in ``width``
    with the mark for the rest after them."""
    kept = room - 1
    while kept > 0 and kept * (cell + 1) + len(_more(count - kept)) > width:
        kept -= 1
    return kept


def _shown_scale(view: TrainingView) -> float:
    """Where the colour scale of the δ shown per neuron ends: the largest over every
    layer, counting those a walk has not revealed yet so colours stay put as it goes."""
    picked = [TrainingView.delta(view, layer) for layer in range(1, view.network.depth + 1)]
    return max(palette.magnitude(d) for d in picked if d is not None)


def _norms(view: TrainingView, points: int) -> dict[int, list[float]]:
    """Every layer's gradient norm over the epochs, thinned to ``points``."""
    return {
        layer: pick_log(view.history, "grad_norms", view.epoch, points, layer - 1)[1]
        for layer in range(1, view.network.depth + 1)
    }


def _norm_line(
    out: StyledLines, norms: list[float], bounds: tuple[float, float] | None, pad: int
) -> None:
    """A layer's gradient norms as a sparkline on the axis shared by all layers, the
    latest value after it (at column ``pad``)."""
    line, _, _ = sparkline(norms, bounds=bounds)
    out.append(line.ljust(pad), "cyan")
    if norms:
        out.append(f" {norms[-1]:.1e}", "bold")
    out.append("\n")


def _layers_in(depth: int, room: int) -> list[int | None]:
    """The layers to draw, output first, in ``room`` lines: the middle ones give way
    to a "…" (None) so the output and the first layers stay in sight."""
    layers: list[int | None] = list(range(depth, 0, -1))
    if depth <= room:
        return layers
    tail = max(room - 2, 1)
    return [depth, None, *range(tail, 0, -1)]


DELTA_NAME_ROOM = 6  # "output", "hidden"; deeper nets' layers are h1, h2, …


def _title(view: TrainingView, layer: int) -> str:
    return view.network.layer_names(DELTA_NAME_ROOM)[layer]
