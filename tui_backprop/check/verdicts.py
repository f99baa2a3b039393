"""What checking a student's backprop found: per step, per phase, per layer.

Frozen records the command line prints and the app shows. Layers are numbered as the
engine's records number them (from 0); the screen and the printed lines say layer
``layer + 1``, as textbooks do.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from tui_backprop.engine.activations import Array
from tui_backprop.engine.phases import Phase


class Status(StrEnum):
    """One verdict. A function that returned is judged per layer (ok, differs, wrong
    shape); one that did not return is judged as a whole."""

    OK = "ok"
    DIFFERS = "differs"
    WRONG_SHAPE = "wrong shape"
    NOT_WRITTEN = "not written yet"  # not defined, or it raises NotImplementedError
    RAISED = "raised"
    TIMED_OUT = "timed out"
    OUT_OF_MEMORY = "out of memory"
    CRASHED = "crashed"  # the student's process died (a signal, an exit)
    BAD_RETURN = "bad return"  # not a list of arrays, or not one per layer

    @property
    def failed(self) -> bool:
        """Whether this verdict fails a check (exit status 1)."""
        return self not in (Status.OK, Status.NOT_WRITTEN)


@dataclass(frozen=True)
class Difference:
    """The first entry (in row-major order) outside the tolerance."""

    index: tuple[int, ...]
    student: float
    engine: float
    relative: float  # |student − engine| / |engine|; inf where the engine's is 0


@dataclass(frozen=True, eq=False)
class LayerCheck:
    """One layer's array from the student, compared with the engine's."""

    layer: int  # the engine's layer index, from 0
    quantity: str  # "a", "δ", "∂L/∂W", "∂L/∂b", "W" or "b"
    status: Status  # OK, DIFFERS or WRONG_SHAPE
    engine: Array
    student: Array | None  # as returned (float64), also when its shape is wrong
    wrong: NDArray[np.bool_] | None = None  # entries outside the tolerance (shapes equal)
    first: Difference | None = None
    pointer: str = ""  # a likely cause, in words ("σ'(z) is missing"), when one is known
    message: str = ""  # the verdict in words: the first difference, or both shapes

    @property
    def name(self) -> str:
        """The layer's array as the screen names it: a1, δ2, ∂L/∂W1, W1, b1 …"""
        return f"{self.quantity}{self.layer + 1}"


@dataclass(frozen=True, eq=False)
class PhaseCheck:
    """One phase of a step (``engine.phases``) as the student's function did it: a
    forward or δ phase holds its one layer, the gradients and the update every layer
    (biases after weights)."""

    phase: Phase
    function: str  # forward, deltas, gradients, update
    status: Status  # the call's, or the worst of its layers'
    layers: tuple[LayerCheck, ...] = ()
    message: str = ""  # a call that did not return, in words (traceback lines in the file)

    @property
    def failed(self) -> bool:
        return self.status.failed

    @property
    def headline(self) -> str:
        """The verdict in one line, for a status line: "ok", the first wrong layer's
        verdict, or the exception with its line in the student's file."""
        wrong = next((layer for layer in self.layers if layer.status.failed), None)
        if wrong is not None:
            cause = f" — {wrong.pointer}" if wrong.pointer else ""
            return f"{wrong.name}: {wrong.status.value}: {wrong.message}{cause}"
        if self.message:
            return f"{self.status.value}: {one_line(self.message)}"
        return self.status.value


def one_line(message: str) -> str:
    """A multi-line message from the student's process in one line: its exception line
    and the line of their file it was raised at ("IndexError: … (raises.py, line 7)")."""
    lines = message.splitlines()
    told = next((line for line in lines if line and not line.startswith(" ")), "")
    where = [line.strip() for line in lines if line.startswith('  File "')]
    if not where:
        return told or (lines[0].strip() if lines else "")
    file, line = where[-1].removeprefix("File ").split(", in ")[0].split(", ")
    return f"{told} ({file.strip(chr(34))}, {line})"


@dataclass(frozen=True, eq=False)
class StepCheck:
    """Every phase of one training step (the loss phase has no student function)."""

    epoch: int
    step: int  # the batch's position in its epoch (0 with the full batch)
    phases: tuple[PhaseCheck, ...]

    def at(self, phase: Phase) -> PhaseCheck | None:
        """The check of ``phase`` (None for the loss)."""
        return next((p for p in self.phases if p.phase == phase), None)

    def of(self, function: str) -> tuple[PhaseCheck, ...]:
        """The phases ``function`` is judged in."""
        return tuple(p for p in self.phases if p.function == function)

    @property
    def failed(self) -> bool:
        return any(p.failed for p in self.phases)

    @property
    def first_failure(self) -> PhaseCheck | None:
        """The first phase, in backprop's order, that the student's code got wrong."""
        return next((p for p in self.phases if p.failed), None)
