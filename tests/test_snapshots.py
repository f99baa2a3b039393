"""What the screen looks like, compared with the approved pictures in __snapshots__.

No timer runs, so every picture is the same on every machine: only keys that train a
fixed number of epochs are pressed, and text cursors do not blink.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.digits import write_digits
from tests.helpers import DEEP, SIZE, SnapCompare, app_of, press, pressing, wait_until
from tui_backprop.settings import resolve
from tui_backprop.ui.panes.boundary_pane import BoundaryPane

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
        run_before = pressing("space", "n")
        assert snap_compare(app_of(), terminal_size=SIZE, run_before=run_before)

    def test_mid_backward(self, snap_compare: SnapCompare) -> None:
        run_before = pressing("space", *["n"] * 6)
        assert snap_compare(app_of(DEEP), terminal_size=SIZE, run_before=run_before)

    def test_walk_120x40(self, snap_compare: SnapCompare) -> None:
        """From epoch 0, on row 1 (the default), at the output δ: the step where σ'
        cancels, the row's loss ℓ and the summed L the gradient is taken of."""
        run_before = pressing(*["n"] * 4)
        assert snap_compare(app_of(), terminal_size=SIZE, run_before=run_before)

    def test_mid_backward_small_terminal(self, snap_compare: SnapCompare) -> None:
        run_before = pressing("space", *["n"] * 5)
        assert snap_compare(app_of(), terminal_size=SMALL, run_before=run_before)


class TestLessonPanes:
    """Vanishing gradients on one shared axis; a chart of two labelled panels."""

    def test_gradient_pane_deep_sigmoid(self, snap_compare: SnapCompare) -> None:
        settings = resolve("spiral", {"hidden": (8, 8, 8, 8, 8), "activation": "sigmoid"})
        run_before = pressing(*["space"] * 10)
        assert snap_compare(app_of(settings), terminal_size=SIZE, run_before=run_before)

    def test_chart_readable(self, snap_compare: SnapCompare) -> None:
        """An earlier run overlaid (c): its loss and its accuracy, each labelled."""
        run_before = pressing(*["space"] * 4, "R", *["space"] * 6, "c")
        assert snap_compare(app_of(XOR), terminal_size=SIZE, run_before=run_before)


class TestBoundary:
    """The decision-boundary pane."""

    def test_xor_boundary_after_forty_epochs(self, snap_compare: SnapCompare) -> None:
        """Zoomed (z), so the picture is the boundary pane's own."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await press(pilot, "b")
            pilot.app.query_one(BoundaryPane).focus()
            await press(pilot, "z", *["space"] * 40)  # zoomed first: one pane draws each epoch
            await pilot.pause()

        assert snap_compare(app_of(XOR), terminal_size=SIZE, run_before=run_before)


class TestDialogs:
    """The screens that open over the main one."""

    def test_help_screen(self, snap_compare: SnapCompare) -> None:
        assert snap_compare(app_of(), terminal_size=SIZE, run_before=pressing("question_mark"))

    def test_settings_screen(self, snap_compare: SnapCompare) -> None:
        assert snap_compare(app_of(XOR), terminal_size=SIZE, run_before=pressing("S"))

    def test_data_table(self, snap_compare: SnapCompare) -> None:
        """The rows and log view (t) on the seed data after three epochs: epoch 2's rows."""

        async def run_before(pilot: Pilot[Any]) -> None:
            await press(pilot, "space", "space", "space", "t")
            await wait_until(pilot, lambda: getattr(pilot.app.screen, "shown", None) is not None)
            await pilot.pause()

        assert snap_compare(app_of(), terminal_size=SIZE, run_before=run_before)


class TestLesson:
    """Lesson mode: the step pane above the panes, the lesson's keys in the footer."""

    def test_lesson_screen(self, snap_compare: SnapCompare) -> None:
        """The built-in reference lesson at its second step: the first epoch walked to
        layer 1's forward pass; open, datasets and settings hidden."""
        app = builtin_lesson_app("reference")
        assert snap_compare(app, terminal_size=SIZE, run_before=pressing("greater_than_sign"))

    @pytest.mark.parametrize(
        ("name", "steps"), [("reference", 1), ("xor", 2), ("circles", 0)], ids=str
    )
    def test_lesson_at_80x24(self, snap_compare: SnapCompare, name: str, steps: int) -> None:
        """At a projector's size the step is one line: the reference lesson walked to
        layer 1, xor after its step sets a hidden layer of 4 (the boundary in the
        chart's place), circles at its first step (the boundary, two hidden neurons)."""
        app = builtin_lesson_app(name)
        keys = ["greater_than_sign"] * steps
        assert snap_compare(app, terminal_size=SMALL, run_before=pressing(*keys))


def builtin_lesson_app(name: str) -> Any:
    from tui_backprop.cli import lesson_settings
    from tui_backprop.lesson import load_lesson
    from tui_backprop.ui.command_table import LESSON_COMMANDS
    from tui_backprop.ui.model.lesson_steps import STEP_SETTINGS

    lesson = load_lesson(name, LESSON_COMMANDS, STEP_SETTINGS)
    dataset, overrides = lesson_settings(lesson)
    return app_of(resolve(dataset, overrides), lesson)


class TestNeuronMaps:
    """A hidden neuron's map over the plane, and its layer's gallery (m, M)."""

    def test_neuron_map_of_a_hidden_neuron(self, snap_compare: SnapCompare) -> None:
        run_before = pressing(*FIVE_EPOCHS, "right", "down", "m")
        assert snap_compare(app_of(DEEP), terminal_size=SIZE, run_before=run_before)

    def test_layer_gallery(self, snap_compare: SnapCompare) -> None:
        run_before = pressing(*FIVE_EPOCHS, "M")
        assert snap_compare(app_of(DEEP), terminal_size=SIZE, run_before=run_before)


class TestConfusionAndHiddenSpace:
    """The views that take the chart's place: C and H."""

    def test_confusion_matrix_spiral3(self, snap_compare: SnapCompare) -> None:
        keys = pressing(*["space"] * 8, "C")
        assert snap_compare(app_of(DEEP), terminal_size=SIZE, run_before=keys)

    def test_hidden_space_xor_zoomed(self, snap_compare: SnapCompare) -> None:
        async def run_before(pilot: Pilot[Any]) -> None:
            await press(pilot, "H")
            pilot.app.query_one("#hidden-space").focus()
            await press(pilot, "z", *["space"] * 40)  # zoomed first: one pane draws each epoch
            await pilot.pause()

        assert snap_compare(app_of(XOR), terminal_size=SIZE, run_before=run_before)


class TestImageData:
    """A digits-like CSV (8×8 pixels, found from its names): the diagram's input is the
    row's picture, and M draws the first layer's weights as pictures."""

    def test_digits_diagram(self, snap_compare: SnapCompare, tmp_path: Path) -> None:
        app = app_of(resolve(str(write_digits(tmp_path / "digits.csv")), {"lr": 0.3}))
        assert snap_compare(app, terminal_size=SIZE, run_before=pressing(*FIVE_EPOCHS))

    def test_digits_weight_pictures(self, snap_compare: SnapCompare, tmp_path: Path) -> None:
        app = app_of(resolve(str(write_digits(tmp_path / "digits.csv")), {"lr": 0.3}))
        run_before = pressing(*FIVE_EPOCHS, "M")
        assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
