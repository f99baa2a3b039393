"""Compare ``load_csv`` with ``numpy.loadtxt`` on a large numeric CSV.

Run: ``python benchmarks/bench_csv.py [--rows 60000] [--cols 100] [--repeat 3]``

Targets: ``load_csv`` takes at most 1.5x the time of ``numpy.loadtxt`` on the same file,
and its peak traced memory is at most 3x the arrays it returns. Times are the best of
``--repeat`` runs; memory is measured in a separate run under ``tracemalloc`` (which
also traces NumPy's array buffers). Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import gc
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tui_backprop.data import DatasetError, load_csv

TIME_TARGET = 1.5
MEMORY_TARGET = 3.0


@dataclass(frozen=True)
class Result:
    name: str
    seconds: float
    peak_bytes: int
    array_bytes: int


def write_table(path: Path, rows: int, cols: int, text_labels: bool) -> None:
    """``cols - 1`` Gaussian features with 6 significant digits, then a 3-class label."""
    rng = np.random.default_rng(0)
    features = rng.normal(size=(rows, cols - 1))
    labels = rng.integers(0, 3, size=rows)
    names = np.array(["alpha", "beta", "gamma"]) if text_labels else np.array(["0", "1", "2"])
    header = ",".join([f"f{i + 1}" for i in range(cols - 1)] + ["label"])
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(header + "\n")
        for start in range(0, rows, 5000):
            block = features[start : start + 5000]
            text = np.char.mod("%.6g", block)
            lines = [",".join(row) for row in text.tolist()]
            fh.writelines(
                f"{line},{names[k]}\n"
                for line, k in zip(lines, labels[start : start + 5000], strict=True)
            )


def measure(name: str, load: Callable[[], int], repeat: int) -> Result:
    """``load`` returns the byte size of the arrays it produced."""
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        array_bytes = load()
        best = min(best, time.perf_counter() - start)
    gc.collect()
    tracemalloc.start()
    load()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return Result(name, best, peak, array_bytes)


def numpy_loadtxt(path: Path) -> int:
    return int(np.loadtxt(path, delimiter=",", skiprows=1).nbytes)


def our_load(path: Path) -> int:
    ds = load_csv(path)
    return int(ds.features.nbytes + ds.labels.nbytes)


def error_seconds(path: Path) -> float:
    """How long it takes to name a bad cell on the last row (the exact re-read)."""
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("oops" + ",1" * 99 + "\n")
    start = time.perf_counter()
    try:
        load_csv(path)
    except DatasetError as err:
        assert "oops" in str(err)
    return time.perf_counter() - start


def print_table(results: list[Result], baseline: Result) -> None:
    print(f"{'loader':<28} {'seconds':>8} {'x loadtxt':>10} {'peak MB':>8} {'peak/array':>11}")
    for r in results:
        print(
            f"{r.name:<28} {r.seconds:>8.3f} {r.seconds / baseline.seconds:>10.2f} "
            f"{r.peak_bytes / 1e6:>8.1f} {r.peak_bytes / r.array_bytes:>11.2f}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=60_000)
    parser.add_argument("--cols", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        numeric, text = Path(tmp) / "numeric.csv", Path(tmp) / "text_labels.csv"
        write_table(numeric, args.rows, args.cols, text_labels=False)
        write_table(text, args.rows, args.cols, text_labels=True)
        size_mb = numeric.stat().st_size / 1e6
        print(f"{args.rows} rows x {args.cols} columns, {size_mb:.1f} MB, best of {args.repeat}")
        baseline = measure("numpy.loadtxt", lambda: numpy_loadtxt(numeric), args.repeat)
        ours = measure("load_csv", lambda: our_load(numeric), args.repeat)
        texts = measure("load_csv (text labels)", lambda: our_load(text), args.repeat)
        located = error_seconds(numeric)
    print_table([baseline, ours, texts], baseline)
    print(f"bad cell on the last row reported in {located:.2f} s")
    time_ok = ours.seconds <= TIME_TARGET * baseline.seconds
    memory_ok = ours.peak_bytes <= MEMORY_TARGET * ours.array_bytes
    print(f"time   <= {TIME_TARGET}x loadtxt: {'met' if time_ok else 'MISSED'}")
    print(f"memory <= {MEMORY_TARGET}x final arrays: {'met' if memory_ok else 'MISSED'}")
    return 0 if time_ok and memory_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
