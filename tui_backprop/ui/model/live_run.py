"""A playing run as the screen sees it: the frames the training process sends, laid
over the run as it was when it started playing.

Every frame's metrics and parameter snapshots are kept here, so the run survives its
process: if the process dies or stops answering, ``resume`` makes the app's trainer the
run as the last frame delivered it."""

from __future__ import annotations

from tui_backprop.engine import Trainer
from tui_backprop.ui.model.training_process import Frame
from tui_backprop.ui.model.view import Network, TrainingView


class LiveRun:
    def __init__(self, trainer: Trainer) -> None:
        # The trainer's own, not copies (which would hold the run's past twice while it
        # plays): frames only add epochs after its last (thinning its rows as training
        # in the app would), and the run comes back with these (``taken_back``, ``resume``).
        self.history = trainer.history
        self.snapshots = trainer.snapshots
        self.config = trainer.config
        self.started = trainer.epoch
        self.frame: Frame | None = None

    def add(self, frame: Frame) -> bool:
        """Keep ``frame``; whether it is news (a new epoch, or the run stopped), which
        is all that is worth a repaint: a frame of the same epoch changes nothing shown."""
        last = self.frame
        news = last is None or frame.epoch != last.epoch or frame.diverged != last.diverged
        news = news or frame.stopped is not None
        self.history.extend(frame.metrics)
        self.snapshots.add_rows(*frame.snapshots)
        self.frame = frame
        return news

    def taken_back(self, trainer: Trainer) -> Trainer:
        """``trainer`` as the process handed it back, with the metrics and parameter
        snapshots of every epoch: the process keeps those of its last frame and after,
        so a frame dropped unread as the run was taken back loses nothing."""
        shown = self.started if self.frame is None else self.frame.epoch
        self.history.extend(trainer.history.since(len(self.history)))
        self.snapshots.add_rows(*trainer.snapshots.after(shown))
        trainer.history, trainer.snapshots = self.history, self.snapshots
        return trainer

    def set_lr(self, lr: float) -> None:
        self.config = self.config.with_(lr=lr)

    def resume(self, trainer: Trainer) -> bool:
        """Make ``trainer`` (the run as it was at ``p``) the run as the last frame left
        it; False when no frame came, and ``trainer`` stays as it was."""
        f = self.frame
        if f is None:
            return False
        trainer.go_on_from(f.checkpoint, self.history, self.snapshots, f.records)
        return True

    def view(self, network: Network, sample: int | None) -> TrainingView | None:
        """The latest frame as the panes draw it; None before the first frame."""
        f = self.frame
        if f is None:
            return None
        first = f.records[0] if f.records else None
        last = f.records[-1] if f.records else None
        return TrainingView(
            network, f.epoch, f.params, last, first, self.history, f.diverged, sample, self.config
        )
