"""Ending the app processes a server started, each with the group it leads.

Every app leads a process group of its own (see ``launch``), so one signal to the group
reaches the app and the processes it started. The server finds its apps as its own
child processes in ``/proc`` rather than through textual-serve's internals.
"""

from __future__ import annotations

import os
import signal
import time
from contextlib import suppress
from pathlib import Path

PROC = Path("/proc")
POLL = 0.02  # seconds between looks while waiting for apps to end


def _stat_fields(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name, or None once it is gone."""
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    return text[text.rfind(")") + 2 :].split()  # the name may hold spaces and ")"


def _live(field: int, value: int) -> list[int]:
    """The running processes whose stat ``field`` (1 parent, 2 group) is ``value``."""
    found = []
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name))
            if fields and fields[field] == str(value) and fields[0] != "Z":
                found.append(int(entry.name))
    return found


def children(parent: int) -> list[int]:
    """The running processes whose parent is ``parent``."""
    return _live(1, parent)


def members(group: int) -> list[int]:
    """The running processes of process group ``group``."""
    return _live(2, group)


def alive(pid: int) -> bool:
    """Running (not ended, not a zombie waiting to be reaped)."""
    fields = _stat_fields(pid)
    return fields is not None and fields[0] != "Z"


def signal_group(pid: int, signum: int) -> None:
    """Signal the group ``pid`` leads, or ``pid`` alone while it has none yet."""
    try:
        os.killpg(pid, signum)
    except ProcessLookupError:  # no such group: the app is gone, or not yet a leader
        if alive(pid):
            with suppress(ProcessLookupError):
                os.kill(pid, signum)


def end_groups(pids: list[int], grace: float) -> None:
    """Ask each app to quit (SIGTERM), wait up to ``grace`` seconds for it and its
    group, then kill what is left."""
    for pid in pids:
        signal_group(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(alive(p) or members(p) for p in pids):
        time.sleep(POLL)
    for pid in pids:
        signal_group(pid, signal.SIGKILL)


def end_group(group: int, grace: float) -> None:
    """End what is left of process group ``group`` once its leader has ended and been
    reaped: SIGTERM, then SIGKILL after ``grace`` seconds. Only the group is signalled,
    never the leader's number alone: Linux gives no new process a number that is still
    a group's while any member lives, so this cannot reach a stranger."""
    for signum in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(group, signum)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and members(group):
            time.sleep(POLL)
