"""Allow ``python -m tui_backprop``."""

import sys

try:
    from tui_backprop.cli import main
except KeyboardInterrupt:  # Ctrl-C as the command starts: one line, as in main()
    print("backprop-tui: interrupted", file=sys.stderr)
    raise SystemExit(130) from None

if __name__ == "__main__":  # not when a training process imports the main module
    raise SystemExit(main())
