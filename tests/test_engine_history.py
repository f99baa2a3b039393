"""Going back in time: snapshots, rebuilt epochs and forks equal a fresh run's."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest

from tests.reference_blog import dataset_arrays
from tui_backprop.engine import Problem, TrainConfig, Trainer, footprint
from tui_backprop.engine.history import (
    SNAPSHOT_BUDGET,
    SNAPSHOT_SHARE,
    MetricsLog,
    Snapshots,
    snapshot_budget,
)
from tui_backprop.engine.network import frozen
from tui_backprop.engine.records import EpochMetrics
from tui_backprop.engine.stopping import StopRules


def seed_trainer(**changes: object) -> Trainer:
    x, labels = dataset_arrays()
    return Trainer(TrainConfig().with_(**changes), Problem(x, labels))


def blobs_trainer(**changes: object) -> Trainer:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(45, 3))
    labels = np.arange(45) % 3
    x[:, 0] += labels
    config = TrainConfig(
        hidden=(5, 4),
        activation="tanh",
        output="softmax",
        bias=True,
        init="xavier",
        init_scale=1.0,
        reduction="mean",
        batch_size=8,
    )
    return Trainer(config.with_(**changes), Problem(x, labels, n_classes=3))


def assert_same_state(a: object, b: Trainer) -> None:
    for p, q in zip(a.params.flat(), b.params.flat(), strict=True):  # type: ignore[attr-defined]
        np.testing.assert_array_equal(p, q)
    assert a.epoch == b.epoch  # type: ignore[attr-defined]
    assert list(a.history) == list(b.history)  # type: ignore[attr-defined]
    ra, rb = a.last_records, b.last_records  # type: ignore[attr-defined]
    assert len(ra) == len(rb)
    for x, y in zip(ra, rb, strict=True):
        np.testing.assert_array_equal(x.rows, y.rows)
        assert x.loss == y.loss and x.lr == y.lr
        for la, lb in zip(x.layers, y.layers, strict=True):
            for name in ("input", "z", "a", "delta", "grad_w", "w_before", "w_after"):
                np.testing.assert_array_equal(getattr(la, name), getattr(lb, name))


def test_snapshots_thin_evenly_within_their_budget() -> None:
    snaps = Snapshots(width=4, budget=4 * 8 * 10)  # room for 10 rows
    for epoch in range(100):
        snaps.add(epoch, np.full(4, float(epoch)))
    kept = list(snaps.epochs)
    assert len(kept) <= 10 and kept[0] == 0
    assert snaps.stride in (16, 32) and all(e % snaps.stride == 0 for e in kept)
    assert np.all(np.diff(kept) == snaps.stride)
    epoch, row = snaps.at_or_before(37)
    assert epoch == max(e for e in kept if e <= 37) and row[0] == epoch
    snaps.truncate(40)
    assert max(snaps.epochs) <= 40


def test_rows_added_as_parts_equal_rows_added_whole() -> None:
    whole, parts = (Snapshots(width=6, budget=6 * 8 * 40) for _ in range(2))
    rng = np.random.default_rng(0)
    for epoch in [*range(100), 99, 100]:  # an epoch twice: the second row replaces the first
        size = 9 if epoch >= 90 else 6  # the rows widen near the end
        arrays = [frozen(rng.normal(size=(3, 1))), frozen(rng.normal(size=size - 3))]
        whole.add(epoch, np.concatenate([a.ravel() for a in arrays]))
        parts.add_parts(epoch, arrays, size)
    np.testing.assert_array_equal(parts.epochs, whole.epochs)
    assert parts.stride == whole.stride > 1 and parts.width == whole.width == 9
    for epoch in whole.epochs:
        np.testing.assert_array_equal(parts.at_or_before(epoch)[1], whole.at_or_before(epoch)[1])


def test_metrics_log_round_trips_and_stays_small() -> None:
    log = MetricsLog()
    for epoch in range(100_000):
        log.append(EpochMetrics(epoch, loss=1 / (epoch + 1), accuracy=0.5, grad_norms=(1.0, 2.0)))
    assert len(log) == 100_000 and log[-1].epoch == 99_999
    assert log[10] == EpochMetrics(10, loss=1 / 11, accuracy=0.5, grad_norms=(1.0, 2.0))
    assert log.column("loss")[3] == 0.25 and log.column("grad_norms").shape == (100_000, 2)
    assert not log.has("test_loss")
    assert log.nbytes < 8 * 2**20
    log.truncate(5)
    assert len(log) == 5 and [m.epoch for m in log] == [0, 1, 2, 3, 4]


@pytest.mark.parametrize("make", [seed_trainer, blobs_trainer], ids=["seed-sgd", "minibatch"])
@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_state_at_epoch_k_equals_a_fresh_run_at_k(make, optimizer: str) -> None:
    run = make(optimizer=optimizer)
    for _ in range(12):
        run.train_epoch()
    for k in (0, 1, 5, 11, 12):
        fresh = make(optimizer=optimizer)
        for _ in range(k):
            fresh.train_epoch()
        assert_same_state(run.state_at(k), fresh)
    assert run.epoch == 12 and len(run.history) == 12  # looking back changed nothing


def test_state_at_replays_with_the_learning_rate_each_epoch_had() -> None:
    run = seed_trainer()
    for epoch in range(10):
        if epoch in (4, 8):
            run.set_lr({4: 2.0, 8: 0.3}[epoch])
        run.train_epoch()
    fresh = seed_trainer()
    for epoch in range(7):
        if epoch == 4:
            fresh.set_lr(2.0)
        fresh.train_epoch()
    assert_same_state(run.state_at(7), fresh)
    assert run.state_at(7).last_records[0].lr == 2.0


def test_thinned_history_still_rebuilds_every_epoch_exactly() -> None:
    run = blobs_trainer(optimizer="adam")
    run.snapshots = Snapshots(run.snapshots.width, budget=run.snapshots.width * 8 * 6)
    run.snapshots.add(0, Trainer._pack(run.params, run.optimizer))
    for _ in range(30):
        run.train_epoch()
    assert run.snapshots.stride > 1
    fresh = blobs_trainer(optimizer="adam")
    for _ in range(23):
        fresh.train_epoch()
    assert_same_state(run.state_at(23), fresh)


def test_fork_continues_from_the_past_with_the_new_settings() -> None:
    run = seed_trainer()
    for _ in range(6):
        run.train_epoch()
    run.set_lr(3.0)
    for _ in range(6):
        run.train_epoch()
    run.fork(6)  # back to before the change...
    assert run.epoch == 6 and len(run.history) == 6
    run.set_lr(0.5)  # ...lower it, and go on
    for _ in range(4):
        run.train_epoch()
    fresh = seed_trainer()
    for _ in range(6):
        fresh.train_epoch()
    fresh.set_lr(0.5)
    for _ in range(4):
        fresh.train_epoch()
    assert_same_state(run, fresh)


def test_fork_keeps_the_optimiser_averages_of_that_epoch() -> None:
    run = blobs_trainer(optimizer="momentum")
    for _ in range(9):
        run.train_epoch()
    run.fork(4)
    for _ in range(3):
        run.train_epoch()
    fresh = blobs_trainer(optimizer="momentum")
    for _ in range(7):
        fresh.train_epoch()
    assert_same_state(run, fresh)


def test_switching_optimiser_mid_run_replays_exactly() -> None:
    run = blobs_trainer()
    for epoch in range(8):
        if epoch == 3:
            run.set_optimizer("adam")
        run.train_epoch()
    fresh = blobs_trainer()
    for epoch in range(6):
        if epoch == 3:
            fresh.set_optimizer("adam")
        fresh.train_epoch()
    assert_same_state(run.state_at(6), fresh)


def test_state_outside_the_run_is_refused() -> None:
    run = seed_trainer()
    run.train_epoch()
    with pytest.raises(ValueError, match="outside"):
        run.state_at(2)


def test_switching_optimiser_away_and_back_replays_exactly_when_thinned() -> None:
    run = seed_trainer(optimizer="adam", lr=0.01)
    run.snapshots = Snapshots(run.snapshots.width, budget=run.snapshots.width * 8 * 4)
    run.snapshots.add(0, Trainer._pack(run.params, run.optimizer))
    for _ in range(13):
        run.train_epoch()
    run.set_optimizer("sgd")
    run.set_optimizer("adam")  # the same name again, but fresh averages
    for _ in range(4):
        run.train_epoch()
    assert run.snapshots.stride > 1
    live = [a.copy() for a in run.params.flat()]
    for a, b in zip(run.state_at(17).params.flat(), live, strict=True):
        np.testing.assert_array_equal(a, b)
    run.fork(16)
    run.train_epoch()
    for a, b in zip(run.params.flat(), live, strict=True):
        np.testing.assert_array_equal(a, b)


def test_a_past_state_keeps_its_numbers_after_the_run_forks_and_goes_on() -> None:
    run = seed_trainer()
    for _ in range(6):
        run.train_epoch()
    past, present = run.state_at(4), run.state_at(6)
    losses = [m.loss for m in past.history]
    run.fork(1)
    run.set_lr(5.0)
    for _ in range(5):
        run.train_epoch()
    assert [m.loss for m in past.history] == losses
    assert len(present.history) == 6


def test_bad_optimiser_and_epochs_outside_the_run_change_nothing() -> None:
    from tui_backprop.engine import ConfigError

    run = seed_trainer()
    run.train_epoch()
    with pytest.raises(ConfigError):
        run.set_optimizer("rmsprop")
    assert run.config.optimizer == "sgd"
    for epoch in (-1, 2):
        with pytest.raises(ValueError, match="outside"):
            run.fork(epoch)
    assert run.epoch == 1 and len(run.history) == 1
    run.reset()


def test_records_name_the_optimiser_that_made_them() -> None:
    run = seed_trainer()
    for epoch in range(6):
        if epoch == 3:
            run.set_optimizer("adam")
        run.train_epoch()
    assert run.state_at(2).last_records[0].optimizer == "sgd"
    assert run.last_records[0].optimizer == "adam"


def test_a_log_sent_in_parts_is_the_whole_log() -> None:
    from tui_backprop.experiment import Experiment
    from tui_backprop.settings import resolve

    trainer: Trainer = Experiment.build(resolve("xor", {})).trainer
    mirror = MetricsLog()
    sent = 0
    for chunk in (0, 1, 70, 3, 200):
        for _ in range(chunk):
            trainer.train_epoch()
        mirror.extend(trainer.history.since(sent))
        sent = len(trainer.history)
    assert len(mirror) == len(trainer.history) == 274
    assert list(mirror) == list(trainer.history)
    np.testing.assert_array_equal(mirror.column("grad_norms"), trainer.history.column("grad_norms"))


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_a_run_goes_on_exactly_from_a_checkpoint_and_the_snapshots_sent_since(
    optimizer: str,
) -> None:
    """What a playing run's frames carry (a checkpoint, the metrics and the snapshots
    kept since the last frame) makes a copy left at an earlier epoch the run itself:
    it trains on, looks back and stops as the run would."""
    run = blobs_trainer(optimizer=optimizer, lr=0.05)
    run.set_stop_rules(StopRules(patience=400))
    run.train_epochs(30)
    left = pickle.loads(pickle.dumps(run))  # the app's copy, at the epoch play began
    history, snapshots = copy.deepcopy(run.history), copy.deepcopy(run.snapshots)
    shown = run.epoch
    for chunk in (7, 1, 25):  # three frames
        run.train_epochs(chunk)
        if chunk == 1:
            run.set_lr(0.02)  # chosen while playing
        history.extend(run.history.since(shown))
        snapshots.add_rows(*run.snapshots.after(shown))
        point, records, shown = run.checkpoint(), run.last_records, run.epoch
    left.go_on_from(point, history, snapshots, records)
    assert_same_state(run, left)
    for trainer in (run, left):
        trainer.train_epochs(40)
    assert_same_state(run, left)
    assert_same_state(run.state_at(45), left.state_at(45))
    assert left.config.lr == 0.02 and left.stopped == run.stopped


def test_a_process_with_an_array_budget_keeps_a_share_of_it_in_snapshots(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A served tab (arrays budgeted at 500 MB) keeps 1/32 of that in snapshots, not the
    terminal's 32 MiB, and thins at that size."""
    monkeypatch.setenv(footprint.BUDGET_VARIABLE, str(500_000_000))
    assert snapshot_budget() == 500_000_000 // SNAPSHOT_SHARE < SNAPSHOT_BUDGET
    snaps = Snapshots(width=1000)
    assert snaps.capacity == snapshot_budget() // (1000 * 8)
    monkeypatch.setenv(footprint.BUDGET_VARIABLE, str(10 * 2**30))  # a larger budget: the cap
    assert snapshot_budget() == SNAPSHOT_BUDGET
    monkeypatch.delenv(footprint.BUDGET_VARIABLE)
    assert Snapshots(width=1000).capacity == SNAPSHOT_BUDGET // (1000 * 8)
