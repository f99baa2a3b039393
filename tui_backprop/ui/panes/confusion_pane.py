"""The confusion-matrix pane (in the chart's place, key C): for the epoch shown, how many
rows of each true class the network put in each class, train and test. The counts come
from ``engine.confusion``: the predictions that gave the epoch its reported accuracy."""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip

from tui_backprop.engine.confusion import EpochConfusion, epoch_confusion
from tui_backprop.engine.records import StepRecord
from tui_backprop.ui.model.looking_back import initial_hint
from tui_backprop.ui.model.scene import Scene
from tui_backprop.ui.panes.view_pane import ScenePane
from tui_backprop.ui.render.confusion_table import table

TITLE = "Confusion matrix"
LEGEND = "rows: true class · columns: predicted"


class ConfusionPane(ScenePane, can_focus=True):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title, self.border_subtitle = TITLE, LEGEND
        self.shown: EpochConfusion | None = None  # the matrices drawn
        self._counted: tuple[StepRecord, Scene] | None = None
        self._lines: tuple[object, int, int, list[Strip]] | None = None

    # Counting scores the test rows: done only while the pane is shown, and on showing.
    def watch_view(self) -> None:
        if self.display:
            self._count()

    def watch_scene(self) -> None:
        if self.display:
            self._count()

    def on_show(self) -> None:
        self._count()

    def _count(self) -> None:
        """The matrices of the epoch whose metrics the view shows: none before the
        first epoch, while an epoch is walked through, or for regression."""
        view, scene = self.view, self.scene
        first = None if view is None else view.first
        if (
            view is None
            or scene is None
            or first is None
            or first.epoch != view.epoch - 1
            or first.x.shape[1] != scene.trainer.sizes[0]  # a new run's scene, its view next
        ):
            self._counted, self.shown = None, None
        elif self._counted is None or self._counted != (first, scene):
            self._counted = (first, scene)
            self.shown = epoch_confusion(scene.trainer, first)
        epoch = self.shown.epoch if self.shown is not None else None
        self.border_title = TITLE if epoch is None else f"{TITLE} · epoch {epoch:,}"
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width, height = self.size
        key = self.shown if self.shown is not None else self._note()
        if self._lines is None or self._lines[:3] != (key, width, height):
            if isinstance(key, str):
                lines = [Strip([Segment(key)]).crop_extend(0, width, None)]
            else:
                names = self.scene.class_names if self.scene is not None else ()
                lines = table(key, names, width, height)
            self._lines = (key, width, height, lines)
        lines = self._lines[3]
        if y < len(lines):
            return lines[y].apply_style(self.rich_style)
        return Strip.blank(width, self.rich_style)

    def _note(self) -> str:
        view, scene = self.view, self.scene
        if scene is not None and not scene.n_classes:
            return "a numeric target: no classes to confuse"
        if view is not None and view.first is not None and view.first.epoch == view.epoch:
            return "walking an epoch: its matrix once the epoch is done"
        back = None if view is None else initial_hint(view)  # space would not just train
        return (
            " ".join(back.split()) if back else "press space: the counts come with the first epoch"
        )
