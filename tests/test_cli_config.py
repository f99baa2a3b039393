"""Set-ups to share: ``--config FILE.toml`` and the file the app writes (u), round trip."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_cli import run
from tui_backprop.settings import resolve
from tui_backprop.setup_file import command_line, setup_text, write_setup


def test_a_written_set_up_trains_the_same_numbers(capsys, tmp_path: Path) -> None:
    settings = resolve(
        "moons",
        {"hidden": (6, 3), "activation": "relu", "l1": 0.003, "l2": 0.01, "lr": 0.3, "seed": 7},
    )
    path = tmp_path / "moons-setup.toml"
    write_setup(settings, path)
    code, from_file, _ = run(capsys, "--headless", "--config", str(path), "--epochs", "15")
    flags = command_line(settings).split()[1:]
    code2, from_flags, _ = run(capsys, "--headless", *flags, "--epochs", "15")
    assert code == code2 == 0
    assert from_file == from_flags and len(from_file) > 15
    assert any("l1 0.003" in line for line in from_file if line.startswith("#"))


def test_flags_override_the_file(capsys, tmp_path: Path) -> None:
    path = tmp_path / "a.toml"
    path.write_text('dataset = "xor"\nlr = 0.3\nlayers = [5]\nbias = false\n')
    code, lines, _ = run(capsys, "--headless", "--config", str(path), "--lr", "1", "--epochs", "1")
    settings_line = next(line for line in lines if "preset" in line)
    assert code == 0 and "lr 1," in settings_line and "layers 2-5-1" in settings_line
    assert "no bias" in settings_line


def test_the_set_up_text_reads_back_as_toml() -> None:
    import tomllib

    settings = resolve("my data.csv", {"drop_columns": ("id", 'a "b"'), "hidden": ()})
    table = tomllib.loads(setup_text(settings))
    assert table["dataset"] == "my data.csv" and table["layers"] == "none"
    assert table["drop-columns"] == ["id", 'a "b"'] and "log" not in table


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("lr = 0.1\nspeed = 3\n", "unknown key 'speed' (known: dataset, activation"),
        ("lr = true\n", "lr must be a value, not true or false"),
        ("bias = 1\n", "bias must be true or false"),
        ('lr = "fast"\n', "lr: 'fast' is not a number"),
        ("l1 = -1\n", "l1: -1 must be a finite number ≥ 0"),
        ("lr = [1\n", "not TOML"),
        ("[lr]\nx = 1\n", "lr must be a number, a string or a list, not a table"),
    ],
)
def test_a_bad_file_exits_2_with_one_line(capsys, tmp_path: Path, text: str, says: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    code, lines, err = run(capsys, "--headless", "--config", str(path))
    assert code == 2 and not lines
    assert len(err.strip().splitlines()) == 1 and f"{path}: " in err and says in err


def test_a_missing_file_exits_2(capsys, tmp_path: Path) -> None:
    code, _, err = run(capsys, "--config", str(tmp_path / "none.toml"))
    assert code == 2 and "none.toml" in err and len(err.strip().splitlines()) == 1
