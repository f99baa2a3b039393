"""The student's process: ``python -m tui_backprop.check.student_runner FILE NAME``.

It loads FILE as a module named ``student`` (so an ``if __name__ == "__main__":`` block
does not run), says which of the contract's functions it defines and which optional
keywords each accepts, then answers one call after another until its input ends.
Messages go over the descriptors it was started with as standard input and output;
the student's own printing goes to standard error. Its address space is limited before
their code runs (``BACKPROP_TUI_CHECK_MEMORY`` bytes beyond what NumPy took).
"""

from __future__ import annotations

import inspect
import os
import re
import resource
import sys
import threading
import time
import traceback
from collections.abc import Callable
from types import TracebackType
from typing import Any, BinaryIO

import numpy as np

from tui_backprop.check.contract import BIAS_GRADIENTS, BIASES, FUNCTIONS
from tui_backprop.check.pipe_messages import (
    REPLY_BYTES,
    Header,
    pack,
    read_message,
    unpack,
    write_message,
)
from tui_backprop.check.verdicts import Status

PAGE = os.sysconf("SC_PAGE_SIZE")
MAX_REQUEST = 1 << 34  # the caller's arrays: trusted, bounded by the caller's own memory
PARENT_POLL = 0.5  # seconds between looks at whether the caller still runs
MAX_FRAMES = 12  # a traceback's last frames in their file (a deep recursion has hundreds)
LINE_LIMIT = 2000  # characters of one line of a message (the caller cuts it further)
# NumPy's kinds of array that are not real numbers, in words
KINDS = {"c": "complex numbers", "U": "text", "S": "bytes", "O": "Python objects", "M": "dates"}


def main(argv: list[str]) -> None:
    path, name = argv[0], argv[1]
    threading.Thread(target=_end_with_parent, args=(os.getppid(),), daemon=True).start()
    requests, replies = _private_pipes()
    _limit_memory(int(os.environ.get("BACKPROP_TUI_CHECK_MEMORY", "0")))
    namespace, problem = _load(path, name)
    if problem is not None:
        write_message(replies, problem)
        return
    write_message(replies, {"defined": _defined(namespace)})

    def read_exactly(n: int) -> bytes:
        data = requests.read(n)
        if len(data) < n:
            raise EOFError
        return data

    while True:
        try:
            header, arrays = read_message(read_exactly, MAX_REQUEST)
        except EOFError:
            return
        reply, values = _answer(namespace, header, arrays, path, name)
        try:  # the message is made whole in memory before a byte of it is written
            write_message(replies, reply, values)
        except MemoryError:
            write_message(replies, _out_of_memory())


def _end_with_parent(parent: int) -> None:
    """Exit once the process that started this one has ended, even in the middle of the
    student's loop. (``PR_SET_PDEATHSIG`` would also fire when the parent's *thread*
    that started it ends, and the app starts it from a worker thread.)"""
    while os.getppid() == parent:
        time.sleep(PARENT_POLL)
    os._exit(0)


def _private_pipes() -> tuple[BinaryIO, BinaryIO]:
    """The message pipes, moved off descriptors 0 and 1: the student's ``input()``
    reads nothing and their ``print`` writes to standard error."""
    requests = os.fdopen(os.dup(0), "rb")
    replies = os.fdopen(os.dup(1), "wb")
    nothing = os.open(os.devnull, os.O_RDONLY)
    os.dup2(nothing, 0)
    os.close(nothing)
    os.dup2(2, 1)
    return requests, replies


def _limit_memory(extra: int) -> None:
    """Allow ``extra`` bytes of address space beyond what is mapped now (Python, NumPy)."""
    try:
        with open("/proc/self/statm") as statm:
            mapped = int(statm.read().split()[0]) * PAGE
    except OSError:  # not Linux: the time limit still holds
        return
    if extra <= 0:
        return
    limit = mapped + extra
    hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _load(path: str, name: str) -> tuple[dict[str, Any], Header | None]:
    """The file's namespace, or the problem that kept it from loading."""
    try:
        with open(path, "rb") as file:
            source = file.read()
        code = compile(source, path, "exec")
    except SyntaxError as err:
        where = f", line {err.lineno}" if err.lineno else ""
        return {}, {"problem": f"{name}{where}: {err.msg}", "line": err.lineno}
    except (OSError, ValueError) as err:  # unreadable, or a NUL byte in it
        return {}, {"problem": f"{name}: cannot be read: {err}"}
    namespace: dict[str, Any] = {"__name__": "student", "__file__": path}
    sys.path.insert(0, os.path.dirname(path))  # their own helper modules beside it
    try:
        exec(code, namespace)
    except BaseException as err:  # anything their file does is reported
        lines = _their_lines(err, path, name)
        return {}, {"problem": f"{name} raised while loading:\n{lines}"}
    return namespace, None


def _defined(namespace: dict[str, Any]) -> dict[str, list[str]]:
    """Each contract function the file defines, with the optional keywords it takes."""
    defined: dict[str, list[str]] = {}
    for function in FUNCTIONS:
        if function in namespace:
            defined[function] = _keywords(namespace[function])
    return defined


def _keywords(function: object) -> list[str]:
    try:
        parameters = inspect.signature(function).parameters  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return []
    open_ended = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
    return [k for k in (BIASES, BIAS_GRADIENTS) if open_ended or k in parameters]


def _answer(
    namespace: dict[str, Any], header: Header, arrays: list[Any], path: str, name: str
) -> tuple[Header, list[Any]]:
    """Run one call; the reply and its arrays."""
    function: Callable[..., object] = namespace[header["call"]]
    args = unpack(header["args"], arrays)
    values = unpack(header["keywords"], arrays)
    assert isinstance(values, list)  # the caller packed a list
    keywords = dict(zip(header["names"], values, strict=True))
    try:
        value = function(*args, **keywords)  # type: ignore[misc]
    except NotImplementedError:
        return {"status": Status.NOT_WRITTEN.value}, []
    except MemoryError:
        return _out_of_memory(), []
    except BaseException as err:  # SystemExit, KeyboardInterrupt too
        return {"status": Status.RAISED.value, "message": _their_lines(err, path, name)}, []
    returned: list[Any] = []
    try:
        spec = pack(_numbers(value), returned)
        _within_reply(returned)
    except MemoryError:  # their arrays made float64
        return _out_of_memory(), []
    except (TypeError, ValueError) as err:
        return {"status": Status.BAD_RETURN.value, "message": str(err)}, []
    return {"status": Status.OK.value, "value": spec}, returned


def _within_reply(arrays: list[Any]) -> None:
    """ValueError when ``arrays`` are more than one answer may hold, with their shapes
    (a broadcast of a column against a row makes rows × rows)."""
    size = sum(a.nbytes for a in arrays)
    if size > REPLY_BYTES:
        shapes = ", ".join(str(a.shape) for a in arrays[:4]) + (", …" if len(arrays) > 4 else "")
        raise ValueError(
            f"returned {size / 2**20:,.0f} MiB of arrays, more than an answer may hold "
            f"({REPLY_BYTES / 2**20:,.0f} MiB): shapes {shapes}"
        )


def _out_of_memory() -> Header:
    return {"status": Status.OUT_OF_MEMORY.value, "message": _memory_message()}


def _memory_message() -> str:
    limit = resource.getrlimit(resource.RLIMIT_AS)[0]
    extra = os.environ.get("BACKPROP_TUI_CHECK_MEMORY", "")
    said = f"{int(extra) / 2**20:,.0f} MiB" if extra.isdigit() else f"{limit / 2**20:,.0f} MiB"
    return f"MemoryError: it asked for more memory than a check allows ({said})"


def _numbers(value: object, depth: int = 0) -> object:
    """``value`` as arrays of float64 in lists, two lists deep at most; ValueError
    saying what it was otherwise."""
    if isinstance(value, list | tuple) and depth < 2:
        return [_numbers(v, depth + 1) for v in value]
    if value is None:
        raise ValueError("returned None where arrays are expected (a missing return?)")
    if isinstance(value, np.ndarray | np.generic | int | float) and not isinstance(value, bool):
        array = np.asarray(value)
        if array.dtype.kind in "biuf":
            return array.astype(np.float64, copy=False)
        kind = KINDS.get(array.dtype.kind, "values")
        raise ValueError(
            f"returned an array of {kind} ({array.dtype}) where real numbers are expected"
        )
    if isinstance(value, list | tuple):
        raise ValueError("returned lists nested too deep: a list of NumPy arrays is expected")
    raise ValueError(f"returned a {type(value).__name__} where NumPy arrays are expected")


def _their_lines(err: BaseException, path: str, name: str) -> str:
    """The exception with the traceback lines inside the student's file only, and the
    shapes of the arrays named on the line it stopped at."""
    frames = [f for f in traceback.extract_tb(err.__traceback__) if f.filename == path]
    lines = [f'  File "{name}", line {f.lineno}, in {f.name}\n    {f.line or ""}' for f in frames]
    if len(lines) > MAX_FRAMES:  # a deep recursion: its last calls tell where
        lines = [f"  ({len(lines) - MAX_FRAMES} calls before these)", *lines[-MAX_FRAMES:]]
    shapes = _shapes_on_line(err.__traceback__, path)
    told = "".join(traceback.format_exception_only(type(err), err)).strip()
    lines += [*told.splitlines()[:MAX_FRAMES], *([shapes] if shapes else [])]
    return "\n".join(line[:LINE_LIMIT] for line in lines)


def _shapes_on_line(tb: TracebackType | None, path: str) -> str:
    """'shapes on that line: delta (10, 1), W (4, 1)' for the last frame in their file."""
    last = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == path:
            last = tb
        tb = tb.tb_next
    if last is None:
        return ""
    text = traceback.extract_tb(last, limit=1)[0].line or ""
    names = dict.fromkeys(re.findall(r"[A-Za-z_]\w*", text))
    local = last.tb_frame.f_locals
    shapes = [f"{n} {local[n].shape}" for n in names if isinstance(local.get(n), np.ndarray)]
    return f"shapes on that line: {', '.join(shapes)}" if shapes else ""


if __name__ == "__main__":
    main(sys.argv[1:])
