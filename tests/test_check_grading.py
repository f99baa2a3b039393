"""The student's functions called in their own process and judged phase by phase and
layer by layer against the engine's step."""

from __future__ import annotations

from pathlib import Path

from tui_backprop.check import StudentCode, check_step
from tui_backprop.check.verdicts import Status, StepCheck
from tui_backprop.engine.phases import OUTPUT_DELTA, Phase
from tui_backprop.experiment import Experiment
from tui_backprop.settings import resolve

FILES = Path(__file__).parent / "check_files"


def checked(path: Path, epochs: int = 1, **overrides: object) -> list[StepCheck]:
    """The check of every step of ``epochs`` epochs of the run ``overrides`` make."""
    trainer = Experiment.build(resolve(None, dict(overrides))).trainer
    found = []
    with StudentCode(path) as student:
        student.load()
        for _ in range(epochs):
            trainer.train_epoch()
            found += [check_step(record, student) for record in trainer.last_records]
    return found


def test_the_reference_file_passes_every_phase_and_layer() -> None:
    (step,) = checked(FILES / "reference.py")
    assert [p.status for p in step.phases] == [Status.OK] * len(step.phases)
    assert len(step.phases) == 6  # forward 1, 2; output δ; hidden δ; gradients; update
    output = step.at(Phase(OUTPUT_DELTA, 1))
    assert output is not None and output.function == "deltas"
    (layer,) = output.layers
    assert layer.name == "δ2" and layer.student is not None
    assert layer.student.shape == (10, 1)
    assert not step.failed
