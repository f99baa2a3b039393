"""The settings rules on the session, without an app: live changes and new runs, the
one current settings, lesson locks, input features and stop rules; and the settings
dialog's form read and applied as the dialog does it (``form_refusal``)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from tests.session_cases import XOR, form_refusal, lesson_of, session_of, texts
from tui_backprop.data import builtin_dataset
from tui_backprop.engine.weights_io import load_weights
from tui_backprop.experiment import Experiment
from tui_backprop.lesson import Step
from tui_backprop.served_tab import TabPolicy
from tui_backprop.settings import SEED_PRESET, Settings, next_rate, resolve
from tui_backprop.ui.model.experiment_files import run_info
from tui_backprop.ui.model.lesson_steps import LOCKED
from tui_backprop.ui.model.settings_form import changed, form_of, read_form
from tui_backprop.ui.screens.settings_dialog import plan_text
from tui_backprop.ui.session.run_session import Session


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


# -- the settings dialog's form, read and applied as the dialog does -------------------------

CSV = Path(__file__).resolve().parent.parent / "datasets" / "xor.csv"


def unchanged(session: Session, experiment: Experiment, params: list[np.ndarray]) -> bool:
    """The session still runs ``experiment`` with the weights it had."""
    weights = zip(session.trainer.params.weights, params, strict=True)
    return session.experiment is experiment and all(np.array_equal(a, b) for a, b in weights)


@pytest.mark.parametrize(
    ("settings", "name", "value", "says"),
    [
        (XOR, "lr", "-1", "learning rate: -1 must be a finite number > 0"),
        (XOR, "batch_size", "two", "batch size: 'two' is not a whole number"),
        (XOR, "epochs", "-5", "stop at epochs: -5 must be a whole number ≥ 0"),
        (XOR, "hidden", "8,0", "hidden layers: every hidden layer needs at least one neuron"),
        (XOR, "test_split", "1", "test split: 1 must be a fraction"),
        (XOR, "load_weights", "missing.npz", "missing.npz"),
        (resolve("spiral3", {}), "output", "sigmoid", "a sigmoid output needs exactly 2 classes"),
        *[
            (resolve(str(CSV), {}), name, "3", "apply only to generated built-in datasets, not to")
            for name in ("points", "noise", "data_seed")
        ],
    ],
)
def test_a_bad_field_is_refused_with_its_reason_and_nothing_changes(
    settings: Settings, name: str, value: str, says: str
) -> None:
    session = session_of(settings, epochs=1)
    experiment, config, before = session.experiment, session.trainer.config, session.settings
    params = [w.copy() for w in session.trainer.params.weights]
    refusal = form_refusal(session, **{name: value})
    assert refusal is not None and says in refusal
    assert unchanged(session, experiment, params) and session.trainer.config == config
    assert session.trainer.epoch == 1 and session.settings == before


def test_the_rate_and_optimiser_apply_live_and_the_run_info_says_so() -> None:
    session = session_of(resolve("xor", {}), epochs=3)
    trainer = session.trainer
    new = read_form(form_of(session.settings) | {"lr": "0.5", "optimizer": "adam"}, XOR)
    assert plan_text(changed(session.settings, new)).startswith("Applies live")
    assert session.apply_settings(new).refused is None
    assert session.trainer is trainer and trainer.epoch == 3
    assert (trainer.config.lr, trainer.config.optimizer, session.settings.lr) == (0.5, "adam", 0.5)
    assert "Adam · lr 0.5" in run_info(session.experiment).model


def test_the_form_opens_on_the_rate_the_keys_chose() -> None:
    session = session_of()
    session.set_learning_rate(next_rate(session.settings.lr, 1))
    assert form_of(session.settings)["lr"] == "0.3"
    session.set_learning_rate(0.5, trains_here=False)  # a playing copy has it
    assert form_of(session.settings)["lr"] == "0.5"


def test_the_data_fields_redraw_a_built_in_and_the_form_shows_what_is_drawn() -> None:
    session = session_of(resolve("xor", {}), epochs=2)
    assert form_refusal(session, points="120", noise="0.3", data_seed="4") is None
    s = session.settings
    assert (s.points, s.noise, s.data_seed) == (120, 0.3, 4) and session.trainer.epoch == 0
    drawn = builtin_dataset("xor", 120, 0.3, 4)
    assert np.array_equal(session.experiment.dataset.features, drawn.features)
    shown = form_of(session.settings)
    assert [shown[n] for n in ("points", "noise", "data_seed")] == ["120", "0.3", "4"]


def test_every_reset_setting_reaches_the_engine() -> None:
    session = session_of(resolve("xor", {}))
    values: dict[str, str | bool] = {
        "bias": False,
        "batch_size": "16",
        "reduction": "sum",
        "init": "he",
        "init_scale": "0.5",
        "l2": "0.01",
        "test_split": "0.25",
        "standardize": False,
        "seed": "7",
        "dtype": "float32",
    }
    assert form_refusal(session, **values) is None
    c = session.trainer.config
    assert (c.bias, c.batch_size, c.reduction, c.init, c.init_scale, c.l2, c.seed, c.dtype) == (
        False,
        16,
        "sum",
        "he",
        0.5,
        0.01,
        7,
        "float32",
    )
    split = session.experiment.split
    assert split.x_test is not None and len(split.x_test) == 50 and not split.standardized


def test_a_run_starts_from_a_saved_weights_file_and_a_reset_returns_to_it(
    workdir: Path,
) -> None:
    session = session_of(resolve("xor", {}), epochs=5)
    session.save()
    trained = [w.copy() for w in session.trainer.params.weights]
    assert form_refusal(session, load_weights="xor-epoch4-weights.npz") is None
    assert session.trainer.epoch == 0
    assert session.settings.load_weights == "xor-epoch4-weights.npz"
    assert unchanged(session, session.experiment, trained)
    session.trainer.train_epoch()
    session.restart("reset", new_weights=False)
    assert unchanged(session, session.experiment, trained)


def test_the_comparison_is_captioned_with_what_the_settings_changed() -> None:
    session = session_of(epochs=3)
    new = read_form(form_of(session.settings) | {"hidden": "6", "lr": "1"}, session.settings)
    assert plan_text(changed(session.settings, new)) == (
        "Restarts the run from the initial weights for: hidden layers. Also: learning rate."
    )
    assert form_refusal(session, hidden="6", lr="1") is None
    session.trainer.train_epoch()
    session.compare()
    shown = session.comparison()
    assert shown is not None and shown.caption == "layers 2-4-1 vs 2-6-1, lr 0.1 vs 1"
    assert len(shown.run.loss) == 3
    session.compare()
    assert session.comparison() is None


def test_l1_and_l2_change_live_and_earlier_epochs_keep_theirs() -> None:
    session = session_of(resolve("xor", {}), epochs=2)
    experiment = session.experiment
    assert form_refusal(session, l1="0.5", l2="0.01") is None
    trainer = session.trainer
    assert session.experiment is experiment and trainer.epoch == 2
    assert (trainer.config.l1, trainer.config.l2) == (0.5, 0.01)
    trainer.train_epoch()
    record = trainer.last_record
    assert record is not None and (record.l1, record.l2) == (0.5, 0.01)
    assert any((w == 0).any() for w in trainer.params.weights)
    past = trainer.state_at(2).last_record  # replayed with the λ it had
    assert past is not None and (past.l1, past.l2) == (0.0, 0.0)
    assert "L1 0.5 · L2 0.01" in run_info(experiment).model  # the header says so


def test_locked_features_stay_on_every_road_or_the_new_data_is_refused(tmp_path: Path) -> None:
    features = ("x1", "x2", "x1x2")
    lesson = lesson_of(lock=frozenset({"lr", "feature"}))
    session = session_of(replace(SEED_PRESET, features=features, lr=1.0), lesson=lesson)
    dropped = replace(session.settings, features=("x1",))
    assert session.apply_settings(dropped).refused == f"input features: {LOCKED}"
    session.choose_dataset("circles", 100, 0.1)  # the seed preset would drop them
    assert session.settings.features == features and session.trainer.sizes[0] == 3
    three = tmp_path / "three.csv"
    three.write_text("a,b,c,y\n1,2,3,0\n4,5,6,1\n7,8,9,0\n2,1,0,1\n", "utf-8")
    assert session.load(str(three), None)().refused == f"input features: {LOCKED}"
    assert session.experiment.dataset.name == "circles"


def test_the_features_field_rebuilds_the_network_on_them() -> None:
    session = session_of(resolve("circles", {"hidden": ()}), epochs=1)
    assert form_refusal(session, features="x1^2,x2^2,x1x2") is None
    experiment = session.experiment
    assert session.trainer.sizes == (3, 1) and session.trainer.epoch == 0
    assert experiment.dataset.feature_names == ("X₁²", "X₂²", "X₁X₂")
    assert session.network.labels[0] == ("X₁²", "X₂²", "X₁X₂")  # what the diagram names
    refusal = form_refusal(session, features="x3")
    assert refusal is not None and refusal.startswith("input features: unknown feature 'x3'")
    assert session.experiment is experiment


def test_a_served_tab_keeps_the_teachers_weights_file_it_cannot_see(tmp_path: Path) -> None:
    teacher = tmp_path / "start.npz"
    Experiment.build(resolve("xor", {"hidden": (3,), "seed": 5})).save_weights(teacher)
    settings = resolve("xor", {"hidden": (3,), "load_weights": str(teacher)})
    session = session_of(settings, tab=TabPolicy(served=True))
    assert form_refusal(session, seed="9") is None
    assert (session.settings.seed, session.settings.load_weights) == (9, str(teacher))
    want, _ = load_weights(teacher)
    assert unchanged(session, session.experiment, want.weights)


@pytest.mark.parametrize(
    ("field", "typed"), [("points", "200"), ("noise", "0.1"), ("data_seed", "0")]
)
def test_a_default_typed_out_changes_nothing(field: str, typed: str) -> None:
    """'200' typed in points, whose hint says 'empty: 200', restarted the run and kept
    the old one as 'same settings'."""
    session = session_of(resolve("xor", {}), epochs=5)
    new = read_form(form_of(session.settings) | {field: typed}, session.settings)
    assert changed(session.settings, new) == []
    assert session.apply_settings(new).refused is None
    assert session.trainer.epoch == 5 and not session.kept.runs
