"""The stop rules and writing the set-up, driven through keys. (Live L1 and L2, and a
set-up whose file name TOML cannot hold: the session tests.)"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest

from tests.helpers import SIZE, app_of, press, text_of, wait_until
from tests.test_ui_playground import XOR, apply_settings
from tui_backprop.settings import resolve
from tui_backprop.setup_file import write_setup
from tui_backprop.ui.panes.status_pane import StatusLine


async def test_a_playing_run_stops_at_its_epoch_with_the_reason() -> None:
    app = app_of(XOR, epochs=30)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "asterisk", "p")  # max speed: the rule, not the pace, stops it
        await wait_until(pilot, lambda: app.main.state.stopped != "", timeout=20)
        assert not app.main.running and app.main.experiment.trainer.epoch == 30
        status = text_of(app.main.query_one(StatusLine))
        assert "Epoch 29" in status and "stopped: 30 epochs trained (stop at epoch 29)" in status
        await press(pilot, "space")  # training on is the user's choice
        assert app.main.experiment.trainer.epoch == 31 and app.main.state.stopped == ""


async def test_a_stop_rule_set_in_the_settings_stops_the_run() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await apply_settings(pilot, app, stop_loss="0.5")
        assert app.main.experiment.settings.stop_loss == 0.5
        await press(pilot, "p")
        await wait_until(pilot, lambda: app.main.state.stopped != "", timeout=20)
        history = app.main.experiment.trainer.history
        assert history[-1].loss < 0.5 <= history[-2].loss
        assert "stopped: training loss" in text_of(app.main.query_one(StatusLine))


async def test_w_writes_the_set_up_and_shows_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = app_of(XOR)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "L", "W")
        path = tmp_path / "xor-setup.toml"
        table = tomllib.loads(path.read_text())
        assert table["lr"] == 0.3 and table["dataset"] == "xor"
        shown = [n.message for n in app.notices]
        assert any(
            m.startswith(str(path)) and "\nbackprop-tui xor " in m and "--lr 0.3" in m
            for m in shown
        )
        await press(pilot, "W")
        assert (tmp_path / "xor-setup-2.toml").exists()


def csv_named(folder: Path, name: bytes) -> str:
    """The xor data as a CSV whose file name is these bytes; the name as Python sees it."""
    path = os.path.join(os.fsencode(folder), name)
    with open(path, "w", encoding="utf-8") as f:
        f.write("x1,x2,label\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n0.1,0.1,0\n0.9,0.1,1\n")
    return os.fsdecode(path)


def test_w_with_a_control_character_in_the_name_writes_a_file_config_reads_back(
    tmp_path: Path,
) -> None:
    settings = resolve(csv_named(tmp_path, b"da\x7fta\x01.csv"), {"lr": 0.3})
    path = tmp_path / "setup.toml"
    write_setup(settings, path)
    table = tomllib.loads(path.read_text(encoding="utf-8"))
    assert table["dataset"] == settings.dataset and table["lr"] == 0.3
