"""The decision-boundary pane: what the network predicts over the plane of the data,
as TensorFlow Playground shows it (see ``boundary_scene`` for the three pictures).

The picture is redrawn when it is drawn (so at most once per frame) and only if the
weights, the scene or the size changed since the last time.

On the plane of two features the pane takes your own points: a click adds a training
row of the current class (``C`` cycles it), a right or shift click removes the row
nearest to it; without a mouse, the arrow keys move a cursor (+), ``enter`` adds and
``delete`` removes there. The pane only asks (``PointAsked``); the screen changes the
data.
"""

from __future__ import annotations

from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip

from tui_backprop.ui.model.kept_runs import EarlierBoundary
from tui_backprop.ui.model.map_choice import MapChoice, has_plane, map_plane, value_plane
from tui_backprop.ui.model.pane_choices import PaneChoices
from tui_backprop.ui.model.scene import PLANE, PROJECTION, REGRESSION, Scene
from tui_backprop.ui.model.view import TrainingView
from tui_backprop.ui.panes.lines import arrow_bindings
from tui_backprop.ui.panes.view_pane import ScenePane
from tui_backprop.ui.render import class_legend
from tui_backprop.ui.render.boundary_draw import OUTLINE, TEST, TRAIN, WRONG_TRAIN, draw
from tui_backprop.ui.render.class_colours import swatch_hex
from tui_backprop.ui.render.component_pictures import with_components
from tui_backprop.ui.render.map_pictures import picture, predicted_value
from tui_backprop.ui.render.numbers import axis_span

CURSOR = "+"


class BoundaryPane(ScenePane, can_focus=True):
    BINDINGS: ClassVar[list[BindingType]] = [
        *arrow_bindings("cursor", "Cursor"),
        Binding("enter", "point(True)", "Add a point", show=False),
        Binding("delete,backspace", "point(False)", "Remove a point", show=False),
        Binding("a", "next_class", "Next class", show=False),
    ]

    class PointAsked(Message):
        """Add a row of class ``label`` at character cell ``cell`` (column, row) of a
        picture of ``size``, or with ``add`` False remove the row nearest to it."""

        def __init__(self, add: bool, cell: tuple[int, int], size: tuple[int, int], label: int):
            super().__init__()
            self.add, self.cell, self.size, self.label = add, cell, size, label

    cursor: reactive[tuple[int, int] | None] = reactive(None)  # (column, row), keys only
    label: reactive[int] = reactive(0)  # the class an added point gets

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lines: list[Strip] = []
        self._drawn: tuple[object, ...] | None = None
        self._legend: list[Strip] = []  # the class legend's lines when the border is short
        self.draws = 0  # pictures computed: lets tests see that nothing is wasted

    @property
    def drawn_from(self) -> object:
        """What the picture shown was computed from: the view's parameters, or with a map
        chosen the view itself (None: none yet)."""
        return None if self._drawn is None else self._drawn[0]

    @property
    def earlier(self) -> EarlierBoundary | None:
        """A kept run's boundary drawn over this one (``c``): the view's."""
        return None if self.view is None else self.view.earlier

    @property
    def maps(self) -> MapChoice | None:
        """The neuron map or gallery shown instead of the boundary: the session's choice."""
        return self.choices.maps

    def watch_view(self, old: TrainingView | None, new: TrainingView | None) -> None:
        if _earlier(old) is not _earlier(new):  # a kept run's outline came or went
            self._retitle()
        self.refresh()

    def watch_scene(self, scene: Scene | None) -> None:
        self._retitle()

    def on_resize(self) -> None:
        self._retitle()

    def _retitle(self) -> None:
        scene, earlier = self.scene, self.earlier
        compared = Text()
        if earlier is not None and scene is not None and scene.kind == PLANE:
            compared.append(f"{OUTLINE} {earlier.name} · ")
        room = self.size.width - 4 - compared.cell_len
        title, legend = titles(scene, room)
        self._legend = []
        if scene is not None and legend.plain.endswith(class_legend.BELOW):
            self._legend = class_legend.lines(scene.class_names, self.size.width)
        if self.view is not None:  # the epoch whose weights drew it, as the status line says
            title += f" · {self.view.epoch_name}"
        # the axes' ranges and the epoch matter more than the name
        for long, short in (("Decision boundary", "Boundary"), ("  ", " "), ("Boundary ", "")):
            if len(title) > self.size.width - 4:
                title = title.replace(long, short)
        self.border_title, self.border_subtitle = Text(title), compared + legend
        self.refresh()

    def watch_choices(self, old: PaneChoices, new: PaneChoices) -> None:
        if old.maps == new.maps:
            return
        if new.maps is None:
            self._retitle()
        self.refresh()

    # -- your own points --------------------------------------------------------------

    def _on_plane(self) -> bool:
        return self.scene is not None and self.scene.kind == PLANE

    def action_cursor(self, dx: int, dy: int) -> None:
        width, height = self.size
        column, row = self.cursor or (width // 2, height // 2)
        if self.cursor is not None:
            column, row = column + dx, row + dy
        height = self._picture_height()
        self.cursor = (max(0, min(column, width - 1)), max(0, min(row, height - 1)))

    def action_point(self, add: bool) -> None:
        if self.cursor is None:
            self.action_cursor(0, 0)
            self.notify("Arrow keys move the cursor (+); enter adds a point there.", timeout=3)
            return
        self._ask(add, self.cursor)

    def action_next_class(self) -> None:
        scene = self.scene
        if scene is None or not self._on_plane():
            self._ask(True, (0, 0))  # the screen says why not
            return
        self.label = (self.label + 1) % scene.n_classes
        self.notify(f"new points: class {scene.class_names[self.label]}", timeout=2, markup=False)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        self.focus()
        self._ask(event.button == 1 and not event.shift, (offset.x, offset.y))

    def _ask(self, add: bool, cell: tuple[int, int]) -> None:
        self.post_message(
            self.PointAsked(add, cell, (self.size.width, self._picture_height()), self.label)
        )

    def _picture_height(self) -> int:
        """The lines the picture takes: the pane's, but for a class legend below it."""
        return max(self.size.height - len(self._legend), 1)

    def watch_cursor(self) -> None:
        self.refresh()

    def watch_label(self) -> None:
        self.refresh()

    # -- drawing -----------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        self._update()
        if y < len(self._lines):
            return self._with_cursor(self._lines[y], y)
        return Strip.blank(self.size.width, self.rich_style)

    def _with_cursor(self, line: Strip, y: int) -> Strip:
        """The keyboard's cursor over the picture, in the colour of the class it adds."""
        if self.cursor is None or self.cursor[1] != y or not self._on_plane():
            return line
        x = self.cursor[0]
        mark = Segment(CURSOR, Style(bold=True, color=swatch_hex(self.label), bgcolor="black"))
        return Strip.join([line.crop(0, x), Strip([mark], 1), line.crop(x + 1, line.cell_length)])

    def _update(self) -> None:
        view, scene = self.view, self.scene
        if view is None or scene is None:
            self._lines = []
            return
        width, height = self.size
        choice = self.maps if has_plane(scene) else None
        # A map depends on the walk's progress and the step's δ too, not only the weights.
        drawn = (
            view.params if choice is None else view,
            scene,
            (choice, self.earlier, width, height, len(self._legend)),
        )
        old = self._drawn
        if old is not None and old[0] is drawn[0] and old[1] is scene and old[2] == drawn[2]:
            return
        self._drawn = drawn
        self.draws += 1
        mp = map_plane(scene, view.network.labels[0])
        if mp is None or (choice is None and not value_plane(scene)):
            plane = draw(scene, view.params, width, self._picture_height(), self.earlier)
            image, basis = view.network.image, scene.basis
            if scene.kind == PROJECTION and image is not None and basis is not None:
                plane = with_components(plane, basis.axes, image)
            self._lines = plane + self._legend
            self.call_later(self._retitle)  # the new weights' epoch
            return
        if choice is None:
            self._lines, title, legend = predicted_value(view, mp, width, height)
        else:
            self._lines, title, legend = picture(view, mp, choice, width, height)
        # Titles set while lines are drawn would miss this frame's border: set them next.
        self.call_later(self._title, title, legend)

    def _title(self, title: str, legend: Text) -> None:
        self.border_title, self.border_subtitle = Text(title), legend


def _earlier(view: TrainingView | None) -> EarlierBoundary | None:
    return None if view is None else view.earlier


def titles(scene: Scene | None, room: int = 1000) -> tuple[str, Text]:
    """The border's title (plain text) and legend for ``scene``; a class legend longer
    than ``room`` cells gives way to "classes below" (the pane draws it inside). Names
    from the data are plain text in both, never markup."""
    if scene is None:
        return "Decision boundary", Text()
    across, up = scene.axes
    if scene.kind in (PLANE, PROJECTION):  # where the picture's edges are
        x0, x1, y0, y1 = scene.plane
        across, up = f"{across} {axis_span(x0, x1)}", f"{up} {axis_span(y0, y1)}"
    points = f"{TRAIN} train {TEST} test"
    if scene.kind == REGRESSION:
        return "Predicted vs actual", Text(f"{points} · on the diagonal: exact")
    if scene.kind == PROJECTION:
        points = f"{points} {WRONG_TRAIN} wrong"
    legend = Text(f"{points} · ").append_text(class_legend.legend(scene.class_names))
    if not class_legend.fits(legend, room):
        legend = Text(f"{points} · {class_legend.BELOW}")
    if scene.kind == PLANE:
        return f"Decision boundary  {across} →  {up} ↑", legend
    if scene.kind == PROJECTION:
        return f"Predicted class on {across} →  {up} ↑", legend
    return "Decision boundary", Text(scene.note)
