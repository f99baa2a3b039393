"""Lesson mode in the app: hidden commands are gone, locked ones say why, steps move with
> and < and run the app to the epoch or phase they name."""

from __future__ import annotations

from dataclasses import replace

import pytest
from textual.widgets._footer import FooterKey

from tests.helpers import SIZE, app_of, press, text_of, wait_until
from tui_backprop.cli import lesson_settings
from tui_backprop.engine.phases import LOSS, OUTPUT_DELTA
from tui_backprop.lesson import BUILTIN, load_lesson, parse_lesson
from tui_backprop.settings import resolve
from tui_backprop.ui.app import BackpropApp
from tui_backprop.ui.command_table import LESSON_COMMANDS
from tui_backprop.ui.commands import TrainingCommands
from tui_backprop.ui.main_screen import MainScreen
from tui_backprop.ui.model.lesson_steps import LOCKED, STEP_SETTINGS
from tui_backprop.ui.panes.lesson_pane import LessonPane
from tui_backprop.ui.panes.status_pane import StatusLine
from tui_backprop.ui.screens.help_dialog import HelpDialog

LESSON = """
title = "Test lesson"
hide = ["settings", "open"]
lock = ["lr"]

[[step]]
text = "Look at the network."

[[step]]
text = "Seven epochs."
run_to_epoch = 7

[[step]]
text = "Walk to the output delta."
run_to_phase = "output delta"

[[step]]
text = "Three epochs, then the loss of the next."
run_to_epoch = 3
run_to_phase = "loss"
"""


def lesson_app(text: str = LESSON) -> BackpropApp:
    lesson = parse_lesson(text, "test.toml", LESSON_COMMANDS)
    return app_of(lesson=lesson)


async def footer_keys(pilot, app: BackpropApp) -> set[str]:
    """The keys the footer shows, once it has drawn them."""
    await wait_until(pilot, lambda: app.screen.query(FooterKey))
    return {key.key for key in app.screen.query(FooterKey)}


def notes(app: BackpropApp) -> list[str]:
    return [n.message for n in app.notices]


async def settled(pilot, app: BackpropApp) -> None:
    """Until a step's run has got where it goes (it plays to its epoch)."""
    await wait_until(pilot, lambda: not app.main.stepping and not app.main.running, timeout=30)
    await pilot.pause()


@pytest.mark.parametrize("stop", [["p"], ["space"], ["greater_than_sign"]])
async def test_a_long_step_shows_where_it_is_and_the_usual_keys_stop_it(stop: list[str]) -> None:
    """``run_to_epoch = 1000000`` on a slow epoch would keep a class waiting: it plays
    like p, the status line counts towards its epoch, and p, space or > stop it."""
    app = lesson_app(LESSON.replace("run_to_epoch = 7", "run_to_epoch = 1000000"))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "greater_than_sign")
        await wait_until(pilot, lambda: app.main.view is not None and app.main.view.epoch > 50)
        status = text_of(app.main.query_one(StatusLine))
        assert app.main.running and "running to epoch 999,999" in status, status
        await press(pilot, *stop)
        await settled(pilot, app)
        assert 50 < app.main.experiment.trainer.epoch < 1_000_000


async def test_locked_keys_do_nothing_and_say_why() -> None:
    app = lesson_app()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "l", "L")
        assert app.main.experiment.trainer.config.lr == 0.1
        assert app.main.experiment.settings.lr == 0.1
        assert notes(app) == [f"lr: {LOCKED}"] * 2
        assert await app.run_action("learning_rate(1)", app.main)  # the palette's road
        assert app.main.experiment.trainer.config.lr == 0.1
        assert notes(app)[-1] == f"lr: {LOCKED}"
        # The settings field refuses a new rate with the same reason, and changes nothing.
        changed = replace(app.main.experiment.settings, lr=1.0)
        assert app.main.session.apply_settings(changed).refused == f"learning rate: {LOCKED}"
        assert app.main.experiment.trainer.config.lr == 0.1


async def test_hidden_commands_are_gone_from_footer_help_and_palette_and_do_nothing() -> None:
    app = lesson_app()
    async with app.run_test(size=SIZE) as pilot:
        keys = await footer_keys(pilot, app)
        assert "o" not in keys and "S,comma" not in keys
        assert {"space", "greater_than_sign", "less_than_sign"} <= keys
        await press(pilot, "S", "o", "comma")
        assert isinstance(app.screen, MainScreen)
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpDialog)
        keys_shown = app.screen.query_one("#help-keys")
        await wait_until(pilot, lambda: text_of(keys_shown).strip())
        helped = text_of(keys_shown)
        assert "Open CSV" not in helped and "Settings" not in helped and "Next step" in helped
        await press(pilot, "escape")
        provider = TrainingCommands(app.main)
        titles = [str(hit.text) async for hit in provider.discover()]
        assert not any("Settings" in t or "Open CSV" in t for t in titles)
        assert any("Reset" in t for t in titles)


async def test_without_a_lesson_its_keys_and_pane_are_absent() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        assert not app.main.query(LessonPane)
        keys = await footer_keys(pilot, app)
        assert "greater_than_sign" not in keys and "o" in keys
        await press(pilot, "greater_than_sign", "less_than_sign")  # nothing to move
        assert not notes(app)


async def test_steps_advance_and_go_back() -> None:
    app = lesson_app()
    async with app.run_test(size=SIZE) as pilot:
        pane = app.main.query_one(LessonPane)
        assert "1. Look at the network." in text_of(pane)
        assert "step 1 of 4" in text_of(pane)
        await press(pilot, "less_than_sign")
        assert notes(app) == ["This is the lesson's first step."]
        await press(pilot, "greater_than_sign")
        await settled(pilot, app)
        assert "2. Seven epochs." in text_of(pane) and "step 2 of 4" in text_of(pane)
        await press(pilot, "less_than_sign")
        assert "1. Look at the network." in text_of(pane)
        assert app.main.experiment.trainer.epoch == 7  # going back undoes nothing


async def test_a_step_runs_to_its_epoch_and_stops_there() -> None:
    app = lesson_app()
    async with app.run_test(size=SIZE) as pilot:
        trainer = app.main.experiment.trainer
        assert trainer.epoch == 0  # the first step asks for nothing
        await press(pilot, "space", "space")
        await press(pilot, "greater_than_sign")
        await settled(pilot, app)
        assert trainer.epoch == 7 and len(trainer.history) == 7  # seven done, then paused
        assert not app.main.running
        assert app.main.view is not None and app.main.view.epoch == 7
        await press(pilot, "space")
        await press(pilot, "less_than_sign", "greater_than_sign")  # past 7: nothing more
        await settled(pilot, app)
        assert trainer.epoch == 8


async def test_a_step_walks_to_its_phase() -> None:
    lesson = LESSON.replace("run_to_epoch = 7", "run_to_epoch = 2")
    app = lesson_app(lesson)
    async with app.run_test(size=SIZE) as pilot:
        trainer = app.main.experiment.trainer
        await press(pilot, "greater_than_sign")
        await settled(pilot, app)
        await press(pilot, "greater_than_sign")
        walk = app.main.walk
        assert walk is not None and walk.phase.kind == OUTPUT_DELTA
        assert trainer.epoch == 3 and walk.epoch == 2  # the third epoch, walked
        await press(pilot, "greater_than_sign")  # epoch 3 is done: walk the fourth's loss
        await settled(pilot, app)
        walk = app.main.walk
        assert walk is not None and walk.phase.kind == LOSS
        assert trainer.epoch == 4 and walk.epoch == 3


@pytest.mark.parametrize("name", BUILTIN)
async def test_every_builtin_lesson_loads_and_reaches_every_step(name: str) -> None:
    lesson = load_lesson(name, LESSON_COMMANDS, STEP_SETTINGS)
    dataset, overrides = lesson_settings(lesson)
    app = app_of(resolve(dataset, overrides), lesson)
    async with app.run_test(size=SIZE) as pilot:
        target = 0
        sizes = app.main.experiment.trainer.sizes
        for number, step in enumerate(lesson.steps, 1):
            if number > 1:
                await press(pilot, "greater_than_sign")
            await settled(pilot, app)
            trainer = app.main.experiment.trainer
            if trainer.sizes != sizes:  # a step set a new network: a new run from epoch 0
                sizes, target = trainer.sizes, 0
            target = max(target, step.run_to_epoch or 0)
            walked = step.run_to_phase is not None
            assert trainer.epoch >= target and not trainer.diverged, (name, number)
            if step.run_to_epoch is not None and not walked:
                assert trainer.epoch == target, (name, number)
            if walked:
                assert app.main.walk is not None
                assert app.main.walk.phase.kind == step.run_to_phase, (name, number)
            assert f"{number}. " in text_of(app.main.query_one(LessonPane))
        assert app.main.experiment.trainer.sizes == FINAL_SIZES[name]  # no settings screen


# The network each built-in ends on: xor and circles set theirs in a step.
FINAL_SIZES = {
    "reference": (2, 4, 1),
    "xor": (2, 4, 1),
    "circles": (2, 3, 1),
    "lr-too-high": (2, 4, 1),
    "optimizers": (2, 8, 1),
}


async def test_i_shows_a_long_steps_whole_text_at_80x24() -> None:
    """The pane held five lines: at 80×24 the optimizers lesson's first step lost its
    last line, 'Press r to go back to the same initial weights, then >.', the one that
    makes the next step train."""
    long = " ".join(["A sentence of a step that goes on for a while, as teachers write."] * 7)
    app = lesson_app(LESSON.replace("Look at the network.", f"{long} Then press r.", 1))
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot, app)
        await press(pilot, "i")
        pane = app.query_one(LessonPane)
        await wait_until(pilot, lambda: "A sentence" in text_of(pane))
        assert len(text_of(pane).splitlines()) > 7 and "Then press r." in text_of(pane)
