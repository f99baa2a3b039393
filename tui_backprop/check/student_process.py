"""The student's file, loaded and run in a process of its own.

Their code never runs in the caller's process: a call that loops, allocates without
end, crashes the interpreter or exits ends that call with a verdict and the caller goes
on. Each call has a time limit (the process is ended and started again after one runs
over, and that function is not called again until the file is loaded anew); the
process's address space is limited (``RLIMIT_AS``), so a huge allocation is a
MemoryError in their process. Their printing goes to the caller's standard error
(``echo``) or nowhere, never into the messages. What comes back is read without
unpickling (``pipe_messages``).

The process has a session of its own (a Ctrl-C at the terminal is the caller's to
handle) and ends itself when its caller ends (``student_runner``).

Calls block for up to the time limit: the app makes them from a worker thread, one at
a time (a ``StudentCode`` is not shared between threads).
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from tui_backprop.check.contract import FUNCTIONS, Call
from tui_backprop.check.pipe_messages import (
    REPLY_BYTES,
    Header,
    MessageError,
    Nested,
    pack,
    read_message,
    unpack,
    write_message,
)
from tui_backprop.check.verdicts import Status, one_line
from tui_backprop.data.text import printable_lines
from tui_backprop.engine.activations import Array

CALL_SECONDS = 5.0  # one call of one function, at most
LOAD_SECONDS = 30.0  # starting Python and NumPy on a busy machine, and the file's own code
MEMORY_BYTES = 1 << 30  # address space their code may take beyond NumPy's own
LINE_LIMIT = 400  # characters of one line of a message from the student's process
RUNNER = "tui_backprop.check.student_runner"


class LoadError(ValueError):
    """A file that cannot be loaded, in one line (with the line of a syntax error)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line

    @property
    def headline(self) -> str:
        """The problem in one line, for a status line."""
        first, _, rest = str(self).partition("\n")
        return f"{first} {one_line(rest)}" if rest else first


@dataclass(frozen=True, eq=False)
class CallResult:
    """What one call came to: OK with the value returned, or why there is none."""

    status: Status  # OK, NOT_WRITTEN, RAISED, TIMED_OUT, OUT_OF_MEMORY, CRASHED, BAD_RETURN
    value: Nested | None = None
    message: str = ""


class _Stopped(Exception):
    """The process did not answer: it ran out of time or ended."""

    def __init__(self, status: Status, message: str) -> None:
        super().__init__(message)
        self.status = status


class StudentCode:
    """One student's file and the process that runs it. ``load()`` first (again after
    the file changed); ``close()`` (or ``with``) ends the process."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        time_limit: float = CALL_SECONDS,
        memory_limit: int = MEMORY_BYTES,
        echo: bool = False,
    ) -> None:
        self.path = Path(path)
        self.time_limit = time_limit
        self.memory_limit = memory_limit
        self.echo = echo
        self.defined: frozenset[str] = frozenset()  # the contract's functions the file has
        self._keywords: dict[str, frozenset[str]] = {}
        self._given_up: dict[str, CallResult] = {}
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> StudentCode:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def accepts(self, function: str) -> frozenset[str]:
        """The optional keywords (``biases``, ``bias_gradients``) ``function`` takes."""
        return self._keywords.get(function, frozenset())

    def load(self) -> None:
        """(Re)start the process and load the file in it; raises LoadError. Functions
        given up on after a time-out are tried again."""
        self._given_up.clear()
        self._restart()

    def _restart(self) -> None:
        """A new process with the file loaded; raises LoadError."""
        self.close()
        self._start()
        try:
            header, _ = self._receive(LOAD_SECONDS)
        except _Stopped as stop:
            self.close()
            name = self.path.name
            if stop.status is Status.TIMED_OUT:
                raise LoadError(
                    f"{name} did not finish loading within {LOAD_SECONDS:g} s"
                ) from None
            raise LoadError(f"{name}: {stop} while loading") from None
        problem = header.get("problem")
        if isinstance(problem, str):
            self.close()
            line = header.get("line")
            raise LoadError(_said(problem), line if isinstance(line, int) else None)
        self._read_defined(header.get("defined"))

    def call(self, call: Call) -> CallResult:
        """Call ``call.function`` with its arguments (and the keywords it accepts)."""
        if call.function not in self.defined:
            return CallResult(Status.NOT_WRITTEN)
        if call.function in self._given_up:
            return self._given_up[call.function]
        if self._process is None:  # ended after a time-out or a crash
            try:
                self._restart()
            except LoadError as err:  # the file changed since, and does not load now
                return CallResult(Status.RAISED, message=str(err))
        keywords = {k: v for k, v in call.keywords.items() if k in self.accepts(call.function)}
        arrays: list[Array] = []
        request = {"call": call.function, "args": pack(call.args, arrays), "names": list(keywords)}
        request["keywords"] = pack(list(keywords.values()), arrays)
        try:
            assert self._process is not None and self._process.stdin is not None
            write_message(self._process.stdin, request, arrays)  # type: ignore[arg-type]
            header, values = self._receive(self.time_limit)
        except (_Stopped, OSError) as failure:
            return self._after_failure(call.function, failure)
        return _result(header, values)

    def close(self) -> None:
        """End the process (at once: it holds nothing of the caller's)."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.kill()
        process.wait()
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                stream.close()

    def _start(self) -> None:
        env = dict(os.environ)
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env[name] = "1"  # one thread: less address space, and their time is their own
        self._process = subprocess.Popen(
            [sys.executable, "-m", RUNNER, str(self.path.resolve()), self.path.name],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=None if self.echo else subprocess.DEVNULL,
            env={**env, "BACKPROP_TUI_CHECK_MEMORY": str(self.memory_limit)},
            start_new_session=True,  # a Ctrl-C at the terminal is the caller's to handle
        )

    def _receive(self, seconds: float) -> tuple[Header, list[Array]]:
        process = self._process
        assert process is not None and process.stdout is not None
        fd = process.stdout.fileno()
        deadline = time.monotonic() + seconds

        def read_exactly(n: int) -> bytes:
            chunks: list[bytes] = []
            while n:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([fd], [], [], left)[0]:
                    raise _Stopped(Status.TIMED_OUT, f"did not finish within {seconds:g} s")
                chunk = os.read(fd, min(n, 1 << 20))
                if not chunk:
                    raise EOFError
                chunks.append(chunk)
                n -= len(chunk)
            return b"".join(chunks)

        try:
            return read_message(read_exactly, REPLY_BYTES)
        except EOFError:
            raise _Stopped(Status.CRASHED, self._ended(process)) from None
        except MessageError as err:
            raise _Stopped(Status.BAD_RETURN, f"sent {err}") from None

    def _ended(self, process: subprocess.Popen[bytes]) -> str:
        try:
            code = process.wait(1.0)
        except subprocess.TimeoutExpired:
            return "its process stopped answering"
        if code < 0:
            return f"its process was ended by signal {-code}"
        return f"its process exited with status {code}"

    def _after_failure(self, function: str, failure: Exception) -> CallResult:
        """A call that ended the process's usefulness: the process goes (the next call
        starts another); a function that ran out of time is not called again."""
        self.close()
        if isinstance(failure, _Stopped):
            result = CallResult(failure.status, message=str(failure))
        else:
            result = CallResult(
                Status.CRASHED, message=f"its process could not be reached: {failure}"
            )
        if result.status is Status.TIMED_OUT:
            seconds = f"{self.time_limit:g} s"
            later = f"not run again after a call ran over {seconds}, until the file is loaded again"
            self._given_up[function] = CallResult(Status.TIMED_OUT, message=later)
        return result

    def _read_defined(self, defined: object) -> None:
        if not isinstance(defined, dict):
            raise LoadError(f"{self.path.name}: its process did not say what the file defines")
        names = {n for n in defined if n in FUNCTIONS}
        self.defined = frozenset(names)
        self._keywords = {
            n: frozenset(k for k in defined[n] if isinstance(k, str))
            for n in names
            if isinstance(defined[n], list)
        }


def _result(header: Header, values: list[Array]) -> CallResult:
    """The answer to one call, as a CallResult."""
    status = header.get("status")
    message = _said(header.get("message"))
    try:
        kind = Status(str(status))
    except ValueError:
        return CallResult(Status.BAD_RETURN, message="its process answered something unknown")
    if kind is not Status.OK:
        return CallResult(kind, message=message)
    try:
        return CallResult(Status.OK, unpack(header.get("value"), values))
    except MessageError as err:
        return CallResult(Status.BAD_RETURN, message=str(err))


def _said(message: object) -> str:
    """A message from the student's process as it may be shown: text from outside, its
    hidden characters (escape sequences, bidi marks) removed and its lines cut short."""
    return printable_lines(message, LINE_LIMIT) if isinstance(message, str) else ""
