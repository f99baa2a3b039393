"""What the screen looks like, compared with the approved pictures in __snapshots__.

No timer runs, so every picture is the same on every machine: only keys that train a
fixed number of epochs are pressed, and text cursors do not blink.
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from tests.helpers import DEEP, SIZE, SnapCompare, app_of, press, pressing
from tui_backprop.settings import resolve
from tui_backprop.ui.panes.boundary import BoundaryPane

SMALL = (80, 24)
XOR = resolve("xor", {"lr": 1.0})
FIVE_EPOCHS = ["space"] * 5


class TestTraining:
    """The main screen on the seed experiment, before and after training."""

    def test_seed_at_epoch_zero(self, snap_compare: SnapCompare) -> None:
        assert snap_compare(app_of(), terminal_size=SIZE, run_before=pressing())

    def test_seed_after_five_epochs(self, snap_compare: SnapCompare) -> None:
        assert snap_compare(app_of(), terminal_size=SIZE, run_before=pressing(*FIVE_EPOCHS))

    def test_seed_after_five_epochs_small_terminal(self, snap_compare: SnapCompare) -> None:
        assert snap_compare(app_of(), terminal_size=SMALL, run_before=pressing(*FIVE_EPOCHS))


class TestProjector:
    """80x24, a projector's size: the network spans the width, the footer keeps q."""

    def test_projector_80x24(self, snap_compare: SnapCompare) -> None:
        assert snap_compare(app_of(), terminal_size=SMALL, run_before=pressing())

    def test_walk_80x24(self, snap_compare: SnapCompare) -> None:
        run_before = pressing("n", "n", "n")
        assert snap_compare(app_of(), terminal_size=SMALL, run_before=run_before)


class TestPhaseWalk:
    """Part way through walking an epoch (n): what is not computed yet shows as ?."""

    def test_mid_forward(self, snap_compare: SnapCompare) -> None:
        run_before = pressing("space", "j", "n")
        assert snap_compare(app_of(), terminal_size=SIZE, run_before=run_before)

    def test_mid_backward(self, snap_compare: SnapCompare) -> None:
        run_before = pressing("space", "j", *["n"] * 6)
        assert snap_compare(app_of(DEEP), terminal_size=SIZE, run_before=run_before)

    def test_mid_backward_small_terminal(self, snap_compare: SnapCompare) -> None:
        run_before = pressing("space", "j", *["n"] * 5)
        assert snap_compare(app_of(), terminal_size=SMALL, run_before=run_before)


class TestBoundary:
    """The decision-boundary pane."""

    def test_xor_boundary_after_forty_epochs(self, snap_compare: SnapCompare) -> None:
        """Zoomed (z), so the picture is the boundary pane's own."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await press(pilot, "b", *["space"] * 40)
            pilot.app.query_one(BoundaryPane).focus()
            await press(pilot, "z")
            await pilot.pause()

        assert snap_compare(app_of(XOR), terminal_size=SIZE, run_before=run_before)


class TestDialogs:
    """The screens that open over the main one."""

    def test_help_screen(self, snap_compare: SnapCompare) -> None:
        assert snap_compare(app_of(), terminal_size=SIZE, run_before=pressing("question_mark"))

    def test_settings_screen(self, snap_compare: SnapCompare) -> None:
        assert snap_compare(app_of(XOR), terminal_size=SIZE, run_before=pressing("S"))
