"""What the machine gives this process, read without importing NumPy (the command line
asks before NumPy loads)."""

from __future__ import annotations

import os

MEMINFO = "/proc/meminfo"


def usable_cores() -> int:
    """The cores this process may run on: its affinity where the system has one, else
    every core."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity else os.cpu_count() or 1


def available_memory(meminfo: str = MEMINFO) -> int | None:
    """The bytes the system could give a process now without swapping: MemAvailable
    (free memory and the caches it can drop) where the kernel reports it, else the free
    pages; None when neither is known."""
    try:
        with open(meminfo, encoding="ascii") as file:
            for line in file:
                name, _, value = line.partition(":")
                if name == "MemAvailable" and value.split()[-1:] == ["kB"]:
                    return int(value.split()[0]) * 1024
    except (OSError, ValueError, UnicodeDecodeError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):  # not on this system
        return None
