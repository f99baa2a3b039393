"""The training loop: reproducibility, replay, records, mini-batches, dtypes,
divergence, metrics and configuration errors."""

from __future__ import annotations

import math
import platform
import warnings
from collections.abc import Iterator

import numpy as np
import pytest

from tui_backprop.engine import ConfigError, Params, Problem, StepRecord, TrainConfig, Trainer
from tui_backprop.engine.activations import Array
from tui_backprop.engine.losses import OUTPUTS
from tui_backprop.engine.metrics import accuracy, accuracy_of
from tui_backprop.engine.network import forward, layer_activations, objective
from tui_backprop.engine.records import EpochMetrics

LAYER_ARRAYS = ("input", "z", "a", "derivative", "delta", "grad_w", "w_before", "w_after")
OPTIONAL_LAYER_ARRAYS = ("grad_b", "b_before", "b_after")


def blobs(n: int = 30, classes: int = 3, seed: int = 5) -> Problem:
    """``classes`` clusters of points in the plane, labelled 0..classes-1."""
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % classes
    centres = np.array([[np.cos(a), np.sin(a)] for a in 2 * np.pi * np.arange(classes) / classes])
    x = 3 * centres[labels] + rng.normal(0, 0.5, (n, 2))
    return Problem(x, labels, n_classes=classes)


def regression(
    n: int = 40, seed: int = 3, with_test: bool = False, y_scale: float = 1.0
) -> Problem:
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 1, (n, 3))
    y = x @ np.array([1.5, -2.0, 0.5]) + 0.1 * rng.normal(0, 1, n)
    if not with_test:
        return Problem(x, y, n_classes=0, y_scale=y_scale)
    x_test = rng.normal(0, 1, (10, 3))
    y_test = x_test @ np.array([1.5, -2.0, 0.5])
    return Problem(x, y, x_test, y_test, n_classes=0, y_scale=y_scale)


def softmax_config(**changes: object) -> TrainConfig:
    base = TrainConfig(hidden=(5, 4), activation="tanh", output="softmax", bias=True, lr=0.05)
    return base.with_(**changes)


def regression_config(**changes: object) -> TrainConfig:
    base = TrainConfig(
        hidden=(6,),
        activation="tanh",
        output="linear",
        bias=True,
        init="xavier",
        lr=0.01,
        reduction="mean",
    )
    return base.with_(**changes)


def train(trainer: Trainer, epochs: int) -> None:
    for _ in range(epochs):
        assert trainer.train_epoch() is not None


def weights_of(trainer: Trainer) -> list[Array]:
    return [np.array(a) for a in trainer.params.flat()]


def record_arrays(record: StepRecord) -> Iterator[tuple[str, Array]]:
    yield "rows", record.rows
    yield "x", record.x
    yield "y", record.y
    for layer in record.layers:
        for name in LAYER_ARRAYS:
            yield f"layers[{layer.index}].{name}", getattr(layer, name)
        for name in OPTIONAL_LAYER_ARRAYS:
            value = getattr(layer, name)
            if value is not None:
                yield f"layers[{layer.index}].{name}", value


# ---------------------------------------------------------------- reproducibility


@pytest.mark.parametrize("batch_size", [0, 7])
def test_same_seed_same_run(batch_size: int) -> None:
    config = softmax_config(batch_size=batch_size, optimizer="momentum")
    first, second = Trainer(config, blobs()), Trainer(config, blobs())
    train(first, 6)
    train(second, 6)
    for a, b in zip(first.params.flat(), second.params.flat(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert [m.loss for m in first.history] == [m.loss for m in second.history]


def test_different_seed_different_weights() -> None:
    first = Trainer(softmax_config(seed=1), blobs())
    second = Trainer(softmax_config(seed=2), blobs())
    assert first.initial is not None and second.initial is not None
    assert not np.array_equal(first.initial.weights[0], second.initial.weights[0])
    train(first, 3)
    train(second, 3)
    assert not np.array_equal(first.params.weights[0], second.params.weights[0])


def test_shuffling_depends_on_the_seed() -> None:
    # equal initial weights, different seeds: only the batch order can differ
    one = Trainer(softmax_config(seed=1, batch_size=4), blobs())
    two = Trainer(softmax_config(seed=2, batch_size=4), blobs(), initial=one.initial)
    train(one, 1)
    train(two, 1)
    orders = [np.concatenate([r.rows for r in t.last_records]) for t in (one, two)]
    assert not np.array_equal(orders[0], orders[1])


# ---------------------------------------------------------------- reset


def test_reset_restores_the_initial_weights_and_replays_exactly() -> None:
    trainer = Trainer(softmax_config(optimizer="adam", batch_size=8), blobs())
    assert trainer.initial is not None
    initial = [np.array(a) for a in trainer.initial.flat()]
    train(trainer, 5)
    first_history = list(trainer.history)
    first_weights = weights_of(trainer)
    first_rows = [np.array(r.rows) for r in trainer.last_records]
    assert not np.array_equal(first_weights[0], initial[0])

    trainer.reset()
    assert trainer.epoch == 0
    assert trainer.history == [] and trainer.last_records == [] and not trainer.diverged
    for now, then in zip(trainer.params.flat(), initial, strict=True):
        np.testing.assert_array_equal(now, then)

    train(trainer, 5)
    assert trainer.history == first_history  # every metric, compared as dataclasses
    for now, then in zip(weights_of(trainer), first_weights, strict=True):
        np.testing.assert_array_equal(now, then)
    for record, rows in zip(trainer.last_records, first_rows, strict=True):
        np.testing.assert_array_equal(record.rows, rows)


def test_reset_with_new_weights_draws_different_ones() -> None:
    trainer = Trainer(softmax_config(seed=4), blobs())
    assert trainer.initial is not None
    old = [np.array(w) for w in trainer.initial.weights]
    train(trainer, 2)
    trainer.reset(new_weights=True)
    assert trainer.epoch == 0 and trainer.history == []
    assert trainer.config.seed != 4
    assert trainer.initial is not None
    assert trainer.initial.sizes == (2, 5, 4, 3)
    for new_w, old_w, now in zip(trainer.initial.weights, old, trainer.params.weights, strict=True):
        assert new_w.shape == old_w.shape
        assert not np.array_equal(new_w, old_w)
        np.testing.assert_array_equal(now, new_w)
    # a plain reset afterwards goes back to the new weights, not the old ones
    train(trainer, 2)
    trainer.reset()
    np.testing.assert_array_equal(trainer.params.weights[0], trainer.initial.weights[0])


def test_given_initial_weights_are_used_as_they_are() -> None:
    source = Trainer(softmax_config(seed=11), blobs())
    copy = Trainer(softmax_config(seed=99), blobs(), initial=source.initial)
    for a, b in zip(source.params.flat(), copy.params.flat(), strict=True):
        np.testing.assert_array_equal(a, b)


# ---------------------------------------------------------------- records


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("batch_size", [0, 8])
def test_records_never_change_after_later_steps(optimizer: str, batch_size: int) -> None:
    trainer = Trainer(softmax_config(optimizer=optimizer, batch_size=batch_size), blobs())
    train(trainer, 2)
    kept = list(trainer.last_records)
    snapshot = [[(name, np.array(arr)) for name, arr in record_arrays(r)] for r in kept]
    losses = [r.loss for r in kept]
    train(trainer, 4)
    for record, arrays, loss in zip(kept, snapshot, losses, strict=True):
        assert record.loss == loss
        for (name, now), (_, then) in zip(record_arrays(record), arrays, strict=True):
            np.testing.assert_array_equal(now, then, err_msg=name)


@pytest.mark.parametrize("batch_size", [0, 8])
def test_record_arrays_are_read_only(batch_size: int) -> None:
    trainer = Trainer(softmax_config(batch_size=batch_size), blobs())
    train(trainer, 1)
    for record in trainer.last_records:
        for name, array in record_arrays(record):
            assert not array.flags.writeable, f"{name} can be written to"
            with pytest.raises(ValueError):
                array.flat[0] = 123


def test_initial_weights_and_parameters_are_read_only() -> None:
    trainer = Trainer(softmax_config(), blobs())
    assert trainer.initial is not None
    for array in (*trainer.initial.flat(), *trainer.params.flat()):
        with pytest.raises(ValueError):
            array[...] = 0.0


def test_record_contents_describe_the_step() -> None:
    problem = blobs()
    trainer = Trainer(softmax_config(), problem)
    start = trainer.params
    train(trainer, 1)
    record = trainer.last_record
    assert record is not None and len(trainer.last_records) == 1
    assert (record.epoch, record.step, record.lr, record.reduction) == (0, 0, 0.05, "sum")
    np.testing.assert_array_equal(record.x, problem.x_train)
    np.testing.assert_array_equal(record.y, np.eye(3)[problem.y_train])
    np.testing.assert_array_equal(record.rows, np.arange(30))
    assert [layer.activation for layer in record.layers] == ["tanh", "tanh", "softmax"]
    acts = layer_activations(3, "tanh", "softmax")
    passes = forward(start, acts, problem.x_train)
    for layer, (z, a) in zip(record.layers, passes, strict=True):
        np.testing.assert_allclose(layer.z, z, rtol=1e-14)
        np.testing.assert_allclose(layer.a, a, rtol=1e-14)
    np.testing.assert_array_equal(record.output, record.layers[-1].a)
    for earlier, later in zip(record.layers, record.layers[1:], strict=False):
        np.testing.assert_array_equal(later.input, earlier.a)
        np.testing.assert_array_equal(later.w_before, start.weights[later.index])
    # the softmax and cross-entropy output delta is ŷ - y
    np.testing.assert_allclose(record.layers[-1].delta, record.output - record.y, rtol=1e-14)


# ---------------------------------------------------------------- mini-batches


@pytest.mark.parametrize(("n", "batch_size"), [(30, 7), (30, 10), (30, 29), (10, 3), (10, 1)])
def test_minibatches_cover_every_row_once_per_epoch(n: int, batch_size: int) -> None:
    problem = blobs(n=n)
    trainer = Trainer(softmax_config(batch_size=batch_size), problem)
    orders = []
    for epoch in range(3):
        train(trainer, 1)
        records = trainer.last_records
        assert len(records) == math.ceil(n / batch_size)
        assert [r.step for r in records] == list(range(len(records)))
        assert all(r.epoch == epoch for r in records)
        assert all(len(r.rows) == batch_size for r in records[:-1])
        order = np.concatenate([r.rows for r in records])
        np.testing.assert_array_equal(np.sort(order), np.arange(n))
        for r in records:
            np.testing.assert_array_equal(r.x, problem.x_train[r.rows])
            np.testing.assert_array_equal(r.y, np.eye(3)[problem.y_train[r.rows]])
        orders.append(order)
    # the rows are shuffled, and differently from one epoch to the next
    assert any(not np.array_equal(o, np.arange(n)) for o in orders)
    assert not np.array_equal(orders[0], orders[1]) or not np.array_equal(orders[1], orders[2])


@pytest.mark.parametrize("batch_size", [30, 31, 1000])
def test_a_batch_at_least_as_big_as_the_data_is_one_ordered_step(batch_size: int) -> None:
    trainer = Trainer(softmax_config(batch_size=batch_size), blobs())
    train(trainer, 2)
    assert len(trainer.last_records) == 1
    np.testing.assert_array_equal(trainer.last_records[0].rows, np.arange(30))


def test_minibatch_epoch_metrics_describe_the_weights_the_epoch_began_with() -> None:
    problem = blobs()
    config = softmax_config(batch_size=8)
    trainer = Trainer(config, problem)
    acts = layer_activations(3, "tanh", "softmax")
    one_hot = np.eye(3)[problem.y_train]
    for _ in range(3):
        start = trainer.params
        metrics = trainer.train_epoch()
        assert metrics is not None
        want = objective(start, acts, OUTPUTS["softmax"], problem.x_train, one_hot, "mean", 0.0)
        assert metrics.loss == pytest.approx(want, rel=1e-12)
        out = forward(start, acts, problem.x_train)[-1][1]
        assert metrics.accuracy == pytest.approx(float((out.argmax(1) == problem.y_train).mean()))
        # the gradient norms come from the epoch's last step
        last = trainer.last_records[-1]
        assert metrics.grad_norms == pytest.approx(
            [float(np.sqrt((layer.grad_w**2).sum())) for layer in last.layers]
        )


# ---------------------------------------------------------------- float32


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("hidden", ["sigmoid", "leaky_relu", "relu", "linear"])
@pytest.mark.parametrize("batch_size", [0, 8])
def test_float32_mode_keeps_float32_everywhere(
    optimizer: str, hidden: str, batch_size: int
) -> None:
    config = softmax_config(
        dtype="float32",
        optimizer=optimizer,
        activation=hidden,
        batch_size=batch_size,
        l2=0.01,
        reduction="mean",
    )
    trainer = Trainer(config, blobs())
    assert trainer.initial is not None
    # the initial weights may be kept in any precision, but training uses float32
    for array in trainer.params.flat():
        assert array.dtype == np.float32
    train(trainer, 3)
    for array in trainer.params.flat():
        assert array.dtype == np.float32
    for record in trainer.last_records:
        for name, array in record_arrays(record):
            if name != "rows":
                assert array.dtype == np.float32, name
    assert all(np.isfinite(m.loss) for m in trainer.history)


def test_float32_regression_keeps_float32() -> None:
    trainer = Trainer(regression_config(dtype="float32", optimizer="adam"), regression())
    train(trainer, 2)
    record = trainer.last_record
    assert record is not None
    assert {array.dtype for name, array in record_arrays(record) if name != "rows"} == {
        np.dtype(np.float32)
    }


def test_float32_and_float64_runs_agree_roughly() -> None:
    wide = Trainer(softmax_config(), blobs())
    narrow = Trainer(softmax_config(dtype="float32"), blobs(), initial=wide.initial)
    train(wide, 10)
    train(narrow, 10)
    np.testing.assert_allclose(
        [m.loss for m in narrow.history], [m.loss for m in wide.history], rtol=1e-4
    )


# ---------------------------------------------------------------- divergence


@pytest.mark.parametrize(
    ("config", "problem"),
    [
        (regression_config(lr=1e6, activation="linear"), regression()),
        (regression_config(lr=1e6, activation="relu", reduction="sum"), regression()),
        (regression_config(lr=1e6, activation="tanh", optimizer="momentum"), regression()),
        (softmax_config(lr=1e6, activation="linear"), blobs()),
    ],
    ids=["linear", "relu", "tanh-momentum", "linear-softmax"],
)
def test_divergence_is_flagged_quietly(config: TrainConfig, problem: Problem) -> None:
    trainer = Trainer(config, problem)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(60):
            if trainer.train_epoch() is None:
                break
        assert trainer.diverged, [m.loss for m in trainer.history]
        epochs, history = trainer.epoch, list(trainer.history)
        assert trainer.train_epoch() is None
        assert trainer.train_epoch() is None
    assert trainer.epoch == epochs and trainer.history == history
    # the last recorded epoch shows what went wrong
    last = history[-1]
    assert not (np.isfinite(last.loss) and trainer.params.is_finite())
    # a reset starts over from finite weights
    trainer.reset()
    assert not trainer.diverged and trainer.params.is_finite()
    assert trainer.train_epoch() is not None


@pytest.mark.parametrize(
    ("config", "problem"),
    [
        (TrainConfig(), blobs(classes=2)),
        (softmax_config(batch_size=7, optimizer="adam"), blobs()),
        (regression_config(lr=1e6, activation="linear"), regression(with_test=True)),
    ],
    ids=["seed-like", "minibatch-adam", "diverging-regression"],
)
def test_train_epochs_is_train_epoch_repeated(config: TrainConfig, problem: Problem) -> None:
    one, many = Trainer(config, problem), Trainer(config, problem)
    metrics = [m for m in (one.train_epoch() for _ in range(25)) if m is not None]
    assert many.train_epochs(25) == len(metrics) == one.epoch == many.epoch
    assert list(many.history) == metrics
    assert many.diverged == one.diverged
    for a, b in zip(one.params.flat(), many.params.flat(), strict=True):
        np.testing.assert_array_equal(a, b)
    for x, y in zip(one.last_records, many.last_records, strict=True):
        for (name, a), (_, b) in zip(record_arrays(x), record_arrays(y), strict=True):
            np.testing.assert_array_equal(a, b, err_msg=name)
    assert many.train_epochs(3) == (0 if one.diverged else 3)


def test_epoch_metrics_from_a_row_equal_the_constructed_ones() -> None:
    row = (0.5, None, 1.25, -0.5, 0.75, None, 2.0, 0.1, (1.0, 3.0))
    made, built = EpochMetrics.from_row(7, row), EpochMetrics(7, *row)
    assert made == built and repr(made) == repr(built) and vars(made) == vars(built)
    with pytest.raises(AttributeError):
        made.loss = 1.0  # type: ignore[misc]


@pytest.mark.parametrize("labels", [[0, 1, 1, 0, 1], [0, 0, 0, 0, 0], [1, 2, 1, 0, 2]])
def test_prepared_accuracy_equals_accuracy(labels: list[int]) -> None:
    y = np.array(labels)
    outputs = [np.array([[0.2], [0.5], [0.9], [0.4999], [np.nan]]), np.full((5, 1), 0.5)]
    for a in outputs:
        assert accuracy_of("sigmoid", y)(a) == accuracy("sigmoid", a, y)
    soft = np.random.default_rng(0).random((5, 3))
    assert accuracy_of("softmax", y)(soft) == accuracy("softmax", soft, y)


def test_last_records_are_one_list_until_the_next_epoch() -> None:
    trainer = Trainer(softmax_config(), blobs())
    train(trainer, 1)
    records = trainer.last_records
    assert trainer.last_records is records
    train(trainer, 1)
    assert trainer.last_records is not records and trainer.last_records[0].epoch == 1


def test_a_sensible_learning_rate_does_not_diverge() -> None:
    trainer = Trainer(regression_config(lr=0.05), regression())
    train(trainer, 200)
    assert not trainer.diverged
    assert trainer.history[-1].loss < 0.1 * trainer.history[0].loss


def test_set_lr_keeps_the_optimiser_state() -> None:
    trainer = Trainer(softmax_config(optimizer="momentum"), blobs())
    train(trainer, 2)
    optimizer = trainer.optimizer
    trainer.set_lr(0.001)
    assert trainer.optimizer is optimizer and optimizer.lr == 0.001
    train(trainer, 1)
    record = trainer.last_record
    assert record is not None and record.lr == 0.001 and trainer.config.lr == 0.001


# ---------------------------------------------------------------- metrics


def test_test_split_metrics_for_classification() -> None:
    problem = blobs(n=40)
    train_part = Problem(
        problem.x_train[:30],
        problem.y_train[:30],
        problem.x_train[30:],
        problem.y_train[30:],
        n_classes=3,
    )
    trainer = Trainer(softmax_config(), train_part)
    acts = layer_activations(3, "tanh", "softmax")
    for _ in range(4):
        start = trainer.params
        metrics = trainer.train_epoch()
        assert metrics is not None
        assert metrics.test_loss is not None and metrics.test_accuracy is not None
        assert metrics.rmse is None and metrics.test_rmse is None
        x_test, labels = problem.x_train[30:], problem.y_train[30:]
        want = objective(start, acts, OUTPUTS["softmax"], x_test, np.eye(3)[labels], "mean", 0.0)
        assert metrics.test_loss == pytest.approx(want, rel=1e-12)
        out = forward(start, acts, x_test)[-1][1]
        assert metrics.test_accuracy == float((out.argmax(axis=1) == labels).mean())


def test_without_a_test_split_there_are_no_test_metrics() -> None:
    trainer = Trainer(softmax_config(), blobs())
    metrics = trainer.train_epoch()
    assert metrics is not None and metrics.accuracy is not None
    assert metrics.test_loss is None and metrics.test_accuracy is None


def test_regression_metrics_use_the_target_scale() -> None:
    plain = Trainer(regression_config(), regression(with_test=True))
    scaled = Trainer(regression_config(), regression(with_test=True, y_scale=3.0))
    p = plain.train_epoch()
    s = scaled.train_epoch()
    assert p is not None and s is not None
    assert p.accuracy is None and p.rmse is not None and p.r2 is not None
    assert s.rmse == pytest.approx(3.0 * p.rmse, rel=1e-12)
    assert s.test_rmse == pytest.approx(3.0 * p.test_rmse, rel=1e-12)  # type: ignore[operator]
    assert s.r2 == pytest.approx(p.r2, rel=1e-12)
    assert s.loss == pytest.approx(p.loss, rel=1e-12)  # the loss stays in standardised units

    # RMSE and R² of the initial weights, worked out independently
    problem = regression(with_test=True)
    assert plain.initial is not None
    acts = layer_activations(2, "tanh", "linear")
    out = forward(plain.initial, acts, problem.x_train)[-1][1][:, 0]
    residual = out - problem.y_train
    assert s.rmse == pytest.approx(3.0 * math.sqrt(float(np.mean(residual**2))), rel=1e-12)
    spread = problem.y_train - problem.y_train.mean()
    assert p.r2 == pytest.approx(1 - float((residual**2).sum() / (spread**2).sum()), rel=1e-12)
    assert problem.x_test is not None
    test_out = forward(plain.initial, acts, problem.x_test)[-1][1][:, 0]
    assert problem.y_test is not None
    test_rmse = math.sqrt(float(np.mean((test_out - problem.y_test) ** 2)))
    assert s.test_rmse == pytest.approx(3.0 * test_rmse, rel=1e-12)


def test_regression_learns() -> None:
    trainer = Trainer(regression_config(lr=0.05), regression(with_test=True))
    train(trainer, 300)
    last = trainer.history[-1]
    assert last.r2 is not None and last.r2 > 0.95
    assert last.test_r2 is not None and last.test_r2 > 0.9


# ---------------------------------------------------------------- configuration errors


@pytest.mark.parametrize(
    ("changes", "n_classes", "message"),
    [
        ({"output": "sigmoid"}, 3, "sigmoid output needs exactly 2 classes, the data has 3"),
        ({"output": "sigmoid"}, 0, "sigmoid output needs exactly 2 classes"),
        ({"output": "softmax"}, 0, "softmax output needs class labels"),
        ({"output": "linear"}, 2, "linear output needs a numeric target"),
        ({"activation": "swish"}, 2, "unknown activation 'swish'"),
        ({"activation": "softmax"}, 2, "unknown activation 'softmax'"),
        ({"output": "tanh"}, 2, "unknown output 'tanh'"),
        ({"optimizer": "rmsprop"}, 2, "choose from sgd, momentum, adam"),
        ({"init": "zeros"}, 2, "unknown init"),
        ({"reduction": "max"}, 2, "unknown reduction"),
        ({"dtype": "float16"}, 2, "unknown dtype"),
        ({"hidden": (4, 0)}, 2, "at least one neuron"),
        ({"lr": 0.0}, 2, "learning rate must be a positive number"),
        ({"lr": -0.1}, 2, "learning rate"),
        ({"lr": float("nan")}, 2, "learning rate"),
        ({"lr": float("inf")}, 2, "learning rate"),
        ({"batch_size": -1}, 2, "batch size"),
        ({"l2": -0.5}, 2, "L2"),
        ({"init_scale": 0.0}, 2, "init scale"),
    ],
)
def test_impossible_settings_raise_config_error(
    changes: dict[str, object], n_classes: int, message: str
) -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(0, 1, (12, 2))
    y = rng.normal(0, 1, 12) if n_classes == 0 else np.arange(12) % n_classes
    with pytest.raises(ConfigError, match=message):
        Trainer(TrainConfig().with_(**changes), Problem(x, y, n_classes=n_classes))


def test_config_error_is_a_value_error() -> None:
    assert issubclass(ConfigError, ValueError)


@pytest.mark.parametrize(
    ("shapes", "message"),
    [
        ([(3, 4), (4, 1)], "3-4-1 network, this data and --layers need 2-4-1"),
        ([(2, 5), (5, 1)], "2-5-1 network"),
        ([(2, 4), (4, 2)], "2-4-2 network"),
        ([(2, 4), (4, 3), (3, 1)], "2-4-3-1 network"),
        ([(2, 4)], "2-4 network"),
        # the widths at both ends are right but the two matrices do not chain
        ([(2, 4), (5, 1)], "2-4-1"),
    ],
)
def test_wrong_shaped_initial_weights_raise_config_error(
    shapes: list[tuple[int, int]], message: str
) -> None:
    weights = tuple(np.zeros(shape) for shape in shapes)
    problem = Problem(np.zeros((4, 2)), np.array([0, 1, 0, 1]))
    with pytest.raises(ConfigError, match=message):
        Trainer(TrainConfig(), problem, initial=Params(weights))


def test_wrong_shaped_initial_biases_raise_config_error() -> None:
    problem = Problem(np.zeros((4, 2)), np.array([0, 1, 0, 1]))
    weights = (np.zeros((2, 4)), np.zeros((4, 1)))
    with pytest.raises(ConfigError, match="bias"):
        Trainer(TrainConfig(bias=True), problem, initial=Params(weights))
    with pytest.raises(ConfigError, match="bias"):
        Trainer(TrainConfig(), problem, initial=Params(weights, (np.zeros(4), np.zeros(1))))
    with pytest.raises(ConfigError, match="bias"):
        Trainer(
            TrainConfig(bias=True), problem, initial=Params(weights, (np.zeros(3), np.zeros(1)))
        )


# ---------------------------------------------------------------- memory


def test_allocator_tuning_reports_whether_it_applied() -> None:
    from tui_backprop.engine.network import keep_freed_memory

    applied = keep_freed_memory()
    assert isinstance(applied, bool)
    if platform.system() == "Linux" and platform.libc_ver()[0] == "glibc":
        assert applied
    elif platform.system() != "Linux":
        assert not applied
    # calling it again changes nothing and training still works
    assert keep_freed_memory() == applied
    trainer = Trainer(softmax_config(), blobs())
    train(trainer, 2)


def test_train_epochs_stops_after_its_time_but_trains_at_least_one() -> None:
    from tui_backprop.experiment import Experiment
    from tui_backprop.settings import resolve

    timed = Experiment.build(resolve("xor", {})).trainer
    alone = Experiment.build(resolve("xor", {})).trainer
    assert timed.train_epochs(1000, seconds=0.0) == 1
    assert timed.train_epochs(5) == 5
    for _ in range(6):
        alone.train_epoch()
    for got, want in zip(timed.params.flat(), alone.params.flat(), strict=True):
        np.testing.assert_array_equal(got, want)
