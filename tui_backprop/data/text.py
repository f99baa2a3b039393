"""Making text read from a file safe to print or draw.

A file can hold anything: escape sequences that recolour or retitle the terminal, bidi
marks that reorder what is shown, invisible characters, cells megabytes long. Every name
a ``Dataset`` carries (file, features, label, classes) and every file name in a
``DatasetError`` goes through ``printable`` once, so the command line and the app can show
them as they are.

The one rule for text from outside (files and their names, labels, feature and class
names, a lesson's title and steps, set-up values, messages that quote them): its hidden
characters are removed, not shown as symbols (a name stays the name a user would type),
when it is read (data layer, lessons) or, for what is read elsewhere, where it is shown
(notices, dialog errors, the open dialog's tree). And it is never read as markup: the app
puts it into ``rich.text.Text`` or Textual ``Content``, never into a markup string.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator
from itertools import islice

NAME_LIMIT = 40  # header names, labels and class names
PATH_LIMIT = 160  # file names in messages: long enough for real paths

# Controls (C0, C1, DEL), format characters (bidi marks and isolates, zero-width ones,
# soft hyphen, BOM), unpaired surrogates (undecodable file-name bytes) and line or
# paragraph separators.
_HIDDEN = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def printable(text: str, limit: int = NAME_LIMIT) -> str:
    """``text`` without hidden characters (white space among them becomes one space) and
    cut to ``limit`` characters, the last being "…" when cut. Only as much of ``text`` as
    is shown is examined, so a huge cell costs no more than a short one."""
    kept = "".join(islice(_visible(text), limit + 1))
    return kept if len(kept) <= limit else kept[: limit - 1] + "…"


def printable_lines(text: str, limit: int = 2000) -> str:
    """``printable`` line by line, the line breaks kept: a message that names files (a
    name with ``ESC]2;…`` must not retitle the terminal it is reported in)."""
    return "\n".join(printable(line, limit) for line in text.split("\n"))


def _visible(text: str) -> Iterator[str]:
    for ch in text:
        if unicodedata.category(ch) not in _HIDDEN:
            yield ch
        elif ch.isspace():
            yield " "


def distinct(names: Iterable[str]) -> tuple[str, ...]:
    """``names`` with any repeat (two texts that printed the same) told apart by a
    " (2)", " (3)", ... suffix, so each class keeps a name of its own."""
    taken: set[str] = set()
    result = []
    for name in names:
        unique, n = name, 1
        while unique in taken:
            n += 1
            unique = f"{name} ({n})"
        taken.add(unique)
        result.append(unique)
    return tuple(result)
