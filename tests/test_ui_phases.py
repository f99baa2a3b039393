"""Walking through an epoch one phase at a time (n), and the gradient check (g)."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from textual.pilot import Pilot
from textual.worker import WorkerState

from tests.helpers import DEEP, SIZE, app_of, press, shown_epoch, text_of, wait_until
from tui_backprop.engine import StepRecord, Trainer
from tui_backprop.engine.phases import Progress, step_phases
from tui_backprop.experiment import Experiment
from tui_backprop.settings import SEED_PRESET, Settings
from tui_backprop.ui.app import BackpropApp
from tui_backprop.ui.panes.deltas_pane import DELTA_NAME_ROOM
from tui_backprop.ui.screens.gradcheck_dialog import GradientCheckDialog

SEED = SEED_PRESET
ARRAYS = ("input", "z", "a", "derivative", "delta", "grad_w", "w_before", "w_after")


def reference(settings: Settings) -> Trainer:
    """The same run, stepped one whole epoch the ordinary way."""
    trainer = Experiment.build(settings).trainer
    trainer.train_epoch()
    return trainer


def assert_same_record(got: StepRecord | None, want: StepRecord | None) -> None:
    assert got is not None and want is not None
    assert got.loss == want.loss
    assert np.array_equal(got.rows, want.rows)
    for mine, theirs in zip(got.layers, want.layers, strict=True):
        for name in ARRAYS:
            assert np.array_equal(getattr(mine, name), getattr(theirs, name)), name
        for name in ("grad_b", "b_before", "b_after"):
            a, b = getattr(mine, name), getattr(theirs, name)
            assert (a is None and b is None) or np.array_equal(a, b), name


def delta_line(app: BackpropApp, layer: int) -> str:
    title = app.main.network.layer_names(DELTA_NAME_ROOM)[layer]
    lines = text_of(app.query_one("#deltas")).splitlines()
    return next(line for line in lines if line.strip("│ ").startswith(title))


def assert_shows_what_progress_knows(app: BackpropApp, progress: Progress) -> None:
    """Every pane hides exactly what the phase has not computed yet."""
    sizes = app.main.network.sizes
    hidden_neurons = sum(
        sizes[layer + 1] for layer in range(progress.n_layers) if not progress.forward_known(layer)
    )
    diagram = text_of(app.query_one("#diagram"))
    assert diagram.count("?") == hidden_neurons
    for layer in range(1, len(sizes)):
        assert ("?" in delta_line(app, layer)) == (not progress.delta_known(layer - 1))
    record = app.main.experiment.trainer.last_record
    assert record is not None and app.main.view is not None
    lines = text_of(app.query_one("#weights")).splitlines()
    in_sight = 0
    for layer, shown in enumerate(record.layers):
        w = shown.w_after if progress.updated else shown.w_before
        assert app.main.view.params.weights[layer] is w
        title = next((k for k, line in enumerate(lines) if f" W{layer + 1}  " in line), None)
        if title is not None and title + 2 < len(lines):  # the matrix is in sight
            assert f"{w[0, 0]:+.4f}" in lines[title + 2]
            in_sight += 1
    assert in_sight


async def walk_whole_epoch(pilot: Pilot[Any], app: BackpropApp) -> None:
    n_layers = len(app.main.network.sizes) - 1
    phases = step_phases(n_layers)
    for done, phase in enumerate(phases, start=1):
        await press(pilot, "n")
        await pilot.pause()
        assert app.main.walk is not None and app.main.walk.progress.done == done
        status = text_of(app.query_one("#status"))
        assert f"phase {done} of {len(phases)}: {phase.title}" in status
        # the epoch walked is the next pass, epoch 0; once updated it is the latest
        assert ("Walking epoch 0 " in status) == (done < len(phases))
        assert ("Epoch 0 " in status) == (done == len(phases))
        assert_shows_what_progress_knows(app, Progress(n_layers, done))


@pytest.mark.parametrize("settings", [SEED, DEEP], ids=["seed", "tanh-softmax-2-hidden"])
async def test_every_phase_then_the_same_numbers_as_a_whole_epoch(settings: Settings) -> None:
    app = app_of(settings)
    async with app.run_test(size=SIZE) as pilot:
        await walk_whole_epoch(pilot, app)
        trainer = app.main.experiment.trainer
        want = reference(settings)
        assert trainer.epoch == 1 and app.main.walk is not None and app.main.walk.finished
        assert_same_record(trainer.last_record, want.last_record)
        for got, expected in zip(trainer.params.flat(), want.params.flat(), strict=True):
            assert np.array_equal(got, expected)
        assert app.main.view is not None and app.main.view.params is trainer.params
        assert "Epoch 0 " in text_of(app.query_one("#status"))


async def test_space_finishes_the_epoch_being_walked() -> None:
    app = app_of(SEED)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "n", "n", "n", "space")
        await pilot.pause()
        trainer = app.main.experiment.trainer
        assert trainer.epoch == 1 and app.main.walk is None
        assert_same_record(trainer.last_record, reference(SEED).last_record)
        assert "?" not in text_of(app.query_one("#deltas"))
        assert "?" not in text_of(app.query_one("#diagram"))
        await press(pilot, "space")  # with no walk, space trains as ever
        assert trainer.epoch == 2


async def test_n_after_the_update_starts_the_next_epoch() -> None:
    app = app_of(SEED)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, *["n"] * (len(step_phases(2)) + 1))
        await pilot.pause()
        assert app.main.experiment.trainer.epoch == 2
        assert app.main.walk is not None and app.main.walk.progress.done == 1
        assert "Walking epoch 1 " in text_of(app.query_one("#status"))


async def test_mini_batches_are_walked_step_by_step() -> None:
    settings = replace(DEEP, batch_size=64)  # 160 training rows: steps of 64, 64, 32
    app = app_of(settings)
    per_step = len(step_phases(3))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, *["n"] * (per_step + 2))
        await pilot.pause()
        walk = app.main.walk
        assert walk is not None and walk.step == 1 and walk.progress.done == 2
        record = walk.records[1]
        assert app.main.view is not None and app.main.view.record is record
        # the second step's forward pass used the first step's updated weights
        assert app.main.view.params.weights[0] is record.layers[0].w_before
        assert "step 2 of 3" in text_of(app.query_one("#status"))
        await press(pilot, *["n"] * (2 * per_step - 2))
        await pilot.pause()
        assert app.main.walk is not None and app.main.walk.finished
        assert_same_record(app.main.experiment.trainer.last_record, reference(settings).last_record)


async def test_the_selection_follows_the_layer_being_computed() -> None:
    app = app_of(DEEP)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "n")
        diagram = app.query_one("#diagram")
        assert diagram.selected[0] == 1  # type: ignore[attr-defined]
        await press(pilot, "down", "down", "n")
        assert diagram.selected == (2, 2)  # type: ignore[attr-defined]
        await press(pilot, "n", "n")  # forward into the output, then the loss
        assert diagram.selected[0] == 3  # type: ignore[attr-defined]
        await pilot.pause()
        neuron = text_of(app.query_one("#neuron"))
        assert "▶ L = " in neuron and "output neuron" in neuron


async def test_n_pauses_a_running_run_and_keys_that_move_on_drop_the_walk() -> None:
    app = app_of(SEED)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        await wait_until(pilot, lambda: shown_epoch(app) > 0)
        await pilot.press("n")
        assert not app.main.running and app.main.walk is not None
        epoch = app.main.experiment.trainer.epoch
        await pilot.pause(0.2)
        assert app.main.experiment.trainer.epoch == epoch
        await pilot.press("r")
        await pilot.pause()
        assert app.main.walk is None
        assert "No epoch yet " in text_of(app.query_one("#status"))


async def test_the_help_explains_every_phase() -> None:
    app = app_of(SEED)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "question_mark")
        await pilot.pause()
        text = " ".join(text_of(app.screen.query_one("#help-keys")).split())
        assert "Walk through the epoch one phase" in text
        assert "Check backprop's gradient" in text
        shown = " ".join(text_of(app.screen.query_one("#help-text")).split())
        assert "chain rule, one layer at a time" in shown and "w ← w − η·∂L/∂w" in shown


# -- the gradient check -------------------------------------------------------------


def verdict_of(app: BackpropApp) -> str:
    return str(app.screen.query_one("#gradcheck-verdict").render())


async def test_the_gradient_check_agrees_with_backprop() -> None:
    app = app_of(SEED)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space", "g")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, GradientCheckDialog)
        verdict = verdict_of(app)
        assert verdict.startswith("backprop agrees with finite differences")
        assert float(verdict.rsplit(" ", 1)[1]) < 1e-6
        headings = [str(w.render()) for w in app.screen.query(".gradcheck-heading")]
        assert [h.split()[0] for h in headings] == ["W1", "W2"]  # counted from 1
        await press(pilot, "space")  # nothing trains behind the check
        assert app.main.experiment.trainer.epoch == 1
        await press(pilot, "escape")
        await pilot.pause()
        assert not isinstance(app.screen, GradientCheckDialog)


async def test_a_large_check_shows_its_worst_entries_and_keeps_a_walk() -> None:
    app = app_of(DEEP, hidden=(24,))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "n", "n", "g")
        await app.workers.wait_for_complete()
        await pilot.pause()
        headings = [str(w.render()) for w in app.screen.query(".gradcheck-heading")]
        assert [h.split()[0] for h in headings] == ["W1", "b1", "W2", "b2"]
        assert "the 10 worst of 72" in headings[2]
        await press(pilot, "escape")
        await pilot.pause()
        assert app.main.walk is not None and app.main.walk.progress.done == 2


async def test_escape_stops_a_long_check() -> None:
    app = app_of(DEEP, hidden=(256, 256))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "g")
        await wait_until(pilot, lambda: any(w.state is WorkerState.RUNNING for w in app.workers))
        assert isinstance(app.screen, GradientCheckDialog)
        started = time.perf_counter()
        await press(pilot, "escape")
        await app.workers.wait_for_complete()
        assert time.perf_counter() - started < 5
        assert not isinstance(app.screen, GradientCheckDialog)


async def test_looking_back_the_check_is_of_the_epoch_on_screen() -> None:
    app = app_of(SEED)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space", "space", "space", "left_square_bracket", "g")
        await app.workers.wait_for_complete()
        await pilot.pause()
        intro = str(app.screen.query_one("#gradcheck-intro").render())
        assert "the weights shown now, those after epoch 1's update" in intro
        assert "those epoch 1 followed" in intro  # why w's gradient differs
        assert app.main.experiment.trainer.epoch == 3  # looking and checking forked nothing


async def test_a_walks_status_line_says_whose_loss_it_shows() -> None:
    """Walking epoch 3, the status line showed epoch 2's loss beside 'Walking epoch 3'
    while the card's L was epoch 3's: it names the epoch of its figures until the walked
    one is done."""
    app = app_of()
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "space", "space", "space", "n", "n", "n")
        history = app.main.experiment.trainer.history
        status = text_of(app.query_one("#status"))
        assert "Walking epoch 3" in status
        assert f"epoch 2: loss {history[2].loss:.4f}" in status
        await press(pilot, "space")  # the walk finished: epoch 3's own figures
        status = text_of(app.query_one("#status"))
        assert "Walking" not in status and "epoch 3:" not in status
        assert f"loss {history[3].loss:.4f}" in status and history[3].loss != history[2].loss
