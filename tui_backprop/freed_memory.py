"""Memory a run frees goes back to the system.

A playing run's history is kept in arrays of a few megabytes that are thinned and
replaced as it grows. glibc's malloc raises its threshold for serving an allocation by
``mmap`` each time such a block is freed, so the next ones come from the heap, where
freed memory stays with the process: at max speed a served tab's app grew from 36 MB
to 150 MB and stayed there, against ~95 MB with the threshold fixed. Fixing it (here, at
128 KiB, glibc's own default) gives each large array its own mapping, returned whole on
``free``.
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
