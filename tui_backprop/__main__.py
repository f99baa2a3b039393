"""The ``backprop-tui`` command's entry point, and ``python -m tui_backprop``."""

import sys


def run() -> int:
    """Import the command and run it; a Ctrl-C while the import is under way (the first
    tenths of a second) is one line and status 130, as in ``cli.main``, not a traceback."""
    try:
        from tui_backprop.cli import main
    except KeyboardInterrupt:
        print("backprop-tui: interrupted", file=sys.stderr)
        return 130
    return main()


if __name__ == "__main__":  # not when a training process imports the main module
    raise SystemExit(run())
