"""The app needs a terminal that can draw it: without one, with TERM=dumb, or through an
ASCII-only output encoding it refuses in one line (status 2) instead of writing pages
of escape codes or failing mid-draw; --headless needs none of it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.serving import ROOT
from tests.terminal import running


def test_without_a_terminal_it_refuses_in_one_line_pointing_to_headless() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tui_backprop"],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=30,
    )
    assert done.returncode == 2 and done.stdout == b""
    assert done.stderr.count(b"\n") == 1 and b"--headless" in done.stderr, done.stderr
    assert b"\x1b" not in done.stderr


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"TERM": "dumb"}, b"TERM=dumb cannot draw the app"),
        ({"PYTHONIOENCODING": "ascii"}, b"the output encoding ascii cannot show"),
    ],
)
def test_a_terminal_that_cannot_draw_it_is_refused_in_one_line(
    env: dict[str, str], says: bytes
) -> None:
    with running(cwd=ROOT, env=env) as terminal:
        said = terminal.read_until(b"\n", 30)
        terminal.wait_exit(10)
    assert terminal.app.returncode == 2
    assert says in said and b"\x1b" not in said, said


def test_headless_needs_no_terminal() -> None:
    env = {**os.environ, "TERM": "dumb", "PYTHONIOENCODING": "ascii"}
    done = subprocess.run(
        [sys.executable, "-m", "tui_backprop", "--headless", "--epochs", "2"],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0 and done.stderr == b""
