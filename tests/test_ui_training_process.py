"""A playing run trains in its own process: whatever the keys do around it, the numbers
are those of an undisturbed run, a lost process loses nothing, and quitting ends it."""

from __future__ import annotations

import math
import os
import signal
import time
from concurrent.futures import Future
from pathlib import Path
from threading import Event, Timer

import numpy as np
import pytest
from textual.pilot import Pilot

from tests.helpers import SIZE, app_of, shown_epoch, text_of, wait_until
from tests.terminal import Terminal, running
from tui_backprop.engine import Params, Trainer
from tui_backprop.experiment import Experiment
from tui_backprop.settings import Settings, resolve
from tui_backprop.ui.app import BackpropApp
from tui_backprop.ui.model import training_process
from tui_backprop.ui.model.pacing import SPEEDS
from tui_backprop.ui.panes.chart_pane import MetricsChart
from tui_backprop.ui.panes.status_pane import StatusLine

MAX_SPEED = ["plus"] * len(SPEEDS)


def reference(settings: Settings, epochs: int, lr_at: dict[int, float] | None = None) -> Trainer:
    """The same experiment trained undisturbed in this process."""
    trainer = Experiment.build(settings).trainer
    for epoch in range(epochs):
        if lr_at and epoch in lr_at:
            trainer.set_lr(lr_at[epoch])
        trainer.train_epoch()
    return trainer


def assert_same(params: Params, expected: Params) -> None:
    for got, want in zip(params.flat(), expected.flat(), strict=True):
        np.testing.assert_array_equal(got, want)


async def play_for(pilot: Pilot[int], app: BackpropApp, epochs: int) -> None:
    """``p``, at least ``epochs`` more epochs on screen, ``p``."""
    start = app.main.experiment.trainer.epoch
    await pilot.press("p")
    await wait_until(pilot, lambda: shown_epoch(app) >= start + epochs)
    await pilot.press("p")
    assert not app.main.running


async def test_play_pause_look_back_fork_and_walk_give_the_undisturbed_numbers() -> None:
    settings = resolve("xor", {"hidden": (8, 8), "optimizer": "adam", "lr": 0.01})
    app = app_of(settings)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*MAX_SPEED)
        await play_for(pilot, app, 200)
        trainer = app.main.experiment.trainer
        first = trainer.epoch
        assert_same(trainer.params, reference(settings, first).params)
        assert shown_epoch(app) == first
        assert len(trainer.history) == first

        await pilot.press("left_square_bracket", "left_square_bracket")  # look back 2
        view = app.main.view
        assert view is not None and view.epoch == first - 2
        assert_same(view.params, reference(settings, first - 2).params)

        await pilot.press("p")  # playing from the past asks first ...
        assert not app.main.running and trainer.epoch == first
        await play_for(pilot, app, 50)  # ... then forks there
        second = trainer.epoch
        assert second > first - 2
        assert_same(trainer.params, reference(settings, second).params)

        await pilot.press("n", "n", "n", "space")  # walk into an epoch, then finish it
        assert trainer.epoch == second + 1
        assert_same(trainer.params, reference(settings, second + 1).params)
        # the history the process kept rebuilds any epoch exactly
        assert_same(trainer.state_at(first // 2).params, reference(settings, first // 2).params)


async def test_a_rate_changed_while_playing_is_replayed_where_it_happened() -> None:
    settings = resolve("xor", {})
    app = app_of(settings)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*MAX_SPEED, "p")
        await wait_until(pilot, lambda: shown_epoch(app) > 50)
        await pilot.press("l")  # one rung down, applied by the playing process
        await wait_until(pilot, lambda: shown_epoch(app) > 400)
        await pilot.press("p")
        trainer = app.main.experiment.trainer
        assert trainer.config.lr == app.main.experiment.settings.lr == 0.03
        assert trainer.learning_rates() == [0.1, 0.03]
        changed = next(c.start for c in trainer._settings if c.lr == 0.03)
        expected = reference(settings, trainer.epoch, {changed: 0.03})
        assert_same(trainer.params, expected.params)


async def test_settings_and_a_new_dataset_while_playing_pause_first_and_stay_exact() -> None:
    settings = resolve("xor", {})
    app = app_of(settings)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*MAX_SPEED, "p")
        await wait_until(pilot, lambda: shown_epoch(app) > 30)
        await pilot.press("d")  # the dataset menu pauses the run
        assert not app.main.running
        epoch = app.main.experiment.trainer.epoch
        assert_same(app.main.experiment.trainer.params, reference(settings, epoch).params)
        await pilot.press("escape")

        app.main.show(app.main.session.choose_dataset("circles", 200, 0.1))
        circles = app.main.experiment.settings
        await play_for(pilot, app, 30)
        trainer = app.main.experiment.trainer
        assert_same(trainer.params, reference(circles, trainer.epoch).params)


def status_text(app: BackpropApp) -> str:
    return text_of(app.main.query_one(StatusLine))


async def lose_the_process(pilot: Pilot[int], app: BackpropApp, signum: int) -> int:
    """Play at max speed past epoch 5 of a run paused once, send the training process
    ``signum``, and wait until the app goes on without it; the epoch the screen showed
    last before the signal (every frame after it is gone with the process)."""
    await play_for(pilot, app, 5)
    handed_back = app.main.experiment.trainer.epoch
    await pilot.press(*MAX_SPEED, "p")
    await wait_until(pilot, lambda: shown_epoch(app) > handed_back + 30)
    pid = app.main.runner.process.pid
    assert pid is not None
    os.kill(pid, signum)
    shown = shown_epoch(app)
    await wait_until(pilot, lambda: not app.main.running, timeout=15)
    assert not Path(f"/proc/{pid}").exists() or _state(pid) == "Z"
    return shown


def _state(pid: int) -> str:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return stat[stat.rfind(")") + 2]


@pytest.mark.parametrize(
    ("signum", "why"),
    [
        (signal.SIGKILL, "the training process stopped (exit status -9)"),
        (signal.SIGSTOP, "the training process stopped answering"),
    ],
)
async def test_a_lost_training_process_loses_no_epoch_a_frame_delivered(
    signum: int, why: str
) -> None:
    """Killed, or stopped so that it never answers: the run goes on from the last
    epoch a frame delivered, with the numbers, history and looking back of an
    undisturbed run, and the status line says what happened."""
    settings = resolve("xor", {"hidden": (4,), "optimizer": "adam", "lr": 0.01})
    app = app_of(settings)
    async with app.run_test(size=SIZE) as pilot:
        shown = await lose_the_process(pilot, app, signum)
        trainer = app.main.experiment.trainer
        assert trainer.epoch >= shown and len(trainer.history) == trainer.epoch
        assert shown_epoch(app) == trainer.epoch  # the screen agrees
        expected = reference(settings, trainer.epoch)
        assert_same(trainer.params, expected.params)
        np.testing.assert_array_equal(
            trainer.history.column("loss"), expected.history.column("loss")
        )
        middle = trainer.state_at(trainer.epoch // 2)  # looking back, into the lost stretch
        assert_same(middle.params, reference(settings, trainer.epoch // 2).params)
        status = status_text(app)
        assert f"{why}; went on from epoch {trainer.epoch - 1:,}" in status, status
        await pilot.pause()  # a notification arrives as a message
        assert any(why.capitalize() in n.message for n in app.notices)
        await play_for(pilot, app, 20)  # a new process takes over, exactly
        assert "went on from" not in status_text(app)
        assert_same(trainer.params, reference(settings, trainer.epoch).params)


async def test_a_pause_while_the_process_is_stopped_answers_within_seconds() -> None:
    """``p`` meets a stopped process: the pause gives up on it within its patience (a
    second and a little for a small run), and the run goes on from its last frame."""
    settings = resolve("xor", {})
    app = app_of(settings)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*MAX_SPEED, "p")
        await wait_until(pilot, lambda: shown_epoch(app) > 20)
        pid = app.main.runner.process.pid
        assert pid is not None
        os.kill(pid, signal.SIGSTOP)
        shown = shown_epoch(app)
        started = time.monotonic()
        await pilot.press("p")
        waited = time.monotonic() - started
        assert not app.main.running
        assert waited < 5, f"the pause waited {waited:.1f} s for a stopped process"
        trainer = app.main.experiment.trainer
        assert trainer.epoch >= shown
        assert_same(trainer.params, reference(settings, trainer.epoch).params)
        assert "stopped answering" in status_text(app) or "did not answer" in status_text(app)


def _descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            children = (task / "children").read_text().split()
            found.update(map(int, children))
            todo.extend(map(int, children))
    return found


def test_quitting_at_max_speed_exits_at_once_and_leaves_no_process() -> None:
    with running() as terminal:
        terminal.read_until(b"No epoch yet", 20)
        terminal.type(b"+" * len(SPEEDS) + b"p")
        terminal.read_until(b"max speed \xe2\x89\x88", 10)  # "≈": the measured rate shows
        terminal.read_for(0.5)
        helpers = _descendants(terminal.app.pid)
        assert helpers, "no training process was started"
        _quits_at_once(terminal, helpers)


def _quits_at_once(terminal: Terminal, helpers: set[int]) -> None:
    """``q`` ends the app within a second, status 0, and ``helpers`` within five."""
    terminal.type(b"q")
    assert terminal.wait_exit(5) < 1.0
    assert terminal.app.returncode == 0
    deadline = time.monotonic() + 5
    while (left := _running(helpers)) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not left, f"left running: {left}"


def _running(pids: set[int]) -> set[int]:
    """Those of ``pids`` still alive and not zombies."""
    left = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().split()[2]
        except FileNotFoundError:
            continue  # gone
        if state != "Z":
            left.add(pid)
    return left


async def test_the_status_line_names_a_rate_chosen_while_playing() -> None:
    app = app_of(resolve("xor", {}))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*MAX_SPEED, "p", "l")
        assert "lr 0.03" in app.main.info.model
        await pilot.press("p", "L", "L")
        assert "lr 0.3" in app.main.info.model
        assert app.main.experiment.trainer.config.lr == 0.3


async def test_reset_while_playing_plays_on_from_epoch_zero() -> None:
    settings = resolve("xor", {})
    app = app_of(settings)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*MAX_SPEED, "p")
        await wait_until(pilot, lambda: shown_epoch(app) > 300)
        await pilot.press("r")
        assert app.main.running
        await pilot.press("p")
        trainer = app.main.experiment.trainer
        assert_same(trainer.params, reference(settings, trainer.epoch).params)
        kept = app.main.session.kept.runs  # the run before the reset, to compare with
        assert len(kept) == 1 and len(kept[0].loss) > 300


async def test_end_while_playing_shows_the_latest_epoch() -> None:
    app = app_of(resolve("xor", {}))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space", "space", "space", *MAX_SPEED, "p")
        await wait_until(pilot, lambda: shown_epoch(app) > 300)
        await pilot.press("home", "end")
        trainer = app.main.experiment.trainer
        assert not app.main.running and trainer.epoch > 300
        assert shown_epoch(app) == trainer.epoch and app.main.session.looking.epoch is None


def _killed(pid: int) -> None:
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.01)  # gone once its parent has reaped it


async def test_keys_sent_to_a_process_that_died_are_reported_not_raised() -> None:
    app = app_of(resolve("xor", {}))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*MAX_SPEED, "p")
        await wait_until(pilot, lambda: shown_epoch(app) > 10)
        await pilot.press("l")  # a rate a frame may or may not have carried back
        pid = app.main.runner.process.pid
        assert pid is not None
        _killed(pid)
        app.main.action_slower()  # before the app has seen the pipe close
        await wait_until(pilot, lambda: not app.main.running)
        await pilot.pause()  # a notification arrives as a message
        notes = [n.message for n in app.notices]
        assert any("training process stopped" in n for n in notes), notes
        trainer = app.main.experiment.trainer
        lr = trainer.config.lr  # the rate of the last frame's epoch: the screen says it
        assert app.main.experiment.settings.lr == lr and lr in (0.1, 0.03)
        assert f"lr {lr:g} " in app.main.info.model
        await pilot.press("p")  # and a new process plays on
        await wait_until(pilot, lambda: shown_epoch(app) > 10)
        await pilot.press("p")


async def test_the_comparison_caption_follows_a_rate_chosen_while_playing() -> None:
    app = app_of(resolve("xor", {}))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space", "space", "r", "c", *MAX_SPEED, "p")
        await wait_until(pilot, lambda: shown_epoch(app) > 10)
        await pilot.press("l", "p")
        overlay = app.query_one(MetricsChart).overlay
        assert overlay is not None and overlay.caption == "lr 0.1 vs 0.03"


def test_a_pause_that_times_out_ends_the_process() -> None:
    trainer = Experiment.build(resolve("xor", {})).trainer
    handle = training_process.TrainingProcess()
    try:
        handle.play(trainer, math.inf)
        _wait_for_an_epoch(handle, trainer)
        first = handle.pid
        with pytest.raises(training_process.TrainingLost, match="did not answer"):
            handle.stop(timeout=0.0)
        assert handle.pid is None and first is not None and not Path(f"/proc/{first}").exists()
        handle.play(trainer, math.inf)  # a new process: the old one's answer is gone
        _wait_for_an_epoch(handle, trainer)
        assert handle.stop().epoch > trainer.epoch
    finally:
        handle.close()


def _wait_for_an_epoch(handle: training_process.TrainingProcess, trainer: Trainer) -> None:
    """Ask the process for frames until it has trained past ``trainer``'s epoch."""
    deadline = time.monotonic() + 10
    while True:
        handle.ask_frame()
        read: Future[bytes] = Future()  # read here, as the app's reader thread does
        read.set_result(handle.read_bytes())
        if handle.frame_of(read).epoch > trainer.epoch:
            return
        assert time.monotonic() < deadline, "the process trained no epoch in time"


def hold_the_third_read(monkeypatch: pytest.MonkeyPatch) -> tuple[Event, list[int]]:
    """The frame reader's third read waits until the test sets the event; the list
    counts the reads."""
    read_bytes = training_process.TrainingProcess.read_bytes
    gate, reads = Event(), []

    def held(self: training_process.TrainingProcess) -> bytes:
        reads.append(1)
        if len(reads) == 3:
            assert gate.wait(10), "the test never let the frame through"
        return read_bytes(self)

    monkeypatch.setattr(training_process.TrainingProcess, "read_bytes", held)
    return gate, reads


async def test_keys_are_answered_while_a_frame_is_read_and_a_pause_waits_for_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A frame is read off the pipe in a thread (a large one takes a while): the keys
    are answered meanwhile, and a pause takes the run back once the read is done, with
    the numbers of an undisturbed run."""
    gate, reads = hold_the_third_read(monkeypatch)
    settings = resolve("xor", {})
    app = app_of(settings)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*MAX_SPEED, "p")
        await wait_until(pilot, lambda: len(reads) == 3)
        lr = app.main.experiment.settings.lr
        await pilot.press("l")  # answered while the frame is held
        assert app.main.experiment.settings.lr < lr and app.main.running
        Timer(0.2, gate.set).start()  # let it through once the pause waits
        await pilot.press("p")
        trainer = app.main.experiment.trainer
        assert not app.main.running and trainer.epoch > 0
        changed = next(c.start for c in trainer._settings if c.lr != lr)
        expected = reference(settings, trainer.epoch, {changed: trainer.config.lr})
        assert_same(trainer.params, expected.params)


async def test_a_process_that_dies_while_its_frame_is_read_ends_the_run_on_pause(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Killed while the reader holds its frame, then paused: the run ends where it was
    last handed back, and the next p plays in a new process."""
    gate, reads = hold_the_third_read(monkeypatch)
    settings = resolve("xor", {})
    app = app_of(settings)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*MAX_SPEED, "p")
        await wait_until(pilot, lambda: len(reads) == 3)
        first = app.main.runner.process.pid
        assert first is not None
        os.kill(first, signal.SIGKILL)
        Timer(0.2, gate.set).start()
        shown = shown_epoch(app)  # two frames came before the held one
        await pilot.press("p")
        await wait_until(pilot, lambda: not app.main.running)
        assert app.main.experiment.trainer.epoch == shown  # the run goes on from there
        await play_for(pilot, app, 20)  # a new process takes over
        trainer = app.main.experiment.trainer
        assert_same(trainer.params, reference(settings, trainer.epoch).params)
        assert app.main.runner.process.pid not in (None, first)


async def test_a_large_frame_is_asked_for_less_often(monkeypatch: pytest.MonkeyPatch) -> None:
    """Frames are asked for in proportion to their size: at a bandwidth that a seed
    frame (~3 kB) takes seconds to fill, at most one more comes in half a second."""
    from tui_backprop.ui.model import frame_reader

    counted: list[int] = []
    frame_of = training_process.TrainingProcess.frame_of

    def counting(
        self: training_process.TrainingProcess, read: Future[bytes]
    ) -> training_process.Frame:
        frame = frame_of(self, read)
        counted.append(self.frame_bytes)
        return frame

    monkeypatch.setattr(training_process.TrainingProcess, "frame_of", counting)
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*MAX_SPEED, "p")
        # at the usual bandwidth frames keep coming (fewer a second on a busy machine)
        await wait_until(pilot, lambda: len(counted) > 5)
        monkeypatch.setattr(frame_reader, "BANDWIDTH", min(counted) / 5)
        await wait_until(pilot, lambda: len(counted) > 0)
        before = len(counted)
        await pilot.pause(0.5)
        assert len(counted) - before <= 1  # the next one waits about five seconds
        await pilot.press("p")


def test_quitting_during_a_slow_step_does_not_wait_for_it() -> None:
    """A large network's step trains in a thread for about 2 s; q exits at once, status 0."""
    with running("spiral", "--points", "10000", "--layers", "1024,1024") as terminal:
        terminal.read_until(b"No epoch yet", 30)
        terminal.type(b" ")
        terminal.read_until(b"training the next epoch", 10)
        _quits_at_once(terminal, _descendants(terminal.app.pid))  # the process's server


async def test_the_training_process_runs_nicer_than_the_app() -> None:
    """Under contention the screen's keys and frames come before training."""
    app = app_of(resolve("xor", {"hidden": (4,)}))
    async with app.run_test(size=SIZE) as pilot:
        await play_for(pilot, app, 2)
        pid = app.main.runner.process.pid
        assert pid is not None
        assert os.getpriority(os.PRIO_PROCESS, pid) > os.getpriority(os.PRIO_PROCESS, 0)
