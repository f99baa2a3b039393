"""Train/test splits: order, seeding, stratification and standardisation."""

from __future__ import annotations

import numpy as np
import pytest

from tui_backprop.data import Dataset, DatasetError, builtin_dataset, split_dataset, summary_lines


def make(labels: list[int] | np.ndarray, features: np.ndarray | None = None) -> Dataset:
    y = np.asarray(labels, dtype=np.int64)
    x = np.arange(len(y) * 2, dtype=np.float64).reshape(-1, 2) if features is None else features
    names = tuple(str(k) for k in range(int(y.max()) + 1))
    return Dataset("toy", "built-in", x, ("a", "b")[: x.shape[1]], y, names, "y")


def regression(n: int) -> Dataset:
    x = np.column_stack([np.arange(n, dtype=np.float64), np.full(n, 3.0)])
    y = np.linspace(10.0, 20.0, n)
    return Dataset("reg", "built-in", x, ("a", "const"), y, (), "t")


def test_zero_split_keeps_every_row_in_file_order() -> None:
    ds = builtin_dataset("seed")
    split = split_dataset(ds, 0.0, standardize=False, seed=123)
    assert split.x_test is None and split.y_test is None
    np.testing.assert_array_equal(split.train_rows, np.arange(10))
    assert split.test_rows.size == 0
    np.testing.assert_array_equal(split.x_train, ds.features)
    np.testing.assert_array_equal(split.y_train, ds.labels)
    assert split.mean is None and split.std is None


def test_split_is_stratified_and_covers_every_row_once() -> None:
    ds = make([0] * 60 + [1] * 30 + [2] * 10)
    split = split_dataset(ds, 0.2, standardize=False, seed=0)
    assert np.bincount(ds.labels[split.test_rows]).tolist() == [12, 6, 2]
    rows = np.concatenate([split.train_rows, split.test_rows])
    assert sorted(rows.tolist()) == list(range(100))
    assert split.x_test is not None and split.y_test is not None
    np.testing.assert_array_equal(split.x_test, ds.features[split.test_rows])
    np.testing.assert_array_equal(split.y_test, ds.labels[split.test_rows])
    assert np.all(np.diff(split.train_rows) > 0)  # file order within each set


def test_rounding_leftovers_go_to_the_largest_remainders() -> None:
    ds = make([0] * 7 + [1] * 3)  # 0.5 of 10 = 5 test rows: quotas 3.5 and 1.5
    split = split_dataset(ds, 0.5, standardize=False, seed=0)
    assert np.bincount(ds.labels[split.test_rows]).tolist() == [4, 1]


def test_same_seed_same_split_other_seed_other_split() -> None:
    ds = builtin_dataset("moons")
    a = split_dataset(ds, 0.25, standardize=True, seed=7)
    b = split_dataset(ds, 0.25, standardize=True, seed=7)
    c = split_dataset(ds, 0.25, standardize=True, seed=8)
    np.testing.assert_array_equal(a.test_rows, b.test_rows)
    np.testing.assert_array_equal(a.x_train, b.x_train)
    assert not np.array_equal(a.test_rows, c.test_rows)


def test_standardisation_uses_training_rows_and_survives_a_constant_column() -> None:
    x = np.column_stack([np.arange(20, dtype=np.float64), np.full(20, 0.1)])
    ds = make([0, 1] * 10, x)
    split = split_dataset(ds, 0.25, standardize=True, seed=1)
    assert split.mean is not None and split.std is not None and split.x_test is not None
    train = ds.features[split.train_rows]
    np.testing.assert_allclose(split.mean, train.mean(axis=0))
    assert split.std[1] == 1.0  # constant: scale 1, not 0
    np.testing.assert_allclose(split.x_train[:, 0].mean(), 0.0, atol=1e-12)
    np.testing.assert_allclose(split.x_train[:, 0].std(), 1.0)
    assert np.all(np.isfinite(split.x_train)) and np.all(np.isfinite(split.x_test))
    np.testing.assert_allclose(split.x_train[:, 1], 0.0, atol=1e-15)
    expected_test = (ds.features[split.test_rows] - split.mean) / split.std
    np.testing.assert_allclose(split.x_test, expected_test)


def test_regression_target_is_standardised_and_recoverable() -> None:
    ds = regression(40)
    split = split_dataset(ds, 0.25, standardize=True, seed=0)
    assert split.y_test is not None
    original = ds.labels[split.train_rows]
    assert split.y_mean == pytest.approx(original.mean())
    assert split.y_scale == pytest.approx(original.std())
    np.testing.assert_allclose(split.y_train * split.y_scale + split.y_mean, original)
    np.testing.assert_allclose(
        split.y_test * split.y_scale + split.y_mean, ds.labels[split.test_rows]
    )
    assert split.std is not None and split.std[1] == 1.0


def test_without_standardisation_targets_are_untouched() -> None:
    split = split_dataset(regression(10), 0.2, standardize=False, seed=0)
    assert (split.y_mean, split.y_scale) == (0.0, 1.0)
    assert split.mean is None


def test_a_class_left_without_training_rows_is_refused() -> None:
    ds = make([0, 1])
    with pytest.raises(DatasetError, match=r"^toy: class '0' has 1 row\(s\).*no training row"):
        split_dataset(ds, 0.5, standardize=False, seed=0)


def test_regression_split_that_empties_the_training_set_is_refused() -> None:
    with pytest.raises(DatasetError, match="no training row"):
        split_dataset(regression(1), 0.6, standardize=False, seed=0)


def test_a_split_too_small_for_one_test_row_gives_no_test_set() -> None:
    split = split_dataset(make([0, 1, 0, 1]), 0.1, standardize=True, seed=0)
    assert split.x_test is None and split.train_rows.size == 4
    assert "rounds to none" in " ".join(summary_lines(make([0, 1, 0, 1]), split))


@pytest.mark.parametrize("fraction", [-0.1, 1.0, float("nan")])
def test_fraction_outside_zero_to_one_is_refused(fraction: float) -> None:
    with pytest.raises(DatasetError, match="test split"):
        split_dataset(make([0, 1]), fraction, standardize=False, seed=0)
