"""What the screen looks like, compared with approved pictures in __snapshots__.

Nothing here runs a timer, so every picture is the same on every machine: only keys
that train a fixed number of epochs are pressed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from tui_backprop.experiment import Experiment
from tui_backprop.settings import SEED_PRESET
from tui_backprop.ui.app import BackpropApp

SIZE = (120, 40)
SnapCompare = Callable[..., bool]


def seed_app() -> BackpropApp:
    return BackpropApp(Experiment.build(SEED_PRESET))


def press(*keys: str) -> Callable[[Pilot[Any]], Any]:
    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.press(*keys)
        await pilot.pause()

    return run_before


def test_seed_at_epoch_zero(snap_compare: SnapCompare) -> None:
    assert snap_compare(seed_app(), terminal_size=SIZE, run_before=press())


def test_seed_after_five_epochs(snap_compare: SnapCompare) -> None:
    assert snap_compare(seed_app(), terminal_size=SIZE, run_before=press(*["space"] * 5))


def test_seed_after_five_epochs_small_terminal(snap_compare: SnapCompare) -> None:
    assert snap_compare(seed_app(), terminal_size=(80, 24), run_before=press(*["space"] * 5))


def test_help_screen(snap_compare: SnapCompare) -> None:
    assert snap_compare(seed_app(), terminal_size=SIZE, run_before=press("question_mark"))
