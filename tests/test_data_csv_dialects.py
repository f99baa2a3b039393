"""CSV files that must load, and load to exactly the values written."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tests.csv_cases import GOOD_FILES, GoodFile
from tui_backprop.data import csv_load, load_csv


@pytest.mark.parametrize("case", GOOD_FILES, ids=lambda c: c.id)
def test_dialect_loads_to_expected_arrays(case: GoodFile, tmp_path: Path) -> None:
    path = tmp_path / "table.csv"
    path.write_bytes(case.text.encode("utf-8"))
    ds = load_csv(path, **case.options)  # type: ignore[arg-type]
    assert ds.features.dtype == np.float64
    np.testing.assert_array_equal(ds.features, np.array(case.features))
    np.testing.assert_array_equal(ds.labels, np.array(case.labels))
    assert ds.labels.dtype == (np.int64 if case.class_names else np.float64)
    assert ds.class_names == case.class_names
    assert ds.feature_names == case.feature_names
    assert ds.label_name == case.label_name
    assert ds.dropped == case.dropped
    assert ds.name == "table.csv"
    assert ds.source == str(path)


@pytest.mark.parametrize("case", GOOD_FILES, ids=lambda c: c.id)
def test_exact_path_alone_reads_every_dialect_the_same(
    case: GoodFile, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "table.csv"
    path.write_bytes(case.text.encode("utf-8"))
    fast = load_csv(path, **case.options)  # type: ignore[arg-type]
    monkeypatch.setattr(csv_load, "read_fast", lambda *args: None)
    exact = load_csv(path, **case.options)  # type: ignore[arg-type]
    np.testing.assert_array_equal(exact.features, fast.features)
    np.testing.assert_array_equal(exact.labels, fast.labels)
    assert (exact.class_names, exact.feature_names) == (fast.class_names, fast.feature_names)


def test_wide_file_beyond_the_sniffed_sample(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(3000, 40))
    y = rng.integers(0, 3, size=3000)
    lines = [",".join(map(repr, row)) + f",{k}" for row, k in zip(x.tolist(), y, strict=True)]
    path = tmp_path / "wide.csv"
    path.write_text("\n".join(lines) + "\n")
    ds = load_csv(path)
    np.testing.assert_array_equal(ds.features, x)
    np.testing.assert_array_equal(ds.labels, y)
    assert ds.feature_names[0] == "x1" and ds.feature_names[-1] == "x40"


def test_text_labels_and_quotes_need_not_leave_the_numbers_path(tmp_path: Path) -> None:
    path = tmp_path / "iris.csv"
    path.write_text('"sl","sw","species"\n5.1,3.5,"setosa"\n6.2,2.9,versicolor\n5.0,3.4,setosa\n')
    ds = load_csv(path)
    assert ds.class_names == ("setosa", "versicolor")
    np.testing.assert_array_equal(ds.labels, [0, 1, 0])
    np.testing.assert_array_equal(ds.features[:, 0], [5.1, 6.2, 5.0])


def test_a_lone_drop_name_is_not_split_into_characters(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("id,a,y\n7,1,0\n8,2,1\n")
    assert load_csv(path, drop_columns="id").feature_names == ("a",)


finite = st.floats(allow_nan=False, allow_infinity=False, width=64)


@st.composite
def tables(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    rows = draw(st.integers(2, 25))
    cols = draw(st.integers(1, 5))
    x = draw(hnp.arrays(np.float64, (rows, cols), elements=finite))
    y = draw(hnp.arrays(np.int64, rows, elements=st.integers(0, 4)))
    if len(np.unique(y)) < 2:
        y[0], y[1] = 0, 1
    return x, y


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    table=tables(),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    header=st.booleans(),
    newline=st.sampled_from(["\n", "\r\n"]),
)
def test_numeric_tables_round_trip(
    tmp_path_factory: pytest.TempPathFactory,
    table: tuple[np.ndarray, np.ndarray],
    delimiter: str,
    header: bool,
    newline: str,
) -> None:
    x, y = table
    names = [f"f{i}" for i in range(x.shape[1])] + ["label"]
    lines = [delimiter.join(names)] if header else []
    lines += [
        delimiter.join([*map(repr, row), str(k)]) for row, k in zip(x.tolist(), y, strict=True)
    ]
    path = tmp_path_factory.mktemp("round") / "t.csv"
    path.write_bytes(newline.join(lines).encode() + newline.encode())
    ds = load_csv(path)
    np.testing.assert_array_equal(ds.features, x)
    classes = np.unique(y)
    assert ds.class_names == tuple(str(k) for k in classes)
    np.testing.assert_array_equal(classes[ds.labels], y)
    assert ds.feature_names == (
        tuple(names[:-1]) if header else tuple(f"x{i + 1}" for i in range(x.shape[1]))
    )


@settings(max_examples=30, deadline=None)
@given(
    x=hnp.arrays(np.float64, (6, 2), elements=finite),
    y=hnp.arrays(np.float64, 6, elements=finite),
)
def test_regression_targets_round_trip(
    tmp_path_factory: pytest.TempPathFactory, x: np.ndarray, y: np.ndarray
) -> None:
    lines = ["a,b,target"] + [
        f"{a!r},{b!r},{t!r}" for (a, b), t in zip(x.tolist(), y.tolist(), strict=True)
    ]
    path = tmp_path_factory.mktemp("reg") / "t.csv"
    path.write_text("\n".join(lines) + "\n")
    ds = load_csv(path, task="regression")
    assert ds.task == "regression" and ds.n_classes == 0
    np.testing.assert_array_equal(ds.features, x)
    np.testing.assert_array_equal(ds.labels, y)


def _rows(labels: list[str], header: str | None) -> str:
    rng = np.random.default_rng(3)
    lines = [header] if header else []
    lines += [",".join(f"{v:.3f}" for v in rng.random(4)) + f",{label}" for label in labels]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("header", "labels", "names"),
    [
        # numbers for column names: the label column gives the header away
        ("400,410,420,430,class", ["good", "bad"] * 30, ("400", "410", "420", "430", "class")),
        ("400,410,420,430,grade", ["0", "1"] * 30, ("400", "410", "420", "430", "grade")),
        # no header: the first row's label is one of the labels below it
        (None, ["good", "bad"] * 30, None),
        # no header, a label seen once among many kinds: data, not a name
        (None, [f"c{k}" for k in range(30)], None),
    ],
)
def test_a_header_of_numbers_is_found_by_its_label_column(
    tmp_path: Path, header: str | None, labels: list[str], names: tuple[str, ...] | None
) -> None:
    """A header '400,410,420,430,class' was read as a data row: its 'class' became a
    third class of one row, silently."""
    path = tmp_path / "spectra.csv"
    path.write_text(_rows(labels, header))
    ds = load_csv(path)
    assert ds.n_rows == len(labels)
    if names is None:
        assert ds.feature_names == ("x1", "x2", "x3", "x4")
    else:
        assert (*ds.feature_names, ds.label_name) == names
        assert ds.n_classes == 2


def test_a_word_in_a_first_rows_feature_is_an_error_not_a_header(tmp_path: Path) -> None:
    path = tmp_path / "typo.csv"
    text = _rows(["0", "1"] * 30, None).replace("0.", "oops", 1)
    path.write_text(text)
    with pytest.raises(ValueError, match="oops"):
        load_csv(path)
