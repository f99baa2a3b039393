"""The fast CSV path: one ``numpy.loadtxt`` pass in C over the whole file.

It accepts only what it can check in bulk and returns None for anything else (a parse
error, a non-finite value, an odd shape); the exact path then re-reads the file to name
the line and column, so error reporting costs nothing on good files.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import numpy as np

from tui_backprop.data.columns import ColumnPlan
from tui_backprop.data.csv_file import Progress, reported_lines
from tui_backprop.data.csv_sniff import CsvLayout
from tui_backprop.data.raw_table import RawTable

# loadtxt opens these through decompressors; the exact path reads the raw bytes instead.
_COMPRESSED = {".gz", ".bz2", ".xz", ".lzma", ".zip"}


def read_fast(
    path: str | os.PathLike[str],
    layout: CsvLayout,
    plan: ColumnPlan,
    limit: float,
    progress: Progress | None = None,
) -> RawTable | None:
    if Path(path).suffix.lower() in _COMPRESSED:
        return None
    keys: dict[str, int] = {}

    def code(cell: str) -> int:
        # Label cells go through Python (one call per row) so text labels stay on this path.
        found = keys.get(cell)
        if found is None:
            found = keys[cell] = len(keys)
        return found

    converters: dict[int | str, Callable[[str], float]] = {
        plan.label: code,
        **dict.fromkeys(plan.dropped, _ignore),
    }
    table = _loadtxt(path, layout, converters, progress)
    if any("\n" in key or "\r" in key for key in keys):
        return None  # a label over several lines: an open quote, named by the exact path
    if table is None or table.shape[0] == 0 or table.shape[1] != layout.n_columns:
        return None
    features = _take(table, plan.features)
    # The exact path names the non-finite or oversized cell.
    if not np.isfinite(features).all() or features.max() > limit or features.min() < -limit:
        return None
    codes = table[:, plan.label].astype(np.int64)
    return RawTable(features, list(keys), codes, None)


def _ignore(cell: str) -> float:
    return 0.0


def _loadtxt(
    path: str | os.PathLike[str],
    layout: CsvLayout,
    converters: Mapping[int | str, Callable[[str], float]],
    progress: Progress | None,
) -> np.ndarray | None:
    try:
        if progress is None:
            # A path string (not a file object) lets loadtxt read in large chunks.
            return _parse(os.path.abspath(path), layout, converters)
        # Lines in batches are as fast, and let the caller hear how far the read got.
        with open(path, encoding="utf-8-sig") as fh:
            return _parse(reported_lines(fh, progress), layout, converters)
    except (ValueError, OSError):
        return None


def _parse(
    source: str | Iterable[str],
    layout: CsvLayout,
    converters: Mapping[int | str, Callable[[str], float]],
) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "input contained no data" is handled above
        return np.loadtxt(
            source,
            dtype=np.float64,
            delimiter=layout.delimiter,
            quotechar='"',
            comments=None,
            skiprows=layout.skip_lines,
            encoding="utf-8-sig",
            ndmin=2,
            converters=converters,
        )


def _take(table: np.ndarray, columns: tuple[int, ...]) -> np.ndarray:
    if columns == tuple(range(len(columns))):
        return np.ascontiguousarray(table[:, : len(columns)])
    return table[:, list(columns)]
