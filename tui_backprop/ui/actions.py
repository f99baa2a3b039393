"""Every user action once: its keys, its footer label and what it does. The bindings,
the help screen and the command palette are all made from this table."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding, BindingType


@dataclass(frozen=True)
class Command:
    keys: str  # Textual key names, comma separated
    action: str  # an action of the app
    label: str  # short, for the footer and the palette
    help: str  # one sentence, for the help screen and the palette
    shown: str  # the keys as the help screen prints them
    footer: bool = True


COMMANDS: tuple[Command, ...] = (
    Command("space", "step", "Step", "Train one epoch (a running run pauses first).", "space"),
    Command("p", "toggle_run", "Run/Pause", "Train on a timer, or pause.", "p"),
    Command("plus,equals_sign", "faster", "Faster",
            "Train more epochs per second, up to max speed.", "+"),
    Command("minus", "slower", "Slower", "Train fewer epochs per second.", "-", footer=False),
    Command("r", "reset", "Reset", "Back to epoch 0 with the same initial weights.", "r"),
    Command("R", "new_weights", "Reseed",
            "Back to epoch 0 with new random weights (the next seed).", "R"),
    Command("L", "learning_rate(1)", "LR up", "Raise the learning rate one step.", "L",
            footer=False),
    Command("l", "learning_rate(-1)", "LR down", "Lower the learning rate one step.", "l",
            footer=False),
    Command("question_mark", "help", "Help", "Keys, colours and what each pane shows.", "?"),
    Command("w", "gradients", "Gradients",
            "Show the weights, or the gradients the last step followed.", "w",
            footer=False),
    Command("j", "sample(1)", "Next row",
            "Show the next row of the batch (or the batch mean) in the panes.", "j",
            footer=False),
    Command("k", "sample(-1)", "Previous row",
            "Show the previous row of the batch (or the batch mean).", "k", footer=False),
    Command("o", "open_csv", "Open CSV", "Train on another CSV file.", "o"),
    Command("s", "save", "Save", "Save the weights (.npz) and the metrics log (.csv).", "s"),
    Command("z", "zoom", "Zoom", "Show the focused pane alone; again to go back.", "z",
            footer=False),
    Command("q", "quit", "Quit", "Leave the app.", "q"),
)

LEARNING_RATES = (1e-5, 1e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)


def bindings() -> list[BindingType]:
    return [
        Binding(c.keys, c.action, c.label, show=c.footer, key_display=c.shown,
                tooltip=c.help)
        for c in COMMANDS
    ]


def next_rate(lr: float, direction: int) -> float:
    """The Playground's learning-rate ladder: the next rung above or below ``lr``."""
    if direction > 0:
        return next((r for r in LEARNING_RATES if r > lr * 1.0001), LEARNING_RATES[-1])
    return next((r for r in reversed(LEARNING_RATES) if r < lr * 0.9999), LEARNING_RATES[0])
