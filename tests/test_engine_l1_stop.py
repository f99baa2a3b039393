"""L1 (the Playground's step that zeroes weights), λ that change mid-run, and the stop
rules, in the engine and headless."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.test_cli import run
from tui_backprop.engine.gradcheck import run_gradient_check
from tui_backprop.engine.optimizers import make_optimizer
from tui_backprop.engine.regularization import l1_step
from tui_backprop.engine.stopping import StopRules
from tui_backprop.engine.weights_io import load_weights
from tui_backprop.experiment import Experiment
from tui_backprop.settings import resolve


def test_the_l1_step_moves_towards_zero_and_stops_there() -> None:
    w = np.array([[0.5, -0.5, 0.004, -0.004, 0.0]])
    (got,) = l1_step([w], 0.01)
    assert got.tolist() == [[0.49, -0.49, 0.0, 0.0, 0.0]]
    assert w[0, 0] == 0.5  # the given array is left as it was


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
def test_an_l1_update_is_the_optimiser_step_then_the_l1_step(optimizer: str) -> None:
    """By hand: the optimiser's update without L1, then η·λ·sign towards 0, clipped."""
    settings = resolve("xor", {"optimizer": optimizer, "lr": 0.3})
    plain = Experiment.build(settings).trainer
    with_l1 = Experiment.build(resolve("xor", {"optimizer": optimizer, "lr": 0.3, "l1": 0.5}))
    before = with_l1.trainer.params
    with_l1.trainer.train_epoch()
    plain.train_epoch()  # same start, same gradient: the loss step is the same
    for w0, w_plain, w_l1 in zip(
        before.weights, plain.params.weights, with_l1.trainer.params.weights, strict=True
    ):
        expected = w_plain - 0.3 * 0.5 * np.sign(w_plain)
        expected[expected * w_plain <= 0] = 0.0
        assert np.array_equal(w_l1, expected)
        assert (w_l1 == 0).any() and not (w0 == 0).any()
    assert with_l1.trainer.last_record is not None and with_l1.trainer.last_record.l1 == 0.5
    # biases are not penalised
    assert np.array_equal(plain.params.biases[0], with_l1.trainer.params.biases[0])  # type: ignore[index]


def test_replay_rebuilds_a_run_whose_l1_and_l2_changed_mid_run() -> None:
    trainer = Experiment.build(resolve("circles", {"optimizer": "adam", "lr": 0.03})).trainer
    trainer.train_epochs(5)
    trainer.set_penalties(0.02, 0.0)
    trainer.train_epochs(5)
    trainer.set_penalties(0.0, 0.1)
    trainer.train_epochs(5)
    kept = {k: trainer.state_at(k).params for k in (3, 7, 12, 15)}
    # the same run again, epoch by epoch
    again = Experiment.build(resolve("circles", {"optimizer": "adam", "lr": 0.03})).trainer
    for k in range(1, 16):
        if k == 6:
            again.set_penalties(0.02, 0.0)
        if k == 11:
            again.set_penalties(0.0, 0.1)
        again.train_epoch()
        if k in kept:
            for got, want in zip(kept[k].flat(), again.params.flat(), strict=True):
                assert np.array_equal(got, want), k
    record = trainer.state_at(7).last_record
    assert record is not None and (record.l1, record.l2) == (0.02, 0.0)
    trainer.fork(7)  # training on from a fork uses the λ of now
    assert (trainer.config.l1, trainer.config.l2) == (0.0, 0.1)


def test_the_gradient_check_agrees_under_l1() -> None:
    """L1 is a step, not a gradient term: backprop's gradient is the loss's (plus L2),
    and a network with zeroed weights checks as well as any."""
    trainer = Experiment.build(resolve("xor", {"l1": 0.05, "l2": 0.01})).trainer
    trainer.train_epochs(30)
    assert any((w == 0).any() for w in trainer.params.weights)
    assert run_gradient_check(trainer).max_relative_error < 1e-5


def test_headless_l1_leaves_exact_zeros_in_the_saved_weights(capsys, tmp_path: Path) -> None:
    path = tmp_path / "w.npz"
    code, lines, _ = run(
        capsys,
        "circles",
        "--headless",
        "--l1",
        "0.01",
        "--epochs",
        "200",
        "--save-weights",
        str(path),
    )
    assert code == 0 and any("l1 0.01" in line for line in lines if line.startswith("#"))
    params, _ = load_weights(path)
    zeros = sum(int((w == 0).sum()) for w in params.weights)
    assert zeros > 0
    code, _, _ = run(
        capsys, "circles", "--headless", "--epochs", "200", "--save-weights", str(path)
    )
    params, _ = load_weights(path)
    assert sum(int((w == 0).sum()) for w in params.weights) == 0  # L1 made them


def test_stop_loss_stops_early_with_its_line(capsys) -> None:
    code, lines, _ = run(capsys, "--headless", "--stop-loss", "0.2", "--epochs", "500")
    assert code == 0
    assert lines[-1] == "# Stopped at epoch 26: training loss 0.191578 below 0.2"
    epochs = [line for line in lines if line.startswith("Epoch")]  # the matrix comes between
    assert epochs[-1].startswith("Epoch 26, ") and epochs[-2].startswith("Epoch 25, ")
    assert "Loss 0.19" in epochs[-1] and "Loss 0.2" in epochs[-2]


def test_patience_stops_when_the_test_loss_stops_improving(capsys) -> None:
    code, lines, _ = run(capsys, "spiral", "--headless", "--lr", "3", "--patience", "10")
    assert code == 0
    assert lines[-1] == (
        "# Stopped at epoch 12: test loss not improved for 10 epochs; best 0.678948 at epoch 2"
    )
    test_losses = [float(line.rsplit(" ", 1)[1]) for line in lines if line.startswith("Epoch")]
    assert min(test_losses) == test_losses[2] and len(test_losses) == 13


def test_no_rule_holds_no_line(capsys) -> None:
    code, lines, _ = run(capsys, "--headless", "--patience", "100", "--stop-loss", "0.001")
    assert code == 0 and len([x for x in lines if x.startswith("Epoch")]) == 20
    assert not lines[-1].startswith("# Stopped")


def test_rules_rest_after_a_stop_until_set_again() -> None:
    trainer = Experiment.build(resolve(None, {"epochs": 5})).trainer
    assert trainer.train_epochs(100) == 5 and trainer.stopped_now
    assert trainer.stopped == "5 epochs trained (stop at epoch 4)"
    assert trainer.train_epochs(3) == 3 and not trainer.stopped_now  # the user trains on
    trainer.set_stop_rules(StopRules(epochs=10))
    assert trainer.train_epochs(100) == 2 and trainer.epoch == 10
    trainer.fork(6)  # back before the stop: the rule holds again
    assert trainer.stopped is None and trainer.train_epochs(100) == 4


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--l1", "-1"], "argument --l1: -1 must be a finite number ≥ 0"),
        (["--stop-loss", "0"], "argument --stop-loss: 0 must be a finite number > 0"),
        (["--patience", "x"], "argument --patience: 'x' is not a whole number"),
    ],
)
def test_bad_values_exit_2_with_one_line(capsys, argv: list[str], says: str) -> None:
    code, _, err = run(capsys, "--headless", *argv)
    assert code == 2 and err.strip().endswith(says) and len(err.strip().splitlines()) == 1


def test_make_optimizer_is_untouched_by_l1() -> None:
    """The L1 step stays out of the running averages (decoupled, as AdamW decouples)."""
    a = Experiment.build(resolve("xor", {"optimizer": "adam"})).trainer
    b = Experiment.build(resolve("xor", {"optimizer": "adam", "l1": 0.1})).trainer
    a.train_epoch()
    b.train_epoch()
    state_a = a.optimizer.get_state(a.params.flat())
    state_b = b.optimizer.get_state(b.params.flat())
    assert all(np.array_equal(x, y) for x, y in zip(state_a, state_b, strict=True))
    assert make_optimizer("adam", 0.1).name == "adam"
