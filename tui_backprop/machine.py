"""What the machine gives this process, read without importing NumPy (the command line
asks before NumPy loads)."""

from __future__ import annotations

import os


def usable_cores() -> int:
    """The cores this process may run on: its affinity where the system has one, else
    every core."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity else os.cpu_count() or 1
