"""One of the student's arrays against the engine's, within the tolerance.

An entry agrees when |student − engine| ≤ 1e-9·|engine| + 1e-12: a relative tolerance
of 1e-9 (float64 arithmetic done in another order differs by far less), with an
absolute floor of 1e-12 for entries at or near 0, whose relative error says nothing
(a sum that cancels to 1e-17 in one order may be 3e-17 in another).
"""

from __future__ import annotations

import numpy as np

from tui_backprop.check.verdicts import Difference, LayerCheck, Status
from tui_backprop.engine.activations import Array

RELATIVE = 1e-9
ABSOLUTE = 1e-12


def close(student: Array, engine: Array) -> bool:
    """Whether two arrays of the same shape agree everywhere within the tolerance."""
    return student.shape == engine.shape and not wrong_entries(student, engine).any()


def wrong_entries(student: Array, engine: Array) -> np.ndarray:
    """Where two arrays of one shape disagree (NaN agrees only with NaN)."""
    with np.errstate(invalid="ignore", over="ignore"):
        agree = np.abs(student - engine) <= RELATIVE * np.abs(engine) + ABSOLUTE
    agree |= (student == engine) | (np.isnan(student) & np.isnan(engine))
    return ~agree


def compare(layer: int, quantity: str, student: Array, engine: Array) -> LayerCheck:
    """The verdict on one layer's array (without a pointer to a cause)."""
    name = f"{quantity}{layer + 1}"
    if student.shape != engine.shape:
        message = f"shape {student.shape} where the engine's {name} is {engine.shape}"
        return LayerCheck(layer, quantity, Status.WRONG_SHAPE, engine, student, message=message)
    wrong = wrong_entries(student, engine)
    if not wrong.any():
        return LayerCheck(layer, quantity, Status.OK, engine, student, wrong)
    index = tuple(int(i) for i in np.argwhere(wrong)[0])
    first = Difference(
        index, float(student[index]), float(engine[index]), _relative(student[index], engine[index])
    )
    return LayerCheck(
        layer, quantity, Status.DIFFERS, engine, student, wrong, first, message=_said(first, wrong)
    )


def _relative(student: float, engine: float) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.abs(student - engine) / np.abs(engine)) if engine else float("inf")


def _said(first: Difference, wrong: np.ndarray) -> str:
    where = ", ".join(map(str, first.index))
    relative = "" if not np.isfinite(first.relative) else f", relative error {first.relative:.1e}"
    count = f"; {int(wrong.sum())} of {wrong.size} entries differ" if wrong.size > 1 else ""
    return f"[{where}] is {first.student:.10g}, the engine's {first.engine:.10g}{relative}{count}"
