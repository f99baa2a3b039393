"""Arrays the app frees go back to the system (``freed_memory``): the pattern of a
playing run's history — a large block freed, then blocks of a megabyte kept for a
while and freed — leaves the app's memory where it was, where the command line's
``keep_freed_memory`` alone kept tens of megabytes of freed heap."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tui_backprop.freed_memory import return_freed_arrays

PATTERN = """
import numpy as np
from tui_backprop.engine.network import keep_freed_memory
from tui_backprop.freed_memory import return_freed_arrays

def resident():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20

keep_freed_memory()  # as the command line does first
if {fixed}:
    return_freed_arrays()  # as the app does then
big = np.ones(2**22 // 8)  # a 4 MB block, as a history's array replaced
del big
kept = [np.ones(2**20 // 8) for _ in range(30)]  # megabyte blocks, as frames' arrays
before = resident()
last = kept.pop()  # the newest stays, at the top of the heap
del kept
print(before - resident())
"""


def given_back(fixed: bool) -> float:
    """Megabytes the process returned when 29 of 30 one-megabyte arrays were freed."""
    run = subprocess.run(
        [sys.executable, "-c", PATTERN.format(fixed=fixed)],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(run.stdout)


@pytest.mark.skipif(not return_freed_arrays(), reason="the C library has no mallopt (not glibc)")
def test_freed_arrays_go_back_to_the_system() -> None:
    assert given_back(fixed=False) < 5  # the trap: freed, but kept by the process
    assert given_back(fixed=True) > 25
