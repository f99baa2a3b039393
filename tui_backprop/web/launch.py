"""Start one served app: ``python -m tui_backprop.web.launch SERVER_PID [ARGS...]``.

The server runs this for every browser tab. Before it becomes ``backprop-tui ARGS``
(exec, so the app keeps this process), it

- starts a process group of its own, so the server ends the app and every process the
  app started (its training process) with one signal, and a Ctrl-C typed at the
  server's terminal reaches the server alone, which then ends its apps in order;
- asks Linux to kill it when the server dies (``PR_SET_PDEATHSIG``), so an app never
  outlives a server that was killed outright; the app's own helpers end when their
  pipes to it close.

Only the standard library is imported here: it runs before every tab's first frame.
"""

from __future__ import annotations

import os
import signal
import sys

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def die_with_parent() -> None:
    """Have the kernel send SIGKILL to this process when its parent ends (Linux only)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")


def main(argv: list[str]) -> None:
    server = int(argv[0])
    os.setpgrp()
    die_with_parent()
    if os.getppid() != server:  # the server ended before the request above took effect
        raise SystemExit(1)
    os.execv(sys.executable, [sys.executable, "-m", "tui_backprop", *argv[1:]])


if __name__ == "__main__":
    main(sys.argv[1:])
