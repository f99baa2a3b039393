"""Every message names its real cause and the file it came from: a noise or an input
feature beyond the limit a CSV meets is refused by its flag, range advice offers only
what the run does not do, a divergence from a hand edit says so (and u undoes it), the
training process's errors keep their words, a set-up file is named in its run's
errors, hidden commands stay out of Textual's own palette entries, and no NumPy
warning reaches the user whatever the input."""

from __future__ import annotations

import math
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from textual.command import CommandList

from tests.helpers import SIZE, app_of, press, text_of, wait_until
from tests.terminal import running
from tests.test_inputs_bounded import assert_refused, command
from tui_backprop.data import Dataset, DatasetError, load_dataset, split_dataset
from tui_backprop.data.load import Drawn
from tui_backprop.engine import ConfigError
from tui_backprop.experiment import Experiment
from tui_backprop.lesson import parse_lesson
from tui_backprop.settings import Settings, resolve
from tui_backprop.ui.app import BackpropApp
from tui_backprop.ui.command_table import LESSON_COMMANDS
from tui_backprop.ui.model import training_process
from tui_backprop.ui.model.dataset_menu import open_builtin
from tui_backprop.ui.panes.deltas_pane import DeltasPane
from tui_backprop.ui.panes.status_pane import StatusLine

# -- generated data and input features within the CSV limit ----------------------------


@pytest.mark.parametrize(
    ("argv", "limit"),
    [
        (("circles", "--noise", "1e308"), "±1e+100"),
        (("plane", "--noise", "1e300"), "±1e+100"),
        (("circles", "--noise", "1e30", "--dtype", "float32", "--no-standardize"), "±1e+15"),
    ],
)
def test_a_noise_beyond_the_csv_limit_is_refused_naming_the_flag(
    argv: tuple[str, ...], limit: str
) -> None:
    err = assert_refused(command(*argv), f"{argv[0]}: --noise {float(argv[2]):g}", limit)
    assert "Warning" not in err and "use float64" not in err


def test_a_noise_within_the_limit_still_trains_without_a_warning() -> None:
    done = command("plane", "--noise", "1e99")
    assert done.returncode == 0 and done.stderr == ""
    assert "RMSE inf" not in done.stdout and "RMSE" in done.stdout


def test_the_dataset_menu_refuses_the_same_noise() -> None:
    current = Experiment.build(resolve("circles", {}))
    with pytest.raises(DatasetError, match=r"--noise 1e\+308 draws values beyond"):
        open_builtin(current, "circles", 200, 1e308)
    assert load_dataset("circles", drawn=Drawn(noise=1e99)).n_rows == 200


def test_a_squared_feature_beyond_the_limit_is_refused_naming_it(tmp_path: Path) -> None:
    data = tmp_path / "big.csv"
    data.write_text("a,b,y\n1e99,0,0\n-1e99,1,1\n0,2,0\n5e98,3,1\n1,1,0\n2,2,1\n")
    err = assert_refused(command(str(data), "--features", "x1^2,x2"), "--features x1^2")
    assert "1e+198" in err and "Warning" not in err
    fine = command(str(data), "--features", "x1x2,sinx1")
    assert fine.returncode == 0 and "Warning" not in fine.stderr


# -- range advice -----------------------------------------------------------------------


def beyond_float32(dtype: str, standardize: bool) -> str:
    """The message for rows beyond float32 reaching a run of ``dtype`` (rows beyond
    float64 are infinite) that ``standardize``s or not."""
    big = 1e39 if dtype == "float32" else math.inf
    x = np.array([[0.0, 1.0], [1.0, big], [2.0, 0.0], [3.0, 1.0]])
    ds = Dataset("big", "test", x, ("a", "b"), np.array([0, 1, 0, 1]), ("0", "1"), "y")
    settings = resolve("xor", {"dtype": dtype, "standardize": standardize, "test_split": 0.0})
    settings = replace(settings, output="sigmoid")
    with pytest.raises(ConfigError) as caught:
        Experiment.on_split(settings, ds, split_dataset(ds, 0.0, False, 0))
    return str(caught.value)


def test_range_advice_offers_only_what_the_run_does_not_do() -> None:
    raw32 = beyond_float32("float32", standardize=False)
    assert "--dtype float64" in raw32 and "standardise" in raw32
    standardised32 = beyond_float32("float32", standardize=True)
    assert "--dtype float64" in standardised32 and "standardise" not in standardised32
    standardised64 = beyond_float32("float64", standardize=True)
    assert "beyond what float64 can hold" in standardised64
    assert "use" not in standardised64 and "standardise" not in standardised64


# -- a divergence from a hand edit ------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "layer", "value", "epochs"),
    [
        (resolve("seed", {}), 0, 1e308, 1),  # the weights diverge as it is made
        (resolve("plane", {}), 1, 1e100, 2),  # the epoch after it diverges
    ],
)
async def test_a_run_diverged_by_a_hand_edit_says_so_and_u_undoes_it(
    settings: Settings, layer: int, value: float, epochs: int
) -> None:
    app = app_of(settings)
    async with app.run_test(size=SIZE) as pilot:
        trainer = app.main.experiment.trainer
        await press(pilot, "space")
        await wait_until(pilot, lambda: trainer.epoch == 1)
        before = [np.array(w) for w in trainer.params.weights]
        app.main.show(app.main.session.hand.edit_cell(layer, 0, 0, value))
        await press(pilot, "space")
        await wait_until(pilot, lambda: trainer.epoch == epochs and trainer.diverged)
        await pilot.pause()
        status = text_of(app.main.query_one(StatusLine))
        assert f"edited W{layer + 1}[" in status and "u undoes the edit" in status, status
        assert "lower the learning rate" not in status
        deltas = text_of(app.main.query_one(DeltasPane))
        assert "hand edit" in deltas and "lower the lr" not in deltas, deltas
        await press(pilot, "space")  # refused: the notice names the edit too
        await pilot.pause()
        notes = [n.message for n in app.notices]
        assert any("made it diverge; u undoes the edit" in n for n in notes), notes
        assert not any("lower the learning rate" in n for n in notes), notes
        await press(pilot, "u")
        assert trainer.epoch == 1 and not trainer.diverged and not trainer.edits
        for got, was in zip(trainer.params.weights, before, strict=True):
            np.testing.assert_array_equal(got, was)
        await press(pilot, "space")
        await wait_until(pilot, lambda: trainer.epoch == 2)
        assert not trainer.diverged


async def test_a_divergence_from_the_learning_rate_still_asks_for_a_lower_one() -> None:
    app = app_of(lr=1e300)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space", "space")
        await wait_until(pilot, lambda: app.main.experiment.trainer.diverged)
        assert "lower the learning rate" in text_of(app.main.query_one(StatusLine))


# -- the training process's errors ------------------------------------------------------


def test_a_memory_error_in_the_training_process_keeps_its_words() -> None:
    """NumPy's own memory error (``numpy._core._exceptions._ArrayMemoryError``) is said
    under its public name and in its own case, as the app shows it."""
    with pytest.raises(MemoryError) as raised:
        np.empty((10**8, 10**8))
    why = f"the training process {training_process.failure(raised.value)}"
    assert why.startswith("the training process ran out of memory (MemoryError: Unable"), why
    assert "_exceptions" not in why and "arraymemoryerror" not in why.lower()
    other = training_process.failure(RuntimeError("Bad Thing"))
    assert other == "failed (RuntimeError: Bad Thing)"


# -- the set-up file named ---------------------------------------------------------------


def test_a_set_up_file_whose_data_and_settings_clash_is_named(tmp_path: Path) -> None:
    setup = tmp_path / "clash.toml"
    setup.write_text('preset = "seed"\ndataset = "spiral3"\n')
    err = assert_refused(command("--config", str(setup)), f"{setup}: ", "3 classes")
    assert err.startswith(f"backprop-tui: error: {setup}: ")
    typed = assert_refused(command("--preset", "seed", "spiral3"), "3 classes")
    assert ".toml" not in typed


# -- Textual's own palette entries -------------------------------------------------------


async def palette_titles(app: BackpropApp, query: str) -> list[str]:
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "ctrl+p")
        await pilot.pause()
        await press(pilot, *query)
        await app.workers.wait_for_complete()  # the palette's search
        await pilot.pause()
        found = app.screen.query_one(CommandList)
        return [str(found.get_option_at_index(i).prompt) for i in range(found.option_count)]


@pytest.mark.parametrize(("hide", "query"), [("export", "Screenshot"), ("zoom", "Maximize")])
async def test_a_hidden_command_hides_textuals_palette_entry_for_it(hide: str, query: str) -> None:
    shown = await palette_titles(app_of(), query)
    assert any(query in t for t in shown), shown
    text = f'title = "t"\nhide = ["{hide}"]\n[[step]]\ntext = "Look."\n'
    lesson = parse_lesson(text, "hide.toml", LESSON_COMMANDS)
    hidden = await palette_titles(app_of(lesson=lesson), query)
    assert not any(query in t for t in hidden), hidden


# -- no NumPy warning reaches the user ---------------------------------------------------

EXTREMES = [
    ("circles", "--lr", "1e300"),
    ("plane", "--lr", "1e300", "--dtype", "float32", "--optimizer", "adam"),
    ("spiral3", "--lr", "1e300", "--batch-size", "10", "--optimizer", "momentum"),
    ("circles", "--noise", "1e99", "--no-standardize", "--lr", "1e10"),
    ("plane", "--noise", "1e99", "--no-standardize"),
    ("circles", "--noise", "1e14", "--dtype", "float32", "--no-standardize"),
    ("circles", "--l1", "1e300", "--l2", "1e300"),
]


@pytest.mark.parametrize("argv", EXTREMES)
def test_extreme_inputs_print_no_warning_from_the_real_command(argv: tuple[str, ...]) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-W",
            "default",
            "-m",
            "tui_backprop",
            "--headless",
            "--epochs",
            "3",
            *argv,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0 and "Warning" not in done.stderr, done.stderr


def test_the_app_prints_no_warning_on_a_diverging_run() -> None:
    with running("circles", "--lr", "1e300", env={"PYTHONWARNINGS": "default"}) as terminal:
        seen = terminal.read_until(b"No epoch yet", 20)
        terminal.type("  ")
        seen += terminal.read_for(3)
        terminal.type("q")
        terminal.wait_exit(10)
    assert b"DIVERGED" in seen and b"Warning" not in seen
