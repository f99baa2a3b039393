"""A served tab (``backprop-tui --serve``) reaches no file of the server's: no file dialog,
no path fields, a dataset menu of the built-ins and the data folder's CSVs by name,
and every save handed to the browser instead of written (Pilot, with the policy on)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from textual.widgets import OptionList
from textual.widgets._footer import FooterKey

from tests.helpers import SIZE, app_of, press, text_of, wait_until, weights_of
from tui_backprop.data import builtin_dataset, save_csv
from tui_backprop.data.folder import csv_in, csv_names
from tui_backprop.engine.weights_io import load_weights
from tui_backprop.served_tab import LOCAL, TabPolicy, mark_served, tab_policy
from tui_backprop.settings import SEED_PRESET, resolve
from tui_backprop.setup_file import setup_text
from tui_backprop.ui.app import BackpropApp
from tui_backprop.ui.commands import TrainingCommands
from tui_backprop.ui.main_screen import MainScreen
from tui_backprop.ui.screens.dataset_dialog import DatasetDialog
from tui_backprop.ui.screens.help_dialog import HelpDialog
from tui_backprop.ui.screens.settings_dialog import SettingsDialog

SERVED = TabPolicy(served=True)
PATH_FIELDS = ("#set-load_weights", "#set-save_weights", "#set-log")


def delivered(app: BackpropApp, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bytes]]:
    """What the app hands ``deliver_binary`` from now on (Pilot's driver would write it
    to the downloads folder), as (file name, bytes)."""
    got: list[tuple[str, bytes]] = []

    def deliver(file: io.BytesIO, **options: Any) -> str:
        got.append((options["save_filename"], file.read()))
        return "key"

    monkeypatch.setattr(app, "deliver_binary", deliver)
    return got


def data_folder(tmp_path: Path) -> Path:
    """A data folder with two CSVs, and what must not be offered from it: a text file,
    a hidden CSV, a CSV in a subfolder and a link to a CSV outside."""
    folder, outside = tmp_path / "class-data", tmp_path / "private.csv"
    (folder / "sub").mkdir(parents=True)
    save_csv(builtin_dataset("xor", 40), folder / "xor40.csv")
    save_csv(builtin_dataset("moons", 60), folder / "moons60.csv")
    save_csv(builtin_dataset("circles", 30), outside)
    for name in ("notes.txt", ".hidden.csv", "sub/deep.csv"):
        (folder / name).write_text("a,b\n1,0\n", encoding="utf-8")
    (folder / "leak.csv").symlink_to(outside)
    return folder


def test_the_policy_comes_from_the_environment_the_server_sets(tmp_path: Path) -> None:
    assert tab_policy({}) == LOCAL
    environ = {"BACKPROP_TUI_DATA_DIR": "/left/over"}
    mark_served(environ, None)
    assert tab_policy(environ) == SERVED  # the server's own leftover folder is dropped
    mark_served(environ, tmp_path)
    assert tab_policy(environ) == TabPolicy(True, tmp_path.resolve())
    assert tab_policy({"BACKPROP_TUI_SERVED": ""}).served  # set at all: served
    web = {"TEXTUAL_DRIVER": "textual.drivers.web_driver:WebDriver"}
    assert tab_policy(web).served  # drawn in a browser some other way: served too


def test_the_data_folder_offers_its_own_csvs_by_name_only(tmp_path: Path) -> None:
    folder = data_folder(tmp_path)
    assert csv_names(folder) == ("moons60.csv", "xor40.csv")
    assert csv_in(folder, "xor40.csv") == folder / "xor40.csv"
    for name in ("leak.csv", "../private.csv", "sub/deep.csv", ".hidden.csv", "notes.txt"):
        with pytest.raises(ValueError, match="not a CSV file of the data folder"):
            csv_in(folder, name)
    assert csv_names(tmp_path / "missing") == ()


async def test_a_served_tab_has_no_open_key_in_footer_help_or_palette() -> None:
    app = app_of(tab=SERVED)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.screen.query(FooterKey))
        keys = {key.key for key in app.screen.query(FooterKey)}
        assert "o" not in keys and "s" in keys
        await press(pilot, "o")
        assert isinstance(app.screen, MainScreen)
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpDialog)
        helped = app.screen.query_one("#help-keys")
        await wait_until(pilot, lambda: text_of(helped).strip())
        assert "Open CSV" not in text_of(helped) and "Save" in text_of(helped)
        await press(pilot, "escape")
        titles = [str(hit.text) async for hit in TrainingCommands(app.main).discover()]
        assert not any("Open CSV" in t for t in titles) and any("Save" in t for t in titles)
        await app.run_action("open_csv", app.main)  # the palette's road: refused
        assert isinstance(app.screen, MainScreen)


async def test_served_settings_show_no_path() -> None:
    """No field names a file of the server's (that a change keeps the teacher's weights
    file anyway: ``test_session_settings``)."""
    app = app_of(resolve("xor", {"hidden": (3,)}), tab=SERVED)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "S")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SettingsDialog)
        assert not any(screen.query(field) for field in PATH_FIELDS)
        assert "Files the save key" not in " ".join(map(str, screen.query("Label")))


async def test_served_menu_lists_the_built_ins_and_the_data_folders_csvs(
    tmp_path: Path,
) -> None:
    folder = data_folder(tmp_path)
    app = app_of(tab=TabPolicy(served=True, data_dir=folder))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "d")
        await pilot.pause()
        assert isinstance(app.screen, DatasetDialog)
        listing = app.screen.query_one(OptionList)
        ids = [listing.get_option_at_index(i).id for i in range(listing.option_count)]
        files = [i for i in ids if i and i.startswith("file:")]
        assert files == ["file:moons60.csv", "file:xor40.csv"]
        assert "csv" not in ids and "spiral" in ids  # no "Open CSV…"
        listing.highlighted = ids.index("file:moons60.csv")
        await press(pilot, "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, MainScreen))
        assert app.main.experiment.dataset.n_rows == 60
        assert "opened moons60.csv: 60 rows" in [n.message for n in app.notices]
        why = app.main.session.open_data_file("../private.csv").refused
        assert why == "../private.csv: not a CSV file of the data folder"
        assert app.main.experiment.dataset.n_rows == 60


async def test_served_menu_without_a_data_folder_has_only_the_built_ins() -> None:
    app = app_of(tab=SERVED)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "d")
        await pilot.pause()
        listing = app.screen.query_one(OptionList)
        ids = {listing.get_option_at_index(i).id for i in range(listing.option_count)}
        assert "csv" not in ids and not any(i and i.startswith("file:") for i in ids)
        assert app.main.session.open_data_file("x.csv").refused is not None


async def test_save_export_and_setup_go_to_the_browser_and_write_nothing(
    workdir: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = app_of(tab=SERVED)
    got = delivered(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space", "space", "s")
        await press(pilot, "left_square_bracket", "e", "W")
        await pilot.pause()
        past = app.main.session.looking.state
        assert past is not None
        present = weights_of(app)
        settings = app.main.experiment.settings
    assert list(workdir.iterdir()) == []  # nothing written where the server runs
    names = [name for name, _ in got]
    assert names == [
        "seed-epoch1-weights.npz",
        "seed-epoch1-metrics.csv",
        "seed-epoch0-screen.svg",
        "seed-epoch0-weights.npz",
        "seed-epoch0-metrics.csv",
        "seed-setup.toml",
    ]
    files = dict(got)
    out = tmp_path_factory.mktemp("downloads")
    for name, want in (("seed-epoch1-weights.npz", present), ("seed-epoch0-weights.npz", None)):
        (out / name).write_bytes(files[name])
        params, _ = load_weights(out / name)
        for w, expected in zip(params.weights, want or past.params.weights, strict=True):
            assert np.array_equal(w, expected)
    assert files["seed-epoch1-metrics.csv"].decode().count("\n") == 3  # header, 2 epochs
    assert files["seed-epoch0-screen.svg"].startswith(b"<svg")
    assert files["seed-setup.toml"].decode() == setup_text(settings)


async def test_a_terminal_app_still_writes_its_files(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = app_of(SEED_PRESET)
    got = delivered(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space", "s")
        await pilot.pause()
    assert got == []
    assert sorted(p.name for p in workdir.iterdir()) == [
        "seed-epoch0-metrics.csv",
        "seed-epoch0-weights.npz",
    ]
