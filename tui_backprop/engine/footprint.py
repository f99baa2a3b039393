"""The memory a run's arrays will take, estimated before any of them is allocated, and
the budget they must fit: the one a served app is given, else the memory free now.

A run keeps every array of its last epoch's steps (``records.LayerRecord``: each
layer's input, z, a, f'(z) and δ for every row, and per step the gradient and the
weights before and after), several copies of its parameters (weights, gradients, the
optimiser's averages, the initial weights, the past's snapshots), and the test rows'
forward pass. The estimate counts those; it errs high, since a refusal is one line on
screen while running out of memory ends the app.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from itertools import pairwise

from tui_backprop.engine.config import parameter_count

# Set by the web server for each app it starts (the app's address space is limited);
# unset, a run must fit the memory the system has free when it is built (Linux's
# MemAvailable: free memory plus caches it can drop), and ``config.MAX_PARAMETERS``.
BUDGET_VARIABLE = "BACKPROP_TUI_MEMORY_BUDGET"
# Copies of the parameters a run holds besides its step records: weights, gradients,
# Adam's two averages, the initial weights, at least 8 snapshots of the past
# (history.Snapshots), and the working copies of an update.
PARAMETER_COPIES = 16
ROW_ARRAYS = 4  # z, a, f'(z) and δ of every row, per layer (its input is one more)
STEP_PARAMETER_ARRAYS = 3  # a step's gradient and its weights before and after
# An epoch's new arrays are made while the last epoch's are still held, and a step has
# its temporaries: traced with tracemalloc over four shapes (full batch and mini-batch,
# 2,000 to 20,000 rows, up to two layers of 1,000), the peak was 1.5-2.3 times the
# arrays counted above.
PEAK_FACTOR = 2.5


def run_bytes(
    sizes: Sequence[int], bias: bool, rows: int, test_rows: int, batch_size: int, itemsize: int
) -> int:
    """Bytes at most of the arrays one run of a network with layer widths ``sizes`` keeps while
    it trains on ``rows`` training rows (batches of ``batch_size``; 0 is all of them)
    and scores ``test_rows`` (Python ints: no overflow)."""
    params = parameter_count(sizes, bias)
    batch = rows if batch_size <= 0 else min(batch_size, rows)
    steps = math.ceil(rows / batch) if rows else 0
    per_row = sum(fan_in + ROW_ARRAYS * fan_out for fan_in, fan_out in pairwise(sizes))
    per_test_row = 2 * sum(sizes)  # z and a of the forward pass that scores it
    copies = PARAMETER_COPIES + STEP_PARAMETER_ARRAYS * steps
    kept = itemsize * (rows * per_row + test_rows * per_test_row + copies * params)
    return math.ceil(kept * PEAK_FACTOR)


def budget() -> int | None:
    """The bytes this process may give a run's arrays, when it was given a budget."""
    text = os.environ.get(BUDGET_VARIABLE, "")
    return int(text) if text.isascii() and text.isdigit() else None


def in_words(count: int) -> str:
    """A byte count the way the app says it: ``12 MB``, ``1.3 GB``."""
    if count >= 10**9:
        return f"{count / 1e9:.1f} GB"
    return f"{max(count // 10**6, 1):,} MB"
