"""Grading one training step: each of the student's functions called with the engine's
own inputs for its phase, its result compared with the engine's, layer by layer."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from tui_backprop.check.comparison import compare
from tui_backprop.check.contract import DELTAS, FORWARD, GRADIENTS, UPDATE, Call, calls_of
from tui_backprop.check.pipe_messages import Nested
from tui_backprop.check.pointers import pointer
from tui_backprop.check.student_process import CallResult, StudentCode
from tui_backprop.check.verdicts import LayerCheck, PhaseCheck, Status, StepCheck
from tui_backprop.engine import phases
from tui_backprop.engine.activations import Array
from tui_backprop.engine.phases import LOSS, Phase, step_phases
from tui_backprop.engine.records import StepRecord

FUNCTION_OF_PHASE = {phases.FORWARD: FORWARD, phases.GRADIENTS: GRADIENTS, phases.UPDATE: UPDATE}


def check_step(record: StepRecord, student: StudentCode) -> StepCheck:
    """Call every function the student's file defines for ``record``'s step (blocking:
    up to each call's time limit) and judge what they returned."""
    calls = calls_of(record)
    return judge_step(record, {name: student.call(call) for name, call in calls.items()})


def judge_step(record: StepRecord, results: Mapping[str, CallResult]) -> StepCheck:
    """The verdicts on ``record``'s step, from what each function's call came to."""
    calls = calls_of(record)
    layers = {name: _judge_call(record, calls[name], results[name]) for name in calls}
    checks = tuple(
        _phase_check(phase, layers)
        for phase in step_phases(len(record.layers))
        if phase.kind != LOSS
    )
    return StepCheck(record.epoch, record.step, checks)


def function_of(phase: Phase) -> str:
    """Which of the student's functions does ``phase``."""
    return FUNCTION_OF_PHASE.get(phase.kind, DELTAS)


def _phase_check(
    phase: Phase, layers: Mapping[str, tuple[LayerCheck, ...] | CallResult]
) -> PhaseCheck:
    function = function_of(phase)
    judged = layers[function]
    if isinstance(judged, CallResult):  # the call did not return arrays to compare
        return PhaseCheck(phase, function, judged.status, message=judged.message)
    mine = judged if phase.layer is None else tuple(c for c in judged if c.layer == phase.layer)
    return PhaseCheck(phase, function, _worst(c.status for c in mine), mine)


def _worst(statuses: Iterable[Status]) -> Status:
    found = set(statuses)
    for status in (Status.WRONG_SHAPE, Status.DIFFERS):
        if status in found:
            return status
    return Status.OK


def _judge_call(
    record: StepRecord, call: Call, result: CallResult
) -> tuple[LayerCheck, ...] | CallResult:
    """Every layer's verdict, or the result itself when there is nothing to compare (it
    did not return, or returned the wrong number of arrays)."""
    if result.status is not Status.OK:
        return result
    parts = _split(call, result.value)
    if isinstance(parts, str):
        return CallResult(Status.BAD_RETURN, message=parts)
    weights, biases = parts
    checks = _judge_arrays(record, call, weights, call.quantity, bias=False)
    if biases is not None and call.expected_biases is not None:
        checks += _judge_arrays(record, call, biases, call.bias_quantity, bias=True)
    return checks


def _judge_arrays(
    record: StepRecord, call: Call, theirs: Sequence[Array], quantity: str, bias: bool
) -> tuple[LayerCheck, ...]:
    expected = call.expected_biases if bias else call.expected
    assert expected is not None
    if call.skip_first:  # forward's first entry is the input, not a layer
        theirs, expected = theirs[1:], expected[1:]
    checks = []
    for layer, (student, engine) in enumerate(zip(theirs, expected, strict=True)):
        check = compare(layer, quantity, student, engine)
        if check.status is not Status.OK:
            cause = pointer(call.function, record, layer, student, theirs, bias)
            check = replace(check, pointer=cause)
        checks.append(check)
    return tuple(checks)


def _split(call: Call, value: Nested | None) -> tuple[list[Array], list[Array] | None] | str:
    """The returned arrays (and the biases' when a pair came back), or what is wrong."""
    if not isinstance(value, list):
        return f"{call.function} returned one array: it returns a list, one array per layer"
    if call.expected_biases is not None and _is_pair(value):
        weights, biases = value
        problem = _arrays(call, weights, len(call.expected))
        problem = problem or _arrays(call, biases, len(call.expected_biases))
        return problem or (weights, biases)  # type: ignore[return-value]
    problem = _arrays(call, value, len(call.expected))
    return problem or (value, None)  # type: ignore[return-value]


def _is_pair(value: list[Nested]) -> bool:
    return len(value) == 2 and all(isinstance(v, list) for v in value)


def _arrays(call: Call, value: Nested, count: int) -> str:
    """What is wrong with ``value`` as a list of ``count`` arrays, or ""."""
    what = "the input X first, then each layer's output" if call.skip_first else "one per layer"
    if not isinstance(value, list) or len(value) != count:
        got = len(value) if isinstance(value, list) else 1
        arrays = "array" if got == 1 else "arrays"
        return f"{call.function} returned {got} {arrays} where {count} are expected: {what}"
    if any(isinstance(v, list | float) for v in value):
        return f"{call.function} returned lists or numbers inside its list: NumPy arrays, {what}"
    return ""
