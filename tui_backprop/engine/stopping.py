"""Stop rules: when a run that trains on by itself (``p``, ``--headless``) stops.

Epochs are numbered as everywhere else: epoch k is the k-th pass from 0, and its
losses are those of its forward pass. A rule is checked after each epoch; the first
that holds gives the reason. A run keeps only a running best, never the whole history,
so ``--headless`` (which keeps no history) can use every rule.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from tui_backprop.engine.metrics import printed


@dataclass(frozen=True)
class StopRules:
    """``epochs``: stop once this many epochs are trained; ``below``: once an epoch's
    training loss is below it; ``patience``: once the test loss (the training loss
    without a test split) has not improved on its best for this many epochs. None: no
    such rule."""

    epochs: int | None = None
    below: float | None = None
    patience: int | None = None

    @property
    def any(self) -> bool:
        return any(v is not None for v in (self.epochs, self.below, self.patience))


@dataclass
class StopWatch:
    """Follows a run's epochs and says when its rules stop it."""

    rules: StopRules
    best: float = math.inf  # the lowest watched loss so far
    best_epoch: int = -1

    def observe(self, epoch: int, loss: float, test_loss: float | None) -> str | None:
        """Epoch ``epoch`` is trained, with these losses: why the run stops, or None."""
        r = self.rules
        watched = loss if test_loss is None else test_loss
        if watched < self.best:
            self.best, self.best_epoch = watched, epoch
        if r.epochs is not None and epoch + 1 >= r.epochs:
            return f"{r.epochs} epochs trained (stop at epoch {r.epochs - 1})"
        if r.below is not None and loss < r.below:
            return f"training loss {printed(loss)} below {r.below:g}"
        if r.patience is not None and epoch - self.best_epoch >= r.patience:
            which = "training" if test_loss is None else "test"
            return (
                f"{which} loss not improved for {r.patience} epochs; best "
                f"{printed(self.best)} at epoch {self.best_epoch}"
            )
        return None
