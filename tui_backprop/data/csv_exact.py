"""The exact CSV path: a row-by-row scan that knows the line and column of every cell.

It runs only when the fast path gave up, so it either reads a file numpy could not
(unusual quoting, spaces around quotes) or raises the precise error for a bad one.
"""

from __future__ import annotations

import csv
import math
import os
import re
from array import array
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

import numpy as np

from tui_backprop.data.cells import parse_number, too_large
from tui_backprop.data.columns import ColumnPlan
from tui_backprop.data.csv_file import Progress, reported_lines, whole_file_problem
from tui_backprop.data.csv_sniff import CsvLayout, csv_reader, is_blank
from tui_backprop.data.errors import fail, show
from tui_backprop.data.raw_table import RawTable

if TYPE_CHECKING:
    from _csv import Reader

# The first row counts as a header only when none of its names reads as a number.
DECIMAL_COMMA = re.compile(r"[+-]?\d*,\d+")  # 0,5: a decimal comma, as some locales write
SHORT_WORD = 24  # characters of an id or a column name the hint repeats
_TEXT_COLUMN_HINT = " (a column of names or ids? --drop-columns {name} leaves it out)"
_HEADER_HINT = " (if this row is a header, a name that reads as a number hides it)"


def read_exact(
    path: str | os.PathLike[str],
    source: str,
    layout: CsvLayout,
    plan: ColumnPlan,
    limit: float,
    progress: Progress | None = None,
) -> RawTable:
    """Every feature must be a finite number no larger than ``limit`` in size."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            lines = fh if progress is None else reported_lines(fh, progress)
            return _scan(lines, source, layout, plan, limit)
    except UnicodeDecodeError:
        problem = whole_file_problem(path, source)
        raise problem or fail(source, "is not UTF-8 text") from None
    except OSError as err:
        raise fail(source, f"cannot be read ({err.strerror or err})") from None


def _scan(
    lines: Iterable[str], source: str, layout: CsvLayout, plan: ColumnPlan, limit: float
) -> RawTable:
    reader = csv_reader(iter(lines), layout.delimiter)
    values = array("d")
    keys: dict[str, int] = {}
    codes = array("q")
    row_lines = array("q")
    for line, record in _numbered(reader, source):
        if line <= layout.skip_lines or is_blank(record):
            continue
        _check_width(record, line, source, layout, plan)
        broken = next((i for i, field in enumerate(record) if _has_line_break(field)), None)
        if broken is not None:
            raise fail(source, _open_quote(reader), line, plan.places[broken])
        hint = _HEADER_HINT if line == layout.first_line and layout.header is None else ""
        if not codes and not hint:  # the first row: a word there is a column of words
            hint = _TEXT_COLUMN_HINT
        values.extend(_row_values(record, line, source, plan, hint, limit))
        codes.append(keys.setdefault(record[plan.label], len(keys)))
        row_lines.append(line)
    if not codes:
        if layout.header is not None:
            raise fail(source, "header only, no data rows follow it", layout.first_line)
        raise fail(source, "empty file; expected rows of comma-separated numbers")
    features = np.frombuffer(values, dtype=np.float64).reshape(len(codes), -1).copy()
    return RawTable(features, list(keys), np.array(codes), np.array(row_lines))


def _numbered(reader: Reader, source: str) -> Iterator[tuple[int, list[str]]]:
    """Each record with the line it starts on. The reader's rare hard error (a quote left
    open until a field outgrows the csv limit) is reported at that line."""
    start = 1
    try:
        for record in reader:
            yield start, record
            start = reader.line_num + 1
    except csv.Error as err:
        problem = f"cannot split into fields ({err}); is a quote left open?"
        raise fail(source, problem, start) from None


def _has_line_break(field: str) -> bool:
    return "\n" in field or "\r" in field


def _open_quote(reader: Reader) -> str:
    """The problem with a cell that spans lines: only an open quote makes one, and no
    feature or label is ever written over several lines."""
    end = reader.line_num
    try:
        more = next(reader, None) is not None
    except csv.Error:
        more = True
    runs_to = f"line {end}" if more else "the end of the file"
    return f"a quoted cell runs from here to {runs_to}; is a quote left open?"


def _check_width(
    record: list[str], line: int, source: str, layout: CsvLayout, plan: ColumnPlan
) -> None:
    width, expected = len(record), layout.n_columns
    if width == expected:
        return
    hint = "; is a quote left open?" if any(map(_has_line_break, record)) else ""
    if width < expected and plan.label >= width:
        problem = f"the label is missing ({width} of {expected} fields{hint})"
        raise fail(source, problem, line, plan.places[plan.label])
    problem = f"{width} fields, expected {expected} like line {layout.first_line}{hint}"
    raise fail(source, problem, line)


def _row_values(
    record: list[str], line: int, source: str, plan: ColumnPlan, hint: str, limit: float
) -> list[float]:
    cells = [record[i] for i in plan.features]
    try:
        row = [float(cell) for cell in cells]
        if all(math.isfinite(v) and abs(v) <= limit for v in row) and not any(
            "_" in cell for cell in cells
        ):
            return row
    except ValueError:
        pass
    for i, cell in zip(plan.features, cells, strict=True):
        problem = _cell_problem(cell, limit)
        if problem:
            if hint == _TEXT_COLUMN_HINT:  # a short word (an id, a name) names its column
                word = problem.endswith("not a number") and len(cell.strip()) <= SHORT_WORD
                name = plan.names[i]
                hint = hint.format(name=name) if word and len(name) <= SHORT_WORD else ""
            raise fail(source, problem + hint, line, plan.places[i])
    raise AssertionError("a row failed to parse but no cell is bad")  # pragma: no cover


def _cell_problem(cell: str, limit: float) -> str | None:
    text = cell.strip()
    value = parse_number(text)
    if value is not None:
        if not math.isfinite(value):
            return f"{show(text)} is not allowed; values must be finite numbers"
        return None if abs(value) <= limit else too_large(show(text), limit)
    if not text:
        return "empty cell; expected a number"
    if "\x00" in text:
        return "binary data (a zero byte); expected UTF-8 text"
    if DECIMAL_COMMA.fullmatch(text):
        return (
            f"{show(text)} is not a number: write decimals with a point ({text.replace(',', '.')})"
        )
    return f"{show(text)} is not a number"
