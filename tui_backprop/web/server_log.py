"""The server's log: one plain line per event on standard error.

textual-serve logs through Rich with tracebacks and their local variables; one bad
request then printed some 22 KB on the event loop, and a hundred of them stalled every
tab for seconds. Here an exception is its type and message on the line of the event,
and an event that repeats (the kernel refusing a connection for want of file
descriptors, every second while it lasts) is logged once a minute at most.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from typing import Any

log = logging.getLogger("backprop-tui")
REPEAT_SECONDS = 60.0  # the same loop error is logged once in this long


class OneLine(logging.Formatter):
    """A record and its exception on one line, without a traceback."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().formatMessage(self._prepared(record))
        if record.exc_info and record.exc_info[1] is not None:
            text += f" ({describe(record.exc_info[1])})"
        return text.replace("\n", " | ")

    def _prepared(self, record: logging.LogRecord) -> logging.LogRecord:
        record.message = record.getMessage()
        record.asctime = self.formatTime(record, self.datefmt)
        return record


def describe(error: BaseException) -> str:
    """An exception in words: its type and message."""
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def setup(debug: bool = False) -> None:
    """Send every logger's records (textual-serve's, aiohttp's, ours) to stderr, one
    line each."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(OneLine("%(asctime)s %(levelname)s %(message)s", "%H:%M:%S"))
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.INFO, handlers=[handler], force=True
    )


class LoopErrors:
    """The event loop's exception handler: an error the loop survives (a refused
    accept, a callback that failed) as one line, each kind once per ``REPEAT_SECONDS``."""

    def __init__(self) -> None:
        self._last: dict[tuple[str, str], float] = {}

    def __call__(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        error = context.get("exception")
        message = str(context.get("message", "error on the event loop"))
        key = (message, type(error).__name__)
        now = time.monotonic()
        if now - self._last.get(key, -REPEAT_SECONDS) < REPEAT_SECONDS:
            return
        self._last[key] = now
        detail = f" ({describe(error)})" if isinstance(error, BaseException) else ""
        log.error("%s%s (repeats of it are not logged for %d s)", message, detail, REPEAT_SECONDS)
