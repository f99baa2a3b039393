"""The hidden-space pane (in the chart's place, key H): the input plane's grid lines and
the data's rows as two neurons of a hidden layer see them, so a learner watches the
layer bend the plane until the classes come apart (ConvNetJS's 2-D demo). ``x`` picks
the next pair of neurons, ``X`` the next hidden layer.

The title gives both axes' ranges (where the picture's edges are), as the boundary's
does; the classes' colours are named on the pane's last lines, wrapped to its width.
"""

from __future__ import annotations

import numpy as np
from rich.text import Text
from textual.strip import Strip

from tui_backprop.engine.hidden_space import Neuron, hidden_space
from tui_backprop.engine.network import Params
from tui_backprop.ui.command_table import hidden_in, key_hint
from tui_backprop.ui.model.hidden_axes import Axes, AxesChoice
from tui_backprop.ui.model.pane_choices import PaneChoices
from tui_backprop.ui.model.scene import PLANE, Scene
from tui_backprop.ui.model.view import Network, TrainingView
from tui_backprop.ui.panes.view_pane import ScenePane
from tui_backprop.ui.render import class_legend
from tui_backprop.ui.render.boundary_draw import TEST, TRAIN
from tui_backprop.ui.render.hidden_draw import Bounds, bounds_of, draw
from tui_backprop.ui.render.numbers import axis_span


class HiddenSpacePane(ScenePane, can_focus=True):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lines: list[Strip] = []
        self._drawn: tuple[Params, Scene, Axes, int, int] | None = None
        self._bounds: Bounds | None = None  # of the picture on screen
        self.draws = 0  # pictures computed: lets tests see what was redrawn

    @property
    def drawn_from(self) -> object:
        """The parameters the picture shown was computed from (None: none yet)."""
        return None if self._drawn is None else self._drawn[0]

    def watch_view(self) -> None:
        self._retitle()

    def watch_scene(self) -> None:
        self._retitle()

    @property
    def choice(self) -> AxesChoice:
        """The hidden layer and pair shown: the session's choice (``x``, ``X``)."""
        return self.choices.axes

    def watch_choices(self, old: PaneChoices, new: PaneChoices) -> None:
        if old.axes != new.axes:
            self._retitle()

    def axes(self) -> Axes | None:
        view = self.view
        return None if view is None else self.choice.axes(view.network.sizes)

    def on_resize(self) -> None:
        self._retitle()

    def _retitle(self) -> None:
        hidden = hidden_in(self.app)
        room = self.size.width - 4
        title, legend = titles(self.view, self.scene, self.axes(), hidden, self._bounds, room)
        self.border_title, self.border_subtitle = Text(title), Text(legend)  # never markup
        self.refresh()

    def _legend(self, width: int) -> list[Strip]:
        """The classes' colours and names, below the picture."""
        scene = self.scene
        if scene is None or not scene.n_classes:
            return []
        return class_legend.lines(scene.class_names, width)

    def render_line(self, y: int) -> Strip:
        self._update()
        if y < len(self._lines):
            return self._lines[y].apply_style(self.rich_style)
        return Strip.blank(self.size.width, self.rich_style)

    def _update(self) -> None:
        view, scene, axes = self.view, self.scene, self.axes()
        if view is None or scene is None or axes is None:
            self._lines = []
            return
        width, height = self.size
        drawn = self._drawn
        if (
            drawn is not None
            and drawn[0] is view.params
            and drawn[1] is scene
            and drawn[2:] == (axes, width, height)
        ):
            return
        if not scene.fits(view.params):  # checked once a pair, not every line of a frame
            self._lines, self._drawn = [], None
            return
        self._drawn = (view.params, scene, axes, width, height)
        plane = scene.plane if scene.kind == PLANE else None
        space = hidden_space(scene.trainer, view.params, axes, scene.x, plane, scene.lift)
        classes = scene.labels.astype(np.intp) if scene.n_classes else np.full(len(scene.x), -1)
        legend = self._legend(width)
        self._lines = draw(space, classes, scene.test, width, max(height - len(legend), 1))
        self._lines += legend
        self.draws += 1
        bounds = bounds_of(space)
        if bounds != self._bounds:  # the title names them: set it after this frame
            self._bounds = bounds
            self.call_later(self._retitle)


def _name(network: Network, neuron: Neuron) -> str:
    layer, index = neuron
    return network.labels[layer][index]


def titles(
    view: TrainingView | None,
    scene: Scene | None,
    axes: Axes | None,
    hidden: frozenset[str] = frozenset(),
    bounds: Bounds | None = None,
    room: int = 1000,
) -> tuple[str, str]:
    """The border's title (the two neurons, as axes, with the ranges ``bounds`` of the
    picture) and legend, naming no key of the commands ``hidden``, each in ``room``
    cells where it can: the legend drops its parts from the least needed. Both are plain
    text."""
    if view is None or scene is None:
        return "Hidden space", ""
    if axes is None:
        tip = "" if "settings" in hidden else ": add one in the settings (S)"
        return "Hidden space", f"no hidden layer{tip}"
    net = view.network
    across, up = _name(net, axes[0]), _name(net, axes[1])
    if bounds is not None:
        across += f" {axis_span(bounds[0], bounds[1])}"
        up += f" {axis_span(bounds[2], bounds[3])}"
    title = f"{across} →  {up} ↑ · {view.epoch_name}"
    if len(title) + len("Hidden space: ") <= room:
        title = f"Hidden space: {title}"
    grid = ("", "the input grid, bent" if scene.kind == PLANE else "rows only (not two features)")
    points, keys = ("", f"{TRAIN} train {TEST} test"), ("hidden_axes", "x/X other neurons")
    options = [
        key_hint(parts, hidden) for parts in ((grid, points, keys), (points, keys), (points,))
    ]
    return title, next((o for o in options if len(o) <= room), options[-1])
