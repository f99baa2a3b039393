"""Keys typed faster than a frame, into the real command in a terminal: nothing kills
the app, and it still quits cleanly."""

from __future__ import annotations

import random
from pathlib import Path

from tests.terminal import running

# Every key of the app but q, as a terminal sends it; dialogs and the palette included.
KEYS = [
    " ", "n", "p", "+", "-", "*", "r", "R", "l", "L", "j", "k", "w", "g", "o", "s", "z", "?",
    "b", "[", "]", "{", "}", "d", "S", ",", "c", "e", "\t", "\r", "\x1b[A", "\x1b[B",
    "\x1b[C", "\x1b[D", "\x1b[H", "\x1b[F",
    "t", "m", "M", "(", ")", "C", "H", "x", "X", "D", "f", "F", "W", "u", "0", "a", "\x7f",
]  # fmt: skip
PALETTE_TWICE = "\x10\r\x10\r"  # ctrl+p enter, twice: it used to pop the main screen


def test_a_key_storm_does_not_kill_the_app(tmp_path: Path) -> None:
    """A storm may itself quit the app: letters typed into the palette or the help can
    find Quit, and a return runs it (random.Random(16)'s keys did, on a loaded machine).
    That ends it with status 0 like ctrl+q; anything else is a death."""
    rng = random.Random(7)
    with running("xor", cwd=tmp_path) as terminal:
        terminal.read_until(b"No epoch yet", 20)
        for _ in range(5):
            terminal.type(PALETTE_TWICE)
            terminal.read_for(0.05)
        for _ in range(20):  # bursts of 25 keys with no pause inside a burst
            terminal.type("".join(rng.choice(KEYS) for _ in range(25)))
            terminal.read_for(0.1)
            if terminal.app.poll() is not None:  # quit by the keys themselves
                break
        else:
            for _ in range(4):  # close any dialog: one escape at a time (two: alt+escape)
                terminal.type(b"\x1b")
                terminal.read_for(0.3)
            terminal.type(b"\x11")  # ctrl+q quits from any screen, a text field's too
        terminal.wait_exit(10)
        assert terminal.app.returncode == 0, terminal.tail.decode(errors="replace")
