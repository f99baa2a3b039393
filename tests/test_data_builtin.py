"""Built-in datasets: the reference table, the generators, and their CSV copies."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.reference_blog import DATASET as SEED_TABLE
from tui_backprop.data import (
    BUILTIN_NAMES,
    DatasetError,
    builtin_dataset,
    load_csv,
    load_dataset,
    write_builtins,
)

DATASETS = Path(__file__).resolve().parent.parent / "datasets"
REGRESSION = ("plane", "multigauss")  # tested in test_data_controls
GENERATED = [name for name in BUILTIN_NAMES if name not in ("seed", *REGRESSION)]


def test_seed_is_the_reference_table_in_order() -> None:
    ds = builtin_dataset("seed", n_points=50, noise=0.9, seed=5)  # both ignored
    table = np.array(SEED_TABLE)
    np.testing.assert_array_equal(ds.features, table[:, :2])
    np.testing.assert_array_equal(ds.labels, table[:, 2].astype(np.int64))
    assert (ds.feature_names, ds.label_name, ds.class_names) == (("x1", "x2"), "y", ("0", "1"))
    assert ds.source == "built-in" and ds.name == "seed"


@pytest.mark.parametrize("name", GENERATED)
def test_generator_is_deterministic_for_a_seed(name: str) -> None:
    a, b = builtin_dataset(name, seed=3), builtin_dataset(name, seed=3)
    np.testing.assert_array_equal(a.features, b.features)
    np.testing.assert_array_equal(a.labels, b.labels)
    assert not np.array_equal(a.features, builtin_dataset(name, seed=4).features)


@pytest.mark.parametrize("name", GENERATED)
def test_generator_shape_and_balanced_classes(name: str) -> None:
    ds = builtin_dataset(name, n_points=301)
    k = 3 if name == "spiral3" else 2
    assert ds.features.shape == (301, 2) and ds.features.dtype == np.float64
    assert ds.class_names == tuple(str(c) for c in range(k))
    counts = np.bincount(ds.labels, minlength=k)
    assert counts.max() - counts.min() <= 1
    assert np.all(np.isfinite(ds.features))
    assert np.any(np.diff(ds.labels) != 0)  # shuffled, not sorted by class


@pytest.mark.parametrize("name", GENERATED)
def test_noise_zero_is_the_clean_shape_and_noise_moves_points(name: str) -> None:
    clean = builtin_dataset(name, noise=0.0)
    noisy = builtin_dataset(name, noise=0.3)
    np.testing.assert_array_equal(clean.labels, noisy.labels)
    assert not np.allclose(clean.features, noisy.features)


def test_clean_shapes_follow_their_rules() -> None:
    xor = builtin_dataset("xor", noise=0.0)
    differ = (xor.features[:, 0] > 0) != (xor.features[:, 1] > 0)
    np.testing.assert_array_equal(differ.astype(np.int64), xor.labels)
    circles = builtin_dataset("circles", noise=0.0)
    radius = np.hypot(*circles.features.T)
    assert radius[circles.labels == 0].max() <= 0.5 <= 0.7 <= radius[circles.labels == 1].min()


@pytest.mark.parametrize("name", BUILTIN_NAMES)
def test_shipped_csv_equals_its_generator(name: str) -> None:
    from_file = load_csv(DATASETS / f"{name}.csv")
    generated = builtin_dataset(name)
    np.testing.assert_allclose(from_file.features, generated.features, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(from_file.labels, generated.labels)
    assert from_file.class_names == generated.class_names
    assert from_file.feature_names == generated.feature_names


def test_write_builtins_regenerates_identical_files(tmp_path: Path) -> None:
    written = write_builtins(tmp_path)
    assert [p.name for p in written] == [f"{n}.csv" for n in BUILTIN_NAMES]
    for path in written:
        assert path.read_bytes() == (DATASETS / path.name).read_bytes()


def test_module_entry_point_writes_the_csvs(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tui_backprop.data", str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stderr == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{n}.csv" for n in BUILTIN_NAMES)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "nope"}, "unknown built-in dataset"),
        ({"name": "xor", "n_points": 1}, "n_points 1"),
        ({"name": "spiral3", "n_points": 2}, "n_points 2"),
        ({"name": "moons", "noise": -0.1}, "noise -0.1"),
        ({"name": "moons", "noise": float("inf")}, "noise inf"),
    ],
)
def test_bad_builtin_arguments(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(DatasetError, match=message):
        builtin_dataset(**kwargs)  # type: ignore[arg-type]


def test_load_dataset_picks_builtins_and_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert load_dataset("spiral3").n_classes == 3
    assert load_dataset(str(DATASETS / "xor.csv")).name == "xor.csv"
    monkeypatch.chdir(tmp_path)
    Path("xor").write_text("a,y\n1,cat\n2,dog\n")  # an existing path wins over a name
    assert load_dataset("xor").class_names == ("cat", "dog")


def test_load_dataset_regression_on_a_builtin_uses_class_numbers() -> None:
    ds = load_dataset("spiral3", task="regression")
    assert ds.task == "regression"
    np.testing.assert_array_equal(ds.labels, builtin_dataset("spiral3").labels.astype(float))


def test_load_dataset_refuses_column_options_for_builtins() -> None:
    with pytest.raises(DatasetError, match="only to CSV files"):
        load_dataset("xor", label_column="y")


def test_data_layer_imports_neither_ui_nor_engine() -> None:
    code = "import sys, tui_backprop.data\nprint(' '.join(sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(done.stdout.split())
    assert not {"textual", "plotext", "tui_backprop.engine"} & loaded
