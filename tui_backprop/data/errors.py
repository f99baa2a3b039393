"""The one exception the data layer raises, and the helpers that word its messages."""

from __future__ import annotations

from tui_backprop.data.text import PATH_LIMIT, printable

_MAX_SHOWN = 40


class DatasetError(ValueError):
    """A dataset that cannot be used. ``str(err)`` is one line naming the file, the place
    (line and column where relevant) and the problem, e.g.
    ``data.csv: line 7, column 'petal_width': 'abc' is not a number``."""


def place(source: str, line: int | None = None, column: str | None = None) -> str:
    """``source``, ``source: line 7`` or ``source: line 7, column 'x'`` (no trailing colon).
    ``source`` is a file name, made printable here since any byte may be in one."""
    source = printable(source, PATH_LIMIT)
    parts = [f"line {line}"] if line is not None else []
    if column is not None:
        parts.append(f"column {column}")
    return f"{source}: {', '.join(parts)}" if parts else source


def fail(
    source: str, problem: str, line: int | None = None, column: str | None = None
) -> DatasetError:
    """Build (not raise) the error, so callers write ``raise fail(...)`` and type checkers
    see the raise."""
    return DatasetError(f"{place(source, line, column)}: {problem}")


def show(text: str) -> str:
    """Quote a cell for a message: repr() keeps it on one line and spells out control and
    bidi characters as escapes; long cells are cut."""
    if len(text) > _MAX_SHOWN:
        text = text[: _MAX_SHOWN - 1] + "…"
    return repr(text)
