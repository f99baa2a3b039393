"""The reference lesson's questions answered in the app: a bad answer keeps the question,
a right one says so, a wrong one shows the card's worked line, and the walk goes on to
the phase that computes the number."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, Static

from tests.helpers import app_of, press, wait_until
from tui_backprop.cli import lesson_settings
from tui_backprop.engine.phases import GRADIENTS, HIDDEN_DELTA, LOSS, OUTPUT_DELTA, UPDATE
from tui_backprop.lesson import load_lesson, parse_lesson
from tui_backprop.settings import resolve
from tui_backprop.ui.app import BackpropApp
from tui_backprop.ui.command_table import LESSON_COMMANDS
from tui_backprop.ui.model.lesson_steps import STEP_SETTINGS
from tui_backprop.ui.panes.diagram_pane import NetworkDiagram
from tui_backprop.ui.panes.lesson_pane import LessonPane
from tui_backprop.ui.panes.question_pane import QuestionPane


def reference_app() -> BackpropApp:
    lesson = load_lesson("reference", LESSON_COMMANDS, STEP_SETTINGS)
    return app_of(resolve(*lesson_settings(lesson)), lesson)


def said(app: BackpropApp) -> str:
    return str(app.main.query_one("#question-said", Static).render())


async def answer(pilot: Pilot[Any], typed: str) -> None:
    """Type ``typed`` as a terminal sends it (a key a character), then enter."""
    await pilot.press(*typed)
    await press(pilot, "enter")


async def test_the_reference_lessons_questions_right_wrong_and_not_a_number() -> None:
    app = reference_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "greater_than_sign", "greater_than_sign")  # step 3: at the loss
        bar = app.main.query_one(QuestionPane)
        record = app.main.experiment.trainer.last_record
        assert record is not None
        hidden, output = record.layers
        assert bar.display and bar.asked is not None
        assert isinstance(app.focused, Input)  # typing goes to the answer
        assert app.main.walk is not None and app.main.walk.phase.kind == LOSS
        assert app.main.query_one(NetworkDiagram).selected == (2, 0)  # the output's card

        await answer(pilot, "abc")
        assert said(app) == "'abc' is not a number: type one like 0.25 or -1.5e-3"
        assert bar.asked is not None and app.main.walk.phase.kind == LOSS  # still asking

        app.query_one(Input).value = ""
        delta = float(output.delta[0, 0])  # ŷ − y of row 1, as a calculator gives it
        await answer(pilot, f"{delta:.4f}")
        assert said(app).startswith("✓ Right: δ of o1, row 1 = ")
        assert app.main.walk.phase.kind == OUTPUT_DELTA  # the answer is on screen now

        await press(pilot, "greater_than_sign")  # step 4: h1's δ
        assert bar.asked is not None and bar.asked.value == float(hidden.delta[0, 0])
        assert app.main.query_one(NetworkDiagram).selected == (1, 0)
        await answer(pilot, "-0.2")
        shown = said(app)
        assert shown.startswith("✗ You said -0.2; h1: δ = ")
        # the card's worked line, in the step's numbers: a(1−a)·w·δ of the output
        worked = shown.removeprefix("✗ You said -0.2; h1: ")
        assert "\n" not in shown and worked.endswith(f"= {hidden.delta[0, 0]:.6f}")
        assert f"{output.w_before[0, 0]:.4f}"[:6] in worked and f"{delta:.4f}" in worked
        assert app.main.walk.phase.kind == HIDDEN_DELTA

        await press(pilot, "greater_than_sign")  # step 5: w from h1 to the output
        assert app.main.walk.phase.kind == GRADIENTS
        after = float(output.w_before[0, 0] - 0.1 * output.grad_w[0, 0])
        await answer(pilot, f"{after:.4f}")
        assert said(app).startswith("✓ Right: w h1→o1 after the update = ")
        assert app.main.walk.phase.kind == UPDATE


async def asked(pilot: Pilot[Any], app: BackpropApp) -> QuestionPane:
    """The question bar once the reference lesson's third step asks (at the loss)."""
    await press(pilot, "greater_than_sign", "greater_than_sign")
    bar = app.main.query_one(QuestionPane)
    assert bar.asked is not None
    return bar


async def test_escape_leaves_the_question_and_the_lesson_keys_still_move_on() -> None:
    app = reference_app()
    async with app.run_test(size=(120, 40)) as pilot:
        bar = await asked(pilot, app)
        await press(pilot, "escape")
        assert not isinstance(app.focused, Input)
        await press(pilot, "greater_than_sign")  # unanswered: the next step asks its own
        assert app.main.lesson.index == 3
        assert bar.asked is not None and bar.asked.question.neuron == "h1"
        assert isinstance(app.focused, Input)
        await press(pilot, "less_than_sign")  # back: that step's question is not asked
        assert app.main.lesson.index == 2 and bar.asked is None and not bar.display


async def test_a_step_without_a_phase_asks_once_its_epoch_is_done() -> None:
    text = (
        'title = "t"\n[[step]]\ntext = "Two epochs."\nrun_to_epoch = 2\n'
        'ask = "z of h2, row 3?"\nquantity = "z"\nneuron = "h2"\nrow = 3\n'
    )
    app = app_of(lesson=parse_lesson(text, "t.toml", LESSON_COMMANDS, settings=STEP_SETTINGS))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.main.query_one(QuestionPane).asked is not None, 30)
        trainer = app.main.experiment.trainer
        asked = app.main.query_one(QuestionPane).asked
        assert trainer.epoch == 2 and trainer.last_record is not None and asked is not None
        assert asked.value == float(trainer.last_record.layers[0].z[2, 1])
        await wait_until(pilot, lambda: app.main.session.sample == 2)  # row 3 shown, as asked
        await answer(pilot, f"{asked.value:.4f}")
        assert said(app).startswith("✓ Right: z of h2, row 3 = ")


async def test_i_opens_the_steps_text_while_a_question_waits_for_its_answer() -> None:
    """The header says 'i: all', but i went into the answer: at 80 columns the step's
    text, needed for the answer, could not be read without leaving the question."""
    app = reference_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "greater_than_sign", "greater_than_sign")
        assert isinstance(app.focused, Input)
        pane = app.main.query_one(LessonPane)
        assert pane.folded
        await press(pilot, "i")
        assert not pane.folded and app.focused.value == ""
        assert isinstance(app.focused, Input)  # still answering


async def test_training_keys_wait_for_the_answer_after_escape() -> None:
    """After escape, n walked past the question's phase and showed the answer."""
    app = reference_app()
    async with app.run_test(size=(120, 40)) as pilot:
        bar = await asked(pilot, app)
        walked = app.main.walk
        await press(pilot, "escape", "n", "space")
        assert app.main.walk is walked and bar.asked is not None
        assert any("waits for its answer" in n.message for n in app.notices)
