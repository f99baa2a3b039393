"""Likely causes of a wrong array: the typical mistakes, each tried by making the wrong
array from the engine's own numbers and seeing whether the student's is that one."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from tui_backprop.check.comparison import close
from tui_backprop.check.contract import DELTAS, FORWARD, GRADIENTS, UPDATE
from tui_backprop.engine.activations import Array
from tui_backprop.engine.records import StepRecord

Suspect = tuple[Callable[[], Array], str]  # the wrong array, made lazily, and its cause


def pointer(
    function: str,
    record: StepRecord,
    layer: int,
    student: Array,
    theirs: Sequence[Array | None] = (),
    bias: bool = False,
) -> str:
    """The first typical mistake that makes ``student`` exactly, or "". ``theirs`` holds
    the student's other arrays of the same call (their own next δ)."""
    suspects = _SUSPECTS[function](record, layer, theirs, bias)
    for make, cause in suspects:
        try:
            if close(student, make()):
                return cause
        except ValueError:  # a wrong product of shapes that do not fit: not this cause
            continue
    expected = _expected(function, record, layer, bias)
    if student.shape == expected.shape[::-1] and close(student.T, expected):
        return "it is the engine's transposed: a .T in the wrong place?"
    return ""


def _expected(function: str, record: StepRecord, layer: int, bias: bool) -> Array:
    at = record.layers[layer]
    if function == FORWARD:
        return at.a
    if function == DELTAS:
        return at.delta
    if function == GRADIENTS:
        return at.grad_b if bias and at.grad_b is not None else at.grad_w
    return at.b_after if bias and at.b_after is not None else at.w_after


def _forward(record: StepRecord, layer: int, _: object, bias: bool) -> list[Suspect]:
    at = record.layers[layer]
    return [
        (lambda: at.z, f"this is z, before the activation: the layer's {at.activation} is missing")
    ]


def _deltas(
    record: StepRecord, layer: int, theirs: Sequence[Array | None], bias: bool
) -> list[Suspect]:
    layers = record.layers
    at = layers[layer]
    if layer == len(layers) - 1:
        return [
            (lambda: -at.delta, "the sign is reversed: the output δ is ŷ − y"),
            (
                lambda: at.delta * at.derivative,
                f"times the {at.activation}'s derivative: at the output it cancels, δ = ŷ − y",
            ),
        ]
    after = layers[layer + 1]
    suspects: list[Suspect] = [
        (
            lambda: after.delta.dot(after.w_before.T),
            f"the {at.activation}'s derivative is missing: δ = f'(z)·(δ_next·Wᵀ)",
        ),
        (
            lambda: at.derivative * after.delta.dot(after.w_before),
            "W where Wᵀ goes: δ = f'(z)·(δ_next·Wᵀ)",
        ),
    ]
    own = theirs[layer + 1] if layer + 1 < len(theirs) else None
    if own is not None and own.shape == after.delta.shape:
        suspects.append(
            (
                lambda: at.derivative * own.dot(after.w_before.T),
                f"right for your own δ{layer + 2}, which is wrong: fix that one first",
            )
        )
    return suspects


def _gradients(record: StepRecord, layer: int, _: object, bias: bool) -> list[Suspect]:
    at = record.layers[layer]
    right = at.grad_b if bias and at.grad_b is not None else at.grad_w
    rows = len(record.rows)
    scaled: Suspect
    if record.reduction == "sum":
        scaled = (
            lambda: right / rows,
            f"averaged over the {rows} rows, where this run sums them (--reduction sum)",
        )
    else:
        scaled = (
            lambda: right * rows,
            f"summed over the {rows} rows, where this run averages them (--reduction mean)",
        )
    return [scaled, (lambda: -right, "the sign is reversed: ∂L/∂W = inputᵀ·δ")]


def _update(record: StepRecord, layer: int, _: object, bias: bool) -> list[Suspect]:
    at = record.layers[layer]
    if bias and at.b_before is not None and at.grad_b is not None:
        before, grad = at.b_before, at.grad_b
    else:
        before, grad = at.w_before, at.grad_w
    return [
        (lambda: before + record.lr * grad, "the gradient is added: w ← w − η·∂L/∂w"),
        (lambda: before - grad, "the learning rate is missing: w ← w − η·∂L/∂w"),
        (lambda: before, "the weights did not change"),
    ]


_SUSPECTS = {FORWARD: _forward, DELTAS: _deltas, GRADIENTS: _gradients, UPDATE: _update}
