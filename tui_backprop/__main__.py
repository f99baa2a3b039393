"""Allow ``python -m tui_backprop``."""

from tui_backprop.cli import main

if __name__ == "__main__":  # not when a training process imports the main module
    raise SystemExit(main())
