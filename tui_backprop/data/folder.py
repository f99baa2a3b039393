"""The CSV files of one folder, by name: what a served tab may open (``--data-dir``).

Only files directly in the folder are offered, and only by the names listed here: no
subfolders, no hidden files, no path a student types, no ``..``, and no symbolic link
whose target lies outside the folder. The listing is made again on every open, so a
file removed since the menu was drawn is refused rather than looked for elsewhere.
"""

from __future__ import annotations

import os
from pathlib import Path

from tui_backprop.data.errors import fail

SUFFIX = ".csv"


def csv_names(folder: Path) -> tuple[str, ...]:
    """The names of the CSV files in ``folder``, sorted; an unreadable folder has none."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return ()
    inside = folder.resolve()
    return tuple(sorted(e.name for e in entries if _offered(Path(e.path), inside)))


def _offered(path: Path, inside: Path) -> bool:
    if path.name.startswith(".") or path.suffix.lower() != SUFFIX:
        return False
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):  # a dangling link, a link loop
        return False
    return real.parent == inside and real.is_file()


def csv_in(folder: Path, name: str) -> Path:
    """The file called ``name`` in ``folder``, if ``csv_names`` lists it; DatasetError
    otherwise (so no other name, however written, reaches a file)."""
    if name not in csv_names(folder):
        raise fail(name, "not a CSV file of the data folder")
    return folder / name
