"""Memory the app's process frees goes back to the system.

The command line asks glibc to keep freed memory and serve blocks of up to 32 MiB from it
(``engine.network.keep_freed_memory``): a large batch's epoch then pays no page faults
for the arrays the step before freed. The app's own process trains at most a slow step
in a thread (a playing run trains in its own process, which keeps glibc's defaults); it
holds the
run's history, arrays of a few megabytes that are thinned and replaced as a run plays,
and kept that way every one of them stayed with the process: a served tab at max speed
grew from 36 MB to 150 MB in a minute and stayed there. So the app, once started, has
blocks from 128 KiB up mapped on their own (``mmap``) and returned whole when freed:
the tab held 125 MB after 10 minutes, its training process included.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from contextlib import suppress

M_MMAP_THRESHOLD = -3  # mallopt's parameter number, from glibc's <malloc.h>
THRESHOLD = 128 * 1024  # bytes: larger allocations get a mapping of their own


def return_freed_arrays() -> bool:
    """Fix malloc's ``mmap`` threshold for this process; False where the C library has
    no ``mallopt`` (not glibc) or refused it."""
    name = ctypes.util.find_library("c")
    with suppress(OSError, AttributeError):
        return bool(ctypes.CDLL(name).mallopt(M_MMAP_THRESHOLD, THRESHOLD))
    return False
