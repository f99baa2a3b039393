"""Reading a TOML input (a set-up file for ``--config``, a lesson) without trusting it.

A name may point at anything: a device that never ends (``/dev/zero``), a FIFO that
blocks until a writer comes, a ``/proc`` file whose size says 0. So the file is opened
without blocking, refused unless it is a regular file, and read with a real cap of
``MAX_BYTES`` whatever its size says. Tables and arrays nest at most ``MAX_DEPTH`` deep:
a set-up file needs two levels, and thousands would exhaust the parser's recursion.
Every problem is a ``TomlInputError`` whose one line names the file, made printable.
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from typing import Any

from tui_backprop.data.text import PATH_LIMIT, printable

MAX_BYTES = 1_000_000  # a set-up file or a lesson is a page of text, not a data file
MAX_DEPTH = 16


class TomlInputError(ValueError):
    """A TOML input that cannot be used, said in one line that names it."""


def read_toml(path: str, what: str) -> dict[str, Any]:
    """The table in the file ``path``; ``what`` names the kind of file in messages
    ("set-up file", "lesson file")."""
    return parse_toml(read_text(path, what), path)


def read_text(path: str, what: str) -> str:
    """The text of ``path``: a regular UTF-8 file of at most ``MAX_BYTES``."""
    name = printable(path, PATH_LIMIT)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a FIFO must not block the open
    except FileNotFoundError:
        raise TomlInputError(f"{name}: no such file") from None
    except OSError as err:
        raise TomlInputError(f"{name}: cannot read the {what}: {_reason(err)}") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise TomlInputError(f"{name}: is a directory, not a {what}")
        if not stat.S_ISREG(mode):
            raise TomlInputError(f"{name}: is not a regular file, so not a {what}")
        data = _read_at_most(fd, MAX_BYTES + 1)
    except OSError as err:
        raise TomlInputError(f"{name}: cannot read the {what}: {_reason(err)}") from None
    finally:
        os.close(fd)
    if len(data) > MAX_BYTES:
        raise TomlInputError(f"{name}: a {what} is at most {MAX_BYTES:,} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise TomlInputError(f"{name}: not a UTF-8 text file") from None


def _read_at_most(fd: int, limit: int) -> bytes:
    """Up to ``limit`` bytes of ``fd``: fewer only at its end."""
    chunks, size = [], 0
    while size < limit:
        chunk = os.read(fd, limit - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def parse_toml(text: str, source: str) -> dict[str, Any]:
    """The table ``text`` holds; ``source`` names it in messages."""
    name = printable(source, PATH_LIMIT)
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise TomlInputError(f"{name}: {_toml_problem(str(err))}") from None
    except RecursionError:
        raise TomlInputError(f"{name}: nested more than {MAX_DEPTH} levels deep") from None
    if _depth(table) > MAX_DEPTH:
        raise TomlInputError(f"{name}: nested more than {MAX_DEPTH} levels deep")
    return table


def _toml_problem(message: str) -> str:
    """``line 3, column 7: not TOML: invalid value`` from tomllib's ``Invalid value (at
    line 3, column 7)``."""
    found = re.fullmatch(r"(.*) \(at (line \d+, column \d+|end of document)\)", message)
    if not found:
        return f"not TOML: {message}"
    return f"{found[2]}: not TOML: {found[1][:1].lower()}{found[1][1:]}"


def _depth(value: object) -> int:
    """How deep tables and arrays nest in ``value`` (a scalar is 0), without recursion."""
    deepest, todo = 0, [(value, 0)]
    while todo:
        item, level = todo.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level + 1)
            children = item.values() if isinstance(item, dict) else item
            todo.extend((child, level + 1) for child in children)
    return deepest


def _reason(err: OSError) -> str:
    return (err.strerror or str(err)).lower()
