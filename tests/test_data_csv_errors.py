"""Every refused CSV file gets one line naming the file, the place and the problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.csv_cases import BAD_FILES, BadFile, make_bad_file
from tui_backprop.data import MAX_FILE_MB, DatasetError, csv_file, load_csv, load_dataset


@pytest.mark.parametrize("case", BAD_FILES, ids=lambda c: c.id)
def test_bad_file_is_refused_with_a_precise_message(
    case: BadFile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_bad_file(case, tmp_path, monkeypatch)
    with pytest.raises(DatasetError) as caught:
        load_csv(path, **case.options)  # type: ignore[arg-type]
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    for part in case.parts:
        assert part in message


def test_dataset_error_is_a_value_error() -> None:
    assert issubclass(DatasetError, ValueError)


def test_size_limit_is_200_mb_and_named_in_the_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert MAX_FILE_MB == 200
    path = tmp_path / "big.csv"
    path.write_text("a,y\n1,0\n2,1\n")
    real_stat = Path.stat

    class Huge:
        st_mode = real_stat(path).st_mode
        st_size = 250_000_000

    monkeypatch.setattr("tui_backprop.data.csv_file.os.stat", lambda p: Huge())
    with pytest.raises(DatasetError, match=r"250\.0 MB is over the 200 MB limit"):
        load_csv(path)


def test_long_cells_are_cut_in_messages(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("a,y\n" + "z" * 500 + ",0\n1,1\n")
    with pytest.raises(DatasetError) as caught:
        load_csv(path)
    assert len(str(caught.value)) < len(str(path)) + 120


def test_unknown_builtin_name_suggests_the_close_one() -> None:
    with pytest.raises(DatasetError, match="did you mean 'xor'"):
        load_dataset("xorr")


def test_missing_csv_path_is_reported_as_a_file() -> None:
    with pytest.raises(DatasetError, match=r"^nowhere/t\.csv: no such file$"):
        load_dataset("nowhere/t.csv")


def test_a_first_line_with_no_end_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csv_file, "_SAMPLE_BYTES", 1024)
    monkeypatch.setattr(csv_file, "_MAX_SAMPLE_BYTES", 4096)
    path = tmp_path / "one-line.csv"
    path.write_text("1," * 5000)
    with pytest.raises(DatasetError, match=r"line 1 runs past the first 4,096 bytes"):
        load_csv(path)


def test_an_empty_dataset_name_is_refused() -> None:
    with pytest.raises(DatasetError, match="no dataset given"):
        load_dataset(" ")
