"""Which CSV column is the label, which are dropped, and what everything is called.

``label_column`` and ``drop_columns`` entries may be a header name or a 0-based index;
negative indices count from the end as in Python (-1 is the last column). A string that
is not a header name but reads as an integer (``"3"``, ``"-1"``) is taken as an index,
so command-line values work either way. Without a header, features are named
``x1``, ``x2``, ... in file order and the label ``y``; messages then number columns
from 1, as a spreadsheet does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tui_backprop.data.csv_sniff import DELIMITERS, CsvLayout
from tui_backprop.data.errors import fail, show
from tui_backprop.data.text import printable

_LISTED = 8


@dataclass(frozen=True)
class ColumnPlan:
    label: int
    features: tuple[int, ...]
    dropped: tuple[int, ...]
    names: tuple[str, ...]  # per file column, as the Dataset names it
    places: tuple[str, ...]  # per file column, as messages name it

    @property
    def feature_names(self) -> tuple[str, ...]:
        return tuple(self.names[i] for i in self.features)

    @property
    def label_name(self) -> str:
        return self.names[self.label]

    @property
    def dropped_names(self) -> tuple[str, ...]:
        return tuple(self.names[i] for i in self.dropped)


def plan_columns(
    layout: CsvLayout,
    source: str,
    label_column: str | int | None = None,
    drop_columns: Sequence[str | int] = (),
) -> ColumnPlan:
    if layout.n_columns < 2:
        tried = " ".join("tab" if d == "\t" else d for d in DELIMITERS)
        raise fail(
            source,
            f"found a single column; need feature columns and a label (separators tried: {tried})",
        )
    tail = (layout.n_columns - 1,) if layout.empty_tail else ()
    label = (-2 if tail else -1) if label_column is None else label_column
    label_at = _resolve(label, layout, source)
    dropped = tuple(
        dict.fromkeys([*tail, *(_resolve(ref, layout, source) for ref in drop_columns)])
    )
    if label_at in dropped:
        raise fail(source, "cannot be dropped: it is the label", column=_place(layout, label_at))
    features = tuple(i for i in range(layout.n_columns) if i != label_at and i not in dropped)
    if not features:
        raise fail(source, "no feature column left once the label and dropped columns are removed")
    names, places = _names(layout, label_at, features)
    return ColumnPlan(label_at, features, tuple(sorted(dropped)), names, places)


def _resolve(ref: str | int, layout: CsvLayout, source: str) -> int:
    if isinstance(ref, int) and not isinstance(ref, bool):
        return _checked_index(ref, layout, source)
    text = str(ref).strip()
    if layout.header is not None:
        matches = [i for i, name in enumerate(layout.header) if name == text]
        if len(matches) > 1:
            raise fail(source, f"{len(matches)} columns are named {show(text)}; give an index")
        if matches:
            return matches[0]
    index = _as_int(text)
    if index is not None:
        return _checked_index(index, layout, source)
    if layout.header is None:
        raise fail(
            source,
            f"no column named {show(text)}: the file has no header row, so give a 0-based index",
        )
    listed = ", ".join(map(printable, layout.header[:_LISTED])) + (
        ", ..." if layout.n_columns > _LISTED else ""
    )
    raise fail(source, f"no column named {show(text)} (columns: {listed})")


def _as_int(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def _checked_index(index: int, layout: CsvLayout, source: str) -> int:
    n = layout.n_columns
    if not -n <= index < n:
        raise fail(source, f"column index {index} is out of range for {n} columns (0..{n - 1})")
    return index % n


def _place(layout: CsvLayout, i: int) -> str:
    return show(layout.header[i]) if layout.header is not None else str(i + 1)


def _names(
    layout: CsvLayout, label: int, features: tuple[int, ...]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    places = tuple(_place(layout, i) for i in range(layout.n_columns))
    if layout.header is not None:
        shown = (printable(name).strip() or f"col{i + 1}" for i, name in enumerate(layout.header))
        return tuple(shown), places
    names = [f"column {i + 1}" for i in range(layout.n_columns)]
    for number, i in enumerate(features, start=1):
        names[i] = f"x{number}"
    names[label] = "y"
    return tuple(names), places
