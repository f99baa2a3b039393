"""The run's training machinery: a playing run's process, its frames and speed, and a
paused step that is slow enough to train in a thread.

The screen holds one ``Runner`` and gives it ``Hooks``: what to call when the play
state changes, when a frame is worth a new view, when the run is back in this process
(paused, or its process lost), when a lesson step's epoch is reached, and what to say;
and two services of the screen's event loop, a repeating timer and "run this after the
current message". The runner never touches a widget.

Playing: ``play`` hands the app's trainer to the ``TrainingProcess``, a ``FrameReader``
reads its frames off the pipe in a thread, and the timer asks for the next one every
``FRAME`` seconds (``tick``). Each frame goes into a ``LiveRun``; one with news (a new
epoch, a divergence, a stop) goes to ``Hooks.frame``. ``take_back`` is the one way to
stop: every key that reads or changes the run calls it first, and the app's trainer
continues from the run the process hands back. A process that dies or stops answering
is ended, and the run goes on from the last epoch a frame delivered.

Paused: ``train`` runs one epoch; one measured slower than ``SLOW_EPOCH`` trains the next
time in a daemon thread, and while it does ``stepping`` is true, which the key gate
reads to hold off the keys that change the run.
"""

from __future__ import annotations

import asyncio
import contextvars
import math
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, replace
from functools import partial
from typing import Protocol, TypeVar

from tui_backprop.engine import Trainer
from tui_backprop.engine.config import parameter_count
from tui_backprop.ui.model.frame_reader import FrameReader
from tui_backprop.ui.model.live_run import LiveRun
from tui_backprop.ui.model.numbering import named
from tui_backprop.ui.model.pacing import Pacer
from tui_backprop.ui.model.run_info import PlayState
from tui_backprop.ui.model.training_process import Frame, TrainingLost, TrainingProcess
from tui_backprop.ui.session.outcome import Said

FRAME = 1 / 24  # seconds between frame requests while a run plays
STATE_EVERY = 0.25  # seconds between updates of the measured speed
STEP_THREAD = "step"  # the thread a slow step trains in (see ui.app.run_app on quitting)
SLOW_EPOCH = 0.05  # seconds: a step that took longer runs off the UI thread next time
# Multiply-adds of one epoch's forward pass (rows × weights) above which even a run's
# first, untimed step trains off the UI thread (~10 ms of NumPy at this size).
SLOW_WORK = 5_000_000
WAITING_WRITE = "Writing once the epoch being trained is done."
T = TypeVar("T")


class Ticking(Protocol):
    """A repeating timer, as the screen's ``set_interval`` returns one."""

    def stop(self) -> None: ...


@dataclass(frozen=True)
class Hooks:
    """What the screen gives the runner. Every callback runs on the screen's loop."""

    state: Callable[[PlayState], None]  # the play state changed: the status line
    frame: Callable[[], None]  # a frame with news arrived: a new view of ``Runner.live``
    back: Callable[[], None]  # the run is back in this process, paused: show it
    reached: Callable[[], None]  # a lesson step's epoch was reached; the run is paused
    say: Callable[[Said], None]
    every: Callable[[float, Callable[[], None]], Ticking]  # a repeating timer
    soon: Callable[[Callable[[], None]], object]  # run after the message being handled


def first_guess(trainer: Trainer) -> float:
    """How long a step is taken to last before one is timed: a large network on many
    rows counts as slow, so not even the first step keeps the keys waiting."""
    work = len(trainer.problem.x_train) * parameter_count(trainer.sizes, bias=False)
    return SLOW_EPOCH * 2 if work > SLOW_WORK else 0.0


def _raise(err: Exception) -> None:
    raise err


class Runner:
    """Trains the run ``trainer()`` returns (the screen's experiment's, whichever it is
    now): playing in a process, or one epoch at a time."""

    def __init__(
        self,
        trainer: Callable[[], Trainer],
        hooks: Hooks,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self._trainer = trainer
        self.hooks = hooks
        self._clock = clock
        self.pacer = Pacer()
        self.process = TrainingProcess()  # started on the first play, not before
        self.frames = FrameReader(self.process)  # reads its frames in a thread
        self.live: LiveRun | None = None  # what the process has shown of a playing run
        self.state = PlayState(False, self.pacer.rate)
        self._until: int | None = None  # the epoch count a lesson step plays to
        self._ticker: Ticking | None = None
        self._state_at = 0.0  # when the measured speed was last shown
        self._timed: Trainer | None = None  # the trainer ``_epoch_seconds`` is about
        self._epoch_seconds = 0.0  # how long its last step took
        self._stepping = False
        self._after_step: list[Callable[[], None]] = []  # writes asked for meanwhile

    @property
    def running(self) -> bool:
        return self.process.playing

    @property
    def stepping(self) -> bool:
        """A slow epoch trains in a thread: keys that read or change the run wait."""
        return self._stepping

    def _show(self, state: PlayState) -> None:
        self.state = state
        self.hooks.state(state)

    def _settle(self) -> None:
        """The status line after a play or a pause; a lost process is said until the
        run plays again."""
        lost = "" if self.running else self.state.lost
        self._show(PlayState(self.running, self.pacer.rate, lost=lost, until=self._until))

    # -- playing ------------------------------------------------------------------------

    def play(self, until: int | None = None) -> None:
        """Play the run at the chosen speed, or as fast as it goes to epoch count
        ``until`` (a lesson step's), where it pauses and ``Hooks.reached`` is called."""
        if not self.running:
            self._start(until)
        self._settle()

    def _start(self, until: int | None) -> None:
        trainer = self._trainer()
        self.live = LiveRun(trainer)
        rate = self.pacer.rate if until is None else math.inf
        try:
            pipe = self.process.play(trainer, rate, until)
        except TrainingLost as err:
            self.live = None
            self.hooks.say(Said(f"Could not start training: {err}.", "error"))
            return
        self._until = until
        self.frames.start(pipe, self._arrived, self._lost)
        self._ticker = self.hooks.every(FRAME, self.tick)
        self.tick()

    def take_back(self) -> None:
        """Before anything reads or changes the run: a playing run is taken back from
        its process (the screen shows where it got, ``Hooks.back``) and stays paused."""
        if self.running:
            self._pause()
        self._settle()

    def _pause(self) -> None:
        self._stop_ticking()
        try:
            back = self.process.stop(self.frames.patience())
            assert self.live is not None
            self._trainer().continue_from(self.live.taken_back(back))
        except TrainingLost as err:
            self._go_on_without_process(err)
        self._back()

    def _back(self) -> None:
        self.live = None
        self._until = None  # a pause ends a lesson step's run too, wherever it got
        self.hooks.back()

    def _stop_ticking(self) -> None:
        if self._ticker is not None:
            self._ticker.stop()
            self._ticker = None
        self.frames.stop()

    def tick(self) -> None:
        """The timer's tick while a run plays: ask for the next frame."""
        try:
            self.frames.ask()
        except TrainingLost as err:
            self._lost(err)

    def _arrived(self, frame: Frame) -> None:
        live = self.live
        if live is None:
            return
        if live.add(frame):  # a frame of an epoch already shown repaints nothing
            self.hooks.frame()
        now = self._clock()
        if now - self._state_at >= STATE_EVERY:
            self._state_at = now
            self._show(PlayState(True, self.pacer.rate, frame.measured, until=self._until))
        if frame.diverged or frame.stopped:
            self.take_back()
            self._say_stopped()
        elif self._until is not None and frame.epoch >= self._until:
            self.take_back()
            self.hooks.reached()

    def _lost(self, err: TrainingLost) -> None:
        """The process died or stopped answering mid-run: go on from its last frame."""
        self._stop_ticking()
        self.process.forget()
        self._go_on_without_process(err)
        self._back()

    def _go_on_without_process(self, err: TrainingLost) -> None:
        """The run goes on from the last epoch a frame delivered (from the run as it was
        at ``p`` when none came); the status line and a notice say so."""
        trainer = self._trainer()
        from_frames = self.live is not None and self.live.resume(trainer)
        where = named(trainer.epoch)
        said = "the last it sent" if from_frames else "where it started playing"
        why = str(err)
        self._show(PlayState(False, self.pacer.rate, lost=f"{why}; went on from {where}"))
        text = f"{why[:1].upper()}{why[1:]}: the run goes on from {where}, {said}."
        self.hooks.say(Said(text, "error", timeout=8))

    def _say_stopped(self) -> None:
        """The status line says why a stop rule paused the run at the epoch just trained."""
        trainer = self._trainer()
        reason = trainer.stopped if trainer.stopped_now and trainer.stopped else ""
        if reason != self.state.stopped:
            self._show(replace(self.state, stopped=reason))

    # -- what a playing run is told -----------------------------------------------------

    def speed(self, change: Callable[[Pacer], None]) -> None:
        """Move the speed (``Pacer.faster``, ``slower``, ``toggle_max``); a playing run
        takes it at once."""
        change(self.pacer)
        if self.running:
            try:
                self.process.set_rate(self.pacer.rate)
            except TrainingLost as err:
                self._lost(err)
        self._show(PlayState(self.running, self.pacer.rate, self.state.measured))

    def set_lr(self, lr: float) -> bool:
        """Set the learning rate of the run, playing or not; False if its process was
        lost on the way (the run went on without it, with the rate it had)."""
        if not self.running:
            self._trainer().set_lr(lr)
            return True
        try:
            self.process.set_lr(lr)  # the playing copy hands the change back on pause
        except TrainingLost as err:
            self._lost(err)
            return False
        assert self.live is not None
        self.live.set_lr(lr)
        return True

    # -- one epoch at a time ------------------------------------------------------------

    def step(self, then: Callable[[], None]) -> None:
        """Train one epoch (``space``), then ``then()``; the status line says if a stop
        rule holds there."""

        def stepped(_: object) -> None:
            then()
            self._say_stopped()

        self.train(lambda: self._trainer().train_epoch(), stepped)

    def train(self, epoch: Callable[[], T], then: Callable[[T], None]) -> None:
        """Train one epoch by ``epoch()``, then ``then(its result)``. An epoch measured
        slower than ``SLOW_EPOCH`` trains in a thread: NumPy's matrix products at that
        size release the GIL, so keys are answered meanwhile; keys that change the run
        wait (``stepping``) until it is done."""
        if not self._slow():
            started = self._clock()
            result = epoch()
            self._epoch_seconds = self._clock() - started
            then(result)
            return
        self._set_stepping(True)
        self._train_in_thread(epoch, then)

    def _slow(self) -> bool:
        trainer = self._trainer()
        if trainer is not self._timed:  # another experiment: not timed yet
            self._timed, self._epoch_seconds = trainer, first_guess(trainer)
        return self._epoch_seconds > SLOW_EPOCH

    def _train_in_thread(self, epoch: Callable[[], T], then: Callable[[T], None]) -> None:
        """Train in a daemon thread: quitting mid-step (a large network's, a lesson's run
        of epochs) does not wait for it, as a worker on asyncio's executor would (see
        ``ui.app.run_app``)."""
        loop = asyncio.get_running_loop()
        here = contextvars.copy_context()  # the app's, for what ``then`` starts

        def train() -> None:
            started = self._clock()
            try:
                result = epoch()
            except Exception as err:  # raised on the screen's side: the app reports it
                done: Callable[[], None] = partial(_raise, err)
            else:
                self._epoch_seconds = self._clock() - started
                done = partial(self._trained, then, result)
            with suppress(RuntimeError):  # the app has closed meanwhile
                loop.call_soon_threadsafe(self.hooks.soon, done, context=here)

        threading.Thread(target=train, name=STEP_THREAD, daemon=True).start()

    def _trained(self, then: Callable[[T], None], result: T) -> None:
        self._set_stepping(False)
        then(result)
        waiting, self._after_step = self._after_step, []
        for write in waiting:
            write()

    def after_step(self, write: Callable[[], None]) -> bool:
        """While a slow step trains, a file key (``s``, ``e``, ``W``) writes once it is
        done, of the epoch it trained; said now, so the key is not thought lost. False
        when nothing trains: write now."""
        if not self._stepping:
            return False
        if write not in self._after_step:
            self._after_step.append(write)
            self.hooks.say(Said(WAITING_WRITE, timeout=3))
        return True

    def _set_stepping(self, stepping: bool) -> None:
        """The status line says a slow step is training. (The footer stays as it is: the
        key gate refuses the keys that wait, and recomposing the footer twice a step
        cost the keys answered meanwhile ~20 ms each time.)"""
        self._stepping = stepping
        self._show(replace(self.state, training=stepping))

    def close(self) -> None:
        """The screen is gone: end the process and the frame reader's thread."""
        self._stop_ticking()
        self.process.close()
        self.frames.close()
