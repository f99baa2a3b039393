"""The dataset rules on the session, without an app: the menu, built-ins, new data, a
CSV read in a worker then switched to, and a served tab's data folder."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from tests.session_cases import XOR, lesson_of, session_of, texts
from tui_backprop.experiment import Experiment
from tui_backprop.served_tab import LOCAL, TabPolicy
from tui_backprop.settings import SEED_PRESET, read_non_negative, read_points, resolve
from tui_backprop.ui.screens.dataset_dialog import labelled
from tui_backprop.ui.session.run_session import Session


def _csv(folder: Path, name: str = "dots.csv", rows: int = 12) -> Path:
    path = folder / name
    lines = ["a,b,label"] + [f"{i * 0.1:g},{(i % 3) * 0.5:g},{i % 2}" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_the_menu_offers_the_dataset_now_and_a_file_dialog_at_a_terminal() -> None:
    menu = session_of(XOR).dataset_menu()
    assert (menu.name, menu.points, menu.files) == ("xor", 40, None)


def test_a_served_menu_lists_its_data_folder_by_name(tmp_path: Path) -> None:
    _csv(tmp_path)
    (tmp_path / "notes.txt").write_text("not data")
    served = session_of(XOR, tab=TabPolicy(served=True, data_dir=tmp_path))
    assert served.dataset_menu().files == ("dots.csv",)
    assert session_of(XOR, tab=TabPolicy(served=True)).dataset_menu().files == ()


def test_a_built_in_switches_the_run_and_keeps_the_old_one() -> None:
    session = session_of(XOR, epochs=2)
    outcome = session.choose_dataset("circles", 100, 0.1)
    assert session.experiment.dataset.name == "circles" and session.trainer.epoch == 0
    assert texts(outcome) == ["dataset circles: 100 rows"] and outcome.switched
    assert [run.ended for run in session.kept.runs] == ["new dataset"]
    assert session.sample == 0 and session.looking.epoch is None


def test_a_bad_size_is_refused_for_the_menu_to_say() -> None:
    session = session_of(XOR, epochs=2)
    weights = [w.copy() for w in session.trainer.params.weights]
    outcome = session.choose_dataset("circles", 1, 0.1)
    assert outcome.refused == "circles: n_points 1 must be between 2 and 1000000"
    assert not outcome.switched and session.trainer.epoch == 2
    assert session.experiment.dataset.name == "xor"
    kept = zip(session.trainer.params.weights, weights, strict=True)
    assert all(np.array_equal(a, b) for a, b in kept)


@pytest.mark.parametrize(
    ("box", "read", "text", "says"),
    [
        ("points", read_points, "many", "points: 'many' is not a whole number"),
        ("points", read_points, "1", "points: a built-in dataset takes 2 to 1000000 points, not 1"),
        ("noise", read_non_negative, "-1", "noise: -1 must be a finite number ≥ 0"),
    ],
)
def test_the_menus_boxes_name_a_bad_value(
    box: str, read: Callable[[str], object], text: str, says: str
) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(says)}$"):
        labelled(box, read, text)


def test_seed_from_the_menu_is_the_reference_experiment() -> None:
    session = session_of(XOR, epochs=1)
    menu = session.dataset_menu()
    assert session.choose_dataset("seed", menu.points, menu.noise).refused is None
    reference = Experiment.build(SEED_PRESET)
    assert session.settings == reference.settings
    weights = zip(session.trainer.params.weights, reference.trainer.params.weights, strict=True)
    assert all(np.array_equal(a, b) for a, b in weights)


def test_new_data_draws_the_built_in_again_with_the_next_seed() -> None:
    session = session_of(XOR, epochs=1)
    before = session.experiment.data.features.copy()
    outcome = session.new_data()
    assert texts(outcome) == ["new data (data seed 1): the run restarts"]
    assert session.experiment.data.features.shape == before.shape
    assert (session.experiment.data.features != before).any()


def test_a_csv_is_read_first_and_switched_to_only_when_asked(tmp_path: Path) -> None:
    session = session_of(XOR)
    switch = session.load(str(_csv(tmp_path)), None)
    assert session.experiment.dataset.name == "xor"  # read, not yet shown
    outcome = switch()
    assert session.experiment.dataset.n_rows == 12 and outcome.switched
    assert texts(outcome) == [f"opened {tmp_path / 'dots.csv'}: 12 rows"]


def test_an_unreadable_csv_is_refused_in_one_line(tmp_path: Path) -> None:
    session = session_of(XOR)
    outcome = session.load(str(tmp_path / "missing.csv"), None)()
    assert outcome.refused and "\n" not in outcome.refused and not outcome.switched


def test_a_served_tab_opens_its_folders_files_by_name_only(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    _csv(folder)
    _csv(tmp_path, "private.csv")
    session = session_of(XOR, tab=TabPolicy(served=True, data_dir=folder))
    assert session.open_data_file("../private.csv").refused == (
        "../private.csv: not a CSV file of the data folder"
    )
    assert texts(session.open_data_file("dots.csv")) == ["opened dots.csv: 12 rows"]
    no_folder = session_of(XOR, tab=TabPolicy(served=True))
    assert no_folder.open_data_file("dots.csv").refused == (
        "no data folder: the server was started without --data-dir"
    )


def test_new_data_on_the_reference_table_is_refused_and_changes_nothing() -> None:
    session = session_of(epochs=1)
    experiment = session.experiment
    outcome = session.new_data()
    assert [s.severity for s in outcome.said] == ["warning"] and not outcome.switched
    assert "fixed reference table" in texts(outcome)[0]
    assert session.experiment is experiment and session.trainer.epoch == 1


def test_features_need_data_of_two_columns(tmp_path: Path) -> None:
    path = tmp_path / "three.csv"
    path.write_text("a,b,c,y\n" + "".join(f"{k},{k % 3},{k % 5},{k % 2}\n" for k in range(20)))
    session = session_of(resolve(str(path), {}))
    experiment = session.experiment
    said = "three.csv: input features need data with exactly 2 features; it has 3"
    assert texts(session.feature(1)) == [said]  # the key says why not
    assert session.apply_settings(replace(session.settings, features=("x1^2",))).refused == said
    assert session.experiment is experiment


def test_the_menu_a_new_draw_and_a_csv_keep_a_locked_rate(tmp_path: Path) -> None:
    session = session_of(replace(XOR, lr=1.0), lesson=lesson_of(lock=frozenset({"lr"})))
    session.choose_dataset("seed", 10, 0.0)  # the reference preset's rate is 0.1
    assert session.experiment.dataset.name == "seed" and _rates(session) == (1.0, 1.0)
    session.choose_dataset("moons", 100, 0.1)  # the standard preset's too
    assert _rates(session) == (1.0, 1.0)
    session.new_data()
    assert session.experiment.settings.data_seed == 1 and _rates(session) == (1.0, 1.0)
    session.load(str(_csv(tmp_path)), None)()
    assert session.experiment.dataset.name == "dots.csv" and _rates(session) == (1.0, 1.0)


def _rates(session: Session) -> tuple[float, float]:
    """The rate the trainer uses and the one the settings say."""
    return session.trainer.config.lr, session.settings.lr


def test_a_csv_of_three_classes_keeps_the_standard_presets_choices(tmp_path: Path) -> None:
    """The preset's choices survive a CSV (the seed preset, fit for the seed table only,
    becomes the standard one); the output follows the classes."""
    rng = np.random.default_rng(0)
    rows = [f"{a:.3f},{b:.3f},{'abc'[k % 3]}" for k, (a, b) in enumerate(rng.normal(size=(30, 2)))]
    path = tmp_path / "three.csv"
    path.write_text("left,right,kind\n" + "\n".join(rows) + "\n", encoding="utf-8")
    session = session_of(resolve("xor", {"lr": 0.3, "hidden": (5,)}))
    session.load(str(path), None)()
    s = session.settings
    assert (s.lr, s.hidden, s.output) == (0.3, (5,), "softmax")
    seeded = session_of()
    seeded.load(str(path), None)()
    assert seeded.experiment.dataset.n_classes == 3 and seeded.settings.preset == "standard"
    assert seeded.trainer.sizes == (2, 8, 3)


@pytest.mark.parametrize("preset", ["seed", "standard"])
def test_a_file_opened_in_the_app_is_never_saved_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, preset: str
) -> None:
    """--log named a file the learner then opens with o: s wrote the metrics over their
    data (from the standard preset; from the seed it dropped the names). The names chosen
    on the command line stay with the run they started, whatever the preset, and a run
    whose input one of them became refuses to save there."""
    monkeypatch.chdir(tmp_path)
    data = _csv(tmp_path)
    before = data.read_bytes()
    chosen = {"log": str(data), "save_weights": str(tmp_path / "mine.npz")}
    first = resolve("seed", chosen) if preset == "seed" else replace(XOR, **chosen)
    session = session_of(first, epochs=1)
    assert session.load(str(data), None)().switched
    session.trainer.train_epoch()
    outcome = session.save()
    assert outcome.refused is None and data.read_bytes() == before
    assert not (tmp_path / "mine.npz").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "dots-epoch0-metrics.csv",
        "dots-epoch0-weights.npz",
        "dots.csv",
    ]
    stale = Session(Experiment.build(replace(session.settings, log=str(data))), None, LOCAL)
    refused = stale.save()
    assert f"{data} is also an input of this run" in texts(refused)[0]
    assert data.read_bytes() == before


def test_a_served_tabs_bad_file_is_refused_without_the_servers_folder(tmp_path: Path) -> None:
    """A student picking a bad CSV of the data folder saw the teacher's whole path, and
    the reason cut off after it."""
    folder = tmp_path / "class-data"
    folder.mkdir()
    (folder / "bad.csv").write_text("a,b,y\n1,2,0\n3,4\n")
    session = session_of(XOR, tab=TabPolicy(served=True, data_dir=folder))
    refused = session.open_data_file("bad.csv").refused
    assert refused is not None and str(tmp_path) not in refused
    assert refused.startswith("bad.csv: line 3") and "the label is missing" in refused
