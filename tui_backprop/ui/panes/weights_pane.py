"""Every layer's weight matrix and bias row as numbers on a blue/orange heat map.

Rows are the layer's inputs and columns its neurons (z = a·W, as the engine stores W).
An arrow after a number says which way it moved in the last epoch. Drawn line by line
from the snapshot, so only the visible rows and columns cost anything; big matrices
scroll. Beside an epoch's forward pass the pane shows the weights after its update, or
(``used``, the ``v`` key) the ones that forward pass used; its title says which
(``model.weight_moment``).

What lies out of sight is said in words: a matrix's title line ends in "3 more →"
when its columns go on past the right edge, and the pane's last line in "6 more rows ↓"
when rows go on below it. Arrow keys (scrolling to the selected cell) or the mouse
reach them.

Arrow keys or a click select a cell (a weight or a bias); ``0`` sets it to zero and
``enter`` asks for a value. The pane only asks (``EditCell``): the screen makes the edit
through the engine, which records it in the run's history.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui_backprop.check.verdicts import LayerCheck
from tui_backprop.engine.activations import Array
from tui_backprop.engine.phases import FORWARD, GRADIENTS, HIDDEN_DELTA, UPDATE, Phase
from tui_backprop.ui.command_table import hidden_in, key_hint
from tui_backprop.ui.model.check_marks import BIAS as BIASES
from tui_backprop.ui.model.check_marks import BIAS_GRADIENT, GRADIENT, WEIGHT, Mask
from tui_backprop.ui.model.pane_choices import PaneChoices
from tui_backprop.ui.model.view import Network, TrainingView
from tui_backprop.ui.model.walk import gradients_known, walk_of
from tui_backprop.ui.model.weight_moment import (
    AFTER,
    USED,
    moment_of,
    shown_change,
    shown_params,
)
from tui_backprop.ui.panes.lines import arrow_bindings
from tui_backprop.ui.panes.view_pane import ViewPane
from tui_backprop.ui.render import palette
from tui_backprop.ui.render.check_text import WRONG_MARK, WRONG_STYLE
from tui_backprop.ui.render.numbers import CELL, signed

CELLS = (CELL, CELL - 1, CELL - 2)  # a digit or two less when that makes a matrix fit
ARROWS = {1: "▲", -1: "▼"}
LABEL_MAX = 8
BIAS = "bias"  # not "b": a feature may be called that
HEAD = Style(bold=True)
ACTIVE = Style(bold=True, reverse=True, color="#ffd75f")  # the matrix a phase uses
ROLE = Style(color="#ffd75f")
NO_STEP = "  press space: the gradients appear after a step"
WAITING = "  ? not yet: the gradients come after the backward pass"
DIM = Style(dim=True)
BLANK = Style.null()
SELECTED = Style(reverse=True, bold=True)
MORE = Style(bold=True, reverse=True)  # "3 more →": what lies out of sight
WRONG_HEAD = Style(bold=True)
YOURS_ROOM = 16  # "│ yours h1" and the student's numbers after a matrix (--check)


@dataclass(frozen=True)
class Row:
    """One line of the pane: a layer's title, its column names, a weight row or its bias."""

    kind: str  # "title", "names", "weights", "bias", "gap"
    layer: int  # 1-based weight layer
    index: int = 0


def rows_of(network: Network, bias: bool) -> list[Row]:
    rows: list[Row] = []
    for layer in range(1, len(network.sizes)):
        rows += [Row("title", layer), Row("names", layer)]
        rows += [Row("weights", layer, i) for i in range(network.sizes[layer - 1])]
        if bias:
            rows.append(Row("bias", layer))
        rows.append(Row("gap", layer))
    return rows[:-1]


class WeightsPane(ScrollView, ViewPane, can_focus=True):
    """Visible rows are drawn once per view, width and horizontal scroll, and cached by
    row; a new view repaints only the lines that changed."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *arrow_bindings("select", "Cell"),
        Binding("0", "zero", "Zero the cell", show=False),
        Binding("enter", "type_value", "Edit the cell", show=False),
    ]

    class EditCell(Message):
        """Set weight matrix ``layer`` (1-based) at [``row``, ``column``] (``row`` None:
        the bias) to ``value``, or with ``value`` None ask for one."""

        def __init__(self, layer: int, row: int | None, column: int, value: float | None):
            super().__init__()
            self.layer, self.row, self.column, self.value = layer, row, column, value

    selected: reactive[tuple[int, int] | None] = reactive(None)  # (row of the pane, column)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: list[Row] = []
        self._shape_key: tuple[Network, bool, int, bool] | None = None
        self._label = LABEL_MAX
        self._widths: dict[int, int] = {}  # each matrix's number width, by layer
        self._phase: Phase | None = None  # the walk's phase last scrolled to
        # Per layer, for the view on screen: (change signs, colour scale). Whole-matrix
        # work done once a frame, not once per visible row.
        self._layer_facts: dict[int, tuple[Array | None, float]] = {}
        self._strips: dict[int, Strip] = {}  # by row, for ``_strips_key``
        self._strips_key: tuple[object, ...] | None = None
        self._base = Style.null()  # the pane's own style, under every row
        self._titles: tuple[str, str] | None = None

    # -- what the learner chose (the session's ``choices``) -------------------------------

    @property
    def gradients(self) -> bool:
        """Whether ∂L/∂W of the last step is shown instead (``g``)."""
        return self.choices.gradients

    @property
    def used(self) -> bool:
        """Whether the weights the forward pass used are shown, not those after (``v``)."""
        return self.choices.used

    @property
    def neuron(self) -> tuple[int, int]:
        """The diagram's selected neuron (its column is marked under --check)."""
        return self.choices.neuron

    def watch_choices(self, old: PaneChoices, new: PaneChoices) -> None:
        if (old.gradients, old.used) != (new.gradients, new.used):
            self._layer_facts = {}  # other numbers, another scale
            self._retitle()
            self.refresh()
        elif old.neuron != new.neuron:
            self.refresh()

    # -- the selected cell -------------------------------------------------------------

    def _cell_rows(self) -> list[int]:
        return [i for i, r in enumerate(self._rows) if r.kind in ("weights", "bias")]

    def action_select(self, dx: int, dy: int) -> None:
        rows = self._cell_rows()
        if self.view is None or not rows:
            return
        if self.selected is None:
            self._select(rows[0], 0)
            return
        index, column = self.selected
        at = rows.index(index) if index in rows else 0
        index = rows[max(0, min(at + dy, len(rows) - 1))]
        self._select(index, column + dx)

    def cell_place(self, row_kind: str, layer: int, column: int) -> tuple[int, int]:
        """Where the first ``row_kind`` row of ``layer`` shows ``column``, in the pane's
        content before scrolling (x, y): what a click there selects."""
        index = next(i for i, r in enumerate(self._rows) if (r.kind, r.layer) == (row_kind, layer))
        return self._label + column * self._step(layer), index

    def _select(self, index: int, column: int) -> None:
        assert self.view is not None
        columns = self.view.network.sizes[self._rows[index].layer]
        column = max(0, min(column, columns - 1))
        self.selected = (index, column)
        step = self._step(self._rows[index].layer)
        x = self._label + column * step
        self.scroll_to_region(Region(x, index, step, 1), animate=False, immediate=True)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or self.view is None:
            return
        index = self.scroll_offset.y + offset.y
        if index not in self._cell_rows():
            return
        column = (self.scroll_offset.x + offset.x - self._label) // self._step(
            self._rows[index].layer
        )
        if column >= 0:
            self._select(index, column)

    def selected_cell(self) -> tuple[int, int | None, int] | None:
        """The selected (layer 1-based, row or None for the bias, column)."""
        if self.selected is None or self.selected[0] >= len(self._rows):
            return None
        row = self._rows[self.selected[0]]
        if row.kind not in ("weights", "bias"):
            return None
        return row.layer, None if row.kind == "bias" else row.index, self.selected[1]

    def action_zero(self) -> None:
        self._ask(0.0)

    def action_type_value(self) -> None:
        self._ask(None)

    def _ask(self, value: float | None) -> None:
        cell = self.selected_cell()
        if cell is None:
            self.notify("Select a weight first: arrow keys or a click.", timeout=3)
            return
        if self.gradients:
            self.notify("These are the gradients: w shows the weights to edit.", timeout=3)
            return
        if self.view is not None and moment_of(self.view, self.used).kind == USED:
            self.notify(
                "These are the weights the forward pass used: v shows the ones to edit.",
                timeout=3,
            )
            return
        self.post_message(self.EditCell(*cell, value))

    def watch_selected(self) -> None:
        self.refresh()

    def _cell(self, layer: int) -> int:
        return self._widths.get(layer, CELL)

    def _step(self, layer: int) -> int:
        return self._cell(layer) + 2  # a number, its arrow, a gap

    def watch_view(self, view: TrainingView | None) -> None:
        self._layer_facts = {}
        self._measure()
        self._retitle()
        self._show_phase(view)
        self._repaint_changed()

    def _repaint_changed(self) -> None:
        """Draw the visible rows for the new view; repaint the lines that differ."""
        scroll_y, height = self.scroll_offset.y, self.size.height
        old = [self._strips.get(scroll_y + y) for y in range(height)]
        new = [self.render_line(y) for y in range(height)]
        changed = [Region(0, y, self.size.width, 1) for y in range(height) if old[y] != new[y]]
        if changed:
            self.refresh(*changed)

    def _show_phase(self, view: TrainingView | None) -> None:
        """Scroll to the matrix a new phase of a walk uses, if it is out of sight."""
        walk = walk_of(view)
        if view is None or walk is None or walk.phase == self._phase:
            return
        self._phase = walk.phase
        layer = next((k for k in range(1, len(view.network.sizes)) if phase_role(view, k)), None)
        if layer is None:
            return
        top = self._rows.index(Row("title", layer))
        if not self.scroll_y <= top < self.scroll_y + self.size.height - 2:
            # after the layout, whose virtual size bounds the scroll
            self.call_after_refresh(self.scroll_to, y=top, animate=False, immediate=True)

    def on_resize(self) -> None:
        self._measure()
        self._retitle()
        self.refresh()  # Textual keeps the lines drawn at the old width otherwise

    def _measure(self) -> None:
        """Lay out the rows and pick the cell width, when the network or width changed."""
        view = self.view
        if view is None:
            return
        checking = view.check is not None
        key = (view.network, view.params.biases is not None, self.size.width, checking)
        if key == self._shape_key:
            return
        self._shape_key = key
        self._rows = rows_of(view.network, key[1])
        longest = max(len(s) for labels in view.network.labels[:-1] for s in labels)
        if key[1]:
            longest = max(longest, len(BIAS))
        self._label = min(longest, LABEL_MAX) + 1
        extra = YOURS_ROOM if key[3] else 0  # --check: the student's column after a matrix
        room = self._sight(len(self._rows)) - self._label - extra
        sizes = view.network.sizes
        # each matrix: the most whole columns (a digit less may show one more), then the
        # widest numbers
        self._widths = {
            layer: max(CELLS, key=lambda cell: (min(whole_columns(room, cell), columns), cell))
            for layer, columns in enumerate(sizes[1:], start=1)
        }
        widest = max(sizes[k] * self._step(k) - 1 for k in self._widths)  # no gap after
        self.virtual_size = Size(self._label + widest + extra, len(self._rows))

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.size.width
        index = scroll_y + y
        # visual_style is cached by Textual until the CSS changes; rich_style is not
        key = (
            self.view,
            self.gradients,
            self.used,
            self._shape_key,
            scroll_x,
            self.visual_style,
            self.selected,
            self.neuron,
        )
        if key != self._strips_key:
            self._strips_key, self._strips, self._base = key, {}, self.rich_style
        if index not in self._strips:
            self._strips[index] = self._draw_row(index, scroll_x, width)
        return self._with_more(self._strips[index], index, y, scroll_x, width)

    def _with_more(self, strip: Strip, index: int, y: int, scroll_x: int, width: int) -> Strip:
        """``strip`` with the count of what lies past its right edge (on a matrix's
        title line: its columns); or, as the pane's last line while rows go on below it,
        their count in its place (over a row, never over some of its numbers)."""
        view = self.view
        if view is None or index >= len(self._rows):
            return strip
        row = self._rows[index]
        sight = min(width, self._sight(len(self._rows)))  # not under the scrollbar
        if y == self.scrollable_content_region.height - 1:
            below = self._below(index, sight)
            if below:
                blank = Strip.blank(sight - len(below), self._base)
                return Strip.join([blank, Strip([Segment(below, MORE)]), strip.crop(sight, width)])
        if row.kind != "title":
            return strip
        after = view.network.sizes[row.layer] - self._visible(scroll_x, width, row.layer)[1]
        text = f" {after} more → " if after > 0 else ""
        if not text or len(text) > sight:
            return strip
        end = strip.crop(sight, width)
        return Strip.join([strip.crop(0, sight - len(text)), Strip([Segment(text, MORE)]), end])

    def _below(self, index: int, width: int) -> str:
        """When rows go on after row ``index``: the count of the weight and bias rows from
        it on, naming their matrices when they are not the one in sight (whose title
        may be out of sight too), in at most ``width`` cells."""
        rows = self._cell_rows()
        if not any(i > index for i in rows):
            return ""  # the last row: itself, not a count
        layers = [self._rows[i].layer for i in rows if i >= index]
        count = f"{len(layers)} more row{'s' if len(layers) > 1 else ''}"
        first, last = layers[0], layers[-1]
        names = f"W{first}" if first == last else f"W{first}, W{last}"
        if last - first > 1:
            names = f"W{first}…W{last}"
        title = self._rows.index(Row("title", first))
        named = first == last and self.scroll_offset.y <= title < index  # its title in sight
        options = ([] if named else [f" {count}, {names} ↓ "]) + [f" {count} ↓ ", " ↓ "]
        return next((text for text in options if len(text) <= width), "")

    def _draw_row(self, index: int, scroll_x: int, width: int) -> Strip:
        view = self.view
        if view is None or index >= len(self._rows):
            return Strip.blank(width, self._base)
        strip = self._row_strip(view, index, scroll_x, width)
        strip = strip.crop(scroll_x, scroll_x + width).extend_cell_length(width)
        return strip.apply_style(self._base)

    def _row_strip(self, view: TrainingView, index: int, x0: int, width: int) -> Strip:
        row = self._rows[index]
        net = view.network
        if row.kind == "gap":
            return Strip.blank(0)
        if row.kind == "title":
            role = phase_role(view, row.layer, self._showing_gradients(view))
            title = Segment(self._title(view, row.layer), ACTIVE if role else HEAD)
            return Strip([title, Segment(f"  ◀ {role}", ROLE)] if role else [title])
        matrices = self._matrices(view, row.layer)
        if matrices is None:
            text = WAITING if walk_of(view) is not None else NO_STEP
            return Strip([Segment(text if row.kind == "names" else "", DIM)])
        first, last = self._visible(x0, width, row.layer)
        cell = self._cell(row.layer)
        pad = Segment(" " * (self._label + first * (cell + 2)))
        compared = self._compared(view, row)
        matrix = self._compared(view, Row("weights", row.layer)) if row.kind == "bias" else compared
        column = self._yours_column(view, row.layer, matrix or compared)
        if row.kind == "names":
            names = net.labels[row.layer][first:last]
            cells = [Segment(n[:cell].rjust(cell) + "  ", DIM) for n in names]
            if column is not None and last == net.sizes[row.layer]:
                cells.append(Segment(f"│ yours {net.labels[row.layer][column]}", WRONG_HEAD))
            return Strip([pad, *cells])
        weights, biases = matrices
        if row.kind == "bias":
            assert biases is not None
            values, change = biases, shown_change(view, self.used, row.layer, bias=True)
            name = BIAS
        else:
            values = weights[row.index]
            change, _ = self._facts(view, row.layer, weights, biases)
            change = None if change is None else change[row.index]
            name = net.labels[row.layer - 1][row.index]
        if self._showing_gradients(view):
            change = None  # the arrows say how the weights moved, not the gradients
        label = Segment(name[: self._label - 1].ljust(self._label), DIM)
        skip = Segment(" " * (first * (cell + 2)))
        _, scale = self._facts(view, row.layer, weights, biases)
        wrong = None if compared is None else _row_of(compared.wrong, row)
        cells = self._cells(values, change, scale, (first, last, cell), wrong)
        if compared is not None and column is not None and last == net.sizes[row.layer]:
            cells.append(self._theirs(compared, row, column))
        if (
            self.selected is not None
            and self.selected[0] == index
            and first <= self.selected[1] < last
        ):
            at = 2 * (self.selected[1] - first)
            cells[at] = Segment(cells[at].text, (cells[at].style or BLANK) + SELECTED)
        return Strip([label, skip, *cells])

    def _facts(
        self, view: TrainingView, layer: int, weights: Array, biases: Array | None
    ) -> tuple[Array | None, float]:
        if layer not in self._layer_facts:
            change = shown_change(view, self.used, layer)
            self._layer_facts[layer] = (change, scale_of(weights, biases))
        return self._layer_facts[layer]

    def _matrices(self, view: TrainingView, layer: int) -> tuple[Array, Array | None] | None:
        """The weights and biases into ``layer``, or their gradients (None before a step)."""
        if not self._showing_gradients(view):
            params = shown_params(view, self.used)
            biases = params.biases
            return params.weights[layer - 1], None if biases is None else biases[layer - 1]
        if view.record is None or not gradients_known(view):
            return None
        rec = view.record.layers[layer - 1]
        return rec.grad_w, rec.grad_b

    def _sight(self, rows: int) -> int:
        """The width not under the vertical scrollbar, which ``rows`` rows call for."""
        width, height = self.size
        return width - (self.styles.scrollbar_size_vertical if rows > height else 0)

    def _visible(self, x0: int, width: int, layer: int) -> tuple[int, int]:
        """The columns of matrix ``layer`` wholly in sight (first, last + 1): a number
        cut at an edge would read as another (+0.3 for +0.37), so a cut one is left blank."""
        assert self.view is not None
        columns, cell, step = self.view.network.sizes[layer], self._cell(layer), self._step(layer)
        width = min(width, self._sight(len(self._rows)))
        first = max(-((self._label - x0) // step), 0)
        last = min(columns, first + whole_columns(x0 + width - self._label - first * step, cell))
        return first, max(first, last)

    def _cells(
        self,
        values: Array,
        change: Array | None,
        scale: float,
        shown: tuple[int, int, int],
        wrong: Mask | None = None,
    ) -> list[Segment]:
        """The numbers of columns first … last - 1 (``shown``, with their width)."""
        first, last, cell = shown
        out = []
        for k in range(first, last):
            value = float(values[k])
            if wrong is not None and wrong[k]:  # the student's differs here (--check)
                out.append(Segment(signed(value, cell) + WRONG_MARK, WRONG_STYLE))
                out.append(Segment(" ", BLANK))
                continue
            style = palette.value_style(value, scale)
            move = 0 if change is None or not np.isfinite(change[k]) else int(change[k])
            out.append(Segment(signed(value, cell) + ARROWS.get(move, " "), style))
            out.append(Segment(" ", BLANK))
        return out

    # -- the student's numbers (--check) -----------------------------------------------

    def _showing_gradients(self, view: TrainingView) -> bool:
        """``w``'s choice, or a walk's gradients phase whose check found a wrong one:
        the numbers compared are the gradients then."""
        return self.gradients or gradients_wrong(view)

    def _compared(self, view: TrainingView, row: Row) -> LayerCheck | None:
        """The student's array beside the matrix ``row`` belongs to, when it differs
        from the one shown: the gradients, or the weights after the update."""
        if view.check is None or row.kind not in ("names", "weights", "bias"):
            return None
        bias = row.kind == "bias"
        if self._showing_gradients(view):
            quantity = BIAS_GRADIENT if bias else GRADIENT
        elif moment_of(view, self.used).kind == AFTER:
            quantity = BIASES if bias else WEIGHT
        else:
            return None
        return view.check.differing(quantity, row.layer)

    def _yours_column(
        self, view: TrainingView, layer: int, compared: LayerCheck | None
    ) -> int | None:
        """The column the student's numbers are shown for: the selected neuron's, when it
        is in this layer, else the first one with a wrong entry."""
        if compared is None or compared.first is None:
            return None
        if self.neuron[0] == layer and self.neuron[1] < view.network.sizes[layer]:
            return self.neuron[1]
        return compared.first.index[-1]

    def _theirs(self, compared: LayerCheck, row: Row, column: int) -> Segment:
        """The student's number in ``column`` of ``row``, ✗ when it is wrong."""
        theirs, wrong = compared.student, compared.wrong
        assert theirs is not None and wrong is not None
        at = (column,) if row.kind == "bias" else (row.index, column)
        text = "│ " + signed(float(theirs[at]), self._cell(row.layer))
        return Segment(text + WRONG_MARK, WRONG_STYLE) if wrong[at] else Segment(text, BLANK)

    def _title(self, view: TrainingView, layer: int) -> str:
        net = view.network
        rows, cols = net.sizes[layer - 1], net.sizes[layer]
        name = f"∂L/∂W{layer}" if self._showing_gradients(view) else f"W{layer}"
        text = f"{name}  {net.titles[layer - 1]} → {net.titles[layer]}  {rows}×{cols}"
        matrices = self._matrices(view, layer)
        if matrices is not None and not phase_role(view, layer):  # the role says more
            text += f"  (full colour at ±{scale_of(*matrices):.2g})"
        return text

    def _retitle(self) -> None:
        bias = self.view is not None and self.view.params.biases is not None
        if self.gradients:
            titles = (
                "Gradients ∂L/∂W" + (" and ∂L/∂b" if bias else "") + (" of the last step"),
                "w: back to the weights",
            )
        else:
            titles = self._weights_titles(bias)
        if titles != self._titles:  # setting a title repaints the whole pane
            self._titles = titles
            self.border_title, self.border_subtitle = (Text(t) for t in titles)  # not markup

    def _weights_titles(self, bias: bool) -> tuple[str, str]:
        """Which weights these are, in words, and what the marks and keys mean."""
        view = self.view
        if view is None:
            return "Weights", ""
        moment = moment_of(view, self.used)
        room = self.outer_size.width - 6  # the border's corners and the gaps round a title
        names = "W and b" if bias else "W"
        options = moment.titles(names)
        title = next((t for t in options if len(t) <= room), options[-1])
        if view.edit_note:
            return title, f"✎ {view.edit_note}"
        parts = [
            ("", moment.arrows),
            ("weights_moment", moment.other or ""),
            ("gradients", "w: gradients"),
        ]
        hidden = hidden_in(self.app)
        # all that fits; in a small pane the switch's key before the arrows' meaning
        hints = (
            key_hint(tuple((name, text) for name, text in chosen if text), hidden)
            for chosen in (parts, parts[:2], parts[1:2])
        )
        return title, next((h for h in hints if len(h) <= room), "")


def whole_columns(room: int, cell: int) -> int:
    """How many columns of ``cell``-wide numbers (each with its arrow, a gap between
    them) fit whole in ``room`` cells."""
    return max((room + 1) // (cell + 2), 0)


def phase_role(view: TrainingView, layer: int, gradients: bool = False) -> str | None:
    """What the phase being walked through does with W{layer}, if anything (``gradients``:
    the pane shows the gradients)."""
    walk = walk_of(view)
    if walk is None:
        return None
    phase = walk.phase
    if phase.kind == FORWARD and phase.layer == layer - 1:
        return f"z = a·W{layer}" + (" + b" if view.params.biases is not None else "")
    if phase.kind == HIDDEN_DELTA and phase.layer == layer - 2:
        return "carries δ back"
    if phase.kind == GRADIENTS:
        return "computed now" if gradients else f"∂L/∂W{layer} computed: w shows it"
    if phase.kind == UPDATE:
        return f"W{layer} − η·∂L/∂W{layer}"
    return None


def gradients_wrong(view: TrainingView) -> bool:
    """A walk stands at its gradients phase and the student's gradients differ."""
    marks = view.check
    if marks is None or marks.phase is None or marks.phase.kind != GRADIENTS:
        return False
    return marks.headline().failed


def _row_of(wrong: Mask | None, row: Row) -> Mask | None:
    """A weight row's wrong entries (a bias row's are the whole mask)."""
    if wrong is None:
        return None
    picked: Mask = wrong if row.kind == "bias" else wrong[row.index]
    return picked


def scale_of(weights: Array, biases: Array | None) -> float:
    """One colour scale for a layer's weights and biases, so their colours compare."""
    scale = palette.magnitude(weights)
    return scale if biases is None else max(scale, palette.magnitude(biases))
