"""Set-up and lesson files are inputs like any other: whatever a name points at (a
device, a FIFO, a /proc file, a file nested thousands deep, a name with escape codes),
the command ends at once with one line and exit status 2, reading at most 1 MB."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.serving import ROOT

HOSTILE_NAME = "a\x1b]2;PWNED\x07\u202e.toml"


def refused(flag: str, path: str | Path) -> str:
    """What ``backprop-tui FLAG PATH --headless`` (or the app, for a lesson) says, run
    as the real command with a deadline: a read that never ends fails the test."""
    args = [flag, str(path)] + (["--headless"] if flag == "--config" else [])
    done = subprocess.run(
        [sys.executable, "-m", "tui_backprop", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2, done.stderr
    assert done.stdout == "" and done.stderr.count("\n") == 1, done.stderr
    return done.stderr


FLAGS = ["--config", "--lesson"]


@pytest.mark.parametrize("flag", FLAGS)
@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("/dev/zero", "/dev/zero: is not a regular file"),
        ("/", "/: is a directory"),
        ("/proc/self/maps", "/proc/self/maps: line 1, column "),  # its size says 0
    ],
)
def test_a_name_that_is_not_a_small_regular_file_is_one_line(
    flag: str, path: str, says: str
) -> None:
    assert says in refused(flag, path)


@pytest.mark.parametrize("flag", FLAGS)
def test_a_fifo_is_refused_without_waiting_for_a_writer(flag: str, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    assert "pipe.toml: is not a regular file" in refused(flag, fifo)


@pytest.mark.parametrize("flag", FLAGS)
def test_a_file_over_a_megabyte_is_refused(flag: str, tmp_path: Path) -> None:
    big = tmp_path / "big.toml"
    big.write_text("# " + "x" * 1_000_000 + "\n")
    err = refused(flag, big)
    assert "big.toml: a " in err and "at most 1,000,000 bytes" in err


@pytest.mark.parametrize("flag", FLAGS)
@pytest.mark.parametrize("depth", [20, 5000])
def test_deep_nesting_is_one_line(flag: str, depth: int, tmp_path: Path) -> None:
    deep = tmp_path / "deep.toml"
    deep.write_text("x = " + "[" * depth + "]" * depth + "\n")
    assert "deep.toml: nested more than 16 levels deep" in refused(flag, deep)


@pytest.mark.parametrize("flag", FLAGS)
def test_a_file_name_is_printed_without_its_escape_codes(flag: str, tmp_path: Path) -> None:
    hostile = tmp_path / HOSTILE_NAME
    hostile.write_text("lr = [1\n")
    err = refused(flag, hostile)
    assert "\x1b" not in err and "\u202e" not in err and "\x07" not in err
    assert "a]2;PWNED.toml" in err
