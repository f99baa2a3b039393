"""Every user action once: its keys, its footer label, what it does and whether it may
run while an epoch trains. The bindings (``key_bindings``), the help screen, the command
palette and the key gate (``model.key_gate``) are all made from this table, which loads
no Textual so the gate's rules can be tested without an app."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from tui_backprop.ui.model.lesson_steps import NO_LESSON
from tui_backprop.ui.model.pacing import SPEEDS

LADDER = ", ".join(f"{rate:g}" for rate in SPEEDS[:-1])


class WhileStepping(Enum):
    """What a command does while a slow epoch trains in a thread (see ``model.key_gate``)."""

    WAITS = "waits"  # refused: it reads or changes the run being trained
    READS = "reads"  # runs: it changes only what is shown
    WRITES_AFTER = "writes after"  # runs, and writes once the epoch is done


@dataclass(frozen=True)
class Command:
    keys: str  # Textual key names, comma separated
    action: str  # an action of the main screen, or of the app (APP_ACTIONS)
    label: str  # short, for the footer and the palette
    help: str  # one sentence, for the help screen and the palette
    shown: str  # the keys as the help screen prints them
    footer: bool = True
    stepping: WhileStepping = WhileStepping.WAITS

    @property
    def base(self) -> str:
        """The action's method name: ``history`` for ``history(-1)``."""
        return self.action.split("(", 1)[0]


COMMANDS: tuple[Command, ...] = (
    Command(
        "space",
        "step",
        "Step",
        "Train one epoch, or finish the one being walked "
        "through with n (a running run pauses first).",
        "space",
    ),
    Command(
        "n",
        "phase",
        "Phase",
        "Walk through the epoch one phase of backprop at a time: "
        "forward layer by layer, the loss, δ backwards, the gradients, the update.",
        "n",
    ),
    Command("p", "toggle_run", "Run/Pause", "Train on a timer, or pause.", "p"),
    Command(
        "plus,equals_sign",
        "faster",
        "Faster",
        f"Train more epochs per second: {LADDER}, then max speed.",
        "+",
    ),
    Command("minus", "slower", "Slower", "Train fewer epochs per second.", "-", footer=False),
    Command(
        "asterisk",
        "max_speed",
        "Max speed",
        "Jump to max speed, or back to the speed before.",
        "*",
        footer=False,
    ),
    Command("r", "reset", "Reset", "Back to the same initial weights: no epoch trained.", "r"),
    Command(
        "R",
        "new_weights",
        "Reseed",
        "Back to new random initial weights (the next seed): no epoch trained.",
        "R",
    ),
    Command(
        "L", "learning_rate(1)", "LR up", "Raise the learning rate one step.", "L", footer=False
    ),
    Command(
        "l", "learning_rate(-1)", "LR down", "Lower the learning rate one step.", "l", footer=False
    ),
    Command(
        "question_mark",
        "help",
        "Help",
        "Keys, colours and what each pane shows.",
        "?",
        stepping=WhileStepping.READS,
    ),
    Command(
        "w",
        "gradients",
        "Gradients",
        "Show the weights, or the gradients the last step followed.",
        "w",
        footer=False,
        stepping=WhileStepping.READS,
    ),
    Command(
        "v",
        "weights_moment",
        "W used",
        "Show the weights the epoch's forward pass used (before its update), or those "
        "after its update, in the weights pane and the diagram's edges.",
        "v",
        stepping=WhileStepping.READS,
    ),
    Command(
        "j",
        "sample(1)",
        "Next row",
        "Show the next row of the batch in the panes (row 1 first, the batch mean last).",
        "j",
        footer=False,
    ),
    Command(
        "k",
        "sample(-1)",
        "Previous row",
        "Show the previous row of the batch (from row 1: the batch mean).",
        "k",
        footer=False,
    ),
    Command(
        "g",
        "gradient_check",
        "Grad check",
        "Check backprop's gradient of every weight, at the current weights, against "
        "finite differences.",
        "g",
        footer=False,
    ),
    Command("o", "open_csv", "Open CSV", "Train on another CSV file.", "o"),
    Command(
        "s",
        "save",
        "Save",
        "Save the weights (.npz) and the metrics log (.csv).",
        "s",
        stepping=WhileStepping.WRITES_AFTER,
    ),
    Command(
        "z",
        "zoom",
        "Zoom",
        "Show the focused pane alone; again to go back.",
        "z",
        stepping=WhileStepping.READS,
    ),
    Command(
        "left_square_bracket",
        "history(-1)",
        "Back",
        "Show the epoch before: every pane as it was then.",
        "[",
        footer=False,
    ),
    Command(
        "right_square_bracket",
        "history(1)",
        "Forward",
        "Show the epoch after, up to the latest.",
        "]",
        footer=False,
    ),
    Command(
        "left_curly_bracket",
        "history_jump(-1)",
        "Back 10%",
        "Jump back a tenth of the run (at least 10 epochs).",
        "{",
        footer=False,
    ),
    Command(
        "right_curly_bracket",
        "history_jump(1)",
        "Forward 10%",
        "Jump forward a tenth of the run (at least 10 epochs).",
        "}",
        footer=False,
    ),
    Command(
        "home",
        "history_edge(0)",
        "Initial weights",
        "Show the initial weights, before epoch 0.",
        "home",
        footer=False,
    ),
    Command(
        "end", "history_edge(1)", "Latest epoch", "Back to the latest epoch.", "end", footer=False
    ),
    Command(
        "b",
        "boundary",
        "Boundary",
        "Show the decision boundary in the chart's place, or the chart again.",
        "b",
        footer=False,
        stepping=WhileStepping.READS,
    ),
    Command(
        "m",
        "neuron_map('map')",
        "Neuron map",
        "Show the selected neuron's output over the input plane in the boundary's place; "
        "again for the boundary.",
        "m",
        footer=False,
        stepping=WhileStepping.READS,
    ),
    Command(
        "M",
        "neuron_map('gallery,deltas')",
        "Layer gallery",
        "Show every neuron of the selected one's layer as a small map, again for each "
        "neuron's δ on the step's rows, again for the boundary. On image data the "
        "first hidden layer's gallery is each neuron's incoming weights as a picture.",
        "M",
        footer=False,
        stepping=WhileStepping.READS,
    ),
    Command(
        "right_parenthesis",
        "map_page(1)",
        "Next maps",
        "The gallery's next page, when its maps do not fit at once.",
        ")",
        footer=False,
        stepping=WhileStepping.READS,
    ),
    Command(
        "left_parenthesis",
        "map_page(-1)",
        "Previous maps",
        "The gallery's page before.",
        "(",
        footer=False,
        stepping=WhileStepping.READS,
    ),
    Command(
        "C",
        "confusion",
        "Confusion",
        "Show the confusion matrix (train and test) of the epoch shown in the chart's "
        "place, or the chart again.",
        "C",
        footer=False,
        stepping=WhileStepping.READS,
    ),
    Command(
        "H",
        "hidden_space",
        "Hidden space",
        "Show the input grid and the rows as two hidden neurons see them, in the chart's "
        "place, or the chart again.",
        "H",
        footer=False,
        stepping=WhileStepping.READS,
    ),
    Command(
        "x",
        "hidden_axes(0)",
        "Next pair",
        "Hidden space: the next pair of neurons of the layer (against the output for a "
        "layer of one).",
        "x",
        footer=False,
        stepping=WhileStepping.READS,
    ),
    Command(
        "X",
        "hidden_axes(1)",
        "Next layer",
        "Hidden space: the next hidden layer.",
        "X",
        footer=False,
        stepping=WhileStepping.READS,
    ),
    Command(
        "V",
        "landscape(0)",
        "Landscape",
        "Show the loss over a plane of weight space through the weights shown, with the "
        "run's path, in the chart's place, or the chart again.",
        "V",
        footer=False,
        stepping=WhileStepping.READS,
    ),
    Command(
        "A",
        "landscape(1)",
        "Landscape plane",
        "Loss landscape: switch its plane between the path's principal directions (PCA) "
        "and two random ones scaled per neuron.",
        "A",
        footer=False,
        stepping=WhileStepping.READS,
    ),
    Command(
        "d",
        "datasets",
        "Data",
        "Pick a built-in dataset (its size and noise) or a CSV file.",
        "d",
        footer=False,
    ),
    Command(
        "D",
        "new_data",
        "New data",
        "Draw the built-in dataset again with the next data seed; the run restarts "
        "(c compares it with the last one).",
        "D",
        footer=False,
    ),
    Command(
        "f",
        "feature(-1)",
        "Drop input",
        "On a selected input neuron: take its feature out of the inputs (two-feature data; "
        "the run restarts).",
        "f",
        footer=False,
    ),
    Command(
        "F",
        "feature(1)",
        "Add input",
        "Add the next unused input feature (X₁, X₂, X₁², X₂², X₁X₂, sin X₁, sin X₂); "
        "the run restarts.",
        "F",
        footer=False,
    ),
    Command(
        "S,comma",
        "settings",
        "Settings",
        "Change any setting: learning rate, optimiser, L1/L2, stop rules live; the rest resets.",
        "S ,",
        footer=False,
    ),
    Command(
        "c",
        "compare",
        "Compare",
        "Overlay an earlier run's loss on the chart; again for older runs, then off.",
        "c",
        footer=False,
    ),
    Command(
        "e",
        "export",
        "Export",
        "Save the screen (.svg), the weights (.npz) and metrics (.csv) of the epoch shown.",
        "e",
        footer=False,
        stepping=WhileStepping.WRITES_AFTER,
    ),
    Command(
        "W",
        "write_setup",
        "Write set-up",
        "Write the settings as a .toml file (--config reads it) and show the command line.",
        "W",
        footer=False,
        stepping=WhileStepping.WRITES_AFTER,
    ),
    Command(
        "u",
        "undo_edit",
        "Undo edit",
        "Take back the latest weight set by hand in the weights pane (0 or enter on a "
        "selected cell), if no epoch was trained since.",
        "u",
        footer=False,
    ),
    Command("q", "quit", "Quit", "Leave the app.", "q"),
    Command(
        "t",
        "rows_log",
        "Rows & log",
        "The epoch's rows (each one's prediction, loss and δ) and the per-epoch log lines.",
        "t",
        footer=False,
        stepping=WhileStepping.READS,
    ),
    Command(
        "greater_than_sign",
        "lesson_step(1)",
        "Next",
        "Next step of the lesson (it may train to an epoch or walk to a phase).",
        ">",
    ),
    Command(
        "less_than_sign",
        "lesson_step(-1)",
        "Back",
        "The lesson's step before (what was trained stays trained).",
        "<",
    ),
    Command(
        "i",
        "lesson_text",
        "Text",
        "The lesson step's whole text, or one line of it (one line below 100 columns until asked).",
        "i",
    ),
)

# The footer below 100 columns: the keys a demo needs most, and always quit. Zoom is
# there only, where each pane is small.
COMPACT_FOOTER = frozenset({"step", "phase", "toggle_run", "reset", "help", "zoom", "quit"})
COMPACT_ONLY = frozenset({"zoom"})

APP_ACTIONS = frozenset({"help", "quit"})  # answered over every screen, dialogs included
# A command's name in a lesson's hide and lock lists is its action without arguments,
# except for these two, named as a teacher would say them.
LESSON_NAMES = {"learning_rate": "lr", "open_csv": "open"}


def command_name(action: str) -> str:
    base = action.split("(", 1)[0]
    return LESSON_NAMES.get(base, base)


# What a lesson may hide or lock: not help and quit, nor the lesson's own keys.
LESSON_COMMANDS = frozenset(command_name(c.action) for c in COMMANDS) - {"help", "quit"} - NO_LESSON


def key_hint(parts: tuple[tuple[str, str], ...], hidden: frozenset[str]) -> str:
    """A border's hint, its (command name, text) parts joined, without the commands
    ``hidden``: a lesson that hides a key does not advertise it either."""
    return " · ".join(text for name, text in parts if name not in hidden)


def hidden_in(app: object) -> frozenset[str]:
    """The commands the app's lesson hides (none in an app without lessons)."""
    hidden: frozenset[str] = getattr(app, "hidden_commands", frozenset())
    return hidden


def shown_commands(hidden: frozenset[str]) -> tuple[Command, ...]:
    """The commands of the table but those named in ``hidden``, for help and the palette."""
    return tuple(c for c in COMMANDS if command_name(c.action) not in hidden)


def while_stepping(action: str) -> WhileStepping:
    """What ``action`` (its method name, with or without arguments) does while an epoch
    trains; an action the table does not hold waits."""
    return _STEPPING.get(action.split("(", 1)[0], WhileStepping.WAITS)


_STEPPING = {c.base: c.stepping for c in COMMANDS}
