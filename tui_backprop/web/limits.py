"""What one browser tab, and the whole server, may take: the terminal's size, the
page's font size, input, tabs, memory and open files.

Every figure a browser sends is clamped or refused here before it reaches an app, so no
tab can make its app draw a 100,000-column screen, queue megabytes of keys, or take
the memory the other tabs need. Only the standard library: ``launch`` imports this
before every app starts.
"""

from __future__ import annotations

import resource
from collections.abc import Mapping

MIN_COLUMNS, MAX_COLUMNS = 20, 500
MIN_ROWS, MAX_ROWS = 8, 200
MIN_FONT_SIZE, MAX_FONT_SIZE, FONT_SIZE = 6, 64, 16
MAX_DIGITS = 6  # a query figure longer than this is not a size: refused, not clamped

# A websocket message larger than this closes the tab (aiohttp's ``max_msg_size``): the
# page sends keys, sizes and pings of a few bytes, a paste at most a few kilobytes.
MAX_MESSAGE_BYTES = 64 * 1024
# Keys of one ``stdin`` message, at most; a longer message (a huge paste) is dropped
# whole, since a cut one could end inside an escape sequence.
MAX_KEYS = 4096
# Bytes of input waiting for the app to read them, at most (the kernel's pipe buffer is
# shrunk to ``PIPE_BYTES`` and counts too). Past it new input is dropped, not queued:
# an app busy with keys is not handed more, and a closed tab's app has little to finish.
MAX_QUEUED_INPUT = 8 * 1024
PIPE_BYTES = 4096

# Each app's address space (``RLIMIT_AS``, set in ``launch``). Measured on two cores
# with one BLAS thread (a 142x42 terminal): a tab's app peaks at about 270 MB of
# address space (210 MB idle), its forkserver and training process at about 100 MB
# each. The array budget below is what a run's arrays may take on top
# (``engine.footprint``), so a run that fits its budget also fits the limit, with some
# 700 MB to spare for screens, maps and temporaries.
APP_ADDRESS_SPACE = 1536 * 2**20
ARRAY_BUDGET = 500 * 10**6  # "500 MB" on screen

# What a tab is counted for when the default tab cap is worked out: about three times
# the proportional memory (PSS) of a playing tab, 81 MB measured over four tabs (71 MB
# idle), for larger runs.
TAB_MEMORY = 256 * 2**20
TABS_PER_CORE = 4  # a playing run keeps a core about half busy; the screen needs some too


class BadQuery(ValueError):
    """A page or websocket address whose figures are not sizes (one line for a 400)."""


def query_number(query: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    """The whole number ``name`` in ``query``, clamped to [low, high]; ``default`` when
    it is absent. Raises BadQuery for anything but 1 to ``MAX_DIGITS`` ASCII digits."""
    text = query.get(name)
    if text is None:
        return default
    if not (text.isascii() and text.isdigit() and len(text) <= MAX_DIGITS):
        raise BadQuery(f"{name} must be a whole number (it is kept from {low} to {high})")
    return min(max(int(text), low), high)


def query_size(query: Mapping[str, str]) -> tuple[int, int]:
    """The terminal size a websocket address asks for, clamped; raises BadQuery."""
    width = query_number(query, "width", 80, MIN_COLUMNS, MAX_COLUMNS)
    return width, query_number(query, "height", 24, MIN_ROWS, MAX_ROWS)


def query_font_size(query: Mapping[str, str]) -> int:
    """The page's font size in pixels, clamped; raises BadQuery."""
    return query_number(query, "fontsize", FONT_SIZE, MIN_FONT_SIZE, MAX_FONT_SIZE)


def clamp_size(width: object, height: object, current: tuple[int, int]) -> tuple[int, int]:
    """A resize message's size, clamped; a figure that is not an integer keeps the
    current one."""

    def clamp(value: object, low: int, high: int, keep: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            return keep
        return min(max(value, low), high)

    return (
        clamp(width, MIN_COLUMNS, MAX_COLUMNS, current[0]),
        clamp(height, MIN_ROWS, MAX_ROWS, current[1]),
    )


def default_max_tabs(cores: int, memory: int | None) -> int:
    """The tab cap when none is given: ``TABS_PER_CORE`` tabs per core, but no more than
    ``memory`` (available bytes, None: not known) holds at ``TAB_MEMORY`` a tab; at
    least one."""
    by_memory = TABS_PER_CORE * cores if memory is None else memory // TAB_MEMORY
    return max(1, min(TABS_PER_CORE * cores, by_memory))


def raise_open_files() -> int:
    """Raise this process's open-file limit to its hard limit (each tab takes a socket
    and three pipes); the new soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard
