"""The one epoch numbering the app prints, the reference exercise's: epoch k is the k-th
pass over the training rows, counted from 0; its loss and accuracy are those of that
pass's forward pass, and the weights shown with it are those after its update.

The engine counts epochs done (``Trainer.epoch``, ``TrainingView.epoch``, a history
position): after n of them the latest is epoch n − 1, and before the first there is
none, only the initial weights. Everything that prints an epoch goes through here.
"""

from __future__ import annotations

RULE = (
    "Epoch k is the k-th pass over the training rows, counted from 0: its loss and "
    "accuracy are those of its forward pass, and the weights shown with it are those "
    "after its update."
)
NO_EPOCH = "No epoch yet"


def latest(done: int) -> int | None:
    """The number of the last epoch of ``done`` epochs trained; None before the first."""
    return done - 1 if done > 0 else None


def named(done: int) -> str:
    """ "epoch 2" after three epochs, "the initial weights" before any."""
    last = latest(done)
    return "the initial weights" if last is None else numbered(last)


def numbered(epoch: int) -> str:
    """Epoch number ``epoch`` (a record's, counted from 0) in words: "epoch 2"."""
    return f"epoch {epoch:,}"


def file_tag(done: int) -> str:
    """The part of a file name that says which epoch it holds: "epoch2", or "initial"."""
    last = latest(done)
    return "initial" if last is None else f"epoch{last}"


def span(first: int, last: int) -> str:
    """Epochs ``first`` … ``last`` in words: "epoch 5" or "epochs 5 to 57"."""
    return f"epoch {first:,}" if first == last else f"epochs {first:,} to {last:,}"
