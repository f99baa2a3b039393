"""Approved pictures of the playground: the decision boundary on xor, and the settings
screen. No timers run: keys train a fixed number of epochs, and the text cursor does
not blink."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from tui_backprop.experiment import Experiment
from tui_backprop.settings import resolve
from tui_backprop.ui.app import BackpropApp
from tui_backprop.ui.panes.boundary import BoundaryPane

SnapCompare = Callable[..., bool]
XOR = resolve("xor", {"lr": 1.0})


def xor_app() -> BackpropApp:
    return BackpropApp(Experiment.build(XOR))


def press(*keys: str) -> Callable[[Pilot[Any]], Any]:
    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.press(*keys)
        await pilot.pause()
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        await pilot.pause()

    return run_before


def test_xor_boundary_after_forty_epochs(snap_compare: SnapCompare) -> None:
    """Zoomed (z), so the picture is the boundary pane's own."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.press("b", *["space"] * 40)
        pilot.app.query_one(BoundaryPane).focus()
        await pilot.press("z")
        await pilot.pause()

    assert snap_compare(xor_app(), terminal_size=(120, 40), run_before=run_before)


def test_settings_screen(snap_compare: SnapCompare) -> None:
    assert snap_compare(xor_app(), terminal_size=(120, 40), run_before=press("S"))
