"""When a label column is classification or regression, and how classes are named."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tui_backprop.data import MAX_AUTO_CLASSES, DatasetError, load_csv


def write_labels(tmp_path: Path, labels: list[str]) -> Path:
    path = tmp_path / "t.csv"
    rows = [f"{i},{label}" for i, label in enumerate(labels)]
    path.write_text("x,target\n" + "\n".join(rows) + "\n")
    return path


@pytest.mark.parametrize(
    ("labels", "task"),
    [
        (["0", "1", "1", "0"], "classification"),
        (["1", "2", "3", "2"], "classification"),
        (["1.0", "2.0", "1.0"], "classification"),  # whole numbers written as floats
        (["-1", "1", "-1"], "classification"),
        (["0", "0.5", "1"], "regression"),  # a fraction
        ([str(k) for k in range(MAX_AUTO_CLASSES)], "classification"),
        ([str(k) for k in range(MAX_AUTO_CLASSES + 1)], "regression"),  # too many values
        (["a", "b", "1"], "classification"),  # any text makes it categorical
    ],
)
def test_auto_task_rule(tmp_path: Path, labels: list[str], task: str) -> None:
    ds = load_csv(write_labels(tmp_path, labels))
    assert ds.task == task
    assert ds.labels.dtype == (np.int64 if task == "classification" else np.float64)


def test_whole_numbers_written_as_floats_name_classes_without_decimals(tmp_path: Path) -> None:
    ds = load_csv(write_labels(tmp_path, ["2.0", "10.0", "2"]))
    assert ds.class_names == ("2", "10")
    np.testing.assert_array_equal(ds.labels, [0, 1, 0])


def test_regression_override_keeps_the_numbers(tmp_path: Path) -> None:
    ds = load_csv(write_labels(tmp_path, ["0", "1", "1", "3"]), task="regression")
    assert ds.task == "regression" and ds.class_names == () and ds.n_classes == 0
    np.testing.assert_array_equal(ds.labels, [0.0, 1.0, 1.0, 3.0])


def test_classification_override_names_fractional_classes(tmp_path: Path) -> None:
    ds = load_csv(write_labels(tmp_path, ["0.5", "0.25", "0.5"]), task="classification")
    assert ds.class_names == ("0.25", "0.5")
    np.testing.assert_array_equal(ds.labels, [1, 0, 1])


def test_classification_override_of_many_integer_values(tmp_path: Path) -> None:
    labels = [str(k) for k in range(30)]
    ds = load_csv(write_labels(tmp_path, labels), task="classification")
    assert ds.n_classes == 30
    assert ds.class_names[:3] == ("0", "1", "2")  # numeric order, not "0", "1", "10"


def test_text_classes_sort_as_text_and_keep_their_names(tmp_path: Path) -> None:
    ds = load_csv(write_labels(tmp_path, ["virginica", "setosa", " versicolor ", "setosa"]))
    assert ds.class_names == ("setosa", "versicolor", "virginica")
    np.testing.assert_array_equal(ds.labels, [2, 0, 1, 0])
    np.testing.assert_array_equal(ds.class_counts(), [2, 1, 1])


def test_regression_refuses_text_naming_its_first_line(tmp_path: Path) -> None:
    path = write_labels(tmp_path, ["1.5", "2", "n/a", "n/a"])
    with pytest.raises(DatasetError, match=r"line 4, column 'target': 'n/a' is not a number"):
        load_csv(path, task="regression")
