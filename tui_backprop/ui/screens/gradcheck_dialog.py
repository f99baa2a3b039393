"""The gradient check: backprop's gradient of every weight next to a finite-difference
estimate, so a learner can see that the chain rule got it right.

The check runs two forward passes per weight, which takes a while on a big network:
it runs in a thread worker, reports its progress in messages (it never touches a
widget) and stops when the screen is closed.
"""

from __future__ import annotations

import time
from typing import ClassVar

import numpy as np
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, ProgressBar, Static
from textual.worker import get_current_worker

from tui_backprop.engine import Params, Trainer
from tui_backprop.engine.activations import Array
from tui_backprop.engine.gradcheck import EPSILON, GradientCheck, gradient_check
from tui_backprop.ui.model.numbering import latest
from tui_backprop.ui.model.view import Network
from tui_backprop.ui.screens.dialog import Dialog

ALL_UP_TO = 24  # an array this small is listed whole; a bigger one by its worst entries
WORST = 10
AGREE, ROUGHLY = 1e-6, 1e-3  # largest relative errors for the verdicts
REPORT_EVERY = 0.05  # seconds between progress messages
COLUMNS = ("weight", "backprop ∂L/∂w", "finite difference", "relative error")


def display_name(name: str) -> str:
    """The engine counts arrays from 0 (W0), the screen from 1 (W1)."""
    return f"{name[0]}{int(name[1:]) + 1}"


def entry_name(network: Network, name: str, index: tuple[int, ...]) -> str:
    """Which weight: "x1 → h2" for a weight, the neuron for a bias."""
    layer = int(name[1:])
    to = network.labels[layer + 1]
    if name[0] == "b":
        return to[index[0]]
    return f"{network.labels[layer][index[0]]} → {to[index[1]]}"


def verdict(check: GradientCheck) -> Text:
    worst = check.max_relative_error
    if worst < AGREE:
        return Text(
            f"backprop agrees with finite differences: largest relative error {worst:.1e}",
            "bold green",
        )
    if worst < ROUGHLY:
        return Text(
            f"backprop and finite differences roughly agree: largest relative error "
            f"{worst:.1e} (differences lose digits where a gradient is tiny or an "
            f"activation has a kink)",
            "bold yellow",
        )
    return Text(
        f"backprop and finite differences disagree: largest relative error {worst:.1e}", "bold red"
    )


def worst_entries(errors: Array, limit: int) -> list[tuple[int, ...]]:
    """Indices of the ``limit`` largest errors, largest first (all, in order, if few)."""
    if errors.size <= ALL_UP_TO:
        return [tuple(int(i) for i in ix) for ix in np.ndindex(errors.shape)]
    flat = np.argsort(-errors, axis=None, kind="stable")[:limit]
    return [tuple(int(i) for i in np.unravel_index(k, errors.shape)) for k in flat]


class GradientCheckDialog(Dialog[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,g", "app.pop_screen", "Close"),
    ]

    class Progressed(Message):
        def __init__(self, fraction: float) -> None:
            super().__init__()
            self.fraction = fraction

    class Finished(Message):
        def __init__(self, result: GradientCheck) -> None:
            super().__init__()
            self.result = result

    def __init__(
        self,
        trainer: Trainer,
        network: Network,
        epoch: int | None = None,
        params: Params | None = None,
    ) -> None:
        """Checks the trainer's network, or ``params`` of an earlier ``epoch`` (both
        counted as epochs done: see ``model.numbering``)."""
        super().__init__()
        self.trainer = trainer
        self.network = network
        self.epoch = trainer.epoch if epoch is None else epoch
        self.params = params
        self.result: GradientCheck | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="gradcheck-body", classes="dialog") as body:
            body.border_title = "Gradient check"
            body.border_subtitle = "esc: stop or close"
            yield Static(self._intro(), id="gradcheck-intro")
            yield ProgressBar(total=1.0, id="gradcheck-progress")
            yield Static(
                Text("checking: two forward passes per parameter…", "italic"),
                id="gradcheck-verdict",
            )
            yield VerticalScroll(id="gradcheck-tables")

    def _intro(self) -> Text:
        """What is checked: the weights now on screen, after the update of the epoch
        shown; and why the gradient of that epoch's step (``w``, the equations) differs."""
        t = self.trainer
        rows = len(t.training_arrays()[0])
        count = sum(a.size for a in t.params.flat())
        out = Text()
        last = latest(self.epoch)
        weights = (
            "the initial weights (no epoch trained yet)"
            if last is None
            else f"the weights shown now, those after epoch {last:,}'s update"
        )
        out.append(
            f"∂L/∂w of all {count:,} parameters at {weights}, on all {rows:,} training "
            f"rows: backprop's chain rule next to (L(w + ε) − L(w − ε)) / 2ε, with "
            f"ε = {EPSILON:g}."
        )
        if last is not None:
            out.append(
                f"\nThe gradients that w and the equations show are those epoch {last:,} "
                "followed: taken at the weights before its update, so they differ from these.",
                "dim",
            )
        return out

    def on_mount(self) -> None:
        self.run_check()

    @work(thread=True, exclusive=True)
    def run_check(self) -> None:
        """Off the UI thread: only messages leave it."""
        worker = get_current_worker()
        steps = gradient_check(self.trainer, params=self.params)
        reported = 0.0
        while not worker.is_cancelled:
            try:
                fraction = next(steps)
            except StopIteration as done:
                self.post_message(self.Finished(done.value))
                return
            now = time.monotonic()
            if now - reported >= REPORT_EVERY:
                reported = now
                self.post_message(self.Progressed(fraction))

    def on_gradient_check_dialog_progressed(self, message: Progressed) -> None:
        self.query_one(ProgressBar).update(progress=message.fraction)

    def on_gradient_check_dialog_finished(self, message: Finished) -> None:
        if not self.is_attached:  # the app is closing: the tables have nowhere to go
            return
        self.result = message.result
        self.query_one(ProgressBar).update(progress=1.0)
        self.query_one(ProgressBar).display = False
        self.query_one("#gradcheck-verdict", Static).update(verdict(message.result))
        self._tables(message.result)

    def _tables(self, check: GradientCheck) -> None:
        errors = check.relative_errors
        worst_array = int(np.argmax([e.max(initial=0.0) for e in errors]))
        box = self.query_one("#gradcheck-tables", VerticalScroll)
        for k, name in enumerate(check.names):
            err = errors[k]
            shown = worst_entries(err, WORST)
            heading = Text(display_name(name), "bold")
            heading.append(f"  {self._where(name)}  {'×'.join(map(str, err.shape))}", "bold")
            heading.append(f"  largest relative error {err.max(initial=0.0):.1e}", "dim")
            if len(shown) < err.size:
                heading.append(f"  · the {len(shown)} worst of {err.size:,}", "dim")
            table: DataTable[str | Text] = DataTable(
                cursor_type="none", zebra_stripes=True, classes="gradcheck-table"
            )
            table.add_columns(*COLUMNS)
            top = np.unravel_index(int(np.argmax(err)), err.shape) if k == worst_array else None
            for index in shown:
                self._row(table, check, k, err, index, top is not None and index == tuple(top))
            box.mount(Static(heading, classes="gradcheck-heading"), table)

    def _where(self, name: str) -> str:
        titles = self.network.titles
        layer = int(name[1:])
        if name[0] == "b":
            return f"biases of {titles[layer + 1]}"
        return f"{titles[layer]} → {titles[layer + 1]}"

    def _row(
        self,
        table: DataTable[str | Text],
        check: GradientCheck,
        k: int,
        errors: Array,
        index: tuple[int, ...],
        worst: bool,
    ) -> None:
        name = entry_name(self.network, check.names[k], index)
        back, numeric = float(check.backprop[k][index]), float(check.numeric[k][index])
        error = float(errors[index])
        style = "bold reverse yellow" if worst else ""
        cells = (name, f"{back:+.8e}", f"{numeric:+.8e}", f"{error:.1e}")
        table.add_row(*(Text(c, style) for c in cells))
