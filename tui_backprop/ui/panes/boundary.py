"""The decision-boundary pane: what the network predicts over the plane of the data,
as TensorFlow Playground shows it (see ``boundary_scene`` for the three pictures).

The picture is redrawn when it is drawn (so at most once per frame) and only if the
weights, the scene or the size changed since the last time.
"""

from __future__ import annotations

from rich.markup import escape
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from tui_backprop.engine.network import Params
from tui_backprop.ui.model.kept_runs import EarlierBoundary
from tui_backprop.ui.model.scene import PLANE, PROJECTION, REGRESSION, Scene
from tui_backprop.ui.model.view import TrainingView
from tui_backprop.ui.render.boundary_draw import OUTLINE, TEST, TRAIN, WRONG_TRAIN, draw
from tui_backprop.ui.render.class_colours import swatch_hex

LEGEND_CLASSES = 4  # more class names would not fit on the border


class BoundaryPane(Widget, can_focus=True):
    view: reactive[TrainingView | None] = reactive(None)
    scene: reactive[Scene | None] = reactive(None)
    earlier: reactive[EarlierBoundary | None] = reactive(None)  # a kept run's, to compare

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lines: list[Strip] = []
        self._drawn: tuple[Params, Scene, EarlierBoundary | None, int, int] | None = None
        self.draws = 0  # pictures computed: lets tests see that nothing is wasted

    def watch_view(self) -> None:
        self.refresh()

    def watch_scene(self, scene: Scene | None) -> None:
        self._retitle()

    def watch_earlier(self) -> None:
        self._retitle()

    def on_resize(self) -> None:
        self._retitle()

    def _retitle(self) -> None:
        title, self.border_subtitle = titles(self.scene)
        if len(title) > self.size.width - 4:  # the axes' ranges matter more than the name
            title = title.replace("Decision boundary", "Boundary")
        self.border_title = title
        if self.earlier is not None and self.scene is not None and self.scene.kind == PLANE:
            self.border_subtitle = f"{OUTLINE} {self.earlier.name} · {self.border_subtitle}"
        self.refresh()

    def render_line(self, y: int) -> Strip:
        self._update()
        if y < len(self._lines):
            return self._lines[y]
        return Strip.blank(self.size.width, self.rich_style)

    def _update(self) -> None:
        view, scene = self.view, self.scene
        if view is None or scene is None:
            self._lines = []
            return
        width, height = self.size
        drawn = self._drawn
        if (
            drawn is not None
            and drawn[0] is view.params
            and drawn[1] is scene
            and drawn[2] is self.earlier
            and drawn[3:] == (width, height)
        ):
            return
        self._drawn = (view.params, scene, self.earlier, width, height)
        self._lines = draw(scene, view.params, width, height, self.earlier)
        self.draws += 1


def titles(scene: Scene | None) -> tuple[str, str]:
    """The border's title and legend (Rich markup) for ``scene``."""
    if scene is None:
        return "Decision boundary", ""
    across, up = (escape(a) for a in scene.axes)
    if scene.kind in (PLANE, PROJECTION):  # where the picture's edges are
        x0, x1, y0, y1 = scene.plane
        across, up = f"{across} {_span(x0, x1)}", f"{up} {_span(y0, y1)}"
    points = f"{TRAIN} train {TEST} test"
    if scene.kind == REGRESSION:
        return "Predicted vs actual", f"{points} · on the diagonal: exact"
    classes = " ".join(
        f"[{swatch_hex(k)}]■[/]{escape(name)}"
        for k, name in enumerate(scene.class_names[:LEGEND_CLASSES])
    )
    if len(scene.class_names) > LEGEND_CLASSES:
        classes += " …"
    if scene.kind == PLANE:
        return f"Decision boundary  {across} →  {up} ↑", f"{points} · {classes}"
    if scene.kind == PROJECTION:
        return (
            f"Predicted class on {across} →  {up} ↑",
            f"{points} {WRONG_TRAIN} wrong · {classes}",
        )
    return "Decision boundary", escape(scene.note)


def _span(low: float, high: float) -> str:
    """An axis's range in few characters: ``-1.9…2``, ``0…250``."""

    def tick(v: float) -> str:
        return f"{v:.0f}" if abs(v) >= 100 else f"{v:.2g}"

    return f"{tick(low)}…{tick(high)}"
