"""A run's metrics stay within a budget at any length: past it they thin evenly (the
latest epoch always kept), and every reader of the history keeps working; a looked-at
or forked epoch's metrics are replayed exactly."""

from __future__ import annotations

import io

import numpy as np
import pytest

from tests.helpers import SIZE, app_of, shown_epoch, wait_until
from tests.test_engine_history import seed_trainer
from tests.test_ui_training_process import MAX_SPEED
from tui_backprop.engine import history as history_module
from tui_backprop.engine.history import MetricsLog, Snapshots
from tui_backprop.engine.records import EpochMetrics
from tui_backprop.engine.trainer import Trainer
from tui_backprop.experiment import Experiment, epoch_lines, write_metrics_csv
from tui_backprop.settings import Settings, resolve
from tui_backprop.ui.panes.epoch_log_pane import EpochLog

WIDTH = 5  # loss, accuracy, two gradient norms and the epoch: values per row


def metrics(epoch: int) -> EpochMetrics:
    return EpochMetrics(epoch, loss=1 / (epoch + 1), accuracy=0.5, grad_norms=(epoch, 2.0))


def filled(count: int, rows: int) -> MetricsLog:
    log = MetricsLog(budget=8 * WIDTH * rows)
    for epoch in range(count):
        log.append(metrics(epoch))
    return log


def test_past_its_budget_a_log_keeps_evenly_spaced_epochs_and_the_latest() -> None:
    log = filled(200_003, rows=4000)
    assert len(log) == 200_003 and log.stride > 1
    kept = log.epochs()
    assert 2000 <= len(kept) <= 4000 and log.nbytes <= 2 * log.budget
    assert np.all(kept[:-1] % log.stride == 0) and np.all(np.diff(kept[:-1]) == log.stride)
    assert kept[0] == 0 and kept[-1] == 200_002 and log[-1] == metrics(200_002)
    np.testing.assert_array_equal(log.column("loss"), 1 / (kept + 1))
    dropped = int(kept[5]) + 1  # not kept: indexing gives the kept epoch before it
    assert log[dropped] == metrics(int(kept[5]))
    assert log.rows_before(dropped) == 6 and log.rows_before(len(log)) == len(kept)


def test_an_unthinned_log_is_every_epoch() -> None:
    log = filled(3000, rows=4000)
    assert log.stride == 1 and log.epochs().tolist() == list(range(3000))
    assert list(log) == [metrics(e) for e in range(3000)]


def test_metrics_sent_in_frames_and_forgotten_make_the_same_log_as_one_run() -> None:
    # the training process sends since(shown) and forgets it; the app extends its copy
    direct = filled(50_000, rows=1000)
    sender, app_side = MetricsLog(), MetricsLog(budget=8 * WIDTH * 1000)
    shown = 0
    for epoch in range(50_000):
        sender.append(metrics(epoch))
        if epoch % 777 == 0 or epoch == 49_999:
            app_side.extend(sender.since(shown))
            shown = len(sender)
            sender.forget_before(shown - 1)
            assert sender.nbytes <= 8 * WIDTH * 2000
    assert len(app_side) == len(direct) and app_side.stride == direct.stride > 1
    np.testing.assert_array_equal(app_side.epochs(), direct.epochs())
    np.testing.assert_array_equal(app_side.column("grad_norms"), direct.column("grad_norms"))


def test_a_thinned_log_prints_and_writes_the_epochs_it_keeps() -> None:
    log = filled(20_000, rows=500)
    kept = log.epochs()
    lines = epoch_lines(log, 0, log.rows_before(len(log))).splitlines()
    assert [int(line.split(",")[0].split()[1]) for line in lines] == kept.tolist()
    assert lines[-1].startswith("Epoch 19999, Accu 50.00%, Loss 0.000050")
    out = io.StringIO()
    write_metrics_csv(out, log)
    rows = out.getvalue().splitlines()
    assert rows[0] == "epoch,loss,accuracy" and len(rows) == len(kept) + 1
    assert rows[-1].startswith("19999,")


def unthinned(settings: Settings, epochs: int) -> Trainer:
    """The experiment trained in this process, keeping every epoch's metrics."""
    trainer = Experiment.build(settings).trainer
    trainer.history = MetricsLog(budget=2**30)
    trainer.train_epochs(epochs)
    return trainer


@pytest.fixture
def small_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """Metrics thin after about 100 epochs (the seed network's rows are 6 values)."""
    monkeypatch.setattr(history_module, "METRICS_BUDGET", 8 * 6 * 100)


@pytest.mark.usefixtures("small_budget")
def test_looking_back_and_forking_at_a_thinned_epoch_replay_its_exact_metrics() -> None:
    thinned = seed_trainer()
    thinned.train_epochs(3001)
    assert thinned.history.stride > 1
    whole = seed_trainer()
    whole.history = MetricsLog(budget=2**30)
    whole.train_epochs(3001)
    assert whole.history.stride == 1
    k = int(thinned.history.epochs()[-3]) + 3  # after a dropped epoch
    state = thinned.state_at(k)
    assert state.history[-1] == whole.history[k - 1] and len(state.history) == k
    assert thinned.history[k - 1].epoch < k - 1  # the log itself no longer has it
    thinned.fork(k)
    assert thinned.history[-1] == whole.history[k - 1] and len(thinned.history) == k
    thinned.train_epochs(50)
    whole.fork(k)
    whole.train_epochs(50)
    assert thinned.history[-1] == whole.history[-1]


@pytest.mark.usefixtures("small_budget")
async def test_a_long_played_run_is_thinned_and_looking_back_shows_exact_metrics() -> None:
    settings = resolve("xor", {})
    app = app_of(settings)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*MAX_SPEED, "p")
        await wait_until(pilot, lambda: shown_epoch(app) > 3000, timeout=60)
        await pilot.press("p")
        trainer = app.main.experiment.trainer
        end = trainer.epoch
        history = trainer.history
        assert history.stride > 1 and len(history) == end
        expected = unthinned(settings, end)
        kept = history.epochs()
        assert kept[-1] == end - 1 and np.all(kept[:-1] % history.stride == 0)
        np.testing.assert_array_equal(history.column("loss"), expected.history.column("loss")[kept])
        # back one epoch: to epoch end - 2's metrics, dropped by the thinning unless the
        # run paused where end - 2 is a multiple of the stride (3136 with 64: CI saw it)
        await pilot.press("left_square_bracket")
        view = app.main.view
        assert view is not None and view.epoch == end - 1
        assert view.metrics == expected.history[end - 2]
        await pilot.press("t")
        await pilot.pause()
        log = app.screen.query_one(EpochLog)  # the kept epochs, then the one looked at
        before = [int(e) for e in kept if e < end - 2]
        assert log.count == len(before) + 1
        assert log.line(log.count - 1).startswith(f"Epoch {end - 2}, Accu")
        assert log.line(log.count - 2).startswith(f"Epoch {before[-1]}, Accu")


def test_snapshots_sent_and_forgotten_make_the_same_past_as_one_run() -> None:
    direct, sender, receiver = (Snapshots(width=3, budget=3 * 8 * 100) for _ in range(3))
    shown = 0
    for epoch in range(20_000):
        row = np.full(3, float(epoch))
        direct.add(epoch, row)
        sender.add(epoch, row)
        if epoch % 311 == 0 or epoch == 19_999:
            receiver.add_rows(*sender.after(shown - 1 if shown else -1))
            shown = epoch
            sender.forget_before(shown)
            assert len(sender.epochs) <= 2 and sender.nbytes <= direct.nbytes
    assert sender.stride == direct.stride > 1
    np.testing.assert_array_equal(receiver.epochs, direct.epochs)
    assert receiver.at_or_before(12_345)[1][0] == direct.at_or_before(12_345)[0]
