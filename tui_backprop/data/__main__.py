"""Regenerate the built-in datasets as CSV: ``python -m tui_backprop.data datasets/``."""

from __future__ import annotations

import sys
from pathlib import Path

from tui_backprop.data.builtin import write_builtins


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m tui_backprop.data DIRECTORY", file=sys.stderr)
        return 2
    for path in write_builtins(Path(argv[0])):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
