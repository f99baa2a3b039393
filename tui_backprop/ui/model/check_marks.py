"""What the panes show of a student's own backprop (``--check FILE.py``) for the step on
screen: a mark per phase, and the student's arrays beside the engine's where they differ.

The check itself (``tui_backprop.check``) grades a whole step at once; a walk (``n``)
only shows what it has revealed so far: the phase it stands at, and the phases before
it, so a ✗ in the update does not spoil the forward pass. Outside a walk (after
``space``, looking back) every phase of the step counts.

Marks are never colour alone: ✓ agrees, ✗ differs, ○ not written yet, ! did not run
(raised, timed out, ran out of memory, or the file did not load), … being checked.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from tui_backprop.check.verdicts import LayerCheck, PhaseCheck, Status, StepCheck, one_line
from tui_backprop.engine.activations import Array
from tui_backprop.engine.phases import LOSS, Phase, Progress, step_phases

Mask = NDArray[np.bool_]
OK, WRONG, MISSING, BROKEN, WAITING = "✓", "✗", "○", "!", "…"
MARKS = {
    Status.OK: OK,
    Status.DIFFERS: WRONG,
    Status.WRONG_SHAPE: WRONG,
    Status.BAD_RETURN: WRONG,
    Status.NOT_WRITTEN: MISSING,
}
# The quantities each pane compares: the diagram the activations, the δ pane the δ, the
# weights pane the gradients or the new weights (and the biases' beside them).
ACTIVATION, DELTA = "a", "δ"
GRADIENT, BIAS_GRADIENT, WEIGHT, BIAS = "∂L/∂W", "∂L/∂b", "W", "b"


@dataclass(frozen=True)
class Verdict:
    """One line of the check: its mark and what it says."""

    mark: str
    text: str

    @property
    def failed(self) -> bool:
        return self.mark in (WRONG, BROKEN)


@dataclass(frozen=True, eq=False)
class CheckMarks:
    """The check of the step a view shows, as far as the view has revealed it.

    ``step`` is None while it is being checked or cannot be: ``note`` then says why
    (the file did not load, the initial weights have no step, …). ``progress`` is the
    walk's (None outside a walk: every phase is shown)."""

    file: str  # the student's file, by name
    step: StepCheck | None = None
    note: str = ""
    broken: bool = False  # the note is a failure (a file that does not load)
    progress: Progress | None = None

    @property
    def phase(self) -> Phase | None:
        """The phase a walk stands at (None outside one)."""
        return None if self.progress is None else self.progress.current

    def shown(self) -> tuple[PhaseCheck, ...]:
        """The checks of the phases revealed so far, in the order backprop does them."""
        if self.step is None:
            return ()
        if self.progress is None:
            return self.step.phases
        done = step_phases(self.progress.n_layers)[: self.progress.done]
        return tuple(p for p in self.step.phases if p.phase in done)

    def layer(self, quantity: str, layer: int) -> LayerCheck | None:
        """The revealed check of ``quantity`` for diagram layer ``layer`` (the input is
        0; W1 feeds layer 1), or None."""
        for phase in self.shown():
            for check in phase.layers:
                if check.quantity == quantity and check.layer == layer - 1:
                    return check
        return None

    def differing(self, quantity: str, layer: int) -> LayerCheck | None:
        """That check when its entries can be compared one by one and some differ."""
        check = self.layer(quantity, layer)
        if check is None or check.status is not Status.DIFFERS or check.wrong is None:
            return None
        return check

    def headline(self) -> Verdict:
        """The check in one line: the walk's phase, else the whole step."""
        if self.step is None:
            return Verdict(BROKEN if self.broken else WAITING, self.note)
        phase = self.phase
        if phase is not None:
            if phase.kind == LOSS:
                return Verdict(WAITING, "the loss: no function of yours computes it")
            found = self.step.at(phase)
            if found is not None:
                return phase_verdict(found)
        shown = self.shown()
        failed = next((p for p in shown if p.failed), None)
        if failed is not None:
            return phase_verdict(failed)
        if shown and all(p.status is Status.NOT_WRITTEN for p in shown):
            return Verdict(MISSING, "none of your functions is written yet")
        return Verdict(OK, "every function you wrote agrees with the engine")

    def summary(self) -> str:
        """Each function's mark over the phases shown: "forward ✓ deltas ✗ …"."""
        marks: dict[str, str] = {}
        for phase in self.shown():
            mark = mark_of(phase.status)
            if marks.get(phase.function) in (None, OK, MISSING):
                marks[phase.function] = mark
        return " ".join(f"{name} {mark}" for name, mark in marks.items())

    def focus(self) -> tuple[int, int] | None:
        """The neuron (diagram layer, index) of the first differing entry of the walk's
        phase (outside a walk: of the step): where the diagram's selection goes when a
        ✗ appears."""
        phase = self.phase
        at = None if phase is None or self.step is None else self.step.at(phase)
        for phase_check in self.shown() if phase is None else (at,) if at else ():
            for check in phase_check.layers:
                if check.first is not None and check.status is Status.DIFFERS:
                    return check.layer + 1, check.first.index[-1]
        return None


def mark_of(status: Status) -> str:
    return MARKS.get(status, BROKEN)


def phase_verdict(check: PhaseCheck) -> Verdict:
    """A phase's check in one line: the first layer that differs, with its first wrong
    entry and a likely cause, or why the call gave nothing to compare."""
    mark = mark_of(check.status)
    if check.status is Status.NOT_WRITTEN:
        return Verdict(mark, f"{check.function}() not written yet")
    if check.message:  # the call did not return arrays: raised, timed out, …
        return Verdict(mark, f"{check.function}() {check.status}: {one_line(check.message)}")
    wrong = next((c for c in check.layers if c.status is not Status.OK), None)
    if wrong is None:
        names = ", ".join(c.name for c in check.layers)
        return Verdict(mark, f"your {check.function}() agrees: {names}")
    return Verdict(mark, entry_words(wrong))


def entry_words(check: LayerCheck) -> str:
    """ "δ1 first wrong at row 3, neuron 2: yours -0.0123, the engine's +0.0456 (σ'(z)
    is missing)", or the shapes for a wrong shape."""
    cause = f" ({check.pointer})" if check.pointer else ""
    first = check.first
    if first is None:
        return f"{check.name}: {check.message}{cause}"
    return (
        f"{check.name} first wrong at {place(check, first.index)}: "
        f"yours {first.student:.4g}, the engine's {first.engine:.4g}{cause}"
    )


def place(check: LayerCheck, index: tuple[int, ...]) -> str:
    """Where an entry is, as the panes count: rows and neurons from 1; a weight by the
    input it comes from."""
    if check.quantity in (ACTIVATION, DELTA):
        return f"row {index[0] + 1}, neuron {index[-1] + 1}"
    if len(index) == 2:
        return f"input {index[0] + 1} → neuron {index[1] + 1}"
    return f"neuron {index[-1] + 1}"


def row_of(values: Array, sample: int | None) -> Array:
    """One row of a (rows, neurons) array as the panes show it: the chosen row, or the
    mean over the rows for the batch mean."""
    if values.ndim < 2:
        return values
    if sample is None or sample >= len(values):
        mean: Array = values.mean(axis=0)
        return mean
    picked: Array = values[sample]
    return picked


def wrong_row(wrong: Mask, sample: int | None) -> Mask:
    """The wrong entries of one row (for the batch mean: those wrong in any row)."""
    if wrong.ndim < 2:
        return wrong
    if sample is None or sample >= len(wrong):
        anywhere: Mask = np.asarray(wrong.any(axis=0), dtype=np.bool_)
        return anywhere
    picked: Mask = wrong[sample]
    return picked
