"""Parameters set by hand: the next epoch starts from them, the past keeps the old
values, and replaying or forking the run makes the edit again."""

from __future__ import annotations

import numpy as np
import pytest

from tests.test_engine_history import blobs_trainer, seed_trainer
from tui_backprop.engine.edits import EditError


def test_the_next_epoch_starts_from_the_edited_weight() -> None:
    trainer = seed_trainer()
    trainer.train_epochs(3)
    edit = trainer.edit(0, 1, 2, 0.0)
    assert (edit.epoch, edit.new) == (3, 0.0) and edit.old != 0.0
    assert trainer.params.weights[0][1, 2] == 0.0
    trainer.train_epoch()
    np.testing.assert_array_equal(trainer.last_record.layers[0].w_before[1, 2], 0.0)


def test_the_past_keeps_the_old_value_and_a_replay_makes_the_edit_again() -> None:
    trainer = blobs_trainer(optimizer="adam")
    trainer.train_epochs(4)
    before = trainer.state_at(3).params.weights[1].copy()
    trainer.edit(1, 0, 0, 2.5)
    trainer.edit(0, None, 3, -1.0)  # a bias
    trainer.train_epochs(5)
    final = [np.array(a) for a in trainer.params.flat()]
    np.testing.assert_array_equal(trainer.state_at(3).params.weights[1], before)
    at_edit = trainer.state_at(4).params
    assert at_edit.weights[1][0, 0] == 2.5 and at_edit.biases[0][3] == -1.0
    for a, b in zip(trainer.state_at(9).params.flat(), final, strict=True):
        np.testing.assert_array_equal(a, b)
    trainer.fork(6)  # replays through the edit
    trainer.train_epochs(3)
    for a, b in zip(trainer.params.flat(), final, strict=True):
        np.testing.assert_array_equal(a, b)


def test_a_fork_before_the_edit_forgets_it_and_undo_takes_it_back() -> None:
    trainer = seed_trainer()
    trainer.train_epochs(2)
    old = float(trainer.params.weights[1][0, 0])
    trainer.edit(1, 0, 0, 9.0)
    assert trainer.undo_edit().old == old
    assert trainer.params.weights[1][0, 0] == old and not trainer.edits
    trainer.edit(1, 0, 0, 9.0)
    trainer.train_epoch()
    with pytest.raises(EditError, match="trained since"):
        trainer.undo_edit()
    trainer.fork(1)
    assert not trainer.edits


@pytest.mark.parametrize(
    ("cell", "value", "reason"),
    [
        ((0, 0, 0), float("nan"), "finite"),
        ((5, 0, 0), 1.0, "no weight matrix"),
        ((0, None, 0), 1.0, "no biases"),
        ((0, 9, 0), 1.0, "no cell"),
    ],
)
def test_an_impossible_edit_is_refused_and_changes_nothing(
    cell: tuple[int, int | None, int], value: float, reason: str
) -> None:
    trainer = seed_trainer()
    params = trainer.params
    with pytest.raises(EditError, match=reason):
        trainer.edit(*cell, value)
    assert trainer.params is params and not trainer.edits
