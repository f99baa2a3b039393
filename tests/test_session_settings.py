"""The settings rules on the session, without an app: live changes and new runs, the
one current settings, lesson locks, input features and stop rules."""

from __future__ import annotations

from dataclasses import replace

from tests.session_cases import XOR, lesson_of, session_of, texts
from tui_backprop.lesson import Step
from tui_backprop.ui.model.lesson_steps import LOCKED


def test_a_live_change_keeps_the_run_and_says_what_changed() -> None:
    session = session_of(XOR, epochs=3)
    experiment = session.experiment
    outcome = session.apply_settings(replace(session.settings, lr=2.0, l2=0.01))
    assert session.experiment is experiment and session.trainer.epoch == 3
    assert session.trainer.config.lr == 2.0 and session.settings.l2 == 0.01
    assert texts(outcome) == ["applied live: learning rate, L2 penalty"]
    assert outcome.info and outcome.overlay and not outcome.switched
    assert outcome.refused is None


def test_a_change_that_needs_a_new_network_keeps_the_old_run_to_compare() -> None:
    session = session_of(XOR, epochs=3)
    outcome = session.apply_settings(replace(session.settings, hidden=(5,)))
    assert session.trainer.epoch == 0 and session.trainer.sizes == (2, 5, 1)
    assert outcome.switched and outcome.publish
    assert [run.ended for run in session.kept.runs] == ["new settings"]
    assert texts(outcome) == ["back to the initial weights for hidden layers"]


def test_the_same_settings_change_nothing_and_say_nothing() -> None:
    session = session_of(XOR, epochs=1)
    outcome = session.apply_settings(session.settings)
    assert outcome.said == () and not outcome.publish and outcome.refused is None


def test_a_setting_that_does_not_fit_is_refused_and_nothing_changes() -> None:
    session = session_of(XOR, epochs=2)
    experiment = session.experiment
    outcome = session.apply_settings(replace(session.settings, label_column="y"))
    assert outcome.refused == "label and dropped columns apply only to CSV files"
    assert session.experiment is experiment and session.trainer.epoch == 2


def test_the_settings_are_the_runs_as_it_is_now() -> None:
    session = session_of(XOR, epochs=1)
    seed = session.settings.seed
    session.restart("new weights", new_weights=True)
    assert session.settings.seed == seed + 1  # the trainer's, not the experiment's stale one
    session.set_learning_rate(0.3, trains_here=False)  # a playing copy has it
    assert session.settings.lr == 0.3 and session.trainer.config.lr == 0.5


def test_a_locked_setting_is_refused_on_every_road() -> None:
    session = session_of(XOR, lesson=lesson_of(lock=frozenset({"lr"})))
    outcome = session.apply_settings(replace(session.settings, lr=3.0))
    assert outcome.refused == f"learning rate: {LOCKED}"
    assert session.trainer.config.lr == 0.5
    switched = session.choose_dataset("circles", 100, 0.1)  # the preset brings its own lr
    assert switched.refused is None and session.settings.lr == 0.5


def test_a_step_setting_a_locked_value_warns_and_keeps_it() -> None:
    step = Step("faster", settings=(("lr", 3.0),))
    session = session_of(XOR, lesson=lesson_of(step, lock=frozenset({"lr"})))
    outcome = session.enter_step(step)
    assert [(s.text, s.severity, s.title) for s in outcome.said] == [
        (f"learning rate: {LOCKED}", "warning", "This step's settings")
    ]
    assert session.settings.lr == 0.5


def test_a_feature_is_added_and_dropped_by_key() -> None:
    session = session_of(XOR)
    added = session.feature(1)
    assert session.settings.features and added.switched
    assert session.trainer.sizes[0] == 3
    assert session.settings.features[-1] not in ("x1", "x2")  # the first one not in use
    assert session.choices.neuron == (1, 0)  # another network: selected afresh
    session.select((0, 2))
    session.feature(-1)  # the selected input: the feature just added
    assert session.settings.features == ("x1", "x2") and session.trainer.sizes[0] == 2


def test_dropping_a_feature_with_none_selected_is_one_warning() -> None:
    session = session_of(XOR)
    outcome = session.feature(-1)  # a hidden neuron is selected
    assert [s.severity for s in outcome.said] == ["warning"] and not outcome.publish


def test_stop_rules_change_live_and_the_run_goes_on() -> None:
    session = session_of(XOR, epochs=2)
    outcome = session.apply_settings(replace(session.settings, epochs=3, patience=5))
    assert session.trainer.epoch == 2 and "applied live" in texts(outcome)[0]
    session.trainer.train_epoch()
    assert session.trainer.stopped_now and session.trainer.stopped
