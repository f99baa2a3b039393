"""The network diagram: neurons as shaded chips in one column per layer, and the
weights as braille edges, blue for positive and orange for negative. The chips are the
forward pass's activations, a chip's colour its activation's sign; the edges are the
weights the weights pane shows (after the update, or with ``v`` the ones that forward
pass used: ``model.weight_moment``). An output neuron that stands for a class has a
swatch of that class's colour (the boundary's) before its name. Inputs that are a
picture's pixels are drawn as that picture, the selected row's (``diagram_layout``)."""

from __future__ import annotations

from functools import cache
from itertools import pairwise
from typing import ClassVar

import numpy as np
from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import BindingType
from textual.containers import Vertical
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip

from tui_backprop.engine.activations import Array
from tui_backprop.ui.model.check_marks import ACTIVATION, Mask, wrong_row
from tui_backprop.ui.model.view import Network, TrainingView
from tui_backprop.ui.model.walk import active_layer, walk_of
from tui_backprop.ui.model.weight_moment import shown_params
from tui_backprop.ui.panes.lines import arrow_bindings, refresh_changed
from tui_backprop.ui.panes.view_pane import ViewPane
from tui_backprop.ui.render import check_text, palette
from tui_backprop.ui.render.check_text import WRONG_MARK, WRONG_STYLE
from tui_backprop.ui.render.class_colours import class_rgb
from tui_backprop.ui.render.diagram_layout import Column, DiagramLayout, PictureSpot, plan
from tui_backprop.ui.render.edges import IntArray, braille
from tui_backprop.ui.render.numbers import signed
from tui_backprop.ui.render.pixel_picture import ink

BOUNDED = {"sigmoid": 1.0, "tanh": 1.0, "softmax": 1.0}
Cell = tuple[str, Style]
TITLE = Style(bold=True)
DIM = Style(dim=True)
MARK = Style(bold=True, color="#ffffff")
ACTIVE = Style(bold=True, reverse=True, color="#ffd75f")  # the layer a phase computes
SELECT = "↑↓←→ select"
SWATCH = "■"
UNKNOWN = Style(dim=True, italic=True, bgcolor="#34343a")  # not computed yet this epoch


def neuron_scale(activation: str, values: Array | None) -> float:
    """The value shaded fully: 1 for bounded activations, else the batch's largest."""
    if activation in BOUNDED:
        return BOUNDED[activation]
    if values is None or values.size == 0:
        return 1.0
    biggest = palette.magnitude(values)
    return biggest if biggest > 0 else 1.0


class NetworkDiagram(ViewPane, can_focus=True):
    """Arrow keys or a click select a neuron; the pane below describes it."""

    BINDINGS: ClassVar[list[BindingType]] = [*arrow_bindings("move", "Neuron", "Layer")]

    class Selected(Message):
        """The learner picked this neuron; the screen selects it (``Session.select``)."""

        def __init__(self, layer: int, neuron: int) -> None:
            super().__init__()
            self.layer = layer
            self.neuron = neuron

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._layout: DiagramLayout | None = None  # the one drawn
        self._layout_key: tuple[object, ...] | None = None
        self._plain: DiagramLayout | None = None  # without a selection to show: most of the time
        self._plain_key: tuple[Network, int, int] | None = None
        self._lines: list[Strip] = []
        self._lines_key: tuple[object, ...] | None = None

    # -- selection ---------------------------------------------------------------------

    @property
    def selected(self) -> tuple[int, int]:
        """The neuron drawn selected: the session's selection, handed in ``choices``."""
        return self.choices.neuron

    @property
    def used(self) -> bool:
        """Whether the edges are the weights the forward pass used (``v``)."""
        return self.choices.used

    @property
    def drawn_layout(self) -> DiagramLayout | None:
        """Where the diagram drew each neuron, the last time it drew (None: not yet)."""
        return self._layout

    def watch_view(self) -> None:
        self._repaint_changed()

    def watch_choices(self) -> None:
        self._repaint_changed()

    def _repaint_changed(self) -> None:
        old = self._lines
        if self._update_lines():
            refresh_changed(self, old, self._lines)

    def action_move(self, dx: int, dy: int) -> None:
        if self.view is None:
            return
        sizes = self.view.network.sizes
        layer = max(0, min(self.selected[0] + dx, len(sizes) - 1))
        neuron = self.selected[1] if dx == 0 else self._nearest(self.selected, layer)
        neuron = max(0, min(neuron + dy, sizes[layer] - 1))
        self.post_message(self.Selected(layer, neuron))

    def _nearest(self, selected: tuple[int, int], layer: int) -> int:
        """The neuron of ``layer`` drawn closest to the selected one's row."""
        lay = self._layout
        if lay is None:
            return 0
        here = lay.columns[selected[0]].find(selected[1])
        items = [it for it in lay.columns[layer].items if it.neuron >= 0]
        if here is None or not items:
            return 0
        return min(items, key=lambda it: abs(it.y - here.y)).neuron

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or self._layout is None:
            return
        hit = self._layout.neuron_at(offset.x, offset.y)
        if hit is not None:
            self.post_message(self.Selected(*hit))
            self.focus()

    # -- drawing -----------------------------------------------------------------------

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return container.height

    def render_line(self, y: int) -> Strip:
        self._update_lines()
        if y < len(self._lines):
            return self._lines[y]
        return Strip.blank(self.size.width, self.rich_style)

    def _update_lines(self) -> bool:
        """Redraw the strips if the view, selection or size changed; say if they did."""
        width, height = self.size
        key = (self.view, self.selected, self.used, width, height)
        if key == self._lines_key:
            return False
        self._lines_key = key
        self._lines = self._draw(width, height)
        return True

    def _draw(self, width: int, height: int) -> list[Strip]:
        if self.view is None or width <= 0 or height <= 0:
            return []
        lay = self._plan(self.view.network, width, height)
        if lay is None:
            return [Strip([Segment("widen the pane to see the network"[:width], DIM)])]
        grid = self._edge_grid(lay, self.view)
        self._draw_columns(grid, lay, self.view)
        base = self.rich_style  # the pane's background under every cell
        return [_strip(row).apply_style(base) for row in grid]

    def _plan(self, network: Network, width: int, height: int) -> DiagramLayout | None:
        """The layout, showing the selected neuron even where its column is summarised."""
        key = (network, width, height)
        if key != self._plain_key:
            self._plain_key, self._plain = key, plan(network, width, height)
        lay = self._plain
        layer, neuron = self.selected
        pictured = layer == 0 and lay is not None and lay.picture is not None
        if lay is None or layer >= len(lay.columns) or pictured or lay.columns[layer].find(neuron):
            self._layout, self._layout_key = lay, key
        elif (key, self.selected) != self._layout_key:
            self._layout_key = (key, self.selected)
            self._layout = plan(network, width, height, self.selected)
        return self._layout

    def _edge_grid(self, lay: DiagramLayout, view: TrainingView) -> list[list[Cell]]:
        levels = np.zeros(len(lay.edge_layer), dtype=np.int64)
        for layer, w in enumerate(shown_params(view, self.used).weights):
            mask = (lay.edge_layer == layer) & (lay.edge_from >= 0)  # not the picture's fan
            if mask.any():
                levels[mask] = _levels(w[lay.edge_from[mask], lay.edge_to[mask]], w)
        layer, neuron = self.selected
        chosen = ((lay.edge_layer == layer - 1) & (lay.edge_to == neuron)) | (
            (lay.edge_layer == layer) & (lay.edge_from == neuron)
        )
        colour = lay.raster.colours(levels, chosen)
        bits = lay.raster.bits
        blank: Cell = (" ", Style.null())
        grid: list[list[Cell]] = []
        for y in range(lay.height):
            row = []
            for x in range(lay.width):
                i = y * lay.width + x
                b = int(bits[i])
                row.append((braille(b), palette.line_style(int(colour[i]))) if b else blank)
            grid.append(row)
        return grid

    def _draw_columns(self, grid: list[list[Cell]], lay: DiagramLayout, view: TrainingView) -> None:
        net = view.network
        active = active_layer(view)
        unknown = walk_of(view) is not None  # a missing value is one not computed yet
        names = net.layer_names(_title_room(lay))
        for layer, col in enumerate(lay.columns):
            values = view.activation(layer)
            wrong = _wrong_chips(view, layer)
            batch = _batch_values(view, layer)
            scale = neuron_scale(net.activations[layer], batch)
            _put(
                grid,
                0,
                *_title_at(lay, layer, names[layer]),
                ACTIVE if layer == active else TITLE,
            )
            if layer == 0 and lay.picture is not None:
                self._draw_picture(grid, lay.picture, values, net)
            for it in col.items:
                if it.neuron < 0:
                    _put(grid, it.y, col.x, more_text(it.hidden_count, lay.chip + 2), DIM)
                    continue
                value = None if values is None else float(values[it.neuron])
                chosen = (layer, it.neuron) == self.selected
                self._draw_chip(grid, lay, col, it.y, value, scale, chosen, unknown)
                if wrong is not None and wrong[it.neuron]:
                    _mark_wrong(grid, lay, col, it.y)
                self._draw_label(grid, lay, layer, col, it.y, net.labels[layer][it.neuron])
                if layer == len(lay.columns) - 1:
                    _draw_swatch(grid, lay, col, it.y, output_class(net, it.neuron))

    def _draw_picture(
        self, grid: list[list[Cell]], spot: PictureSpot, values: Array | None, net: Network
    ) -> None:
        """The inputs as the picture they are (grey: the row's values, low to high), the
        selected pixel marked; before the first step, its caption says why it is blank."""
        assert net.image is not None  # a layout has a picture spot only then
        pixels = np.zeros(net.sizes[0]) if values is None else values
        picture = ink(pixels, net.image)
        if self.selected[0] == 0:
            picture = picture.marked(self.selected[1])
        picture = picture.zoomed(spot.zoom)
        for dy, row in enumerate(picture.cells()):
            for dx, cell in enumerate(row):
                if 0 <= spot.y + dy < len(grid) and 0 <= spot.x + dx < len(grid[0]):
                    grid[spot.y + dy][spot.x + dx] = cell
        width, height = net.image
        caption = f"{width}×{height}" if values is not None else "no row"
        _put(grid, spot.y + spot.lines, spot.x, caption[: spot.width + 2], DIM)

    @staticmethod
    def _draw_chip(
        grid: list[list[Cell]],
        lay: DiagramLayout,
        col: Column,
        y: int,
        value: float | None,
        scale: float,
        chosen: bool,
        unknown: bool,
    ) -> None:
        if value is None:
            text = ("?" if unknown else "·").center(lay.chip)
            style = UNKNOWN if unknown else palette.cell_style(0, chosen)
        else:
            if abs(value) < 1e-9 * scale:  # a mean of standardised features, say
                value = 0.0
            text = signed(value, lay.chip) if lay.chip > 1 else " "
            style = palette.value_style(value, scale, chosen)
        _put(grid, y, col.x, text, style)
        if chosen:
            _put(grid, y, col.x - 1, "▶", MARK)
            _put(grid, y, col.x + lay.chip, "◀", MARK)

    @staticmethod
    def _draw_label(
        grid: list[list[Cell]], lay: DiagramLayout, layer: int, col: Column, y: int, label: str
    ) -> None:
        if lay.chip == 1:
            return
        if layer == 0:
            room = lay.left - 2
            _put(grid, y, 0, label[:room].rjust(room), DIM)
        elif layer == len(lay.columns) - 1:
            _put(grid, y, col.x + lay.chip + 2, label[: lay.right - 2], DIM)


def _wrong_chips(view: TrainingView, layer: int) -> Mask | None:
    """Which of ``layer``'s neurons the student's forward pass got wrong for the row
    shown (for the batch mean: in any row), under ``--check``; None when none did."""
    check = None if view.check is None else view.check.differing(ACTIVATION, layer)
    return None if check is None or check.wrong is None else wrong_row(check.wrong, view.sample)


def _mark_wrong(grid: list[list[Cell]], lay: DiagramLayout, col: Column, y: int) -> None:
    """A chip the student's forward pass got wrong: crimson, with ✗ after it."""
    row = grid[y] if 0 <= y < len(grid) else []
    for x in range(col.x, min(col.x + lay.chip, len(row))):
        row[x] = (row[x][0], WRONG_STYLE)
    _put(grid, y, col.x + lay.chip, WRONG_MARK, WRONG_STYLE)


def more_text(count: int, room: int) -> str:
    """What a summarised run of ``count`` neurons says in ``room`` cells."""
    fitting = [t for t in (f"⋮ {count} more", f"⋮{count} more", f"⋮+{count}") if len(t) <= room]
    return fitting[0] if fitting else "⋮"


def output_class(network: Network, neuron: int) -> int | None:
    """The class output ``neuron`` gives the probability of (a lone sigmoid's: class 1),
    or None for a numeric target."""
    if not network.classification:
        return None
    return 1 if network.sizes[-1] == 1 else neuron


def _draw_swatch(
    grid: list[list[Cell]], lay: DiagramLayout, col: Column, y: int, k: int | None
) -> None:
    """The class colour before an output neuron's name, as the class legends show it."""
    if k is not None and lay.chip > 1:
        _put(grid, y, col.x + lay.chip + 1, SWATCH, swatch_style(k))


@cache
def swatch_style(k: int) -> Style:
    return Style(color=Color.from_rgb(*class_rgb(k)), bold=True)


def _levels(values: Array, matrix: Array) -> IntArray:
    """Signed colour levels of ``values`` on the scale of the whole ``matrix``."""
    scale = palette.magnitude(matrix)
    if scale <= 0:
        return np.zeros(len(values), dtype=np.int64)
    with np.errstate(invalid="ignore"):
        t = np.nan_to_num(np.abs(values) / scale, nan=0.0, posinf=1.0)
    levels: IntArray = (
        np.ceil(np.minimum(t, 1.0) * palette.LEVELS) * np.where(values < 0, -1, 1)
    ).astype(np.int64)
    return levels


def _batch_values(view: TrainingView, layer: int) -> Array | None:
    rec = view.record
    if rec is None:
        return None
    return rec.x if layer == 0 else rec.layers[layer - 1].a


def _title_room(lay: DiagramLayout) -> int:
    """The cells a column's title may take: the narrowest gap between two columns."""
    xs = sorted(c.x for c in lay.columns)
    return max(min((b - a for a, b in pairwise(xs)), default=lay.width) - 1, 1)


def _title_at(lay: DiagramLayout, layer: int, title: str) -> tuple[int, str]:
    """A column's title centred over it."""
    col = lay.columns[layer]
    x = col.x + lay.chip // 2 - len(title) // 2
    return max(0, min(x, lay.width - len(title))), title


def _put(grid: list[list[Cell]], y: int, x: int, text: str, style: Style) -> None:
    if not 0 <= y < len(grid):
        return
    row = grid[y]
    for k, ch in enumerate(text):
        if 0 <= x + k < len(row):
            row[x + k] = (ch, style)


def _strip(row: list[Cell]) -> Strip:
    """Join runs of equally styled cells into segments."""
    segments: list[Segment] = []
    run: list[str] = []
    style: Style | None = None
    for ch, st in row:
        if st is not style and run:
            segments.append(Segment("".join(run), style))
            run = []
        style = st
        run.append(ch)
    if run:
        segments.append(Segment("".join(run), style))
    return Strip(segments, len(row))


class NetworkPane(Vertical, ViewPane):
    """The diagram and the selected neuron's numbers: zoomed (maximised) together. Its
    title names the phase being walked through, which a zoomed pane would hide."""

    ALLOW_MAXIMIZE = True

    # Only the title depends on the view: the panes inside repaint themselves.
    _title: Text | None = None
    _subtitle: Text | None = None
    _network: Network | None = None

    def on_resize(self) -> None:
        self._legend()

    def _legend(self) -> None:
        """Signs, what the output means and the selection keys, as many as fit."""
        view = self.view
        note = "" if view is None else view.network.output_note
        room = self.size.width - 4
        options = [(note, SELECT), (note,), (SELECT,)] if note else [(SELECT,)]
        fits = [o for o in options if palette.legend(*o).cell_len <= room]
        legend = palette.legend(*(fits[0] if fits else ()))
        if legend != self._subtitle:  # setting it repaints
            self._subtitle = self.border_subtitle = legend

    def watch_view(self, view: TrainingView | None) -> None:
        if view is not None and view.network is not self._network:
            self._network = view.network
            self._legend()
        walk = walk_of(view)
        title = Text("Network")
        if view is not None and view.check is not None:  # --check: the phase's verdict,
            title.append_text(check_text.title_mark(view.check))  # first: a long title is cut
        if walk is not None:
            title.append(f" · phase {walk.progress.done} of {len(walk.progress.phases)}: ")
            title.append(walk.phase.title, "bold #ffd75f")
        elif view is not None and view.record is not None:
            title.append(f" · epoch {view.record.epoch:,}'s forward pass")
        if title != self._title:  # setting it repaints: only on a change, not per frame
            self._title = title
            self.border_title = title
