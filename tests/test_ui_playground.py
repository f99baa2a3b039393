"""The playground's controls driven through keys: the dataset menu, the settings screen,
looking back through history, comparing runs, export, and the decision-boundary pane."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Label, OptionList, Select, Switch

from tests.helpers import SIZE, app_of, press, shown_epoch, text_of, wait_until, weights_of
from tui_backprop.engine.weights_io import load_weights
from tui_backprop.experiment import Experiment
from tui_backprop.settings import SEED_PRESET, resolve
from tui_backprop.ui.app import BackpropApp
from tui_backprop.ui.model.scene import PLANE
from tui_backprop.ui.panes.boundary_pane import BoundaryPane
from tui_backprop.ui.panes.chart_pane import MetricsChart
from tui_backprop.ui.screens.dataset_dialog import DatasetDialog
from tui_backprop.ui.screens.open_csv_dialog import OpenCsvDialog
from tui_backprop.ui.screens.settings_dialog import SettingsDialog

XOR = resolve("xor", {})
DATASETS = Path(__file__).resolve().parent.parent / "datasets"


def error_of(app: BackpropApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Label).render())


# -- the dataset menu ----------------------------------------------------------------------


async def choose_dataset(
    pilot: Pilot[Any],
    app: BackpropApp,
    name: str,
    points: str | None = None,
    noise: str | None = None,
) -> None:
    await press(pilot, "d")
    await pilot.pause()
    assert isinstance(app.screen, DatasetDialog)
    listing = app.screen.query_one(OptionList)
    listing.highlighted = listing.get_option_index(name)
    await pilot.pause()
    if points is not None:
        app.screen.query_one("#data-points", Input).value = points
    if noise is not None:
        app.screen.query_one("#data-noise", Input).value = noise
    await pilot.click("#data-ok")
    await pilot.pause()


async def test_the_dataset_menu_switches_to_a_generated_dataset() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space")
        await choose_dataset(pilot, app, "circles", points="120", noise="0.2")
        assert not isinstance(app.screen, DatasetDialog)
        ex = app.main.experiment
        assert (ex.dataset.name, ex.dataset.n_rows) == ("circles", 120)
        assert ex.dataset.source == "built-in, noise 0.2"
        assert ex.settings.preset == "standard" and ex.trainer.sizes == (2, 8, 1)
        assert ex.trainer.epoch == 0
        assert app.query_one(BoundaryPane).scene is not None
        assert app.query_one(BoundaryPane).scene.kind == PLANE  # type: ignore[union-attr]
        assert "circles" in text_of(app.query_one("#status"))
        # the menu offers the current dataset's size and noise next time
        await press(pilot, "d")
        await pilot.pause()
        assert app.screen.query_one("#data-points", Input).value == "120"
        assert app.screen.query_one("#data-noise", Input).value == "0.2"


async def test_a_bad_dataset_choice_changes_nothing() -> None:
    """The menu's wiring of a refusal (the rules: ``test_session_data``)."""
    points, noise, says = "many", "0.1", "points: 'many' is not a whole number"
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space", "space")
        experiment, weights = app.main.experiment, weights_of(app)
        await choose_dataset(pilot, app, "moons", points=points, noise=noise)
        assert isinstance(app.screen, DatasetDialog)
        assert says in error_of(app, "#data-error")
        await press(pilot, "escape")
        await pilot.pause()
        assert app.main.experiment is experiment and experiment.trainer.epoch == 2
        for got, want in zip(weights_of(app), weights, strict=True):
            assert np.array_equal(got, want)
        await choose_dataset(pilot, app, "seed", points="many")  # its size is fixed
        assert app.main.experiment.dataset.name == "seed"


async def test_open_csv_from_the_dataset_menu() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await choose_dataset(pilot, app, "csv")
        assert isinstance(app.screen, OpenCsvDialog)


# -- the settings screen -------------------------------------------------------------------


async def open_settings(pilot: Pilot[Any], app: BackpropApp) -> SettingsDialog:
    await press(pilot, "S")
    await pilot.pause()
    assert isinstance(app.screen, SettingsDialog)
    return app.screen


async def apply_settings(pilot: Pilot[Any], app: BackpropApp, **values: str | bool) -> None:
    screen = await open_settings(pilot, app)
    for name, value in values.items():
        widget = screen.query_one(f"#set-{name}")
        assert isinstance(widget, Input | Switch | Select)
        widget.value = value
    await pilot.pause()
    await pilot.click("#settings-ok")
    await pilot.pause()


async def test_network_settings_reset_the_run_and_keep_the_seed() -> None:
    app = app_of(XOR)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space", "space", "R", "space")  # R moves the seed on to 1
        assert app.main.experiment.trainer.config.seed == 1
        screen = await open_settings(pilot, app)
        assert screen.query_one("#set-seed", Input).value == "1"  # the run's, as it is now
        screen.query_one("#set-hidden", Input).value = "8,4"
        screen.query_one("#set-activation", Select).value = "relu"
        await pilot.pause()
        plan = str(screen.query_one("#settings-plan", Label).render())
        assert "Restarts the run from the initial weights" in plan and "activation" in plan
        await pilot.click("#settings-ok")
        await pilot.pause()
        ex = app.main.experiment
        assert ex.trainer.epoch == 0 and ex.trainer.sizes == (2, 8, 4, 1)
        assert ex.trainer.config.seed == 1 and ex.settings.activation == "relu"
        fresh = Experiment.build(replace(XOR, hidden=(8, 4), activation="relu", seed=1))
        for got, want in zip(ex.trainer.params.weights, fresh.trainer.params.weights, strict=True):
            assert np.array_equal(got, want)


async def test_a_refused_form_says_why_in_the_dialog_and_changes_nothing() -> None:
    """The dialog's wiring of both refusals: a field the form cannot read, and settings
    the run cannot take (each rule: ``test_session_settings``)."""
    app = app_of(XOR)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space")
        experiment, weights = app.main.experiment, weights_of(app)
        config = experiment.trainer.config
        await apply_settings(pilot, app, lr="-1")
        assert isinstance(app.screen, SettingsDialog)
        assert "learning rate: -1 must be a finite number > 0" in error_of(app, "#settings-error")
        app.screen.query_one("#set-lr", Input).value = "0.1"
        app.screen.query_one("#set-load_weights", Input).value = "missing.npz"
        await pilot.pause()
        await pilot.click("#settings-ok")
        await pilot.pause()
        assert isinstance(app.screen, SettingsDialog)
        assert "missing.npz" in error_of(app, "#settings-error")
        await press(pilot, "escape")
        await pilot.pause()
        assert app.main.experiment is experiment and experiment.trainer.config == config
        assert experiment.trainer.epoch == 1
        for got, want in zip(weights_of(app), weights, strict=True):
            assert np.array_equal(got, want)


async def test_layer_buttons_and_a_preset_fill_in_the_fields() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot, app)
        field = screen.query_one("#set-hidden", Input)
        buttons = {b.name: b for b in screen.query(".settings-layer")}
        for what in ("+layer", "+neuron", "+neuron", "-layer", "+layer", "-neuron"):
            buttons[what].press()
            await pilot.pause()
        assert field.value == "4,3"
        screen.query_one("#set-preset", Select).value = "standard"
        await pilot.pause()
        assert screen.query_one("#set-hidden", Input).value == "8"
        assert screen.query_one("#set-activation", Select).value == "tanh"
        assert screen.query_one("#set-bias", Switch).value is True


# -- history -------------------------------------------------------------------------------

PANES = ("#diagram", "#neuron", "#chart", "#weights", "#deltas")


async def test_looking_back_shows_every_pane_as_a_fresh_run_had_it() -> None:
    scrubbed, fresh = app_of(), app_of()
    async with scrubbed.run_test(size=SIZE) as pilot:
        await press(
            pilot,
            *["space"] * 7,
            "left_square_bracket",
            "left_square_bracket",
            "left_square_bracket",
            "right_square_bracket",
        )
        await pilot.pause()
        assert scrubbed.main.experiment.trainer.epoch == 7  # looking changes nothing
        status = text_of(scrubbed.query_one("#status"))
        assert "viewing epoch 4 (latest 6)" in status  # 5 of 7 passes, numbered from 0
        looked = {name: text_of(scrubbed.query_one(name)) for name in PANES}
        view = scrubbed.main.view
    async with fresh.run_test(size=SIZE) as pilot:
        await press(pilot, *["space"] * 5)
        await pilot.pause()
        for name in PANES:
            assert looked[name] == text_of(fresh.query_one(name)), name
        want = text_of(fresh.query_one("#status")).splitlines()[1]
        metrics = want[want.index("loss") : want.index("%") + 1]  # loss and accuracy
        assert metrics and f"(latest 6)  {metrics}  " in status.splitlines()[1]
    assert view is not None
    for got, expected in zip(
        view.params.weights, fresh.main.experiment.trainer.params.weights, strict=True
    ):
        assert np.array_equal(got, expected)


async def test_jumps_and_ends_of_the_history() -> None:
    """The keys' wiring (the jump's length: ``test_session_run``): twelve epochs, so a
    jump is ten."""
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, *["space"] * 12)
        await press(pilot, "left_curly_bracket")
        assert shown_epoch(app) == 2
        await press(pilot, "home")
        assert app.main.view.epoch == 0 and app.main.view.present == 12
        await press(pilot, "left_square_bracket", "right_curly_bracket")
        assert app.main.view.epoch == 10
        await press(pilot, "end")
        assert app.main.view.epoch == 12 and app.main.view.present is None
        await pilot.pause()
        assert "viewing" not in text_of(app.query_one("#status"))


async def test_training_from_the_past_forks_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    app, fresh = app_of(), Experiment.build(SEED_PRESET).trainer
    notes: list[str] = []
    monkeypatch.setattr(app, "notify", lambda message, **_: notes.append(str(message)))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, *["space"] * 6, *["left_square_bracket"] * 3, "space")
        trainer = app.main.experiment.trainer
        assert trainer.epoch == 6 and app.main.session.looking.epoch == 3  # the first space asks
        assert (
            "Press space, n or p again to train from epoch 2, discarding epochs 3 to 5"
            in (notes[-1])
        )
        await press(pilot, "space")
        await pilot.pause()
        assert trainer.epoch == 4 and app.main.view is not None and app.main.view.present is None
        assert "forked at epoch 2: epochs 3 to 5 discarded (c overlays them)" in notes
        for _ in range(4):
            fresh.train_epoch()
        for got, want in zip(trainer.params.weights, fresh.params.weights, strict=True):
            assert np.array_equal(got, want)
        assert [run.epochs for run in app.main.session.kept.runs] == [6]  # kept to compare with
        await press(pilot, "c")
        overlay = app.query_one(MetricsChart).overlay
        assert overlay is not None and len(overlay.loss) == 6
        assert overlay.caption == "same settings (before the fork from epoch 2)"


async def test_running_from_the_past_forks_too() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*["space"] * 4, "home", "p", "p")  # the first p asks
        await wait_until(pilot, lambda: shown_epoch(app) > 0)
        await pilot.press("p")
        assert app.main.session.looking.state is None and app.main.experiment.trainer.epoch >= 1
        assert len(app.main.experiment.trainer.history) == app.main.experiment.trainer.epoch


async def test_history_needs_a_trained_epoch() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "left_square_bracket", "home")
        assert shown_epoch(app) == 0 and app.main.view.present is None


# -- comparing runs ------------------------------------------------------------------------


async def test_compare_cycles_through_runs_newest_first() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space", "r", "space", "space", "R", "space", "c")
        chart = app.query_one(MetricsChart)
        assert chart.overlay is not None and chart.overlay.name == "run 2"
        assert chart.overlay.caption == "seed 333 vs 334" and len(chart.overlay.loss) == 2
        assert "loss  run 2: ━━ train" in text_of(chart)
        await press(pilot, "c")
        assert chart.overlay is not None and chart.overlay.name == "run 1"
        assert len(chart.overlay.loss) == 1
        await press(pilot, "c")
        assert chart.overlay is None


async def test_a_replay_has_the_same_settings() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space", "space", "r", "space", "c")
        chart = app.query_one(MetricsChart)
        assert chart.overlay is not None and chart.overlay.caption == "same settings"
        assert "c: run 1 vs this run · same settings" in str(chart.border_subtitle)
        await press(pilot, "c")
        assert chart.overlay is None


# -- export --------------------------------------------------------------------------------


async def test_export_writes_screen_weights_and_metrics(workdir: Path) -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, *["space"] * 4, "left_square_bracket", "left_square_bracket", "e")
        await pilot.pause()
        past = app.main.session.looking.state
        assert past is not None
    # four passes, two back: epoch 1 on screen, and epochs 0 and 1 in the log
    svg = (workdir / "seed-epoch1-screen.svg").read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "viewing" in svg
    weights, _ = load_weights(workdir / "seed-epoch1-weights.npz")
    for got, want in zip(weights.weights, past.params.weights, strict=True):
        assert np.array_equal(got, want)
    log = (workdir / "seed-epoch1-metrics.csv").read_text(encoding="utf-8").splitlines()
    assert len(log) == 3


async def test_export_from_the_command_palette(workdir: Path) -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space", "ctrl+p")
        await pilot.pause()
        await press(pilot, *"Export")
        await app.workers.wait_for_complete()  # the palette's search
        await pilot.pause()
        await press(pilot, "enter")
        await wait_until(pilot, lambda: len(list(workdir.iterdir())) == 3)
    assert sorted(p.name for p in workdir.iterdir()) == [
        "seed-epoch0-metrics.csv",
        "seed-epoch0-screen.svg",
        "seed-epoch0-weights.npz",
    ]


async def test_a_long_refusal_wraps_in_the_dialog_and_keeps_its_end() -> None:
    """'… too large to train on (it would overflow); choo' was all a learner saw: the
    error line was cut at the dialog's width."""
    app = app_of(XOR)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_settings(pilot, app)
        field = dialog.query_one("#set-noise", Input)
        field.value = "1e200"
        field.focus()
        await press(pilot, "enter")
        error = dialog.query_one(f"#{dialog.part_id('error')}", Label)
        await wait_until(pilot, lambda: "smaller --noise" in " ".join(text_of(error).split()))
        assert " ".join(text_of(error).split()).endswith("choose a smaller --noise")
        assert error.parent is not None  # and none of it lies past the dialog's edge
        assert error.region.right <= error.parent.content_region.right
