"""Looking back in words: the status line's caption that the panes show the past, and
what the keys do from there."""

from __future__ import annotations

from rich.text import Text

from tui_backprop.ui.model.looking_back import discarded, fork_hint
from tui_backprop.ui.model.numbering import latest, named

PAST = "bold #1e1e1e on #ffa62b"
HINT = "#ffa62b"
ASKING = "bold yellow"


def past_caption(done: int, present: int) -> Text:
    """The status line's word that the panes show the past: "viewing epoch 4
    (latest 57)"."""
    out = Text()
    out.append(f"viewing {named(done)} (latest {latest(present):,})", PAST)
    return out


def past_hint(done: int, present: int, asked: bool, room: int = 200) -> Text:
    """What the keys do from here in at most about ``room`` cells; once asked, that a
    second training key forks."""
    gone = discarded(done, present)
    if asked:
        full, style = f"space again discards {gone} · end keeps them", ASKING
        short = f"again: drop {gone}?"
    else:
        full, style = f"] forward · space: {fork_hint(done, present)}", HINT
        short = f"space drops {gone}"
    return Text(full if len(full) <= room else short, style)
