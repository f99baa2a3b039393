"""Moving through a run's past: which epoch the panes show, and the run as it was then.

The engine keeps every epoch's metrics and enough snapshots to rebuild any epoch
exactly (``Trainer.state_at``); this only remembers where the user is looking.
Training from an earlier epoch forks the run there (``Trainer.fork``).
"""

from __future__ import annotations

from rich.text import Text

from tui_backprop.engine import Trainer
from tui_backprop.engine.trainer import RunState

JUMP_SHARE = 10  # { and } move a tenth of the run ...
JUMP_LEAST = 10  # ... but at least this many epochs


def past_caption(epoch: int, present: int) -> Text:
    """The status line's word that the panes show the past."""
    out = Text()
    out.append(f"viewing epoch {epoch:,} of {present:,}", "bold #1e1e1e on #ffa62b")
    out.append(" ] forward, space forks", "#ffa62b")
    return out


def jump(epochs: int) -> int:
    """How far { and } move in a run of ``epochs`` epochs."""
    return max(JUMP_LEAST, epochs // JUMP_SHARE)


class HistoryCursor:
    """The epoch being looked at: ``None`` for the present, else an earlier one and
    the run's state at it."""

    def __init__(self) -> None:
        self.state: RunState | None = None

    @property
    def epoch(self) -> int | None:
        return None if self.state is None else self.state.epoch

    def showing(self, trainer: Trainer) -> Trainer | RunState:
        """What the panes draw: the past state, or the trainer itself."""
        return trainer if self.state is None else self.state

    def move_to(self, trainer: Trainer, epoch: int) -> int:
        """Look at ``epoch`` (clamped to the run); reaching the last epoch is the present
        again. Returns the epoch now shown."""
        epoch = min(max(epoch, 0), trainer.epoch)
        if epoch == trainer.epoch:
            self.state = None
        elif self.state is None or self.state.epoch != epoch:
            self.state = trainer.state_at(epoch)
        return epoch

    def move_by(self, trainer: Trainer, step: int) -> int:
        current = trainer.epoch if self.state is None else self.state.epoch
        return self.move_to(trainer, current + step)

    def leave(self) -> None:
        self.state = None

    def fork(self, trainer: Trainer) -> int | None:
        """Make the epoch being looked at the present (forgetting the later ones) so
        training continues from it; returns that epoch, or None when already there."""
        state, self.state = self.state, None
        if state is None:
            return None
        trainer.fork(state.epoch)
        return state.epoch
