"""One epoch numbering everywhere, the exercise's: after n passes the latest is epoch
n − 1 on the status line, the chart's axis, the history, the files and ``--headless``;
before the first there is none. Looking back, a fork asks before it discards epochs."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from tests.helpers import SIZE, app_of, press, text_of, wait_until
from tui_backprop.cli import main
from tui_backprop.ui.app import BackpropApp
from tui_backprop.ui.model.pacing import SPEEDS, Pacer
from tui_backprop.ui.screens.gradcheck_dialog import GradientCheckDialog


def status_line(app: BackpropApp) -> str:
    """The status line's second row: where the run stands."""
    return text_of(app.query_one("#status")).splitlines()[1]


def last_tick(app: BackpropApp) -> int:
    """The last number on the chart's x axis (the row below the plot's lower frame)."""
    lines = text_of(app.query_one("#chart"), inside=True).splitlines()
    below = max(k for k, line in enumerate(lines) if "└" in line) + 1
    return int(re.findall(r"\d+", lines[below])[-1])


def headless_last_line(capsys: pytest.CaptureFixture[str], epochs: int) -> str:
    assert main(["--headless", "--epochs", str(epochs)]) == 0
    return [line for line in capsys.readouterr().out.splitlines() if line.startswith("Epoch")][-1]


@pytest.mark.parametrize("passes", [1, 5])
async def test_status_chart_history_export_and_headless_agree_on_the_epoch(
    passes: int, workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    latest = passes - 1  # epoch k is the k-th pass, from 0
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, *["space"] * passes)
        await pilot.pause()
        status = status_line(app)
        assert status.startswith(f" Epoch {latest} ")
        assert last_tick(app) == latest
        await press(pilot, "left_square_bracket")
        await pilot.pause()
        back = "the initial weights" if latest == 0 else f"epoch {latest - 1}"
        assert f"viewing {back} (latest {latest})" in status_line(app)
        await press(pilot, "end", "e")
        await pilot.pause()
    stem = f"seed-epoch{latest}"
    assert {p.name for p in workdir.iterdir()} == {
        f"{stem}-screen.svg",
        f"{stem}-weights.npz",
        f"{stem}-metrics.csv",
    }
    with (workdir / f"{stem}-metrics.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [int(r["epoch"]) for r in rows] == list(range(passes))
    accuracy = float(rows[-1]["accuracy"])
    assert f"acc {accuracy:.1%}" in status  # the latest epoch's forward pass
    assert headless_last_line(capsys, passes) == (
        f"Epoch {latest}, Accu {accuracy:.2%}, Loss {float(rows[-1]['loss']):.6f}"
    )


async def test_before_the_first_epoch_there_is_none(workdir: Path) -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        status = status_line(app)
        assert status.startswith(" No epoch yet ") and "space trains epoch 0" in status
        assert "Epoch 0" not in status
        await press(pilot, "s", "g")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, GradientCheckDialog)
        intro = str(app.screen.query_one("#gradcheck-intro").render())
        assert "at the initial weights (no epoch trained yet)" in intro
    assert sorted(p.name for p in workdir.iterdir()) == [
        "seed-initial-metrics.csv",
        "seed-initial-weights.npz",
    ]


async def test_the_rule_is_in_the_help() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "question_mark")
        await pilot.pause()
        shown = " ".join(text_of(app.screen.query_one("#help-text")).split())
        assert "Epoch k is the k-th pass over the training rows, counted from 0" in shown


# -- a fork asks once ----------------------------------------------------------------------


async def test_training_from_the_past_asks_before_it_discards() -> None:
    """With n (space asks the same way: test_ui_playground's fork test, and the rule for
    every training key in test_session_run)."""
    key = "n"
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, *["space"] * 6, "home", "right_square_bracket")
        trainer = app.main.experiment.trainer
        await pilot.pause()
        assert "space: train from epoch 0, discarding epochs 1 to 5" in status_line(app)
        await press(pilot, key)  # asks: nothing is lost yet
        await pilot.pause()
        assert trainer.epoch == 6 and len(trainer.history) == 6
        assert app.main.session.looking.epoch == 1
        assert "space again discards epochs 1 to 5 · end keeps them" in status_line(app)
        await press(pilot, "left_square_bracket", "right_square_bracket")  # a move forgets it
        await pilot.pause()
        assert "again" not in status_line(app)
        await press(pilot, key)
        await press(pilot, "end")  # keeps them
        assert trainer.epoch == 6 and app.main.session.looking.epoch is None
        await press(pilot, "home", "right_square_bracket", key, key)  # asked, then confirmed
        await pilot.pause()
        assert trainer.epoch == 2 and len(trainer.history) == 2
        assert [run.epochs for run in app.main.session.kept.runs] == [6]  # kept to compare with


async def test_at_the_initial_weights_the_panes_say_what_space_would_do() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space", "space", "space", "home")
        await pilot.pause()
        for pane in ("#neuron", "#deltas"):
            shown = text_of(app.query_one(pane))
            assert "press space" not in shown, pane
            assert "end goes back to epoch 2" in shown, pane


# -- speed ---------------------------------------------------------------------------------


def test_max_speed_is_few_presses_away_and_star_jumps_there_and_back() -> None:
    pacer = Pacer()
    assert pacer.rate == 10
    presses = 0
    while pacer.rate != float("inf"):
        pacer.faster()
        presses += 1
    assert presses <= 4
    pacer.slower()
    pacer.slower()
    rung = pacer.rate
    pacer.toggle_max()
    assert pacer.rate == SPEEDS[-1]
    pacer.toggle_max()
    assert pacer.rate == rung


async def test_paused_says_the_speed_p_will_run_at() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "‖ paused · p runs at 10 epochs/s" in status_line(app)
        await press(pilot, "asterisk")
        await pilot.pause()
        assert "‖ paused · p runs at max speed" in status_line(app)
        await press(pilot, "asterisk", "plus")
        await pilot.pause()
        assert "p runs at 30 epochs/s" in status_line(app)
        await pilot.press("p")
        await wait_until(pilot, lambda: "▶ running at 30 epochs/s" in status_line(app))
        await pilot.press("p")
