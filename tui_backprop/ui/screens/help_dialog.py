"""The help screen: every key, and how to read each pane."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.console import Group
from rich.markdown import Markdown as RichMarkdown
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui_backprop.ui.command_table import shown_commands
from tui_backprop.ui.render import palette
from tui_backprop.ui.render.help_text import marks_help, numbering_help, playground_help
from tui_backprop.ui.render.phase_text import phases_help
from tui_backprop.ui.screens.dialog import Dialog

PANES = """
**Reading the panes**

- **Network** — one column per layer. A neuron's shade is its output for the row shown
  (`j` `k` pick a row, or the batch mean): **blue** positive, **orange** negative,
  stronger for larger values. An edge's colour is its weight's sign, its brightness the
  weight's size. Arrow keys or a click select a neuron; below the diagram are its
  equations (z, a, δ, its weights' gradients and their update) with the last step's
  numbers put in.
- **Weights** — every weight matrix W (rows: the layer's inputs, columns: its neurons,
  so z = a·W + b) and the bias row, on the same colours. ▲/▼ says which way a number
  moved in the last epoch. Its title says which weights these are: after the epoch's
  update, or (`v`) the ones its forward pass used, which give the diagram's numbers.
- **δ (deltas)** — every neuron's δ for the row shown, from the output back
  (backprop's order): the row's own ∂ℓ/∂z, which is ∂L/∂z when L sums the rows' losses
  (`--reduction sum`) and N times it when L is their mean. Then each layer's gradient
  size ‖∂L/∂W‖ over the epochs on a log scale, and the diagnosis with its numbers:
  diverging, saturated units, dead ReLUs, exploding or vanishing gradients, inputs on
  very different scales.
- **Loss and accuracy** — per epoch, for the training rows and, when some are held
  out, the test rows. An epoch's figures are those of its forward pass, before its
  update.

If the run **diverges** (the loss or a weight is no longer a finite number), lower the
learning rate with `l` and press `r`.
"""


def keys_text(hidden: frozenset[str]) -> Group:
    """One row per key: the key, the action, what it does, in three columns that never
    run together, a long description wrapping under itself; none for commands ``hidden``."""
    heading = Text()
    heading.append("Keys", "bold underline")
    heading.append("   (also by name in the command palette, ctrl+p)\n", "dim")
    table = Table.grid(padding=(0, 2, 0, 0))
    table.add_column(style="bold #ffa62b", no_wrap=True)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(ratio=1)
    for c in shown_commands(hidden):
        table.add_row(c.shown, c.label, c.help)
    table.add_row("arrows", "Select", "In the network pane: pick a neuron (a click does too).")
    colours = Text()
    colours.append("\nColours  ", "bold underline")
    colours.append("  positive  ", palette.cell_style(palette.LEVELS))
    colours.append(" ")
    colours.append("  negative  ", palette.cell_style(-palette.LEVELS))
    colours.append(" ")
    colours.append("  near zero  ", palette.cell_style(1))
    return Group(heading, Padding(table, (0, 0, 0, 2)), colours)


class HelpDialog(Dialog[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "app.pop_screen", "Close"),
    ]

    def __init__(self, hidden: frozenset[str]) -> None:
        super().__init__()
        self.hidden = hidden  # commands the lesson hides, or the lesson's keys without one

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body", classes="dialog") as body:
            body.border_title = "Help"
            body.border_subtitle = "esc or ? to close"
            yield Static(keys_text(self.hidden), id="help-keys")
            # One widget drawing Rich's Markdown: Textual's Markdown widget mounts a
            # widget per paragraph and item, which took ~0.4 s to open.
            sections = (numbering_help(), PANES, marks_help(), phases_help(), playground_help())
            parts = (Padding(RichMarkdown(text), (1, 0, 0, 0)) for text in sections)
            yield Static(Group(*parts), id="help-text")


HELP = "help"  # the installed help screen's name


def show_help(app: App[Any], hidden: frozenset[str]) -> None:
    """Open the help screen, built once and kept: it is the same for the whole session
    (a lesson's hidden commands do not change), so it opens again at once, where it
    was scrolled to."""
    if not app.is_screen_installed(HELP):
        app.install_screen(HelpDialog(hidden), HELP)
    if not isinstance(app.screen, HelpDialog):
        app.push_screen(HELP)
