"""The runner without an app: playing in a real training process, taking the run back,
frames, speed and learning rate, a lesson's epoch, stop rules, a lost process, and a
slow step in its thread with the keys that wait meanwhile."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pytest

from tui_backprop.engine import Trainer
from tui_backprop.experiment import Experiment
from tui_backprop.settings import SEED_PRESET
from tui_backprop.ui.model.key_gate import KeySituation, Why, refusal
from tui_backprop.ui.model.numbering import named
from tui_backprop.ui.model.pacing import DEFAULT_SPEED, SPEEDS, Pacer
from tui_backprop.ui.model.run_info import PlayState
from tui_backprop.ui.model.training_process import TrainingLost, TrainingProcess
from tui_backprop.ui.session import runner as runner_module
from tui_backprop.ui.session.runner import WAITING_WRITE, Hooks, Runner, Said

WAIT = 20.0  # seconds a condition may take on a busy machine before the test fails


def trainer_of(**changes: object) -> Trainer:
    return Experiment.build(replace(SEED_PRESET, **changes)).trainer  # type: ignore[arg-type]


class LoopTimer:
    """A repeating timer on the running loop, as the screen's ``set_interval``."""

    def __init__(self, interval: float, tick: Callable[[], None]) -> None:
        self.interval, self.tick, self.stopped = interval, tick, False
        self._handle = asyncio.get_running_loop().call_later(interval, self._fire)

    def _fire(self) -> None:
        if not self.stopped:
            self.tick()
            self._handle = asyncio.get_running_loop().call_later(self.interval, self._fire)

    def stop(self) -> None:
        self.stopped = True
        self._handle.cancel()


class Screen:
    """What a screen gives the runner, each call recorded."""

    def __init__(self) -> None:
        self.states: list[PlayState] = []
        self.shown: list[int] = []  # the epoch of each frame worth a view
        self.backs = 0
        self.reached = 0
        self.said: list[Said] = []
        self.timers: list[LoopTimer] = []
        self.later: list[Callable[[], None]] = []  # what ``soon`` was handed, when held
        self.hold = False  # keep ``soon``'s callbacks in ``later`` instead of running them
        self.runner: Runner | None = None

    def hooks(self) -> Hooks:
        return Hooks(
            state=self.states.append,
            frame=self._frame,
            back=self._back,
            reached=self._reached,
            say=self.said.append,
            every=self._every,
            soon=self._soon,
        )

    def _frame(self) -> None:
        assert self.runner is not None and self.runner.live is not None
        assert self.runner.live.frame is not None
        self.shown.append(self.runner.live.frame.epoch)

    def _back(self) -> None:
        self.backs += 1

    def _reached(self) -> None:
        self.reached += 1

    def _every(self, interval: float, tick: Callable[[], None]) -> LoopTimer:
        timer = LoopTimer(interval, tick)
        self.timers.append(timer)
        return timer

    def _soon(self, callback: Callable[[], None]) -> None:
        if self.hold:
            self.later.append(callback)
        else:
            callback()


def runner_on(
    trainer: Trainer, clock: Callable[[], float] = time.perf_counter
) -> tuple[Runner, Screen]:
    screen = Screen()
    runner = Runner(lambda: trainer, screen.hooks(), clock)
    screen.runner = runner
    return runner, screen


async def until(check: Callable[[], object], timeout: float = WAIT) -> None:
    end = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < end, "timed out"
        await asyncio.sleep(0.01)


def test_a_run_that_never_plays_starts_no_process() -> None:
    trainer = trainer_of()
    runner, screen = runner_on(trainer)
    for _ in range(3):
        runner.step(lambda: None)
    runner.close()
    assert trainer.epoch == 3 and runner.process.pid is None
    assert not any(state.running for state in screen.states)


async def test_play_then_take_back_goes_on_from_what_the_process_trained() -> None:
    trainer = trainer_of()
    runner, screen = runner_on(trainer)
    try:
        runner.play()
        assert runner.running and screen.states[-1] == PlayState(True, SPEEDS[DEFAULT_SPEED])
        await until(lambda: len(screen.shown) >= 3)  # frames come as the timer ticks
        assert screen.shown == sorted(set(screen.shown))  # each a new epoch
        runner.take_back()
        assert not runner.running and runner.live is None and screen.backs == 1
        assert screen.timers[0].stopped
        assert trainer.epoch >= screen.shown[-1] and len(trainer.history) == trainer.epoch
        assert screen.states[-1] == PlayState(False, SPEEDS[DEFAULT_SPEED])
        runner.take_back()  # paused already: nothing to take back
        assert screen.backs == 1
    finally:
        runner.close()


async def test_the_speed_and_learning_rate_reach_the_playing_process() -> None:
    trainer = trainer_of()
    runner, screen = runner_on(trainer)
    try:
        runner.speed(Pacer.slower)
        runner.speed(Pacer.slower)  # the lowest rung: 1 epoch a second
        assert screen.states[-1].rate == SPEEDS[0] and runner.process.pid is None
        runner.play()
        await until(lambda: screen.shown)
        runner.speed(Pacer.toggle_max)
        assert screen.states[-1] == PlayState(True, SPEEDS[-1], screen.states[-2].measured)
        await until(lambda: screen.shown[-1] > 100)  # 100 s at the rate it left
        assert runner.set_lr(0.5) and runner.live is not None and runner.live.config.lr == 0.5
        runner.take_back()
        assert trainer.config.lr == 0.5  # the process's copy handed it back
        assert runner.set_lr(0.25) and trainer.config.lr == 0.25  # paused: the app's own
    finally:
        runner.close()


async def test_a_frame_in_flight_when_the_run_is_taken_back_loses_no_epoch() -> None:
    """The run is taken back while a frame is on its way (asked for, sent, not yet read):
    that frame is dropped, and the run the process hands back still holds the metrics of
    every epoch it carried, so the history has a row for every epoch, as trained here."""
    trainer = trainer_of()
    runner, screen = runner_on(trainer)
    try:
        runner.speed(Pacer.toggle_max)
        runner.play()
        await until(lambda: len(screen.shown) >= 2)
        if not runner.process.asked:
            runner.process.ask_frame()
        time.sleep(0.2)  # the loop is held: the process trains on and answers unread
        runner.take_back()
        assert trainer.epoch > screen.shown[-1]  # the dropped frame carried epochs
    finally:
        runner.close()
    np.testing.assert_array_equal(trainer.history.epochs(), np.arange(trainer.epoch))
    here = trainer_of()
    here.train_epochs(trainer.epoch)
    np.testing.assert_array_equal(trainer.history.column("loss"), here.history.column("loss"))


async def test_a_lesson_run_pauses_at_its_epoch_and_goes_on_at_the_chosen_speed() -> None:
    trainer = trainer_of()
    runner, screen = runner_on(trainer)
    try:
        runner.play(until=7)
        assert screen.states[-1].until == 7
        await until(lambda: screen.reached)
        assert trainer.epoch == 7 and not runner.running and screen.states[-1].until is None
        runner.play()  # the next p plays on, at the chosen speed
        assert runner.running and screen.states[-1].until is None
        runner.take_back()
        assert screen.reached == 1
    finally:
        runner.close()


async def test_a_stop_rule_pauses_the_run_and_says_why() -> None:
    trainer = trainer_of(epochs=12)
    runner, screen = runner_on(trainer)
    try:
        runner.speed(Pacer.toggle_max)
        runner.play()
        await until(lambda: not runner.running)
        assert trainer.epoch == 12 and "12 epochs trained" in screen.states[-1].stopped
        runner.step(lambda: None)  # training on is the user's choice: the reason goes
        assert trainer.epoch == 13 and screen.states[-1].stopped == ""
    finally:
        runner.close()


async def test_a_lost_process_leaves_the_run_at_its_last_frame_and_a_new_one_plays() -> None:
    trainer = trainer_of()
    runner, screen = runner_on(trainer)
    try:
        runner.play()
        await until(lambda: len(screen.shown) >= 3)
        first = runner.process.pid
        assert first is not None
        os.kill(first, signal.SIGKILL)
        await until(lambda: not runner.running)
        last = screen.shown[-1]
        assert trainer.epoch == last and len(trainer.history) == trainer.epoch
        assert screen.backs == 1 and screen.timers[0].stopped and runner.live is None
        said = screen.said[-1]
        assert said.severity == "error" and said.text.startswith("The training process stopped")
        assert f"goes on from {named(last)}, the last it sent" in said.text
        assert f"went on from {named(last)}" in screen.states[-1].lost
        runner.take_back()  # the status line keeps saying so while paused
        assert screen.states[-1].lost
        runner.play()
        await until(lambda: screen.shown[-1] > last)
        assert runner.process.pid not in (None, first) and screen.states[-1].lost == ""
        runner.take_back()
        assert trainer.epoch > last
    finally:
        runner.close()


def test_a_process_that_cannot_start_is_said_and_the_run_stays_paused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(*_: object) -> int:
        raise TrainingLost("the training process could not start: no memory")

    monkeypatch.setattr(TrainingProcess, "play", refuse)
    runner, screen = runner_on(trainer_of())
    runner.play(until=5)
    assert not runner.running and runner.live is None and not screen.timers
    assert screen.said == [
        Said("Could not start training: the training process could not start: no memory.", "error")
    ]
    assert screen.states[-1] == PlayState(False, SPEEDS[DEFAULT_SPEED])


async def test_a_slow_step_trains_in_a_thread_while_keys_that_change_the_run_wait() -> None:
    trainer = trainer_of()
    clock = itertools.count()  # each reading a second later: every step is slow
    runner, screen = runner_on(trainer, lambda: float(next(clock)))
    written: list[int] = []
    results: list[int] = []
    runner.train(trainer.train_epoch, lambda _: results.append(trainer.epoch))
    assert results == [1] and not runner.stepping  # untimed yet: on the screen's thread
    assert not runner.after_step(lambda: written.append(0))  # nothing trains: write now

    go = threading.Event()

    def held() -> int:
        go.wait(WAIT)
        trainer.train_epoch()
        return trainer.epoch

    def write() -> None:
        written.append(trainer.epoch)

    runner.train(held, results.append)  # timed slow: in a thread
    assert runner.stepping and screen.states[-1].training and results == [1]
    waits = refusal("step", KeySituation(stepping=runner.stepping))
    assert waits is not None and waits.why is Why.TRAINING
    assert refusal("zoom", KeySituation(stepping=runner.stepping)) is None
    assert runner.after_step(write) and runner.after_step(write)  # asked twice, said once
    assert screen.said == [Said(WAITING_WRITE, timeout=3)] and not written
    go.set()
    await until(lambda: not runner.stepping)
    assert results == [1, 2] and written == [2]  # of the epoch the thread trained
    assert not screen.states[-1].training


async def test_a_slow_steps_error_reaches_the_screens_loop() -> None:
    trainer = trainer_of()
    clock = itertools.count()  # each reading a second later: every step is slow
    runner, screen = runner_on(trainer, lambda: float(next(clock)))
    runner.step(lambda: None)  # timed on the screen's thread: slow
    screen.hold = True

    def fails() -> None:
        raise ValueError("bad step")

    runner.train(fails, lambda _: None)
    await until(lambda: screen.later)
    with pytest.raises(ValueError, match="bad step"):
        screen.later[0]()


async def test_a_large_run_trains_even_its_first_step_in_a_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(runner_module, "SLOW_WORK", 0)  # any run counts as large
    trainer = trainer_of()
    runner, _ = runner_on(trainer)
    runner.step(lambda: None)
    assert runner.stepping
    await until(lambda: not runner.stepping)
    assert trainer.epoch == 1
