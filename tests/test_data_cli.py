"""The command line on CSV files: good dialects train, bad files end with status 2 and
one line on stderr naming the file."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from tests.csv_cases import BAD_FILES, GOOD_FILES, BadFile, GoodFile, Options, make_bad_file
from tui_backprop.cli import main

OUTPUT_FOR_TASK = {"regression": "linear", "classification": "softmax"}
CLI_GOOD = {"comma header", "semicolon", "crlf", "utf-8 bom", "text labels", "drop id column"}


def flags(options: Options) -> list[str] | None:
    """The command-line spelling of load options, or None when it has none."""
    argv: list[str] = []
    for key, value in options.items():
        if key == "label_column":
            argv += ["--label-column", str(value)]
        elif key == "drop_columns" and isinstance(value, Sequence):
            argv += ["--drop-columns", ",".join(map(str, value))]
        elif key == "task" and value in OUTPUT_FOR_TASK:
            argv += ["--output", OUTPUT_FOR_TASK[str(value)]]
        else:
            return None
    return argv


def run(argv: list[str]) -> int:
    try:
        return main(argv)
    except SystemExit as done:
        return int(done.code or 0)


@pytest.mark.parametrize("case", [c for c in GOOD_FILES if c.id in CLI_GOOD], ids=lambda c: c.id)
def test_good_dialect_trains_headless(
    case: GoodFile, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(case.text.encode("utf-8"))
    extra = flags(case.options)
    assert extra is not None
    status = run([*extra, "--epochs", "1", "--headless", str(path)])
    out, err = capsys.readouterr()
    assert status == 0, err
    assert "data.csv" in out and "2 rows" in out


@pytest.mark.parametrize(
    "case", [c for c in BAD_FILES if flags(c.options) is not None], ids=lambda c: c.id
)
def test_bad_file_exits_2_with_one_line(
    case: BadFile,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = make_bad_file(case, tmp_path, monkeypatch)
    extra = flags(case.options) or []
    status = run([*extra, "--headless", str(path)])
    out, err = capsys.readouterr()
    assert status == 2
    assert err.endswith("\n") and err.count("\n") == 1
    assert "data.csv" in err and "Traceback" not in err
    assert case.parts[0] in err
    assert out == ""
