"""What counts as a number in a CSV cell, shared by every reading path so they agree."""

from __future__ import annotations


def parse_number(cell: str) -> float | None:
    """The cell's value, or None when it is not a number. Surrounding spaces are allowed;
    Python's digit-group underscores are not, because ``numpy.loadtxt`` (the fast path)
    rejects them and both paths must accept the same files."""
    if "_" in cell:
        return None
    try:
        return float(cell)
    except ValueError:
        return None


def number_text(value: float) -> str:
    """A numeric class label as people write it: ``1`` rather than ``1.0``."""
    if value.is_integer():
        return str(int(value))
    return repr(value)
