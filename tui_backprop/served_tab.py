"""Whether this app is a browser tab of ``backprop-tui --serve``, and what such a tab
may reach of the machine that serves it.

Decision: the server tells its apps through the environment. Before it starts
serving, the command line sets ``BACKPROP_TUI_SERVED`` (and ``BACKPROP_TUI_DATA_DIR``
for ``--data-dir``) in its own environment, which textual-serve copies into every
tab's process. The app reads it once, when it starts (``ui.app.run_app``), into a
frozen ``TabPolicy`` that nothing changes afterwards: a student only sends keys and
window sizes, and no key, setting or file reaches the environment or the policy.
Any process drawn by Textual's web driver counts as served too, so an app served
some other way than ``--serve`` is held to the same rules (it fails closed).

A served tab reaches no file of the server's: no file dialog, no path fields in the
settings, a dataset menu of the built-ins plus the CSVs of the one ``--data-dir``
folder, and everything it saves goes to the student's browser as a download.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path

SERVED = "BACKPROP_TUI_SERVED"
DATA_DIR = "BACKPROP_TUI_DATA_DIR"
TEXTUAL_DRIVER = "TEXTUAL_DRIVER"
WEB_DRIVER = "web_driver"  # in the driver's module path textual-serve sets
# Commands (their lesson names, see command_table.command_name) a served tab leaves out.
SERVED_HIDDEN = frozenset({"open"})
# Settings fields that name a file on the server: a served tab shows none of them.
PATH_SETTINGS = frozenset({"load_weights", "save_weights", "log"})


@dataclass(frozen=True)
class TabPolicy:
    """What the app may do with the machine's files: everything (a terminal), or, served,
    read only the CSVs of ``data_dir`` (if any) and write nothing."""

    served: bool = False
    data_dir: Path | None = None  # served only: the folder whose CSVs the menu lists

    @property
    def hidden_commands(self) -> frozenset[str]:
        return SERVED_HIDDEN if self.served else frozenset()

    @property
    def hidden_settings(self) -> frozenset[str]:
        return PATH_SETTINGS if self.served else frozenset()


LOCAL = TabPolicy()


def tab_policy(environ: Mapping[str, str] = os.environ) -> TabPolicy:
    """The policy the environment gives this process. ``BACKPROP_TUI_SERVED`` set to
    anything, even empty, means served: only its absence lets the app reach files."""
    served = SERVED in environ or WEB_DRIVER in environ.get(TEXTUAL_DRIVER, "")
    if not served:
        return LOCAL
    folder = environ.get(DATA_DIR, "")
    return TabPolicy(served=True, data_dir=Path(folder) if folder else None)


def mark_served(environ: MutableMapping[str, str], data_dir: Path | None) -> None:
    """Set what the server's environment passes to every tab it starts (a data folder
    left over from the server's own environment is dropped)."""
    environ[SERVED] = "1"
    environ.pop(DATA_DIR, None)
    if data_dir is not None:
        environ[DATA_DIR] = str(data_dir.resolve())
