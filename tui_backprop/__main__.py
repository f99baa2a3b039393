"""Allow ``python -m tui_backprop``."""

from tui_backprop.cli import main

raise SystemExit(main())
