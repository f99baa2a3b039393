"""The run's rules on the session, without an app: looking back and the fork rule,
restarts, the row shown, hand edits and their undo, points on the plane, lesson steps
and comparing kept runs."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import numpy as np

from tests.session_cases import XOR, lesson_of, session_of, texts
from tui_backprop.lesson import Step
from tui_backprop.settings import resolve
from tui_backprop.ui.model.view import snapshot
from tui_backprop.ui.session.hand_made import EDIT_KEYS
from tui_backprop.ui.session.run_session import NO_EARLIER_RUN, NO_HISTORY


def test_there_is_no_past_before_the_first_epoch() -> None:
    session = session_of(XOR)
    assert texts(session.history(-1)) == [NO_HISTORY] and session.looking.epoch is None


def test_looking_back_moves_and_the_latest_epoch_is_the_present_again() -> None:
    session = session_of(XOR, epochs=6)
    assert session.history(-2).publish and session.looking.epoch == 4
    past = session.past_view()
    assert past is not None and past.epoch == 4 and past.present == 6
    session.history_edge(0)
    assert session.looking.epoch == 0
    session.history_edge(1)
    assert session.looking.epoch is None and session.past_view() is None


def test_a_jump_is_a_tenth_of_the_run_or_ten_epochs() -> None:
    session = session_of(XOR, epochs=30)
    session.history_jump(-1)
    assert session.looking.epoch == 20


def test_the_first_training_key_in_the_past_asks_and_the_second_forks() -> None:
    session = session_of(XOR, epochs=6)
    session.history(-3)
    asked = session.resume_present()
    assert not asked.go_on and session.trainer.epoch == 6
    assert texts(asked) == [
        "Press space, n or p again to train from epoch 2, discarding epochs 3 to 5; end keeps them."
    ]
    forked = session.resume_present()
    assert forked.go_on and forked.overlay and session.trainer.epoch == 3
    assert texts(forked) == ["forked at epoch 2: epochs 3 to 5 discarded (c overlays them)"]
    assert [run.epochs for run in session.kept.runs] == [6]
    assert session.resume_present() == session.resume_present()  # the present: nothing to ask


def test_moving_after_asking_asks_again() -> None:
    session = session_of(XOR, epochs=6)
    session.history(-3)
    session.resume_present()
    session.history(1)
    assert not session.resume_present().go_on and session.trainer.epoch == 6


def test_a_restart_keeps_the_run_and_goes_back_to_epoch_0() -> None:
    session = session_of(XOR, epochs=4)
    initial = session.trainer.initial
    session.history(-1)
    outcome = session.restart("reset", new_weights=False)
    assert session.trainer.epoch == 0 and session.looking.epoch is None
    weights = zip(session.trainer.params.weights, initial.weights, strict=True)
    assert all(np.array_equal(a, b) for a, b in weights)
    assert outcome.publish and outcome.overlay and session.kept.runs[-1].ended == "reset"
    session.trainer.train_epoch()
    session.restart("new weights", new_weights=True)  # R: new weights, drawn from seed + 1
    assert session.trainer.epoch == 0 and session.settings.seed == XOR.seed + 1
    assert not np.array_equal(session.trainer.params.weights[0], initial.weights[0])


def test_the_row_shown_cycles_through_the_batch_and_its_mean() -> None:
    session = session_of(XOR, epochs=1)
    view = snapshot(session.trainer, session.network, session.sample)
    rows = view.batch_rows
    seen = []
    for _ in range(rows + 1):
        session.next_sample(1, view)
        seen.append(session.sample)
    assert seen == [*range(1, rows), None, 0]
    session.next_sample(-1, view)
    assert session.sample is None


def test_a_weight_set_by_hand_is_kept_said_and_undone() -> None:
    session = session_of(XOR, epochs=2)
    outcome = session.hand.edit_cell(0, 0, 0, 1.5)
    assert session.trainer.params.weights[0][0, 0] == 1.5
    assert outcome.publish and outcome.overlay and texts(outcome)[0].endswith("u undoes it")
    assert session.kept.runs[-1].ended == texts(outcome)[0].split(" · ")[0]
    assert "1.5" in session.edit_note()
    undone = session.hand.undo_edit()
    assert texts(undone)[0].startswith("undone: ")
    assert session.trainer.params.weights[0][0, 0] != 1.5
    assert session.edit_note() == ""
    assert session.kept.runs == ()  # the run kept at the edit is the present again


def test_nothing_to_undo_is_one_warning() -> None:
    outcome = session_of(XOR).hand.undo_edit()
    assert [s.severity for s in outcome.said] == ["warning"]
    assert texts(outcome)[0].startswith("Nothing to undo: ")


def test_a_typed_weight_is_asked_for_and_bad_text_refused() -> None:
    session = session_of(XOR, epochs=1)
    outcome = session.hand.edit_cell(0, None, 1, None)  # a bias
    prompt = outcome.prompt
    assert prompt is not None and prompt.current == session.trainer.params.biases[0][1]
    assert prompt.setter("lots").refused is not None
    assert prompt.setter("0.25").refused is None
    assert session.trainer.params.biases[0][1] == 0.25


def test_an_edit_in_the_past_asks_first_with_the_edit_keys() -> None:
    session = session_of(XOR, epochs=4)
    session.history(-2)
    asked = session.hand.edit_cell(0, 0, 0, 1.0)
    assert not asked.go_on and EDIT_KEYS in texts(asked)[0] and not session.trainer.edits
    session.hand.edit_cell(0, 0, 0, 1.0)
    assert session.trainer.epoch == 2 and len(session.trainer.edits) == 1


def test_a_point_is_added_and_the_nearest_row_removed() -> None:
    session = session_of(XOR, epochs=2)
    rows = session.experiment.dataset.n_rows
    added = session.hand.point((40, 20), (10, 5), add=True, label=1)
    assert session.experiment.dataset.n_rows == rows + 1 and added.switched
    assert texts(added)[0].startswith("added a point of class 1: ")
    removed = session.hand.point((40, 20), (10, 5), add=False, label=0)
    assert session.experiment.dataset.n_rows == rows and "removed row" in texts(removed)[0]


def test_lesson_steps_stop_at_either_end() -> None:
    session = session_of(XOR, lesson=lesson_of(Step("one"), Step("two")))
    assert not session.lesson_step(-1).go_on and session.lesson.index == 0
    assert session.lesson_step(1).go_on and session.lesson.index == 1
    end = session.lesson_step(1)
    assert texts(end) == ["This is the lesson's last step."] and not end.go_on


def test_a_step_plays_to_its_epoch_unless_the_run_is_there() -> None:
    step = Step("train", run_to_epoch=5)
    session = session_of(XOR, epochs=2)
    assert session.plays_to(step) == 5
    assert session_of(XOR, epochs=5).plays_to(step) is None
    assert session.plays_to(Step("talk")) is None


def test_a_step_sets_its_settings_live() -> None:
    step = Step("faster", settings=(("lr", 2.0),))
    session = session_of(XOR, epochs=1, lesson=lesson_of(step))
    assert session.enter_step(step).info and session.trainer.config.lr == 2.0


def test_compare_cycles_through_kept_runs_then_off() -> None:
    session = session_of(XOR)
    assert texts(session.compare()) == [NO_EARLIER_RUN]
    session.trainer.train_epoch()
    session.restart("reset", new_weights=False)
    session.trainer.train_epoch()
    session.set_learning_rate(2.0)
    session.restart("new weights", new_weights=True)
    session.compare()
    shown = session.comparison()
    assert shown is not None and shown.run.ended == "new weights"
    assert shown.caption == "lr 0.5 vs 2, seed 0 vs 1"  # 2 came after its last epoch
    session.compare()
    older = session.comparison()
    assert older is not None and older.run.ended == "reset"
    assert texts(session.compare()) == ["comparison off"] and session.comparison() is None


def test_a_set_up_naming_a_file_toml_cannot_hold_is_one_error_and_no_file(workdir: Path) -> None:
    name = os.path.join(os.fsencode(workdir), b"data\xff.csv")
    with open(name, "w", encoding="utf-8") as f:
        f.write("x1,x2,label\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n0.1,0.1,0\n0.9,0.1,1\n")
    outcome = session_of(resolve(os.fsdecode(name), {})).write_setup()
    assert [s.severity for s in outcome.said] == ["error"]
    assert "not valid UTF-8, so a set-up file cannot name it" in texts(outcome)[0]
    assert not list(workdir.glob("*.toml"))


def test_a_run_kept_at_a_fork_keeps_the_settings_it_was_trained_with() -> None:
    """L2 set while looking back, then a fork: the discarded run, trained without L2,
    was kept with the new λ and compared as 'same settings'."""
    session = session_of(XOR, epochs=6)
    session.history(-3)
    assert session.apply_settings(replace(session.settings, l2=0.01)).refused is None
    session.resume_present()
    session.resume_present()  # asked, then forked
    session.trainer.train_epoch()
    (kept,) = session.kept.runs
    assert kept.settings.l2 == 0.0 and session.settings.l2 == 0.01
    session.compare()
    shown = session.comparison()
    assert shown is not None and "L2 0 vs 0.01" in shown.caption
