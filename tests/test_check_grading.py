"""The student's functions called in their own process and judged phase by phase and
layer by layer against the engine's step: each typical mistake is caught at its phase
and layer, with its likely cause."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tui_backprop.check import StudentCode, check_step
from tui_backprop.check.verdicts import LayerCheck, Status, StepCheck
from tui_backprop.engine.phases import OUTPUT_DELTA, Phase
from tui_backprop.experiment import Experiment
from tui_backprop.settings import resolve

FILES = Path(__file__).parent / "check_files"


def checked(name: str, epochs: int = 1, **overrides: object) -> list[StepCheck]:
    """The check of every step of ``epochs`` epochs of the run ``overrides`` make
    (the reference experiment unless told)."""
    trainer = Experiment.build(resolve(None, dict(overrides))).trainer
    found = []
    with StudentCode(FILES / name) as student:
        student.load()
        for _ in range(epochs):
            trainer.train_epoch()
            found += [check_step(record, student) for record in trainer.last_records]
    return found


def failures(step: StepCheck) -> list[tuple[str, LayerCheck]]:
    """(phase title, layer check) of every layer that is not ok."""
    return [
        (phase.phase.title, layer)
        for phase in step.phases
        for layer in phase.layers
        if layer.status is not Status.OK
    ]


def test_the_reference_file_passes_every_phase_and_layer() -> None:
    steps = checked("reference.py", epochs=3)
    assert [s.epoch for s in steps] == [0, 1, 2]
    for step in steps:
        assert [p.status for p in step.phases] == [Status.OK] * 6  # forward ×2, δ ×2, ∇, update
        assert not step.failed
    output = steps[0].at(Phase(OUTPUT_DELTA, 1))
    assert output is not None and output.function == "deltas"
    (layer,) = output.layers
    assert layer.name == "δ2" and layer.student is not None
    np.testing.assert_allclose(layer.student, layer.engine, rtol=1e-12)


# (file, flags, the phase it is caught at, the layers, the pointer's words)
MISTAKES = [
    ("no_sigma_prime.py", {}, "backward: δ of layer 1", ["δ1"], "derivative is missing"),
    (
        "output_sign.py",
        {},
        "backward: δ of the output layer 2",
        ["δ2"],
        "the sign is reversed: the output δ is ŷ − y",
    ),
    (
        "averaged.py",
        {},
        "gradients",
        ["∂L/∂W1", "∂L/∂W2"],
        "averaged over the 10 rows, where this run sums them",
    ),
    (
        "reference.py",
        {"reduction": "mean"},
        "gradients",
        ["∂L/∂W1", "∂L/∂W2"],
        "summed over the 10 rows, where this run averages them",
    ),
    ("transposed.py", {}, "gradients", ["∂L/∂W1", "∂L/∂W2"], "the engine's transposed"),
    ("plus_update.py", {}, "update", ["W1", "W2"], "the gradient is added"),
    ("no_output_sigmoid.py", {}, "forward: layer 2", ["a2"], "the layer's sigmoid is missing"),
]


@pytest.mark.parametrize(("name", "flags", "title", "layers", "cause"), MISTAKES)
def test_a_typical_mistake_is_caught_at_its_phase_and_layer_with_its_cause(
    name: str, flags: dict[str, object], title: str, layers: list[str], cause: str
) -> None:
    (step,) = checked(name, **flags)
    found = failures(step)
    first_title, first = found[0]
    assert first_title == title
    assert [layer.name for _, layer in found if _ == title] == layers
    assert cause in first.pointer
    assert step.failed


def test_a_hidden_delta_right_for_the_students_own_wrong_output_delta_says_so() -> None:
    (step,) = checked("output_sign.py")
    _, (hidden_title, hidden) = failures(step)
    assert hidden_title == "backward: δ of layer 1"
    assert hidden.pointer == "right for your own δ2, which is wrong: fix that one first"
    # every other phase was given the engine's inputs, so it is not spoiled
    assert {p.function for p in step.phases if p.failed} == {"deltas"}


def test_a_difference_names_its_first_entry_both_values_and_the_relative_error() -> None:
    (step,) = checked("no_output_sigmoid.py")
    ((_, layer),) = failures(step)
    assert layer.first is not None and layer.wrong is not None and layer.student is not None
    index = layer.first.index
    assert index == (0, 0) and layer.wrong.all()
    assert layer.first.student == layer.student[index]
    assert layer.first.engine == layer.engine[index]
    assert layer.first.relative == pytest.approx(
        abs(layer.first.student - layer.first.engine) / abs(layer.first.engine)
    )
    assert f"[0, 0] is {layer.first.student:.10g}, the engine's {layer.first.engine:.10g}" in (
        layer.message
    )


def test_a_wrong_shape_names_both_shapes() -> None:
    (step,) = checked("transposed.py")
    (_, first), _ = failures(step)
    assert first.status is Status.WRONG_SHAPE
    assert first.message == "shape (4, 2) where the engine's ∂L/∂W1 is (2, 4)"


def test_a_shape_error_raised_in_the_file_names_the_shapes_on_its_line() -> None:
    (step,) = checked("shape_error.py")
    forward = step.of("forward")
    assert [p.status for p in forward] == [Status.RAISED, Status.RAISED]
    message = forward[0].message
    assert 'File "shape_error.py", line 10, in forward' in message
    assert "shapes on that line: a (10, 2), W (2, 4)" in message
    assert "ValueError: matmul" in message
    assert not step.of("deltas")[0].failed  # the engine's activations went on to deltas


def test_only_the_traceback_lines_inside_the_students_file_are_shown() -> None:
    (step,) = checked("raises.py")
    (update,) = step.of("update")
    assert update.status is Status.RAISED
    lines = update.message.splitlines()
    files = [line for line in lines if line.strip().startswith("File ")]
    assert files and all('"raises.py"' in line for line in files)
    assert "in step" in files[-1]
    assert "IndexError: index 5 is out of bounds" in update.message
    assert "tui_backprop" not in update.message


def test_functions_not_defined_are_not_written_yet_and_do_not_fail() -> None:
    (step,) = checked("only_forward.py")
    status = {p.function: p.status for p in step.phases}
    assert status == {
        "forward": Status.OK,
        "deltas": Status.NOT_WRITTEN,
        "gradients": Status.NOT_WRITTEN,
        "update": Status.NOT_WRITTEN,
    }
    assert not step.failed


def test_with_biases_the_functions_get_them_and_return_pairs() -> None:
    (step,) = checked("biased.py", bias=True)
    names = {p.function: [layer.name for layer in p.layers] for p in step.phases}
    assert names["gradients"] == ["∂L/∂W1", "∂L/∂W2", "∂L/∂b1", "∂L/∂b2"]
    assert names["update"] == ["W1", "W2", "b1", "b2"]
    assert not step.failed
    # the same file on a run without biases is handed none: forward cannot be called
    (plain,) = checked("biased.py")
    assert plain.of("forward")[0].status is Status.RAISED
    assert "missing 1 required positional argument: 'biases'" in plain.of("forward")[0].message


def test_mini_batches_are_checked_step_by_step() -> None:
    steps = checked("reference.py", batch_size=4)
    assert [(s.epoch, s.step) for s in steps] == [(0, 0), (0, 1), (0, 2)]
    assert not any(s.failed for s in steps)


def test_a_phase_says_its_verdict_in_one_line() -> None:
    (step,) = checked("raises.py")
    update = step.first_failure
    assert update is not None and update.function == "update"
    assert update.headline == (
        "raised: IndexError: index 5 is out of bounds for axis 1 with size 4 (raises.py, line 7)"
    )
    (wrong,) = checked("no_output_sigmoid.py")
    assert wrong.first_failure is not None
    assert wrong.first_failure.headline.startswith("a2: differs: [0, 0] is ")
    assert wrong.first_failure.headline.endswith("the layer's sigmoid is missing")
