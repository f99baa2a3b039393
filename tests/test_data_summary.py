"""The summary lines shown before training."""

from __future__ import annotations

from pathlib import Path

from tui_backprop.data import builtin_dataset, load_csv, split_dataset, summary_lines


def test_classification_summary_counts_classes_and_split() -> None:
    ds = builtin_dataset("spiral3", n_points=90)
    lines = summary_lines(ds, split_dataset(ds, 0.2, standardize=True, seed=0))
    text = "\n".join(lines)
    assert "90 rows" in lines[0]
    assert "2 features: x1, x2" in text
    assert "3 classes" in text and "0: 30, 1: 30, 2: 30" in text
    assert "train 72 rows, test 18 rows" in text
    assert "standardised" in text


def test_regression_summary_gives_target_range_and_dropped_columns(tmp_path: Path) -> None:
    path = tmp_path / "houses.csv"
    path.write_text("id,rooms,price\nh1,3,100.5\nh2,4,250.25\nh3,2,80\n")
    ds = load_csv(path, drop_columns=["id"])
    text = "\n".join(summary_lines(ds))
    assert "target 'price' (regression): 80 to 250.2" in text
    assert "dropped: id" in text
    assert "train" not in text  # no split given


def test_many_features_are_abbreviated(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    header = ",".join(f"f{i}" for i in range(30)) + ",y"
    path.write_text(header + "\n" + ",".join(["1"] * 30) + ",0\n" + ",".join(["2"] * 30) + ",1\n")
    line = summary_lines(load_csv(path))[1]
    assert line.startswith("30 features: f0, f1") and "+24 more" in line
    assert len(line) < 80
