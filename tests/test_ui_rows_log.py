"""The rows and log view (t): the epoch on screen row by row with the engine's own numbers,
and the per-epoch lines a headless run prints, following history and a playing run."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from tests.helpers import SIZE, app_of, press, text_of, wait_until
from tui_backprop.cli import main
from tui_backprop.engine.losses import OUTPUTS
from tui_backprop.settings import resolve
from tui_backprop.ui.app import BackpropApp
from tui_backprop.ui.model.row_table import MAX_FEATURES, MAX_ROWS, MAX_TEST_ROWS
from tui_backprop.ui.panes.epoch_log_pane import EpochLog
from tui_backprop.ui.panes.neuron_pane import NeuronDetail
from tui_backprop.ui.screens.rows_log_dialog import RowsLogDialog


async def open_view(pilot: Pilot[Any], *keys: str) -> RowsLogDialog:
    """Press ``keys``, then t, and wait until the view has drawn the epoch on screen."""
    await press(pilot, *keys, "t")
    screen = pilot.app.screen
    assert isinstance(screen, RowsLogDialog)
    await wait_until(pilot, lambda: screen.shown is not None)
    return screen


def cells(app: BackpropApp) -> list[list[str]]:
    table: DataTable[object] = app.screen.query_one("#rows-table", DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def column(app: BackpropApp, title: str) -> list[str]:
    table: DataTable[object] = app.screen.query_one("#rows-table", DataTable)
    titles = [str(c.label) for c in table.columns.values()]
    k = titles.index(title)
    return [row[k] for row in cells(app)]


def title(app: BackpropApp) -> str:
    return str(app.screen.query_one("#rows-title", Static).render())


def log_lines(app: BackpropApp) -> list[str]:
    return [line.rstrip() for line in text_of(app.screen.query_one(EpochLog)).splitlines()]


def headless(capsys: pytest.CaptureFixture[str], epochs: int) -> list[str]:
    assert main(["--headless", "--epochs", str(epochs)]) == 0
    return [ln for ln in capsys.readouterr().out.splitlines() if not ln.startswith("#")]


async def test_rows_show_the_engines_numbers_of_the_epoch_on_screen() -> None:
    app = app_of()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_view(pilot, "space", "space", "space")
        record = app.main.experiment.trainer.last_record
        assert record is not None and record.epoch == 2
        out = record.layers[-1]
        losses = OUTPUTS["sigmoid"].per_sample(out.z, record.y)
        assert column(app, "ŷ = P(1)") == [f"{v:.4f}" for v in out.a[:, 0]]
        assert column(app, "loss") == [f"{v:.6f}" for v in losses]
        assert column(app, "δ = ŷ − y") == [f"{v:+.4f}" for v in out.delta[:, 0]]
        assert column(app, "x1") == [f"{v:.4f}" for v in record.x[:, 0]]
        assert column(app, "target") == ["0"] * 5 + ["1"] * 5
        assert len(cells(app)) == 10
        # their mean is the epoch's loss, and the share of ✓ its accuracy (70 % at epoch 2)
        assert np.isclose(losses.mean(), app.main.experiment.trainer.history[2].loss)
        assert sum("✓" in c for c in column(app, "predicted")) == 7
        assert title(app).startswith("Epoch 2:")


async def test_log_ends_with_the_line_headless_prints(capsys: pytest.CaptureFixture[str]) -> None:
    printed = headless(capsys, 4)
    app = app_of()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_view(pilot, *["space"] * 4)
        app.screen.query_one("TabbedContent").active = "log-tab"  # type: ignore[attr-defined]
        await pilot.pause()
        shown = [line for line in log_lines(app) if line]
        assert shown == printed
        assert shown[-1].startswith("Epoch 3,")


async def test_looking_back_changes_the_rows_and_the_log() -> None:
    app = app_of()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_view(pilot, *["space"] * 4)
        before = column(app, "loss")
        await press(pilot, "left_square_bracket", "left_square_bracket")
        assert app.main.view is not None and app.main.view.epoch == 2
        assert title(app).startswith("Epoch 1:") and "looking back" in title(app)
        assert column(app, "loss") != before
        log = app.screen.query_one(EpochLog)
        assert log.count == 2 and log.line(log.count - 1).startswith("Epoch 1,")
        await press(pilot, "end")
        assert column(app, "loss") == before and log.count == 4


async def test_at_epoch_zero_the_data_shows_and_space_fills_it_in() -> None:
    app = app_of()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_view(pilot)
        assert "not trained yet" in title(app)
        assert column(app, "loss") == ["?"] * 10
        assert column(app, "x1")[0] == "2.7811"  # the exercise's first row
        assert app.screen.query_one(EpochLog).count == 0
        await press(pilot, "space")  # trains epoch 0 from inside the view
        assert title(app).startswith("Epoch 0:")
        assert "?" not in column(app, "loss")
        assert app.screen.query_one(EpochLog).line(0).startswith("Epoch 0, Accu 50.00%")
        await press(pilot, "t")
        assert not isinstance(app.screen, RowsLogDialog)


async def test_a_large_csv_is_cut_with_a_note_and_opens_quickly(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    n_features = MAX_FEATURES + 2
    x = rng.normal(size=(100_000, n_features))
    lines = [",".join(f"f{k + 1}" for k in range(n_features)) + ",kind"]
    lines += [",".join(f"{v:.4f}" for v in row) + f",{'ab'[k % 2]}" for k, row in enumerate(x)]
    path = tmp_path / "big.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    app = app_of(resolve(str(path), {}))
    async with app.run_test(size=(120, 40)) as pilot:
        await press(pilot, "space")
        started = time.perf_counter()
        await open_view(pilot)
        assert time.perf_counter() - started < 2.0
        assert len(cells(app)) == MAX_ROWS + MAX_TEST_ROWS
        assert cells(app)[-1][0].startswith("test ")
        notes = str(app.screen.query_one("#rows-notes", Static).render())
        assert f"first {MAX_ROWS} of 80,000 rows" in notes
        assert f"first {MAX_FEATURES} of {n_features} features" in notes


async def test_a_playing_run_keeps_playing_and_the_log_follows() -> None:
    app = app_of()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("p", "t")
        assert isinstance(app.screen, RowsLogDialog)
        log = app.screen.query_one(EpochLog)
        first = log.count
        await wait_until(pilot, lambda: log.count > first + 2)
        assert app.main.running
        await pilot.press("p")  # pauses from inside the view; the rows show the run's end
        await wait_until(pilot, lambda: not app.main.running)
        record = app.main.experiment.trainer.last_record
        assert record is not None
        await wait_until(pilot, lambda: title(app).startswith(f"Epoch {record.epoch}:"))


async def test_a_walk_shows_question_marks_until_it_computes_them() -> None:
    """During n's walk the table tells no more than the walk has computed: ŷ after the
    output's forward pass, the loss after the loss phase, δ after the output δ."""
    app = app_of()
    async with app.run_test(size=(120, 40)) as pilot:
        shown = {"ŷ": "ŷ = P(1)", "predicted": "predicted", "loss": "loss", "δ": "δ = ŷ − y"}
        expected = [  # after each n: the columns still unknown
            {"ŷ", "predicted", "loss", "δ"},  # the hidden layer's forward pass
            {"loss", "δ"},  # the output's
            {"δ"},  # the loss
            set(),  # the output δ
        ]
        await press(pilot, "space")
        for unknown in expected:
            await open_view(pilot, "n")
            for name, header in shown.items():
                values = set(column(app, header))
                assert (values == {"?"}) == (name in unknown), (name, unknown)
            assert ("mean loss ?" in title(app)) == ("loss" in unknown)
            await press(pilot, "escape")
        record = app.main.walk.record if app.main.walk is not None else None
        assert record is not None and record.epoch == 1


async def test_a_view_that_arrives_before_the_tables_are_built_is_shown_once_they_are() -> None:
    """Keys typed faster than the screen is built (a view arriving at once) never
    query a table that is not there yet: the screen catches up when it is."""
    app = app_of()
    async with app.run_test(size=(120, 40)) as pilot:
        await press(pilot, "space", "space")
        screen = RowsLogDialog(app.main.session, app.main)
        app.push_screen(screen)
        screen.arrived(app.main.view)  # before compose: nothing to fill yet
        await wait_until(pilot, lambda: screen.shown is app.main.view)
        assert title(app).startswith("Epoch 1:") and len(cells(app)) == 10


async def test_the_card_and_the_table_call_a_row_by_one_number() -> None:
    """The card said 'row 2 (2 of 160)' for the point the table lists as row 3: the
    card counted training rows, the table the dataset's (the split shuffles them)."""
    app = app_of(resolve("xor", {}))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space", "space", "j")
        caption = re.search(
            r"row (\d+) \(2 of 160\)", str(app.query_one(NeuronDetail).border_title)
        )
        assert caption is not None
        number = caption.group(1)
        x = app.main.experiment.trainer.training_arrays()[0][app.main.view.record.rows[1]]
        await open_view(pilot)
        row = next(r for r in cells(app) if r[0] == number)
        assert [float(v) for v in row[1:3]] == pytest.approx(list(x), abs=5e-5)
