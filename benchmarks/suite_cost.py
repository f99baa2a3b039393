"""Where the test suite's time goes: each test's wall and CPU time, summed by file.

    python benchmarks/suite_cost.py [PYTEST ARGS]      # run the suite, then print the table
    python benchmarks/suite_cost.py --report FILE      # print the table of an earlier run

It runs ``pytest`` (with the project's own options, so on every core) with this file
loaded as a plugin: every worker appends one JSON line per test to a records file
(``suite-cost.jsonl`` in the current directory, or ``$SUITE_COST_FILE``). A test's CPU
time is its worker's own (``time.process_time``) plus that of the child processes it
started and reaped (the ``backprop-tui`` subprocesses, servers, Chromium). Processes
a worker keeps for its lifetime (the forkserver and the training processes it forks)
are not counted: their time shows only in the whole run's figure. On a loaded machine
wall time mostly measures the neighbours; CPU time is what the suite itself costs.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

RECORDS = "SUITE_COST_FILE"
TOP = 25  # tests listed one by one
# What a file's tests mostly pay for, by the start of its name (the first match counts).
KINDS = (
    ("test_snapshots", "snapshots (Pilot + SVG)"),
    ("test_serve", "servers, websockets, Chromium"),
    ("test_cli", "the command in a subprocess or terminal"),
    ("test_inputs_bounded", "the command in a subprocess or terminal"),
    ("test_toml_inputs", "the command in a subprocess or terminal"),
    ("test_memory_check", "the command in a subprocess or terminal"),
    ("test_ui_", "the app in Pilot"),
    ("test_messages_causes", "the app in Pilot"),
    ("test_metrics_thinning", "the app in Pilot"),
    ("test_engine_", "engine and data, in process"),
    ("test_data_", "engine and data, in process"),
    ("test_", "other in-process tests"),
)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """Time one test, set-up and tear-down included, and append its line."""
    wall, cpu, children = time.monotonic(), time.process_time(), _children_cpu()
    yield
    record = {
        "test": item.nodeid,
        "wall": time.monotonic() - wall,
        "cpu": time.process_time() - cpu,
        "children": _children_cpu() - children,
    }
    path = os.environ.get(RECORDS, "suite-cost.jsonl")
    # one short append per line: the workers' lines interleave whole
    with open(path, "a", encoding="utf-8") as out:
        out.write(json.dumps(record) + "\n")


def read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def table(records: list[dict[str, Any]]) -> str:
    """Per file: tests, wall and CPU seconds (own + children), costliest first; then
    the costliest tests."""
    by_file: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0, 0.0])
    for r in records:
        row = by_file[r["test"].split("::")[0]]
        row[0] += 1
        row[1] += r["wall"]
        row[2] += r["cpu"]
        row[3] += r["children"]
    total_cpu = sum(r["cpu"] + r["children"] for r in records)
    lines = [
        f"{len(records)} tests: {sum(r['wall'] for r in records):.0f} s wall, "
        f"{total_cpu:.0f} s CPU (summed over workers)",
        "",
        f"{'file':<44} {'tests':>5} {'wall s':>7} {'CPU s':>7} {'child':>6} {'CPU %':>5}",
    ]
    for name, (n, wall, cpu, child) in sorted(
        by_file.items(), key=lambda kv: -(kv[1][2] + kv[1][3])
    ):
        share = 100 * (cpu + child) / total_cpu if total_cpu else 0
        lines.append(
            f"{name:<44} {n:>5.0f} {wall:>7.1f} {cpu + child:>7.1f} {child:>6.1f} {share:>5.1f}"
        )
    by_kind: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    for name, (n, wall, cpu, child) in by_file.items():
        base = name.rsplit("/", 1)[-1]
        kind = next(k for prefix, k in KINDS if base.startswith(prefix))
        by_kind[kind][0] += n
        by_kind[kind][1] += wall
        by_kind[kind][2] += cpu + child
    lines += ["", f"{'kind':<44} {'tests':>5} {'wall s':>7} {'CPU s':>7}"]
    for kind, (n, wall, cpu) in sorted(by_kind.items(), key=lambda kv: -kv[1][2]):
        lines.append(f"{kind:<44} {n:>5.0f} {wall:>7.1f} {cpu:>7.1f}")
    lines += ["", "costliest tests (CPU s, wall s)"]
    for r in sorted(records, key=lambda r: -(r["cpu"] + r["children"]))[:TOP]:
        lines.append(f"{r['cpu'] + r['children']:7.1f} {r['wall']:7.1f}  {r['test']}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if argv[:1] == ["--report"]:
        print(table(read(Path(argv[1]))))
        return 0
    path = Path(os.environ.get(RECORDS, "suite-cost.jsonl")).resolve()
    path.unlink(missing_ok=True)
    here = str(Path(__file__).resolve().parent)
    env = {
        **os.environ,
        RECORDS: str(path),
        "PYTHONPATH": os.pathsep.join(filter(None, [here, os.environ.get("PYTHONPATH")])),
    }
    command = [sys.executable, "-m", "pytest", "-q", "-p", "suite_cost", *argv]
    started = time.monotonic()
    status = subprocess.call(command, env=env)
    print(f"\nwhole run: {time.monotonic() - started:.0f} s wall; load average {os.getloadavg()}")
    if path.exists():
        print(table(read(path)))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
