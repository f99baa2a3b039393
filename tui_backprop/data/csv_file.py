"""Opening a CSV path safely: existence, size limit, and refusing content that is not
UTF-8 text (spreadsheets renamed ``.csv``, UTF-16 exports, compressed or binary files)."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import BinaryIO, TextIO

from tui_backprop.data.errors import DatasetError, fail

MAX_FILE_MB = 200
MAX_FILE_BYTES = MAX_FILE_MB * 1_000_000

PROGRESS_BYTES = 2 * 1024 * 1024  # how often a progress callback hears of a read

# A loader's progress callback: bytes read so far and the file's size. Whatever it raises
# (a cancellation, say) ends the load and reaches the loader's caller unchanged.
Progress = Callable[[int, int], None]

_SAMPLE_BYTES = 64 * 1024
_MAX_SAMPLE_BYTES = 8 * 1024 * 1024
_BOM = b"\xef\xbb\xbf"
_SIGNATURES = (
    (
        b"PK\x03\x04",
        "a zip archive (an .xlsx or .ods spreadsheet?), not CSV text; export it as CSV",
    ),
    (b"PK\x05\x06", "an empty zip archive, not CSV text"),
    (
        b"\xd0\xcf\x11\xe0",
        "an Office file (an old .xls spreadsheet?), not CSV text; export it as CSV",
    ),
    (b"\x1f\x8b", "gzip-compressed; decompress it first"),
    (b"\xff\xfe", "UTF-16 text; save it as UTF-8"),
    (b"\xfe\xff", "UTF-16 text; save it as UTF-8"),
)


@dataclass(frozen=True)
class Head:
    """The decoded start of a file (BOM removed), cut at a line end unless ``whole``."""

    text: str
    whole: bool


def read_head(path: str | os.PathLike[str], source: str) -> Head:
    """Check the path and return enough of its text to sniff the dialect."""
    size = _checked_size(path, source)
    try:
        with open(path, "rb") as fh:
            data, whole = _read_sample(fh)
    except OSError as err:
        raise fail(source, f"cannot be read ({err.strerror or err})") from None
    problem = bad_bytes(data, source, whole)
    if problem is not None:
        raise problem
    whole = whole or len(data) >= size
    return Head(_decode_sample(data, whole, source), whole)


def _checked_size(path: str | os.PathLike[str], source: str) -> int:
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        raise fail(source, "no such file") from None
    except OSError as err:
        raise fail(source, f"cannot be read ({err.strerror or err})") from None
    if stat.S_ISDIR(info.st_mode):
        raise fail(source, "is a directory, not a CSV file")
    if not stat.S_ISREG(info.st_mode):
        raise fail(source, "is not a regular file")
    if info.st_size > MAX_FILE_BYTES:
        raise fail(
            source,
            f"{_megabytes(info.st_size)} MB is over the {MAX_FILE_BYTES / 1e6:g} MB limit "
            "for a CSV file",
        )
    return info.st_size


def _megabytes(size: int) -> str:
    """``size`` in MB with as many decimals as it takes to show it over the limit."""
    for decimals in range(1, 6):
        text = f"{size / 1e6:.{decimals}f}"
        if float(text) * 1e6 > MAX_FILE_BYTES:
            return text
    return f"{size / 1e6:.6f}"  # to the byte


def _read_sample(fh: BinaryIO) -> tuple[bytes, bool]:
    """Read at least two whole lines (a header and a row) when the file has them."""
    data = fh.read(_SAMPLE_BYTES)
    while data.count(b"\n") + data.count(b"\r") < 2 and len(data) < _MAX_SAMPLE_BYTES:
        more = fh.read(len(data) or _SAMPLE_BYTES)
        if not more:
            return data, True
        data += more
    more = fh.read(1)
    return data + more, not more


def bad_bytes(data: bytes, source: str, whole: bool = True) -> DatasetError | None:
    """Why these bytes are not UTF-8 CSV text, or None. A partial sample may end
    inside a multi-byte character; that is not an error."""
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            return fail(source, f"this is {what}")
    zero = data.find(b"\x00")
    if zero >= 0:
        if _looks_like_utf16(data):
            return fail(source, "this looks like UTF-16 text; save it as UTF-8")
        return fail(source, "binary data (a zero byte); expected UTF-8 text", _line_at(data, zero))
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        if whole or err.start < len(data) - 3:
            byte = data[err.start]
            return fail(
                source,
                f"byte 0x{byte:02X} is not UTF-8 text; save the file as UTF-8",
                _line_at(data, err.start),
            )
    return None


def _looks_like_utf16(data: bytes) -> bool:
    """Zero bytes mostly at even or mostly at odd offsets, as in UTF-16 Latin text; zeros
    at both (e.g. a file of nothing but zeros) are binary data."""
    even, odd = data[0::2].count(0), data[1::2].count(0)
    return max(even, odd) > len(data) // 4 and min(even, odd) < max(even, odd) // 8


def _line_at(data: bytes, offset: int) -> int:
    """1-based line of ``offset``; CRLF, LF and lone CR each end a line."""
    ends = data.count(b"\n", 0, offset) + data.count(b"\r", 0, offset)
    return ends - data.count(b"\r\n", 0, offset) + 1


def _decode_sample(data: bytes, whole: bool, source: str) -> str:
    data = data.removeprefix(_BOM)
    text = data.decode("utf-8", errors="ignore" if not whole else "strict")
    if whole:
        return text
    end = max(text.rfind("\n"), text.rfind("\r"))  # the last line may be cut short
    if end < 0:
        raise fail(
            source, f"line 1 runs past the first {_MAX_SAMPLE_BYTES:,} bytes; not a CSV table"
        )
    return text[: end + 1]


def whole_file_problem(path: str | os.PathLike[str], source: str) -> DatasetError | None:
    """Scan the full file for non-text bytes; used only once a read has already failed."""
    with open(path, "rb") as fh:
        return bad_bytes(fh.read(), source)


def reported_lines(fh: TextIO, progress: Progress) -> Iterator[str]:
    """The lines of ``fh``, telling ``progress`` after each ``PROGRESS_BYTES`` or so."""
    size = os.fstat(fh.fileno()).st_size
    for lines in iter(partial(fh.readlines, PROGRESS_BYTES), []):
        yield from lines
        progress(fh.buffer.tell(), size)
