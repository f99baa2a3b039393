"""What the learner changes by hand: a weight or bias set in the weights pane, and
points added to or removed from the decision boundary's plane. Every change goes
through the engine (``Trainer.edit``) or the data layer (``data.own_points``), never
into the arrays the panes draw. Whether a change may be made now is the key gate's
(``key_gate.HAND_EDIT``), asked by the screen first."""

from __future__ import annotations

from typing import Protocol

from tui_backprop.engine import Trainer
from tui_backprop.engine.edits import EditError, value_at
from tui_backprop.experiment import Experiment
from tui_backprop.ui.model.hand_edits import cell_name, edit_label, parse_value
from tui_backprop.ui.model.kept_runs import KeptRuns
from tui_backprop.ui.model.looking_back import HistoryCursor
from tui_backprop.ui.model.point_edits import added, plane_point, removed, same_plane
from tui_backprop.ui.model.scene import Scene
from tui_backprop.ui.model.view import Network
from tui_backprop.ui.model.walk import Walk
from tui_backprop.ui.session.outcome import SHOWN, Outcome, ValuePrompt, say, warn

EDIT_KEYS = "0 or enter"
UNDO_HINT = "u undoes it"
NOTHING_TO_UNDO = (
    "Nothing to undo: {err}. To undo an older edit, look back before it ([) and train from there."
)


class EditedRun(Protocol):
    """What of the session a change by hand reads and changes (``run_session.Session``;
    named by its shape, so the two modules do not import each other)."""

    experiment: Experiment
    network: Network
    walk: Walk | None
    looking: HistoryCursor
    kept: KeptRuns

    @property
    def trainer(self) -> Trainer: ...

    @property
    def scene(self) -> Scene: ...

    def resume_present(self, keys: str) -> Outcome: ...

    def switch_to(self, experiment: Experiment, why: str, scene: Scene | None) -> Outcome: ...


class HandMade:
    def __init__(self, session: EditedRun) -> None:
        self.session = session

    # -- weights -----------------------------------------------------------------------

    def edit_cell(self, layer: int, row: int | None, column: int, value: float | None) -> Outcome:
        """Set a weight (``value``, or ask for one: the outcome's ``prompt``). While
        looking back it forks first, asking once like training does."""
        s = self.session
        forked = s.resume_present(EDIT_KEYS)
        if not forked.go_on:
            return forked
        if value is not None:
            return forked + self._set(layer, row, column, value)
        try:
            current = value_at(s.trainer.params, layer, row, column)
        except EditError as err:
            return forked + warn(str(err))
        name = cell_name(s.network, layer, row, column)
        asked = ValuePrompt(name, current, lambda text: self.typed(layer, row, column, text))
        return forked + Outcome(prompt=asked)

    def typed(self, layer: int, row: int | None, column: int, text: str) -> Outcome:
        """The value typed in the prompt set, or refused with why (the prompt says it)."""
        try:
            value = parse_value(text)
        except EditError as err:
            return Outcome(refused=str(err))
        return self._set(layer, row, column, value)

    def _set(self, layer: int, row: int | None, column: int, value: float) -> Outcome:
        s = self.session
        try:
            edit = s.trainer.edit(layer, row, column, value)
        except EditError as err:
            return warn(str(err)) + Outcome(refused=str(err))
        label = edit_label(s.network, edit)
        s.kept.keep(s.experiment, label)  # the run up to the edit, for c
        s.walk = None  # a walk shows an epoch before the edit
        return say(f"{label} · {UNDO_HINT}", timeout=4) + Outcome(publish=True, overlay=True)

    def undo_edit(self) -> Outcome:
        s = self.session
        try:
            edit = s.trainer.undo_edit()
        except EditError as err:
            return warn(NOTHING_TO_UNDO.format(err=err), timeout=6)
        s.looking.leave()
        s.walk = None
        label = edit_label(s.network, edit)
        s.kept.forget_latest(label)  # kept at the edit, it is the run on screen again
        return say(f"undone: {label}", timeout=3) + SHOWN

    # -- points ------------------------------------------------------------------------

    def point(self, size: tuple[int, int], cell: tuple[int, int], add: bool, label: int) -> Outcome:
        """Add a row of class ``label`` at ``cell`` of a plane drawn ``size`` cells
        large, or remove the row nearest it; the run goes on from the weights on screen
        with the new data."""
        s = self.session
        scene = s.scene
        point = plane_point(scene.plane, size, cell)
        shown = s.looking.showing(s.trainer).params
        try:
            if add:
                experiment = added(s.experiment, shown, point, label)
                done = f"added a point of class {scene.class_names[label]}"
            else:
                experiment, row = removed(s.experiment, shown, point, scene.plane)
                done = f"removed row {row + 1}"
        except ValueError as err:
            return warn(str(err))
        switched = s.switch_to(experiment, done, same_plane(experiment, scene))
        rows = experiment.dataset.n_rows
        return switched + say(f"{done}: {experiment.dataset.name}, {rows} rows", timeout=3)
