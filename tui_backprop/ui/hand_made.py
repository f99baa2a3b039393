"""What the learner changes by hand: a weight or bias set in the weights pane, and
points added to or removed from the decision boundary's plane. The main screen hands
these requests here; every change goes through the engine (``Trainer.edit``) or the
data layer (``data.own_points``), never into the arrays the panes draw."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui_backprop.engine.edits import EditError, value_at
from tui_backprop.ui.model.hand_edits import cell_name, edit_label, notes_at, parse_value
from tui_backprop.ui.model.key_gate import HAND_EDIT
from tui_backprop.ui.model.point_edits import added, plane_point, removed, same_plane
from tui_backprop.ui.panes.boundary_pane import BoundaryPane
from tui_backprop.ui.panes.weights_pane import WeightsPane
from tui_backprop.ui.screens.edit_value_dialog import EditValueDialog, Setter

if TYPE_CHECKING:
    from tui_backprop.ui.main_screen import MainScreen

EDIT_KEYS = "0 or enter"
UNDO_HINT = "u undoes it"


class HandMade:
    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen

    def _may_change(self) -> bool:
        """Not while a slow epoch trains in a thread (its result would overwrite the
        change; the key gate says so); a playing run pauses first."""
        s = self.screen
        refused = s.refusal(HAND_EDIT)
        if refused is not None:
            if refused.words:
                s.notify(refused.words, timeout=2)
            return False
        s.runner.take_back()
        return True

    # -- weights -----------------------------------------------------------------------

    def show_edits(self) -> None:
        """The weights pane names the edits made at the epoch it shows."""
        s = self.screen
        trainer = s.experiment.trainer
        epoch = trainer.epoch if s.looking.epoch is None else s.looking.epoch
        note = notes_at(s.network, trainer.edits, epoch) if trainer.edits else ""
        s.query_one(WeightsPane).note = note

    def edit_cell(self, layer: int, row: int | None, column: int, value: float | None) -> None:
        """Set a weight (``value``, or one typed in a prompt when None). A playing run
        pauses; while looking back it forks first, asking once like training does."""
        s = self.screen
        if not self._may_change() or not s.resume_present(EDIT_KEYS):
            return
        if value is not None:
            self._set(layer, row, column, value)
            return
        try:
            current = value_at(s.experiment.trainer.params, layer, row, column)
        except EditError as err:
            s.notify(str(err), severity="warning", markup=False)
            return
        name = cell_name(s.network, layer, row, column)
        s.app.push_screen(EditValueDialog(name, current, self._typed(layer, row, column)))

    def _typed(self, layer: int, row: int | None, column: int) -> Setter:
        def setter(text: str) -> str | None:
            try:
                return self._set(layer, row, column, parse_value(text))
            except EditError as err:
                return str(err)

        return setter

    def _set(self, layer: int, row: int | None, column: int, value: float) -> str | None:
        s = self.screen
        try:
            edit = s.experiment.trainer.edit(layer, row, column, value)
        except EditError as err:
            s.notify(str(err), severity="warning", markup=False)
            return str(err)
        label = edit_label(s.network, edit)
        s.kept.keep(s.experiment, label)  # the run up to the edit, for c
        s.walk = None  # a walk shows an epoch before the edit
        s.publish()
        s._show_overlay()
        s.notify(f"{label} · {UNDO_HINT}", timeout=4, markup=False)
        return None

    def undo_edit(self) -> None:
        s = self.screen
        if not self._may_change():
            return
        try:
            edit = s.experiment.trainer.undo_edit()
        except EditError as err:
            s.notify(
                f"Nothing to undo: {err}. To undo an older edit, look back before it ([) "
                "and train from there.",
                severity="warning",
                timeout=6,
                markup=False,
            )
            return
        s.looking.leave()
        s.walk = None
        s.publish()
        s.notify(f"undone: {edit_label(s.network, edit)}", timeout=3, markup=False)

    # -- points ------------------------------------------------------------------------

    def point(self, message: BoundaryPane.PointAsked) -> None:
        """Add a row of the pane's class where it was asked, or remove the nearest row;
        the run goes on from the weights on screen with the new data."""
        s = self.screen
        pane = s.query_one(BoundaryPane)
        scene = pane.scene
        if scene is None or not self._may_change():
            return
        point = plane_point(scene.plane, message.size, message.cell)
        shown = s.looking.showing(s.experiment.trainer).params
        try:
            if message.add:
                experiment = added(s.experiment, shown, point, message.label)
                done = f"added a point of class {scene.class_names[message.label]}"
            else:
                experiment, row = removed(s.experiment, shown, point, scene.plane)
                done = f"removed row {row + 1}"
        except ValueError as err:
            s.notify(str(err), severity="warning", markup=False)
            return
        s.switch_to(experiment, done, same_plane(experiment, scene))
        rows = experiment.dataset.n_rows
        s.notify(f"{done}: {experiment.dataset.name}, {rows} rows", timeout=3, markup=False)
