"""Moving through a run's past: which epoch the panes show, and the run as it was then.

The engine keeps every epoch's metrics and enough snapshots to rebuild any epoch
exactly (``Trainer.state_at``); this only remembers where the user is looking.
Training from an earlier epoch forks the run there (``Trainer.fork``), which discards
the later epochs. In a classroom a habitual ``space`` must not throw away a run the
class was looking at, so a fork asks once: the first training key (space, ``n``, ``p``)
while looking back only says what a second one will discard; the second forks. Asking
costs one key press and no memory, where an undo would have to keep the whole discarded
run (its snapshots too) for as long as it might be wanted.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui_backprop.engine import Trainer
from tui_backprop.engine.trainer import RunState
from tui_backprop.ui.model.numbering import latest, named, span
from tui_backprop.ui.model.view import TrainingView

JUMP_SHARE = 10  # { and } move a tenth of the run ...
JUMP_LEAST = 10  # ... but at least this many epochs


@dataclass(frozen=True, eq=False)
class PastView(TrainingView):
    """The run as it was at an earlier epoch; ``fork_asked`` once a training key asked
    to fork there."""

    fork_asked: bool = False


def discarded(done: int, present: int) -> str:
    """The epochs a fork at ``done`` epochs drops from a run of ``present``: "epochs
    5 to 57" (epoch ``done`` is trained anew)."""
    return span(done, present - 1)


def fork_hint(done: int, present: int) -> str:
    """What training from ``done`` epochs would do to a run of ``present`` epochs:
    "train from epoch 4, discarding epochs 5 to 57"."""
    return f"train from {named(done)}, discarding {discarded(done, present)}"


def initial_hint(view: TrainingView) -> str | None:
    """What the panes say instead of "press space" while looking back at the initial
    weights, where space would not simply train: None elsewhere."""
    if view.present is None or view.epoch != 0:
        return None
    return (
        "the initial weights, before epoch 0:\n"
        f"end goes back to epoch {latest(view.present):,};\n"
        "space asks to train from here,\n"
        f"discarding {discarded(0, view.present)}"
    )


def jump(epochs: int) -> int:
    """How far { and } move in a run of ``epochs`` epochs."""
    return max(JUMP_LEAST, epochs // JUMP_SHARE)


class HistoryCursor:
    """The epoch being looked at: ``None`` for the present, else an earlier one and
    the run's state at it; ``asked`` once a training key asked to fork there."""

    def __init__(self) -> None:
        self.state: RunState | None = None
        self.asked = False

    @property
    def epoch(self) -> int | None:
        return None if self.state is None else self.state.epoch

    def showing(self, trainer: Trainer) -> Trainer | RunState:
        """What the panes draw: the past state, or the trainer itself."""
        return trainer if self.state is None else self.state

    def move_to(self, trainer: Trainer, epoch: int) -> int:
        """Look at ``epoch`` (clamped to the run); reaching the last epoch is the present
        again. Moving forgets a fork asked for. Returns the epoch now shown."""
        epoch = min(max(epoch, 0), trainer.epoch)
        if epoch == trainer.epoch:
            self.leave()
        elif self.state is None or self.state.epoch != epoch:
            self.state = trainer.state_at(epoch)
            self.asked = False
        return epoch

    def move_by(self, trainer: Trainer, step: int) -> int:
        current = trainer.epoch if self.state is None else self.state.epoch
        return self.move_to(trainer, current + step)

    def leave(self) -> None:
        self.state = None
        self.asked = False

    def may_train(self) -> bool:
        """Whether training may start: at once in the present; from the past only the
        second time (the first only asks)."""
        if self.state is None or self.asked:
            return True
        self.asked = True
        return False

    def fork(self, trainer: Trainer) -> int | None:
        """Make the epoch being looked at the present (forgetting the later ones) so
        training continues from it; returns that epoch, or None when already there."""
        state = self.state
        self.leave()
        if state is None:
            return None
        trainer.fork(state.epoch)
        return state.epoch
