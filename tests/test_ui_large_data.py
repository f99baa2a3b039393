"""Large data in the app: a big CSV is read in a worker thread with a progress bar while
the dialog keeps answering keys, escape stops the read and changes nothing, and the data
layer's progress callback leaves what it loads unchanged."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Label, ProgressBar

from tests.helpers import SIZE, app_of, press, settle, text_of, wait_until, weights_of
from tui_backprop.data import csv_file, load_csv
from tui_backprop.experiment import Experiment
from tui_backprop.ui.app import BackpropApp
from tui_backprop.ui.screens import open_csv_dialog
from tui_backprop.ui.screens.open_csv_dialog import OpenCsvDialog
from tui_backprop.ui.session import run_session


class Stop(Exception):
    """What a caller's progress callback raises to stop a read."""


def _table(tmp_path: Path, rows: int = 2000, bad_row: int | None = None) -> Path:
    rng = np.random.default_rng(1)
    lines = ["a,b,c,kind"]
    for k, (a, b, c) in enumerate(rng.normal(size=(rows, 3))):
        lines.append(f"{a:.6f},{'oops' if k == bad_row else f'{b:.6f}'},{c:.6f},{'xyz'[k % 3]}")
    path = tmp_path / "table.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# -- the data layer ---------------------------------------------------------------------


@pytest.mark.parametrize("quoted", [False, True])  # the fast path, and the exact path
def test_progress_is_told_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, quoted: bool
) -> None:
    monkeypatch.setattr(csv_file, "PROGRESS_BYTES", 4096)
    path = _table(tmp_path)
    if quoted:  # a space after a quote is beyond loadtxt: the exact path reads it
        path.write_text(path.read_text().replace(",x", ', "x"'), encoding="utf-8")
    heard: list[tuple[int, int]] = []
    got = load_csv(path, progress=lambda done, total: heard.append((done, total)))
    want = load_csv(path)
    assert np.array_equal(got.features, want.features)
    assert np.array_equal(got.labels, want.labels) and got.class_names == want.class_names
    size = path.stat().st_size
    assert len(heard) > 5 and all(total == size for _, total in heard)
    assert [done for done, _ in heard] == sorted(done for done, _ in heard)
    assert heard[-1][0] == size


@pytest.mark.parametrize("bad_row", [None, 1500])  # stopped in the fast or the exact path
def test_what_progress_raises_stops_the_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bad_row: int | None
) -> None:
    monkeypatch.setattr(csv_file, "PROGRESS_BYTES", 4096)
    path = _table(tmp_path, bad_row=bad_row)
    heard: list[int] = []

    def stop_later(done: int, total: int) -> None:
        heard.append(done)
        if done > total // 2:
            raise Stop

    with pytest.raises(Stop):
        load_csv(path, progress=stop_later)
    assert heard[-1] < path.stat().st_size


# -- the open dialog --------------------------------------------------------------------


async def _type_path(pilot: Pilot[Any], app: BackpropApp, path: Path) -> OpenCsvDialog:
    await press(pilot, "o")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, OpenCsvDialog)
    assert not screen.query_one("#open-progress", ProgressBar).display  # idle: no bar
    screen.query_one("#open-path", Input).value = str(path)
    return screen


async def test_a_large_file_opens_in_the_background(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(open_csv_dialog, "BACKGROUND_BYTES", 1000)
    monkeypatch.setattr(csv_file, "PROGRESS_BYTES", 4096)
    read, go = run_session.open_csv, threading.Event()

    def held(*args: Any, **kwargs: Any) -> Experiment:  # the read waits for the test
        assert go.wait(10), "the test never let the read go on"
        return read(*args, **kwargs)

    monkeypatch.setattr(run_session, "open_csv", held)
    path = _table(tmp_path)
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _type_path(pilot, app, path)
        await press(pilot, "enter")
        assert screen.reading  # the key returned before the read ended
        go.set()
        await wait_until(pilot, lambda: app.screen is not screen)
        assert app.main.experiment.dataset.n_rows == 2000
        assert app.main.experiment.trainer.sizes[0] == 3
        await press(pilot, "space")
        assert "table.csv" in text_of(app.query_one("#status"))


def _slow_open(stopped: threading.Event) -> Any:
    """An ``open_csv`` that reports progress for 30 s, or until what it reports to raises
    (then it sets ``stopped``), and then returns a new experiment."""

    def slow(current: Experiment, path: str, progress: Any = None) -> Experiment:
        try:
            for step in range(3000):
                progress(step, 3000)
                time.sleep(0.01)
        except open_csv_dialog.Cancelled:
            stopped.set()
            raise
        return Experiment.on_dataset(current.settings, current.dataset)

    return slow


async def test_escape_stops_a_read_and_nothing_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(open_csv_dialog, "BACKGROUND_BYTES", 1000)
    stopped = threading.Event()
    monkeypatch.setattr(run_session, "open_csv", _slow_open(stopped))
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space", "space")
        experiment, weights = app.main.experiment, weights_of(app)
        screen = await _type_path(pilot, app, _table(tmp_path))
        await press(pilot, "enter")
        bar = screen.query_one("#open-progress", ProgressBar)
        await wait_until(pilot, lambda: (bar.progress or 0) > 0)
        assert bar.display
        field = screen.query_one("#open-path", Input)
        field.cursor_position = len(field.value)
        await press(pilot, "x")  # the dialog answers keys while the file is read
        assert field.value.endswith("x")
        await press(pilot, "escape")
        assert app.screen is app.main
        await wait_until(pilot, stopped.is_set)  # the read itself stopped
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.main.experiment is experiment and experiment.trainer.epoch == 2
        for got, want in zip(weights_of(app), weights, strict=True):
            assert np.array_equal(got, want)


async def test_a_large_bad_file_says_why_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(open_csv_dialog, "BACKGROUND_BYTES", 1000)
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space")
        experiment = app.main.experiment
        screen = await _type_path(pilot, app, _table(tmp_path, bad_row=1500))
        await press(pilot, "enter")
        error = screen.query_one("#open-error", Label)
        await wait_until(pilot, lambda: str(error.render()).strip())
        assert "table.csv" in str(error.render()) and "line 1502" in str(error.render())
        assert app.screen is screen and not screen.query_one("#open-progress").display
        await press(pilot, "escape")
        assert app.main.experiment is experiment and experiment.trainer.epoch == 1


def slow_then_held(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """The first epoch is measured slow (0.3 s, as a big network's, the GIL released),
    so later ones train in a thread; each of those waits until the event is set."""
    from tui_backprop.engine import Trainer

    train_epoch = Trainer.train_epoch
    gate = threading.Event()

    def slow(self: Trainer) -> object:
        if self.epoch == 0:
            time.sleep(0.3)
        else:
            assert gate.wait(10), "the test never let the epoch finish"
        return train_epoch(self)

    monkeypatch.setattr(Trainer, "train_epoch", slow)
    return gate


async def test_a_slow_step_trains_off_the_ui_thread_and_keys_are_answered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The first epoch is measured slow, so later ones train in a thread; each of those
    is held until the test lets it go, so keys answered meanwhile prove the UI is free."""
    from tui_backprop.ui.panes.weights_pane import WeightsPane

    gate = slow_then_held(monkeypatch)
    app = app_of()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space")  # measured slow: the next step goes to a thread
        assert app.main.experiment.trainer.epoch == 1
        await pilot.press("space", "w", "space")  # w is answered; the second space waits
        assert app.main.stepping and app.query_one(WeightsPane).gradients
        await settle(pilot)
        assert "training the next epoch" in text_of(app.query_one("#status"))
        gate.set()
        await wait_until(pilot, lambda: not app.main.stepping)
        assert app.main.experiment.trainer.epoch == 2
        await settle(pilot)
        assert "paused" in text_of(app.query_one("#status"))
        view = app.main.view
        assert view is not None and view.epoch == 2
        gate.clear()
        await pilot.press("n", "w")  # the walk's first phase trains the epoch: off the thread
        assert app.main.stepping and not app.query_one(WeightsPane).gradients
        gate.set()
        await wait_until(pilot, lambda: not app.main.stepping)
        assert app.main.walk is not None and app.main.experiment.trainer.epoch == 3


@pytest.mark.parametrize(("points", "hidden", "slow"), [(2000, (64, 64), True), (200, (8,), False)])
async def test_the_first_step_of_a_large_network_already_trains_off_the_ui_thread(
    monkeypatch: pytest.MonkeyPatch, points: int, hidden: tuple[int, ...], slow: bool
) -> None:
    """No step has been timed yet, so its size decides: many rows through a large
    network train in a thread from the first space (held here until the test lets it
    go), a small one at once on the UI thread."""
    from tui_backprop.engine import Trainer
    from tui_backprop.settings import resolve

    train_epoch = Trainer.train_epoch
    gate = threading.Event()

    def held(self: Trainer) -> object:
        assert gate.wait(10), "the test never let the epoch finish"
        return train_epoch(self)

    monkeypatch.setattr(Trainer, "train_epoch", held)
    settings = resolve("spiral", {"points": points, "hidden": hidden})
    app = BackpropApp(Experiment.build(settings))
    async with app.run_test(size=SIZE) as pilot:
        if not slow:
            gate.set()  # on the UI thread, a held step would hold the test too
        await pilot.press("space", "w")
        assert app.main.stepping is slow
        gate.set()
        # the epoch is counted in the thread, then the screen hears it is done
        await wait_until(
            pilot, lambda: app.main.experiment.trainer.epoch == 1 and not app.main.stepping
        )


@pytest.mark.parametrize(("key", "written"), [("s", "weights.npz"), ("e", "screen.svg")])
async def test_a_file_key_during_a_slow_step_says_so_and_writes_the_epoch_it_trains(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, key: str, written: str
) -> None:
    """s, e and W during a slow step were refused without a word: now they say they
    wait, and write once the step is done, of the epoch it trained."""
    monkeypatch.chdir(tmp_path)
    gate = slow_then_held(monkeypatch)
    app = app_of()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space", "space", key, key)
        assert app.main.stepping and not list(tmp_path.iterdir())
        await pilot.pause()
        notes = [n.message for n in app.notices]
        assert notes.count("Writing once the epoch being trained is done.") == 1, notes
        gate.set()
        await wait_until(pilot, lambda: any(tmp_path.glob(f"*{written}")))
        assert [p.name for p in tmp_path.glob(f"*{written}")] == [f"seed-epoch1-{written}"]
