"""What counts as a number in a CSV cell, shared by every reading path so they agree."""

from __future__ import annotations

# Features and regression targets beyond this size are refused: far beyond any real
# measurement, and training squares them (float64 overflows above about 1e154).
MAX_MAGNITUDE = 1e100
# The same for a float32 run that trains on the values as they are (not standardised):
# float32 holds up to about 3.4e38, so squares overflow above about 1.8e19.
MAX_FLOAT32_MAGNITUDE = 1e15


def magnitude_limit(dtype: str, standardize: bool) -> float:
    """The largest value a CSV may hold for a run of this ``dtype``: standardised values
    are small whatever the data's scale, raw ones are trained on as they are."""
    return MAX_FLOAT32_MAGNITUDE if dtype == "float32" and not standardize else MAX_MAGNITUDE


def too_large(shown: str, limit: float) -> str:
    """Why a value (``shown`` as quoted in messages) over ``limit`` in size is refused."""
    return f"{shown} is beyond ±{limit:g}, too large to train on (it would overflow)"


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
