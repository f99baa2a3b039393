"""Guessing a CSV file's delimiter and whether its first row is a header, from a sample.

The delimiter is whichever of ``,`` ``;`` tab ``|`` splits the sampled rows into the same
number (more than one) of fields, preferring more fields, unless a first line such as
``sep=;`` (a spreadsheet's) names it. Lines that all end with a delimiter (spreadsheets
again) have an empty last column, which is dropped. The first row is a header when
none of its fields is a number and at most one is empty (pandas writes an empty name over
its index column). Column names that are numbers (wavelengths, years) make a header too
when the last column (the label's, by default) gives it away: text above numbers only
(``grade`` over 0s and 1s), or a name above class labels that repeat and never name it
(``class`` over ``good`` and ``bad``), as a data row's label would. Only the last column:
a stray word in a data row's feature stays an error, not a header. Otherwise the first
row is data and columns get positional names.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tui_backprop.data.cells import parse_number
from tui_backprop.data.csv_file import Head
from tui_backprop.data.errors import fail

if TYPE_CHECKING:
    from _csv import Reader

DELIMITERS = (",", ";", "\t", "|")
SEP_LINE = re.compile(r"sep=([,;\t|])[ \t]*\r?\n")
_SNIFF_ROWS = 20


@dataclass(frozen=True)
class CsvLayout:
    delimiter: str
    n_columns: int
    header: tuple[str, ...] | None
    skip_lines: int  # physical lines up to and including the header (and a sep= line)
    first_line: int  # line number of the first record, header or data
    # every sampled line ends with a delimiter (as spreadsheets write): the empty last
    # column is dropped and the label is the one before it
    empty_tail: bool = False


def csv_reader(lines: Iterator[str], delimiter: str) -> Reader:
    """The one csv configuration every path uses: double-quote quoting, spaces allowed
    before a field (and stripped after it by the callers)."""
    return csv.reader(lines, delimiter=delimiter, quotechar='"', skipinitialspace=True)


def is_blank(record: list[str]) -> bool:
    return not record or (len(record) == 1 and not record[0].strip())


def sniff(head: Head, source: str) -> CsvLayout:
    said = SEP_LINE.match(head.text)  # a spreadsheet's "sep=;" names the delimiter
    text, shift = (head.text[said.end() :], 1) if said else (head.text, 0)
    delimiter = (
        said.group(1) if said else max(DELIMITERS, key=lambda d: _score(_sample_records(text, d)))
    )
    records = [(a + shift, b + shift, r) for a, b, r in _sample_records(text, delimiter)]
    if not records:
        raise fail(source, "empty file; expected rows of comma-separated numbers")
    first_line, end_line, first = records[0]
    tail = len(first) > 2 and all(not fields[-1].strip() for _, _, fields in records)
    cut = slice(None, -1 if tail else None)  # a header is found above the labels
    below = [fields[cut] for _, _, fields in records[1:]]
    if not (_looks_like_header(first[cut]) or _named_above(first[cut], below)):
        return CsvLayout(delimiter, len(first), None, shift, first_line, tail)
    names = tuple(name.strip() or f"col{i + 1}" for i, name in enumerate(first))
    if len(records) == 1 and head.whole:
        raise fail(source, "header only, no data rows follow it", first_line)
    return CsvLayout(delimiter, len(first), names, end_line, first_line, tail)


def _sample_records(text: str, delimiter: str) -> list[tuple[int, int, list[str]]]:
    """(start line, end line, fields) of the first non-blank records."""
    reader = csv_reader(io.StringIO(text, newline=""), delimiter)
    found: list[tuple[int, int, list[str]]] = []
    start = 1
    try:
        for record in reader:
            if not is_blank(record):
                found.append((start, reader.line_num, record))
                if len(found) > _SNIFF_ROWS:
                    break
            start = reader.line_num + 1
    except csv.Error:
        pass  # e.g. an open quote swallowing the sample; the full read names the line
    return found


def _score(records: list[tuple[int, int, list[str]]]) -> tuple[bool, int]:
    counts = {len(fields) for _, _, fields in records}
    first = len(records[0][2]) if records else 0
    return (len(counts) == 1 and first > 1, first)


def _looks_like_header(fields: list[str]) -> bool:
    cells = [field.strip() for field in fields]
    no_numbers = all(parse_number(cell) is None for cell in cells)
    return no_numbers and sum(not cell for cell in cells) <= min(1, len(cells) - 1)


MIN_BELOW = 10  # sampled rows under a column before its first cell can give a header away


def _named_above(first: list[str], rows: list[list[str]]) -> bool:
    """Whether the first row's last field is a name, not a label: text above numbers
    only, or text above labels that repeat (half as many kinds as rows, or fewer) and
    never equal it."""
    rows = [r for r in rows if len(r) == len(first)]
    top = first[-1].strip()
    if len(rows) < MIN_BELOW or not top or parse_number(top) is not None:
        return False
    below = [r[-1].strip() for r in rows]
    if all(parse_number(cell) is not None for cell in below):
        return True
    return top not in below and len(set(below)) <= len(below) // 2
