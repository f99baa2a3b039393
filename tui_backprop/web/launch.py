"""Start one served app: ``python -m tui_backprop.web.launch SERVER_PID [ARGS...]``.

The server runs this for every browser tab. Before it becomes ``backprop-tui ARGS``
(exec, so the app keeps this process), it

- starts a process group of its own, so the server ends the app and every process the
  app started (its training process) with one signal, and a Ctrl-C typed at the
  server's terminal reaches the server alone, which then ends its apps in order;
- asks Linux to kill it when the server dies (``PR_SET_PDEATHSIG``), so an app never
  outlives a server that was killed outright; the app's own helpers end when their
  pipes to it close;
- bounds its memory: its address space (``RLIMIT_AS``, inherited by its training
  process), and the budget a run's arrays get within it (``engine.footprint``), so a
  setting too large for it is refused on screen rather than ending the app; NumPy's
  matrix library gets one thread (many tabs share the cores, and every thread reserves
  address space), and glibc two malloc arenas (each reserves 64 MB of address space).

Only the standard library is imported here: it runs before every tab's first frame.
"""

from __future__ import annotations

import os
import resource
import signal
import sys

from tui_backprop.web import limits

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
BUDGET_VARIABLE = "BACKPROP_TUI_MEMORY_BUDGET"  # engine.footprint's (NumPy is not loaded here)
ONE_THREAD = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def die_with_parent() -> None:
    """Have the kernel send SIGKILL to this process when its parent ends (Linux only)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")


def set_budget(environ: dict[str, str] | os._Environ[str] = os.environ) -> None:
    """Give runs started from here on the served budget for their arrays, unless one
    was given (a smaller one for a smaller machine wins)."""
    environ.setdefault(BUDGET_VARIABLE, str(limits.ARRAY_BUDGET))


def limit_address_space() -> None:
    """Limit this process's address space (and its children's) to an app's."""
    hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    limit = limits.APP_ADDRESS_SPACE
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def set_app_environment(environ: dict[str, str] | os._Environ[str] = os.environ) -> None:
    """What an app's Python must find when it starts: its arrays' budget, two malloc
    arenas, one thread for NumPy's matrix library."""
    set_budget(environ)
    environ["MALLOC_ARENA_MAX"] = "2"
    for name in ONE_THREAD:
        environ[name] = "1"


def bound_memory() -> None:
    """Limit this process's address space and tell the app its arrays' budget."""
    limit_address_space()
    set_app_environment()


def main(argv: list[str]) -> None:
    server = int(argv[0])
    os.setpgrp()
    die_with_parent()
    if os.getppid() != server:  # the server ended before the request above took effect
        raise SystemExit(1)
    bound_memory()
    os.execv(sys.executable, [sys.executable, "-m", "tui_backprop", *argv[1:]])


if __name__ == "__main__":
    main(sys.argv[1:])
