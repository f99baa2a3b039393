"""A file name may hold anything (escape codes that retitle the terminal or set its
clipboard, bidi marks): every message the command line prints shows it without them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_cli import run

HOSTILE = "x\x1b]2;PWNED\x1b\\\x1b]52;c;aGk=\x07\x1b[2J\u202e"
SHOWN = "x]2;PWNED\\]52;c;aGk=[2J"  # what is left once the hidden characters go


@pytest.mark.parametrize(
    "args",
    [
        ["--headless", "--load-weights", "{dir}/{name}.npz"],
        ["--lesson", "{dir}/{name}.toml"],
        ["--headless", "--config", "{dir}/{name}.toml"],
        ["--headless", "--log", "{dir}/{name}/out.csv"],
        ["--headless", "--save-weights", "{dir}/{name}/w.npz"],
        ["{dir}/{name}.csv", "--headless"],
    ],
)
def test_a_name_with_escape_codes_is_reported_without_them(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, args: list[str]
) -> None:
    argv = [a.format(dir=tmp_path, name=HOSTILE) for a in args]
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == [] and err.count("\n") == 1
    assert "\x1b" not in err and "\x07" not in err and "\u202e" not in err, repr(err)
    assert SHOWN in err, repr(err)
