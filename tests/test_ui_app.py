"""The app driven as a person would, through keys, clicks and terminal sizes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from textual.pilot import Pilot
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from tests.helpers import (
    DEEP,
    SIZE,
    app_of,
    press,
    settle,
    shown_epoch,
    text_of,
    wait_until,
    weights_of,
)
from tui_backprop.settings import Settings, resolve
from tui_backprop.ui.app import BackpropApp
from tui_backprop.ui.commands import Palette
from tui_backprop.ui.model.live_run import LiveRun
from tui_backprop.ui.model.training_process import Frame
from tui_backprop.ui.panes.chart_pane import MetricsChart
from tui_backprop.ui.screens.gradcheck_dialog import GradientCheckDialog
from tui_backprop.ui.screens.help_dialog import HelpDialog
from tui_backprop.ui.screens.open_csv_dialog import OpenCsvDialog
from tui_backprop.ui.screens.settings_dialog import SettingsDialog

PANES = ("#status", "#diagram", "#neuron", "#chart", "#weights", "#deltas")


def panes(app: BackpropApp) -> dict[str, str]:
    return {name: text_of(app.query_one(name)) for name in PANES}


async def test_the_seed_experiment_opens_at_epoch_zero() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        shown = panes(app)
        assert "No epoch yet" in shown["#status"]  # epoch 0 is the first pass, not run yet
        assert "2-4-1" in shown["#status"]
        assert "paused" in shown["#status"]
        assert "press space to train one epoch" in shown["#deltas"]
        assert "x1" in shown["#diagram"] and "hidden" in shown["#diagram"]
        assert "W1" in shown["#weights"] and "W2" in shown["#weights"]


async def test_a_step_advances_the_epoch_and_changes_every_pane() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        before = panes(app)
        await press(pilot, "space")
        await pilot.pause()
        after = panes(app)
        assert app.main.experiment.trainer.epoch == 1
        assert "Epoch 0" in after["#status"]  # the first pass is epoch 0
        for name in PANES:
            assert before[name] != after[name], f"{name} did not change"
        moved = text_of(app.query_one("#weights"), inside=True)  # not the legend's ▲▼
        assert "▲" in moved or "▼" in moved


async def test_run_then_pause() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        await wait_until(pilot, lambda: shown_epoch(app) > 0)
        assert app.main.state.running
        await pilot.press("p")
        await pilot.pause()
        stopped = app.main.experiment.trainer.epoch
        assert stopped > 0
        assert not app.main.state.running
        await pilot.pause(0.3)
        assert app.main.experiment.trainer.epoch == stopped
        assert f"Epoch {stopped - 1:,}" in text_of(app.query_one("#status"))


async def test_space_pauses_a_run_and_steps_once() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        await wait_until(pilot, lambda: shown_epoch(app) > 0)
        await pilot.press("space")
        epoch = app.main.experiment.trainer.epoch
        await pilot.pause(0.2)
        assert not app.main.state.running
        assert app.main.experiment.trainer.epoch == epoch


async def test_max_speed_trains_many_epochs_per_frame(monkeypatch: pytest.MonkeyPatch) -> None:
    per_frame: list[int] = []  # how many epochs each frame brought
    add = LiveRun.add

    def counted(live: LiveRun, frame: Frame) -> bool:
        per_frame.append(len(frame.metrics))
        return add(live, frame)

    monkeypatch.setattr(LiveRun, "add", counted)
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(12):
            await pilot.press("plus")
        await pilot.press("p")
        await wait_until(pilot, lambda: shown_epoch(app) > 100)
        await pilot.press("p")
        assert app.main.experiment.trainer.epoch > 100
        assert max(per_frame) > 1


async def test_r_restores_the_initial_weights_exactly() -> None:
    app = app_of()
    trainer = app.main.experiment.trainer
    start = [np.array(w) for w in trainer.params.weights]
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space", "space", "space")
        assert not np.array_equal(trainer.params.weights[0], start[0])
        await press(pilot, "r")
        await pilot.pause()
        assert trainer.epoch == 0
        for got, want in zip(trainer.params.weights, start, strict=True):
            assert np.array_equal(got, want)
        assert "No epoch yet" in text_of(app.query_one("#status"))
        assert "press space" in text_of(app.query_one("#deltas"))


async def test_learning_rate_keys_walk_the_ladder() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "L")
        assert app.main.experiment.trainer.config.lr == 0.3
        await press(pilot, "l", "l")
        await pilot.pause()
        assert app.main.experiment.trainer.config.lr == 0.03
        assert "lr 0.03" in text_of(app.query_one("#status"))


async def test_rows_of_the_batch_can_be_shown_one_by_one() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space")
        await pilot.pause()
        assert "row 1 (1 of 10)" in text_of(app.query_one("#deltas"))  # row 1 by default
        await press(pilot, "j")
        await pilot.pause()
        assert "row 2 (2 of 10)" in text_of(app.query_one("#deltas"))
        await press(pilot, "k", "k")  # back past row 1: the batch mean
        await pilot.pause()
        assert "mean of 10 rows" in text_of(app.query_one("#neuron"))
        await press(pilot, "k")
        await pilot.pause()
        assert "row 10 (10 of 10)" in text_of(app.query_one("#neuron"))


async def test_arrow_keys_and_clicks_select_a_neuron() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space", "down", "down")
        await pilot.pause()
        assert "h3" in text_of(app.query_one("#neuron"))
        await press(pilot, "right")
        await pilot.pause()
        detail = text_of(app.query_one("#neuron"))
        assert "output" in detail and "= ŷ − y = " in detail
        await press(pilot, "left", "left")
        await pilot.pause()
        assert "feature value" in text_of(app.query_one("#neuron"))
        diagram = app.query_one("#diagram")
        rows = text_of(diagram).splitlines()
        y = next(i for i, row in enumerate(rows) if "x2" in row)
        x = rows[y].index("x2") + 5
        await pilot.click("#diagram", offset=(x, y))
        await pilot.pause()
        assert "x2 · input neuron 2" in text_of(app.query_one("#neuron"))


def _bad_csv(tmp_path: Path) -> Path:
    path = tmp_path / "bad.csv"
    path.write_text("a,b,label\n1,2,0\n3,oops,1\n", encoding="utf-8")
    return path


async def _open(pilot: Pilot[Any], app: BackpropApp, path: Path) -> None:
    await press(pilot, "o")
    await pilot.pause()
    assert isinstance(app.screen, OpenCsvDialog)
    app.screen.query_one("#open-path", Input).value = str(path)
    await press(pilot, "enter")
    await pilot.pause()


async def test_a_bad_csv_says_why_and_changes_nothing(tmp_path: Path) -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space", "space")
        experiment, weights = app.main.experiment, weights_of(app)
        await _open(pilot, app, _bad_csv(tmp_path))
        assert isinstance(app.screen, OpenCsvDialog)
        error = str(app.screen.query_one("#open-error", Label).render())
        assert "bad.csv" in error and "\n" not in error.strip()
        await press(pilot, "escape")
        await pilot.pause()
        assert app.main.experiment is experiment
        assert experiment.trainer.epoch == 2
        for got, want in zip(experiment.trainer.params.weights, weights, strict=True):
            assert np.array_equal(got, want)
        assert "Epoch 1 " in text_of(app.query_one("#status"))


def _three_classes(tmp_path: Path) -> Path:
    rng = np.random.default_rng(0)
    rows = [f"{a:.3f},{b:.3f},{'abc'[k % 3]}" for k, (a, b) in enumerate(rng.normal(size=(30, 2)))]
    path = tmp_path / "three.csv"
    path.write_text("left,right,kind\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


async def test_a_good_csv_replaces_the_experiment(tmp_path: Path) -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await _open(pilot, app, _three_classes(tmp_path))
        assert not isinstance(app.screen, OpenCsvDialog)
        assert app.main.experiment.dataset.n_classes == 3
        assert app.main.experiment.settings.preset == "standard"  # the seed preset fits seed only
        assert app.main.experiment.trainer.sizes == (2, 8, 3)
        await press(pilot, "space")
        await pilot.pause()
        assert "three.csv" in text_of(app.query_one("#status"))
        assert "left" in text_of(app.query_one("#diagram"))


async def test_save_writes_weights_and_log(workdir: Path) -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space", "space", "s")
        await pilot.pause()
    assert (workdir / "seed-epoch1-weights.npz").exists()  # two passes: epochs 0 and 1
    log = (workdir / "seed-epoch1-metrics.csv").read_text(encoding="utf-8").splitlines()
    assert log[0].startswith("epoch") and len(log) == 3


@pytest.mark.parametrize("size", [(40, 12), (80, 24), (250, 70), (20, 6)])
async def test_any_size_draws_without_error(size: tuple[int, int]) -> None:
    app = app_of(hidden=(12, 6))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space")
        await pilot.resize_terminal(*size)
        await pilot.pause()
        await pilot.press("space", "down", "right", "z")
        await pilot.pause()
        await pilot.press("z", "p")
        await pilot.pause(0.1)
        await pilot.resize_terminal(*SIZE)
        await pilot.pause()
        assert app.main.experiment.trainer.epoch >= 2


@pytest.mark.parametrize("size", [(120, 40), (100, 30), (213, 60)])
async def test_a_screen_built_small_then_resized_is_the_screen_built_at_that_size(
    size: tuple[int, int],
) -> None:
    """What a served tab sees from an app made ready at 80x24 before its tab came."""
    shots = []
    for start in ((80, 24), size):
        app = app_of()
        async with app.run_test(size=start) as pilot:
            await pilot.resize_terminal(*size)
            await settle(pilot)
            shots.append(app.export_screenshot())
    assert shots[0] == shots[1]


async def test_a_wide_network_is_summarised() -> None:
    app = app_of(hidden=(64,))
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "space")
        await pilot.pause()
        assert re.search(r"⋮ ?\d+ more", text_of(app.query_one("#diagram")))


async def test_divergence_is_a_state_not_a_crash(workdir: Path) -> None:
    # the keys below include s, which saves: workdir keeps the files out of the way
    app = app_of(activation="linear", output="sigmoid", lr=1e6, hidden=(4, 4))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, *["space"] * 30)
        await pilot.pause()
        assert app.main.experiment.trainer.diverged
        status = text_of(app.query_one("#status"))
        assert "DIVERGED" in status and "lower the learning rate" in status
        await pilot.press("p", "space", "j", "s", "r")
        await pilot.pause()
        assert not app.main.experiment.trainer.diverged


async def test_help_and_command_palette() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpDialog)
        await pilot.press("space", "p")  # nothing trains behind the help
        assert app.main.experiment.trainer.epoch == 0 and not app.main.running
        await pilot.press("escape")
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Step")
        await app.workers.wait_for_complete()  # the palette's search
        await pilot.pause()
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.main.experiment.trainer.epoch > 0)
        assert app.main.experiment.trainer.epoch == 1


async def test_g_shows_the_gradients_of_the_last_step() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "w")
        await pilot.pause()
        assert "press space" in text_of(app.query_one("#weights"))
        await press(pilot, "space")
        await pilot.pause()
        shown = text_of(app.query_one("#weights"))
        grad = app.main.experiment.trainer.last_record.layers[0].grad_w  # type: ignore[union-attr]
        assert "∂L/∂W1" in shown and f"{grad[0, 0]:+.4f}" in shown
        await press(pilot, "w")
        await pilot.pause()
        assert "∂L/∂W1" not in text_of(app.query_one("#weights"))


async def test_z_zooms_the_focused_pane() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "z")
        assert app.screen.maximized is app.query_one("#network-pane")
        await press(pilot, "z", "tab", "z")
        assert app.screen.maximized is not None
        await press(pilot, "z")
        assert app.screen.maximized is None


async def test_a_run_that_diverges_while_running_shows_it() -> None:
    app = app_of(activation="linear", output="sigmoid", lr=1e6, hidden=(4, 4))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")
        await wait_until(pilot, lambda: not app.main.running)
        assert app.main.experiment.trainer.diverged and not app.main.running
        assert shown_epoch(app) == app.main.experiment.trainer.epoch
        assert "DIVERGED" in text_of(app.query_one("#status"))


async def test_boundary_key_while_a_pane_is_zoomed_shows_the_other_pane() -> None:
    app = app_of(resolve("xor", {}))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space", "tab", "z", "b")
        await pilot.pause()
        assert app.screen.maximized is None
        shown = [w for w in app.query("#chart, #boundary") if w.display]
        assert len(shown) == 1


async def test_the_comparison_caption_follows_the_learning_rate_keys() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space", "r", "c")
        await pilot.pause()
        chart = app.query_one("#chart", MetricsChart)
        assert chart.overlay is not None and chart.overlay.caption.startswith("same settings")
        await pilot.press("L")
        await pilot.pause()
        assert chart.overlay is not None and "lr 0.1 vs 0.3" in chart.overlay.caption


# -- random keys: one sequence per area of the app --------------------------------------

MAIN_KEYS = [
    "space",
    "p",
    "plus",
    "minus",
    "r",
    "R",
    "l",
    "L",
    "k",
    "j",
    "n",
    "b",
    "c",
    "left_square_bracket",
    "right_square_bracket",
    "home",
    "end",
    "w",
    "up",
    "down",
    "left",
    "right",
    "z",
    "tab",
    "question_mark",
    "escape",
    "o",
    "escape",
    "ctrl+p",
    "escape",
]
WALK_KEYS = [
    "n",
    "space",
    "p",
    "j",
    "k",
    "up",
    "down",
    "left",
    "right",
    "w",
    "z",
    "r",
    "g",
    "escape",
]
PLAYGROUND_KEYS = [
    "space",
    "p",
    "b",
    "left_square_bracket",
    "right_square_bracket",
    "left_curly_bracket",
    "right_curly_bracket",
    "home",
    "end",
    "c",
    "r",
    "R",
    "e",
    "d",
    "escape",
    "S",
    "escape",
    "comma",
    "escape",
    "l",
    "L",
    "z",
]
# area: (the run, the keys drawn from, the generator's seed, how many keys)
RANDOM_KEYS: dict[str, tuple[Settings, list[str], int, int]] = {
    "main": (resolve("xor", {}), MAIN_KEYS, 1, 150),
    "walk": (DEEP, WALK_KEYS, 2, 100),
    "playground": (resolve("xor", {}), PLAYGROUND_KEYS, 2, 150),
}


@pytest.mark.parametrize("area", RANDOM_KEYS)
async def test_no_key_sequence_breaks_the_app(area: str, workdir: Path) -> None:
    """Random keys of one area leave the app running with a history as long as the run;
    with the dialogs closed, the run stopped and one more step, the panes show that step.
    (workdir: e exports files.)"""
    settings, keys, seed, presses = RANDOM_KEYS[area]
    rng = np.random.default_rng(seed)
    app = app_of(settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, *(keys[int(k)] for k in rng.choice(len(keys), size=presses)))
        await app.workers.wait_for_complete()  # g: a gradient check may still be running
        await pilot.pause()
        assert app.is_running
        trainer = app.main.experiment.trainer
        assert len(trainer.history) == trainer.epoch
        await pilot.press("escape", "escape", "end")
        if app.main.running:
            await pilot.press("p")
        await pilot.pause()
        assert app.is_running and not isinstance(app.screen, ModalScreen)
        # What the panes show agrees with the run (the keys above end any look back, and
        # space finishes any walk)
        trainer = app.main.experiment.trainer
        await pilot.press("space")
        await pilot.pause()
        view = app.main.view
        assert app.main.walk is None
        assert view is not None and view.epoch == trainer.epoch == len(trainer.history)
        assert view.diverged == trainer.diverged
        assert any(w.display for w in app.query("#chart, #boundary"))
        assert f"Epoch {trainer.epoch - 1:,} " in text_of(app.query_one("#status"))


async def test_the_palette_opened_again_while_the_last_one_closes_does_not_end_the_app() -> None:
    """ctrl+p, enter, ctrl+p typed at once (a key storm under load ended the app so)."""
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        app.action_command_palette()
        await pilot.pause()
        app.pop_screen()  # closing: not yet removed when the next ctrl+p comes
        app.action_command_palette()
        await pilot.pause()
        assert isinstance(app.screen, Palette)
    assert app.return_code in (0, None)


async def test_quitting_while_a_screen_opens_or_a_check_ends_quits_cleanly() -> None:
    """q or ctrl+q typed as a screen is still being built (the palette's commands are
    being gathered), or as a gradient check reports: the app quits, status 0, where the
    screen's work on widgets already removed ended it on an error (a key storm found it)."""
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        app.action_command_palette()  # its commands are gathered as it mounts
        await app.run_action("quit")
        await pilot.pause()
    assert app.return_code == 0
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "g")
        dialog = app.screen
        assert isinstance(dialog, GradientCheckDialog)
        await wait_until(pilot, lambda: dialog.result is not None)
        await app.run_action("quit")
        dialog.post_message(GradientCheckDialog.Finished(dialog.result))  # as a check ends
        await pilot.pause()
    assert app.return_code == 0


@pytest.mark.parametrize(
    "opens",
    ["action_settings", "action_datasets", "action_open_csv", "action_gradient_check"],
)
async def test_a_dialog_closed_before_it_is_built_leaves_the_app_running(opens: str) -> None:
    """S (or d, o, g) then escape faster than a frame (a key storm under coverage found
    it): the dialog, closed before its mount was handled, looked for its own widgets and
    ended the app on NoMatches, status 1. It closes once built."""
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space")
        for _ in range(3):
            getattr(app.main, opens)()
            app.pop_screen()  # the escape, before the dialog was built
            await pilot.pause()
        await wait_until(pilot, lambda: app.screen is app.main)
        assert app.is_running
        await press(pilot, "S")
        assert isinstance(app.screen, SettingsDialog)  # and a dialog still opens
    assert app.return_code in (0, None)
