"""The student's own backprop in the app (``--check FILE.py``): the walk's ✓ and ✗, the
wrong entries marked in the panes, the file reloaded when it changes, and files that do
not load or never return."""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.helpers import SIZE, SnapCompare, press, text_of, wait_until
from tui_backprop.engine.phases import GRADIENTS, HIDDEN_DELTA, UPDATE
from tui_backprop.experiment import Experiment
from tui_backprop.settings import SEED_PRESET
from tui_backprop.ui.app import BackpropApp
from tui_backprop.ui.model.check_marks import BROKEN, MISSING, OK, WAITING, WRONG, CheckMarks
from tui_backprop.ui.panes.deltas_pane import DeltasPane
from tui_backprop.ui.panes.diagram_pane import NetworkDiagram

FILES = Path(__file__).parent / "check_files"
PHASES = 7  # the seed network's walk: forward 1, 2, loss, output δ, hidden δ, ∇, update
HIDDEN_DELTA_PHASE = 5
# The reference's deltas with one hidden neuron's δ (h3) doubled: only that neuron wrong.
ONE_NEURON = """
from reference import forward, gradients, update
from reference import deltas as right


def deltas(activations, Y, weights):
    found = right(activations, Y, weights)
    found[0][:, 2] *= 2.0
    return found
"""


def app_checking(path: Path) -> BackpropApp:
    return BackpropApp(Experiment.build(SEED_PRESET), check=path)


def marks(app: BackpropApp) -> CheckMarks:
    view = app.main.view
    assert view is not None and view.check is not None
    return view.check


def graded(app: BackpropApp) -> bool:
    view = app.main.view
    return view is not None and view.check is not None and view.check.step is not None


async def walk_to(pilot: Pilot[Any], app: BackpropApp, phase: int) -> None:
    """``n`` until the walk stands at ``phase`` (from 1), each phase's grade awaited."""
    for _ in range(phase):
        await press(pilot, "n")
        await wait_until(pilot, lambda: graded(app) or marks(app).broken, timeout=30)


def in_folder(tmp_path: Path, name: str, source: str | None = None) -> Path:
    """A student's file in ``tmp_path`` beside the reference it imports from."""
    shutil.copy(FILES / "reference.py", tmp_path / "reference.py")
    path = tmp_path / name
    if source is None:
        shutil.copy(FILES / name, path)
    else:
        path.write_text(source)
    return path


async def test_the_reference_file_is_ticked_at_every_phase() -> None:
    app = app_checking(FILES / "reference.py")
    async with app.run_test(size=SIZE) as pilot:
        seen = []
        for _ in range(PHASES):
            await walk_to(pilot, app, 1)
            seen.append(marks(app).headline().mark)
            assert "✗" not in text_of(app.query_one("#panes"))
        assert seen == [OK, OK, WAITING, OK, OK, OK, OK]  # the loss has no function
        assert marks(app).summary() == "forward ✓ deltas ✓ gradients ✓ update ✓"
        assert "✓" in str(app.query_one("#network-pane").border_title)


async def test_a_wrong_delta_is_crossed_at_its_phase_with_its_neuron_selected(
    tmp_path: Path,
) -> None:
    app = app_checking(in_folder(tmp_path, "one_neuron.py", ONE_NEURON))
    async with app.run_test(size=SIZE) as pilot:
        await walk_to(pilot, app, HIDDEN_DELTA_PHASE - 1)
        assert marks(app).headline().mark == OK  # the output δ is right
        await walk_to(pilot, app, 1)
        said = marks(app).headline()
        phase = marks(app).phase
        assert phase is not None and phase.kind == HIDDEN_DELTA
        assert said.mark == WRONG
        assert said.text.startswith("δ1 first wrong at row 1, neuron 3")
        await pilot.pause()
        assert app.query_one(NetworkDiagram).selected == (1, 2)  # h3, the wrong one
        card = text_of(app.query_one("#neuron"))
        assert "δ1 first wrong at row 1, neuron 3" in card
        assert "yours δ" in card
        deltas = text_of(app.query_one("#deltas")).splitlines()
        yours = next(line for line in deltas if "yours" in line)
        assert yours.count("✗") == 1  # h3 alone, in the row shown
        # "δ per row": h3's line is wrong in every row, h1's in none
        pane = app.query_one(DeltasPane)
        lines = {}
        for _ in range(3):
            for line in text_of(pane).splitlines():
                name = line.strip("│ ").split(" ")[0]
                lines.setdefault(name, line)
            pane.action_scroll_rows(0, 1)  # the next neuron into sight
        assert lines["h1"].count("✗") == 0
        assert lines["h3"].count("✗") == 10


async def test_a_wrong_activation_is_crossed_on_the_diagram() -> None:
    app = app_checking(FILES / "no_output_sigmoid.py")
    async with app.run_test(size=SIZE) as pilot:
        await walk_to(pilot, app, 1)
        assert marks(app).headline().mark == OK
        assert "✗" not in text_of(app.query_one("#diagram"))
        await walk_to(pilot, app, 1)
        assert marks(app).headline().mark == WRONG
        assert "a2 first wrong" in marks(app).headline().text
        await pilot.pause()
        assert app.query_one(NetworkDiagram).selected == (2, 0)
        assert text_of(app.query_one("#diagram")).count("✗") == 1  # the output chip


async def test_a_wrong_update_is_crossed_in_the_weights_pane_beside_the_students() -> None:
    app = app_checking(FILES / "plus_update.py")
    async with app.run_test(size=SIZE) as pilot:
        await walk_to(pilot, app, PHASES - 1)
        phase = marks(app).phase
        assert phase is not None and phase.kind == GRADIENTS
        assert marks(app).headline().mark == OK
        assert "✗" not in text_of(app.query_one("#weights"))
        await walk_to(pilot, app, 1)
        phase = marks(app).phase
        assert phase is not None and phase.kind == UPDATE
        assert marks(app).headline().mark == WRONG
        weights = text_of(app.query_one("#weights"))
        assert "yours" in weights
        # every new weight is wrong (+ where − belongs): W1's 2×4 and W2's 4×1 are all
        # crossed, and so are the student's numbers for one neuron of each (2 and 4)
        assert weights.count("✗") == 8 + 4 + 2 + 4


async def test_an_edit_on_disk_is_checked_again(tmp_path: Path) -> None:
    path = in_folder(tmp_path, "mine.py", (FILES / "reference.py").read_text())
    app = app_checking(path)
    async with app.run_test(size=SIZE) as pilot:
        await walk_to(pilot, app, HIDDEN_DELTA_PHASE)
        assert marks(app).headline().mark == OK
        path.write_text((FILES / "no_sigma_prime.py").read_text())
        os.utime(path, ns=(0, 10**18))  # a new time even on a coarse clock
        await wait_until(pilot, lambda: graded(app) and marks(app).headline().mark == WRONG, 30)
        assert "sigmoid's derivative is missing" in marks(app).headline().text
        assert app.main.walk is not None  # the walk stays where it was


async def test_a_syntax_error_is_one_line_and_the_app_goes_on() -> None:
    app = app_checking(FILES / "syntax_error.py")
    async with app.run_test(size=SIZE) as pilot:
        await walk_to(pilot, app, 1)
        said = marks(app).headline()
        assert said.mark == BROKEN
        assert "\n" not in said.text and "line 4" in said.text

        def noticed() -> bool:  # the notice is a message: handled after the mark shows
            notices = [n.message for n in app.notices]
            return any("line 4" in message and "\n" not in message for message in notices)

        await wait_until(pilot, noticed)
        card = text_of(app.query_one("#neuron")).splitlines()
        assert sum("line 4" in line for line in card) == 1
        await press(pilot, "space", "space")
        assert app.main.experiment.trainer.epoch == 2


async def test_a_file_that_never_returns_leaves_the_app_usable() -> None:
    app = app_checking(FILES / "loops.py")
    assert app.main.checked is not None
    # deltas() runs into its time limit: 2 s here, not the 5 s a student gets (the limit
    # itself: test_check_process, test_check_cli), time enough to press three keys
    app.main.checked.student.time_limit = 2.0
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "n")
        await wait_until(pilot, lambda: app.main.checked is not None and app.main.checked.busy)
        # while deltas() loops in its process the screen answers keys
        await press(pilot, "n", "n", "n")
        phase = marks(app).phase
        assert phase is not None and phase.layer == 1  # forward 2, the loss, output δ
        assert marks(app).headline().mark == WAITING  # still being checked
        await wait_until(pilot, lambda: graded(app), timeout=30)
        said = marks(app).headline()
        assert said.mark == BROKEN and "timed out" in said.text
        await press(pilot, "space", "space")
        assert app.main.experiment.trainer.epoch == 2


async def test_looking_back_checks_that_epochs_step(tmp_path: Path) -> None:
    app = app_checking(FILES / "no_sigma_prime.py")
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space", "space", "space")
        await wait_until(pilot, lambda: graded(app), timeout=30)
        latest = marks(app).step
        await press(pilot, "left_square_bracket")
        view = app.main.view
        assert view is not None and view.record is not None and view.record.epoch == 1
        await wait_until(pilot, lambda: graded(app), timeout=30)
        step = marks(app).step
        assert step is not None and step is not latest and step.epoch == 1
        assert marks(app).headline().mark == WRONG
        await press(pilot, "home")
        assert marks(app).step is None and "initial weights" in marks(app).note


def test_the_wrong_delta_at_120x40(snap_compare: SnapCompare) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, BackpropApp)
        await walk_to(pilot, app, HIDDEN_DELTA_PHASE)
        await pilot.pause()

    app = app_checking(FILES / "no_sigma_prime.py")
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


async def test_settings_the_check_cannot_grade_are_said_instead_of_graded() -> None:
    app = app_checking(FILES / "reference.py")
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space")
        await wait_until(pilot, lambda: graded(app), timeout=30)
        assert marks(app).headline().mark == OK
        session = app.main.session
        assert (
            app.main.show(session.apply_settings(replace(session.settings, optimizer="adam")))
            is None
        )
        await press(pilot, "space")
        said = marks(app).headline()
        assert said.mark == BROKEN and "--optimizer sgd" in said.text


async def test_each_mini_batch_step_is_checked_on_its_own_record() -> None:
    experiment = Experiment.build(replace(SEED_PRESET, batch_size=5))
    app = BackpropApp(experiment, check=FILES / "no_sigma_prime.py")
    async with app.run_test(size=SIZE) as pilot:
        await walk_to(pilot, app, PHASES + HIDDEN_DELTA_PHASE)  # the second batch's δ1
        walk = app.main.walk
        step = marks(app).step
        assert walk is not None and walk.step == 1
        assert step is not None and step.step == 1
        assert marks(app).headline().mark == WRONG


async def test_a_function_that_raises_is_one_line_at_its_phase() -> None:
    app = app_checking(FILES / "raises.py")
    async with app.run_test(size=SIZE) as pilot:
        await walk_to(pilot, app, PHASES - 1)
        assert marks(app).headline().mark == OK  # the gradients
        await walk_to(pilot, app, 1)
        said = marks(app).headline()
        assert said.mark == BROKEN
        assert said.text.startswith("update() raised: IndexError")
        assert "\n" not in said.text and "raises.py, line 7" in said.text
        assert marks(app).summary() == "forward ✓ deltas ✓ gradients ✓ update !"


async def test_functions_not_written_yet_are_said_so_and_not_crossed() -> None:
    app = app_checking(FILES / "only_forward.py")
    async with app.run_test(size=SIZE) as pilot:
        await walk_to(pilot, app, HIDDEN_DELTA_PHASE)
        said = marks(app).headline()
        assert said.mark == MISSING and said.text == "deltas() not written yet"
        assert "✗" not in text_of(app.query_one("#panes"))
        assert "not written yet" in text_of(app.query_one("#neuron"))


@pytest.mark.parametrize("size", [(120, 40), (160, 45)])
async def test_the_networks_title_shows_its_mark_however_long_the_phase(
    size: tuple[int, int],
) -> None:
    """'backward: δ of the output layer 2' filled the title at 120 and 160 columns and
    Textual cut the ✗ after it off."""
    app = app_checking(FILES / "output_sign.py")
    async with app.run_test(size=size) as pilot:
        await walk_to(pilot, app, 4)
        assert marks(app).headline().mark == WRONG
        top = text_of(app.query_one("#network-pane")).splitlines()[0]
        assert "✗" in top and "phase 4 of 7" in top
