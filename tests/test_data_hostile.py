"""Files made to harm or mislead: names that would drive the terminal, numbers that would
overflow training, and contents whose old messages told something untrue."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from tui_backprop.data import DatasetError, load_csv, load_dataset, split_dataset, summary_lines
from tui_backprop.data.text import distinct, printable

ROOT = Path(__file__).resolve().parents[1]
ESC, CSI, DEL, RLO = "\x1b", "\x9b", "\x7f", "\u202e"
HIDDEN = [ESC, CSI, DEL, RLO, "\u200e", "\u200f", "\u2066", "\u2069", "\u061c", "\u200b", "\ufeff"]


def shows_nothing_hidden(text: str) -> bool:
    return not any(ch in text for ch in HIDDEN)


def backprop(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "default"}
    return subprocess.run(
        [sys.executable, "-m", "tui_backprop", "--headless", "--epochs", "1", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_printable_drops_controls_and_bidi_and_cuts_long_text() -> None:
    assert printable(f"a{ESC}[31mb{CSI}c{DEL}d{RLO}e\u2066f\u200bg\ufeffh") == "a[31mbcdefgh"
    assert printable("tab\there\nnext") == "tab here next"
    assert printable("x" * 100) == "x" * 39 + "…"
    assert printable("x" * 100, 10) == "x" * 9 + "…"
    assert printable("short") == "short"


def test_printable_reads_only_what_it_shows_of_a_huge_cell() -> None:
    assert printable("y" * 10_000_000) == "y" * 39 + "…"


def test_distinct_tells_equal_names_apart() -> None:
    assert distinct(["cat", "cat", "dog", "cat"]) == ("cat", "cat (2)", "dog", "cat (3)")
    assert distinct(["a", "a (2)", "a"]) == ("a", "a (2)", "a (3)")


def hostile_csv(directory: Path) -> Path:
    path = directory / f"evil{ESC}]0;title{DEL}{RLO}.csv"
    rows = [
        f"{i},{i % 3},{'cat' + ESC + '[2J' if i % 2 else 'dog' + RLO + 'god'}" for i in range(20)
    ]
    path.write_text("\n".join([f"a{ESC}[31m,b{RLO}\u2066,lab{ESC}]0;pwn\x07", *rows]) + "\n")
    return path


def test_headless_output_carries_no_escape_or_bidi_character(tmp_path: Path) -> None:
    done = backprop(str(hostile_csv(tmp_path)))
    assert done.returncode == 0, done.stderr
    assert shows_nothing_hidden(done.stdout) and shows_nothing_hidden(done.stderr)
    assert "a[31m, b" in done.stdout and "cat[2J" in done.stdout and "doggod" in done.stdout


def test_dataset_names_are_printable(tmp_path: Path) -> None:
    ds = load_csv(hostile_csv(tmp_path))
    names = [ds.name, ds.source, ds.label_name, *ds.feature_names, *ds.class_names]
    assert all(map(shows_nothing_hidden, names))
    assert ds.feature_names == ("a[31m", "b") and ds.class_names == ("cat[2J", "doggod")


def test_a_file_name_in_a_message_is_printable(tmp_path: Path) -> None:
    with pytest.raises(DatasetError) as caught:
        load_dataset(str(tmp_path / f"{ESC}[2J{RLO}gone.csv"))
    assert shows_nothing_hidden(str(caught.value)) and "[2Jgone.csv: no such file" in str(
        caught.value
    )


def test_labels_that_print_the_same_stay_distinct_classes(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(f"a,y\n1,cat\n2,cat{ESC}\n3,cat\n4,dog\n")
    ds = load_csv(path)
    assert ds.class_names == ("cat", "cat (2)", "dog")
    assert ds.labels.tolist() == [0, 1, 0, 2]


def test_a_huge_label_cell_is_never_shown_whole(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    huge = "z" * 10_000_000
    long = "z" * 100_000  # within the csv module's field limit, so the exact path reads it
    path.write_text(f"{'h' * 5000},y\n1,{long}\n2,{long}\n")
    with pytest.raises(DatasetError) as caught:
        load_csv(path)
    assert "only one class" in str(caught.value) and len(str(caught.value)) < 300
    path.write_text(f"{'h' * 5000},y\n1,{huge}\n2,small\n")
    ds = load_csv(path)
    assert max(map(len, [*ds.class_names, *ds.feature_names])) <= 40
    assert max(map(len, summary_lines(ds))) < 300


def test_a_huge_header_name_is_cut_in_messages(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text(f"{'h' * 5000},y\n1,0\nx,1\n")
    with pytest.raises(DatasetError) as caught:
        load_csv(path)
    assert "line 3" in str(caught.value) and len(str(caught.value)) < 300


@pytest.mark.parametrize(
    ("text", "place", "shown"),
    [
        ("a,b,y\n1,2,0\n3,1e308,1\n", "line 3, column 'b'", "'1e308'"),
        ("a,b,y\n1,2,0\n-1e101,4,1\n", "line 3, column 'a'", "'-1e101'"),
        ("a,b,y\n1,2,0.5\n3,4,1e300\n", "line 3, column 'y'", "'1e300'"),
    ],
)
def test_values_that_would_overflow_training_are_refused(
    tmp_path: Path, text: str, place: str, shown: str
) -> None:
    path = tmp_path / "t.csv"
    path.write_text(text)
    with pytest.raises(DatasetError, match=f"{place}: {shown} is beyond ±1e\\+100"):
        load_dataset(str(path))


def test_load_csv_alone_reads_any_finite_number(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("a,b,y\n1,2,0.5\n3,1e308,1e300\n")
    assert load_csv(path).features[1, 1] == 1e308


def test_huge_values_end_the_command_with_one_line_and_no_warning(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text("a,b,y\n" + "".join(f"{i}e307,{i},{i % 2}\n" for i in range(1, 21)))
    done = backprop(str(path))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "big.csv: line 2, column 'a': '1e307' is beyond ±1e+100" in done.stderr
    assert "Warning" not in done.stderr and "Diverged" not in done.stdout


def test_values_a_tiny_distance_apart_standardise_without_warnings(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("a,y\n" + "".join(f"{k % 3 + 1}e-200,{k * 0.5}\n" for k in range(30)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        split = split_dataset(load_dataset(str(path)), 0.2, True, 0)
    assert np.isfinite(split.x_train).all() and split.std is not None
    assert 0 < split.std[0] < 1e-199 and abs(split.x_train.std() - 1) < 0.2


def test_a_file_of_zero_bytes_is_binary_not_utf16(tmp_path: Path) -> None:
    path = tmp_path / "zeros.csv"
    path.write_bytes(bytes(4096))
    with pytest.raises(DatasetError) as caught:
        load_csv(path)
    assert "binary" in str(caught.value) and "UTF-16" not in str(caught.value)


def test_a_size_just_over_the_limit_is_shown_over_it(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("wb") as fh:
        fh.truncate(200_000_001)  # sparse: no disk space used
    with pytest.raises(DatasetError, match=r"200\.000001 MB is over the 200 MB limit"):
        load_csv(path)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('a,b,y\n1,2,0\n3,4,"0\n5,6,0\n7,8,0\n', "line 3, column 'y'"),
        ('a,b,y\n1,2,0\n3,4,"1\n5,6,0\n7,8,1\n', "line 3, column 'y'"),
        ('a,b,y\n1,"2\n3,4,0\n5,6",0\n7,8,1\n', "line 2, column 'b'"),
    ],
)
def test_an_open_quote_is_named_at_its_line(tmp_path: Path, text: str, where: str) -> None:
    path = tmp_path / "t.csv"
    path.write_text(text)
    with pytest.raises(DatasetError) as caught:
        load_csv(path)
    message = str(caught.value)
    assert f"{where}: a quoted cell runs from here to" in message
    assert "quote left open" in message and "only one class" not in message


def test_an_open_quote_says_where_its_cell_ends(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text('a,b,y\n1,2,"0\n3,4,1"\n5,6,0\n7,8,1\n')
    with pytest.raises(DatasetError, match=r"line 2, column 'y': .* runs from here to line 3"):
        load_csv(path)
    path.write_text('a,b,y\n1,2,0\n3,4,"1\n5,6,0\n')
    with pytest.raises(DatasetError, match="runs from here to the end of the file"):
        load_csv(path)
