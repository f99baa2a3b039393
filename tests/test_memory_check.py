"""A run is refused in one line before it is allocated when it cannot fit the memory
free now (or a served app's budget), and running out of memory anyway in ``--headless``
is one line, not a traceback."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import SIZE, app_of, settings_refusal
from tui_backprop import machine
from tui_backprop.engine import footprint
from tui_backprop.machine import available_memory

ROOT = Path(__file__).resolve().parent.parent
HUGE = ["xor", "--points", "1000000", "--layers", "5000"]  # ~440 GB of step arrays


def command(*argv: str, env: dict[str, str] | None = None, limit: int | None = None):
    """The real command in a subprocess, its address space limited to ``limit`` bytes."""

    def limited() -> None:
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    environment = {k: v for k, v in os.environ.items() if k != footprint.BUDGET_VARIABLE}
    return subprocess.run(
        [sys.executable, "-m", "tui_backprop", *argv],
        cwd=ROOT,
        env={**environment, **(env or {})},
        preexec_fn=limited,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("mode", [["--headless"], []], ids=["headless", "app"])
def test_a_run_past_the_free_memory_is_refused_with_its_numbers(mode: list[str]) -> None:
    done = command(*HUGE, *mode)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1, done.stderr
    line = done.stderr
    assert "this run needs about" in line and "GB of memory for 800,000 rows × 5,001" in line
    free = available_memory()
    assert free is not None and footprint.in_words(free).split()[-1] in line
    assert "is free" in line and "Traceback" not in line


def test_memory_running_out_in_headless_is_one_line_and_status_1() -> None:
    # the budget lets the run past the check; the address space limit makes NumPy fail
    budget = {footprint.BUDGET_VARIABLE: str(10**15)}
    argv = ["xor", "--points", "50000", "--layers", "2000,2000", "--headless", "--epochs", "2"]
    done = command(*argv, env=budget, limit=1500 * 2**20)
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith("backprop-tui: error: out of memory: Unable to allocate")
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_free_memory_is_read_from_meminfo_and_else_from_the_system(tmp_path: Path) -> None:
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal:  8000000 kB\nMemFree:  100 kB\nMemAvailable:  2500000 kB\n")
    assert available_memory(str(meminfo)) == 2500000 * 1024
    meminfo.write_text("MemTotal:  8000000 kB\n")  # an old kernel: no MemAvailable
    pages = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    assert abs((available_memory(str(meminfo)) or 0) - pages) < 2**30
    assert available_memory(str(tmp_path / "missing")) is not None


async def test_a_settings_change_past_the_free_memory_is_one_line_in_the_dialog(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(footprint.BUDGET_VARIABLE, raising=False)
    monkeypatch.setattr(machine, "available_memory", lambda: 200 * 10**6)  # a busy machine
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        trainer = app.main.experiment.trainer
        error = await settings_refusal(pilot, app, "3000,3000")
        assert error.startswith("this run needs about") and "200 MB is free" in error
        assert "rows × 6,001 neurons" in error
        assert app.main.experiment.trainer is trainer
