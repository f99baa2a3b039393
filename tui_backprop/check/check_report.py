"""The headless check's lines: per epoch (and step), phase and layer, a verdict a
teacher can grep; then one line per function over the whole run.

A call that did not return (it raised, ran out of time or memory) is told once per
epoch for its function, with the traceback lines in the student's file the first time
and "as in epoch k" after that, so a broken function does not fill a CI log.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from tui_backprop.check.comparison import ABSOLUTE, RELATIVE
from tui_backprop.check.contract import FUNCTIONS
from tui_backprop.check.verdicts import LayerCheck, PhaseCheck, Status, StepCheck

TOLERANCE = f"relative {RELATIVE:g}, absolute {ABSOLUTE:g}"


@dataclass
class Tally:
    """What the run found so far, per function: the first failure and messages told."""

    first_failure: dict[str, str] = field(default_factory=dict)  # "differs from epoch 3 on (δ1)"
    written: set[str] = field(default_factory=set)
    told: dict[tuple[str, str], str] = field(default_factory=dict)  # (function, message): when

    @property
    def failed(self) -> bool:
        return bool(self.first_failure)


def step_lines(check: StepCheck, tally: Tally, many_steps: bool = False) -> list[str]:
    """The lines of one checked step, noting failures in ``tally``."""
    when = f"epoch {check.epoch}" + (f" step {check.step}" if many_steps else "")
    lines: list[str] = []
    said: set[str] = set()  # functions whose call is told once for all their phases
    for phase in check.phases:
        if phase.status is not Status.NOT_WRITTEN:
            tally.written.add(phase.function)
        if phase.failed:
            tally.first_failure.setdefault(phase.function, _where(when, phase))
        if phase.layers:
            lines += [_layer_line(when, phase, layer) for layer in phase.layers]
        elif phase.function not in said:
            said.add(phase.function)
            lines += _call_lines(when, phase, tally)
    return lines


def summary_lines(tally: Tally, every: str = "every epoch") -> list[str]:
    """One line per function, then the verdict the exit status gives; ``every`` says
    which epochs a function that agrees agreed in."""
    lines = []
    for function in FUNCTIONS:
        if function in tally.first_failure:
            lines.append(f"# {function}: {tally.first_failure[function]}")
        elif function in tally.written:
            lines.append(f"# {function}: agrees with the engine in {every}")
        else:
            lines.append(f"# {function}: not written yet")
    wrong = len(tally.first_failure)
    if wrong:
        lines.append(f"# {wrong} of {len(tally.written)} written functions wrong")
    else:
        lines.append(f"# every written function agrees ({len(tally.written)} of {len(FUNCTIONS)})")
    return lines


def _where(when: str, phase: PhaseCheck) -> str:
    """'differs from epoch 0 on (a2)': the phase's failure and where it was first."""
    names = [layer.name for layer in phase.layers if layer.status.failed]
    return f"{phase.status.value} from {when} on" + (f" ({', '.join(names)})" if names else "")


def _label(phase: PhaseCheck) -> str:
    return phase.phase.title if phase.phase.layer is not None else phase.function


def _layer_line(when: str, phase: PhaseCheck, layer: LayerCheck) -> str:
    line = f"{when} · {_label(phase)} · {layer.name}: {layer.status.value}"
    if layer.message:
        line += f": {layer.message}"
    if layer.pointer:
        line += f" — {layer.pointer}"
    return line


def _call_lines(when: str, phase: PhaseCheck, tally: Tally) -> list[str]:
    head = f"{when} · {phase.function}: {phase.status.value}"
    if not phase.message:
        return [head]
    key = (phase.function, phase.message)
    if key in tally.told:
        return [f"{head} (as in {tally.told[key]})"]
    tally.told[key] = when
    first, *rest = phase.message.splitlines()
    if not rest:
        return [f"{head}: {first}"]
    return [head, *_indented([first, *rest])]


def _indented(lines: Iterable[str]) -> list[str]:
    return [f"  {line}" for line in lines]
