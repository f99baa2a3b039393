"""Fixtures the tests share."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

# The suite starts hundreds of Python processes (the command, servers and the apps they
# fork, a student's code, pytest's workers), and each compiles every module of the app
# it imports unless byte code is kept: 0.15 s of CPU a process. A machine that asks
# Python never to write it (PYTHONDONTWRITEBYTECODE) has it written for the suite all
# the same, in the ``__pycache__`` folders git ignores.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh working directory, for tests whose keys write files (s saves, e exports)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


# Files whose tests wait on real processes (servers, Chromium, the command in a terminal,
# a played run): they run first, so the cheap tests fill the workers' last minutes and
# both workers end together instead of one waiting for a server test started last.
FIRST = (
    "test_serve",
    "test_cli_signals",
    "test_cli_terminal",
    "test_memory_check",
    "test_ui_outside_text",
    "test_ui_training_process",
    "test_metrics_thinning",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Those files' tests first, each file's tests kept together and in order (a module's
    shared server is started once per worker)."""
    items.sort(key=lambda item: not item.path.name.startswith(FIRST))


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: two workers a core. Many tests wait on processes (servers, Chromium,
    the command in a terminal, a training process) with their core idle; a second worker
    fills it (on two cores the suite went from about 210 s to 170 s)."""
    return 2 * (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)
