"""Messages between the app and the student's process: a JSON header and NumPy arrays
in ``.npy`` form, each part after its length. Nothing is pickled, so whatever the
student's process sends, reading it runs no code of theirs."""

from __future__ import annotations

import io
import json
import struct
from collections.abc import Callable, Sequence
from typing import Any, BinaryIO

import numpy as np

from tui_backprop.engine.activations import Array

LENGTH = struct.Struct("<Q")
MAX_HEADER = 1 << 20
REPLY_BYTES = 1 << 28  # the arrays of one answer from the student's process, at most
Header = dict[str, Any]
ReadExactly = Callable[[int], bytes]  # n bytes, or raises EOFError


class MessageError(ValueError):
    """A message that is not one: too large, not JSON, an array NumPy cannot read."""


def write_message(stream: BinaryIO, header: Header, arrays: Sequence[Array] = ()) -> None:
    """Write ``header`` (which says how many arrays follow) and the arrays, then flush."""
    body = json.dumps({**header, "arrays": len(arrays)}).encode()
    parts = [LENGTH.pack(len(body)), body]
    for array in arrays:
        buffer = io.BytesIO()
        np.save(buffer, np.ascontiguousarray(array), allow_pickle=False)
        data = buffer.getvalue()
        parts += [LENGTH.pack(len(data)), data]
    stream.write(b"".join(parts))
    stream.flush()


def read_message(read: ReadExactly, max_bytes: int) -> tuple[Header, list[Array]]:
    """One message; its arrays as float64. Raises MessageError past ``max_bytes`` or
    for anything malformed, EOFError when the stream ends first."""
    header = _json(read(_length(read, MAX_HEADER)))
    count = header.get("arrays")
    if not isinstance(count, int) or count < 0:
        raise MessageError("a message without its count of arrays")
    arrays: list[Array] = []
    left = max_bytes
    for _ in range(count):
        size = _length(read, left)
        left -= size
        arrays.append(_array(read(size)))
    return header, arrays


def _length(read: ReadExactly, most: int) -> int:
    (size,) = LENGTH.unpack(read(LENGTH.size))
    if size > most:
        raise MessageError(f"a message of more than {most:,} bytes")
    return int(size)


def _json(data: bytes) -> Header:
    try:
        header = json.loads(data)
    except (UnicodeDecodeError, ValueError, RecursionError) as err:
        raise MessageError(f"a header that is not JSON: {err}") from None
    if not isinstance(header, dict):
        raise MessageError("a header that is not a JSON object")
    return header


def _array(data: bytes) -> Array:
    try:
        array = np.load(io.BytesIO(data), allow_pickle=False)
    except (ValueError, OSError, EOFError) as err:
        raise MessageError(f"an array NumPy cannot read: {err}") from None
    if not isinstance(array, np.ndarray) or array.dtype.kind not in "biuf":
        raise MessageError("an array that is not of numbers")
    result: Array = array.astype(np.float64, copy=False)
    return result


Nested = Array | float | list["Nested"]  # an argument or a returned value


def pack(value: object, arrays: list[Array]) -> object:
    """``value`` (arrays, numbers, lists and tuples of them) as JSON, its arrays appended
    to ``arrays`` and named by position. Raises TypeError for anything else."""
    if isinstance(value, np.ndarray):
        arrays.append(value)
        return {"a": len(arrays) - 1}
    if isinstance(value, list | tuple):
        return {"l": [pack(v, arrays) for v in value]}
    if isinstance(value, int | float) and not isinstance(value, bool):
        return {"n": float(value)}
    raise TypeError(type(value).__name__)


def unpack(spec: object, arrays: Sequence[Array], depth: int = 3) -> Nested:
    """What ``pack`` made, read back; MessageError for a spec it could not have made or
    nested deeper than ``depth`` lists."""
    if isinstance(spec, dict) and len(spec) == 1:
        ((kind, inner),) = spec.items()
        if kind == "a" and isinstance(inner, int) and 0 <= inner < len(arrays):
            return arrays[inner]
        if kind == "n" and isinstance(inner, int | float) and not isinstance(inner, bool):
            return float(inner)
        if kind == "l" and isinstance(inner, list) and depth > 0:
            return [unpack(v, arrays, depth - 1) for v in inner]
    raise MessageError("a value the message cannot hold")
