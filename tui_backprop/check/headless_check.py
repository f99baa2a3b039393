"""``--check FILE.py --headless``: train the run's epochs and check each step's
phases with the student's functions, printing as it goes."""

from __future__ import annotations

from collections.abc import Callable

from tui_backprop.check.check_report import TOLERANCE, Tally, step_lines, summary_lines
from tui_backprop.check.contract import FUNCTIONS
from tui_backprop.check.grading import check_step
from tui_backprop.check.student_process import StudentCode
from tui_backprop.data.text import PATH_LIMIT, printable
from tui_backprop.engine.trainer import Trainer


def run_check(
    trainer: Trainer,
    student: StudentCode,
    epochs: int,
    write: Callable[[str], None],
    stopped: Callable[[], bool] = lambda: False,
) -> Tally:
    """Check ``epochs`` epochs (fewer if the run diverges or ``stopped()`` says so)
    against ``student`` (loaded), writing each epoch's lines and the summary."""
    written = [f for f in FUNCTIONS if f in student.defined] or ["none"]
    name = printable(student.path.name, PATH_LIMIT)
    write(f"# checking {name}: {', '.join(written)} (tolerance: {TOLERANCE})\n")
    tally = Tally()
    many = trainer.batch_rows < len(trainer.training_arrays()[0])  # several steps an epoch
    checked = 0
    while checked < epochs and not (stopped() or trainer.diverged):
        trainer.train_epoch()
        checked += 1
        for record in trainer.last_records:
            lines = step_lines(check_step(record, student), tally, many)
            write("".join(f"{line}\n" for line in lines))
    if trainer.diverged:
        write(f"# the run diverged at epoch {trainer.epoch - 1}: later epochs are not checked\n")
    elif checked < epochs:  # Ctrl-C (or output closed): the summary covers what was checked
        write(f"# Interrupted at epoch {trainer.epoch - 1}: {checked:,} of {epochs:,} checked\n")
    every = "every epoch" if checked == epochs else f"every epoch checked ({checked:,})"
    write("".join(f"{line}\n" for line in summary_lines(tally, every)))
    return tally
