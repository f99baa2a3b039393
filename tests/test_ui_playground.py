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
from tui_backprop.data import builtin_dataset
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


async def test_seed_from_the_menu_is_the_reference_experiment() -> None:
    app = app_of(XOR)
    async with app.run_test(size=SIZE) as pilot:
        await choose_dataset(pilot, app, "seed")
        assert app.main.experiment.settings == Experiment.build(SEED_PRESET).settings
        want = Experiment.build(SEED_PRESET).trainer.params.weights
        for got, expected in zip(app.main.experiment.trainer.params.weights, want, strict=True):
            assert np.array_equal(got, expected)


@pytest.mark.parametrize(
    ("points", "noise", "says"),
    [
        ("many", "0.1", "points: 'many' is not a whole number"),
        ("200", "-1", "noise: -1 must be a finite number ≥ 0"),
        ("1", "0.1", "points: a built-in dataset takes 2 to 1000000 points, not 1"),
    ],
)
async def test_a_bad_dataset_choice_changes_nothing(points: str, noise: str, says: str) -> None:
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


async def test_the_learning_rate_and_optimiser_change_live() -> None:
    app = app_of(XOR)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space", "space", "space")
        trainer = app.main.experiment.trainer
        screen = await open_settings(pilot, app)
        screen.query_one("#set-lr", Input).value = "0.5"
        screen.query_one("#set-optimizer", Select).value = "adam"
        await pilot.pause()
        assert "Applies live" in str(screen.query_one("#settings-plan", Label).render())
        await pilot.click("#settings-ok")
        await pilot.pause()
        assert app.main.experiment.trainer is trainer and trainer.epoch == 3
        assert (trainer.config.lr, trainer.config.optimizer) == (0.5, "adam")
        assert app.main.experiment.settings.lr == 0.5
        assert "Adam · lr 0.5" in text_of(app.query_one("#status"))


async def test_the_lr_keys_and_the_settings_screen_agree() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "L")
        screen = await open_settings(pilot, app)
        assert screen.query_one("#set-lr", Input).value == "0.3"


async def test_network_settings_reset_the_run_and_keep_the_seed() -> None:
    app = app_of(XOR)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space", "space", "R", "space")  # R moves the seed on to 1
        assert app.main.experiment.trainer.config.seed == 1
        screen = await open_settings(pilot, app)
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


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("lr", "-1", "learning rate: -1 must be a finite number > 0"),
        ("batch_size", "two", "batch size: 'two' is not a whole number"),
        ("hidden", "8,0", "hidden layers: every hidden layer needs at least one neuron"),
        ("test_split", "1", "test split: 1 must be a fraction"),
        ("load_weights", "missing.npz", "missing.npz"),
    ],
)
async def test_invalid_settings_are_refused(name: str, value: str, says: str) -> None:
    app = app_of(XOR)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space")
        experiment, weights, config = (
            app.main.experiment,
            weights_of(app),
            app.main.experiment.trainer.config,
        )
        await apply_settings(pilot, app, **{name: value})
        assert isinstance(app.screen, SettingsDialog)
        assert says in error_of(app, "#settings-error")
        await press(pilot, "escape")
        await pilot.pause()
        assert app.main.experiment is experiment and experiment.trainer.config == config
        assert experiment.trainer.epoch == 1
        for got, want in zip(weights_of(app), weights, strict=True):
            assert np.array_equal(got, want)


async def test_a_setting_the_data_cannot_take_is_refused() -> None:
    app = app_of(resolve("spiral3", {}))
    async with app.run_test(size=SIZE) as pilot:
        experiment = app.main.experiment
        await apply_settings(pilot, app, output="sigmoid")
        assert "a sigmoid output needs exactly 2 classes" in error_of(app, "#settings-error")
        assert app.main.experiment is experiment


async def test_the_data_fields_redraw_a_built_in_and_show_what_is_drawn() -> None:
    app = app_of(XOR)
    async with app.run_test(size=SIZE) as pilot:
        await apply_settings(pilot, app, points="120", noise="0.3", data_seed="4")
        ex = app.main.experiment
        assert (ex.settings.points, ex.settings.noise, ex.settings.data_seed) == (120, 0.3, 4)
        drawn = builtin_dataset("xor", 120, 0.3, 4)
        assert np.array_equal(ex.dataset.features, drawn.features) and ex.trainer.epoch == 0
        screen = await open_settings(pilot, app)
        shown = [
            screen.query_one(f"#set-{n}", Input).value for n in ("points", "noise", "data_seed")
        ]
        assert shown == ["120", "0.3", "4"]


@pytest.mark.parametrize("name", ["points", "noise", "data_seed"])
async def test_a_csv_refuses_the_data_fields_as_the_command_line_does(name: str) -> None:
    app = app_of(resolve(str(DATASETS / "xor.csv"), {}))
    async with app.run_test(size=SIZE) as pilot:
        experiment = app.main.experiment
        await apply_settings(pilot, app, **{name: "3"})
        says = "apply only to generated built-in datasets, not to a CSV file"
        assert says in error_of(app, "#settings-error")
        assert app.main.experiment is experiment and experiment.settings.points is None


async def test_every_reset_setting_reaches_the_engine() -> None:
    app = app_of(XOR)
    async with app.run_test(size=SIZE) as pilot:
        await apply_settings(
            pilot,
            app,
            bias=False,
            batch_size="16",
            reduction="sum",
            init="he",
            init_scale="0.5",
            l2="0.01",
            test_split="0.25",
            standardize=False,
            seed="7",
            dtype="float32",
        )
        c = app.main.experiment.trainer.config
        assert (c.bias, c.batch_size, c.reduction, c.init, c.init_scale, c.l2, c.seed, c.dtype) == (
            False,
            16,
            "sum",
            "he",
            0.5,
            0.01,
            7,
            "float32",
        )
        split = app.main.experiment.split
        assert split.x_test is not None and len(split.x_test) == 50 and not split.standardized


async def test_layer_buttons_edit_the_layers_field() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot, app)
        field = screen.query_one("#set-hidden", Input)
        buttons = {b.name: b for b in screen.query(".settings-layer")}
        for what in ("+layer", "+neuron", "+neuron", "-layer", "+layer", "-neuron"):
            buttons[what].press()
            await pilot.pause()
        assert field.value == "4,3"


async def test_choosing_a_preset_fills_in_its_values() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot, app)
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
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, *["space"] * 50)
        await press(pilot, "left_curly_bracket")
        assert shown_epoch(app) == 40
        await press(pilot, "home")
        assert app.main.view.epoch == 0 and app.main.view.present == 50
        await press(pilot, "left_square_bracket", "right_curly_bracket")
        assert app.main.view.epoch == 10
        await press(pilot, "end")
        assert app.main.view.epoch == 50 and app.main.view.present is None
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


async def test_compare_overlays_an_earlier_run_labelled_with_what_differs() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space", "space", "space")
        await apply_settings(pilot, app, hidden="6", lr="1")
        await press(pilot, "space", "c")
        await pilot.pause()
        chart = app.query_one(MetricsChart)
        assert chart.overlay is not None
        assert chart.overlay.caption == "layers 2-4-1 vs 2-6-1, lr 0.1 vs 1"
        assert np.array_equal(chart.overlay.loss, app.main.session.kept.runs[0].loss)
        assert len(chart.overlay.loss) == 3
        assert "loss  run 1: ━━ train" in text_of(chart)
        await press(pilot, "c")
        assert chart.overlay is None


async def test_compare_cycles_through_runs_newest_first() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space", "r", "space", "space", "R", "space", "c")
        chart = app.query_one(MetricsChart)
        assert chart.overlay is not None and chart.overlay.name == "run 2"
        assert chart.overlay.caption == "seed 333 vs 334" and len(chart.overlay.loss) == 2
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


async def test_starting_from_a_weights_file(workdir: Path) -> None:
    app = app_of(XOR)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, *["space"] * 5, "s")
        await pilot.pause()
        trained = weights_of(app)
        await apply_settings(pilot, app, load_weights="xor-epoch4-weights.npz")
        ex = app.main.experiment
        assert ex.trainer.epoch == 0 and ex.settings.load_weights == "xor-epoch4-weights.npz"
        for got, want in zip(weights_of(app), trained, strict=True):
            assert np.array_equal(got, want)
        await press(pilot, "space", "space", "r")  # a reset returns to the file's weights
        for got, want in zip(weights_of(app), trained, strict=True):
            assert np.array_equal(got, want)
