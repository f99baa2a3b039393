"""Text from outside the program (a CSV's header, class labels and file name, a lesson's
title and steps) is shown as written: no escape, control or bidi character reaches the
terminal, and none of it is read as markup. The same hostile set goes through every
place such text appears, in Pilot and in the real command in a pseudo-terminal."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widget import Widget

from tests.helpers import app_of, click, lines_of, press, text_of, wait_until
from tests.terminal import running
from tests.test_ui_wide_data import write_csv
from tui_backprop.lesson import Lesson, parse_lesson
from tui_backprop.settings import resolve
from tui_backprop.ui.app import BackpropApp
from tui_backprop.ui.command_table import LESSON_COMMANDS
from tui_backprop.ui.panes.boundary_pane import BoundaryPane
from tui_backprop.ui.panes.diagram_pane import NetworkPane
from tui_backprop.ui.panes.lesson_pane import LessonPane
from tui_backprop.ui.screens.open_csv_dialog import CsvTree, OpenCsvDialog

OSC_TITLE = "\x1b]2;PWNED\x1b\\"
OSC_CLIPBOARD = "\x1b]52;c;UFdORUQ=\x07"
CLEAR = "\x1b[2J"
BIDI = "\u202eevil"
# Markup-like names, each to be shown exactly as written.
LITERAL = (
    "[/]",
    "[@click=app.quit]q",
    "[link=file:///etc/passwd]x",
    "[B]ok",
    "[X]",
    "[$var]",
    "!a",
)
HOSTILE = (OSC_TITLE, OSC_CLIPBOARD, CLEAR, BIDI, *LITERAL)
# What may never reach the terminal: the data's escape sequences, the bidi override.
NEVER = (b"\x1b]2;", b"\x1b]52;", CLEAR.encode(), "\u202e".encode())
WIDE = (180, 50)  # the boundary in a pane of its own


def hostile_csv(folder: Path, name: str = "data.csv", classes: tuple[str, ...] = HOSTILE) -> Path:
    """Two features with markup-like names, and classes from ``classes``."""
    return write_csv(folder / name, ["[B]ok", f"[$var]{BIDI}"], list(classes), 8)


def app_on(path: Path, lesson: Lesson | None = None) -> BackpropApp:
    return app_of(resolve(str(path), {}), lesson=lesson)


def still_running(app: BackpropApp) -> bool:
    return app.return_code is None and app.is_running


async def click_border(pilot: Pilot[object], widget: Widget, row: int) -> None:
    """A click on every cell of ``widget``'s border row ``row`` (0 the top, -1 the bottom)
    that holds text: a name read as a click action could only act where it is drawn, and
    a click costs a few idle waits, so the bare lines of the border are left out."""
    y = row % widget.outer_size.height
    for x in text_cells(lines_of(widget)[y]):
        await click(pilot, widget, (x, y))


def text_cells(strip: Strip) -> list[int]:
    """The columns of ``strip`` holding a character that is neither blank nor a line of a
    border (box drawing, U+2500 to U+257F)."""
    cells, x = [], 0
    for segment in strip:
        for char in segment.text:
            if char.strip() and not "\u2500" <= char <= "\u257f":
                cells.append(x)
            x += cell_len(char)
    return cells


def no_hidden(text: str) -> bool:
    return "\x1b" not in text and "\x07" not in text and "\u202e" not in text


async def test_class_and_feature_names_show_as_written_and_never_act(tmp_path: Path) -> None:
    """Every class in the boundary's legend and both features on its axes, literally; a
    click along its borders does not quit."""
    app = app_on(hostile_csv(tmp_path))
    async with app.run_test(size=WIDE) as pilot:
        await press(pilot, "space")
        pane = app.query_one(BoundaryPane)
        await wait_until(pilot, lambda: "[B]ok" in text_of(pane))
        shown = text_of(pane)
        for name in (*LITERAL, "]2;PWNED\\", "]52;c;UFdORUQ=", "[2J", "evil"):
            assert name in shown, (name, shown)
        assert no_hidden(shown)
        assert "[$var]" in shown.splitlines()[0]  # the title names the axes
        for row in (0, -1):
            await click_border(pilot, pane, row)
        assert still_running(app)


async def test_two_classes_that_look_like_markup_start_the_app(tmp_path: Path) -> None:
    """The diagram's legend says what its sigmoid output means: ``P([/]) = prob. of class
    [/]``, with the class named as it is (this crashed the app at start)."""
    app = app_on(hostile_csv(tmp_path, classes=("!a", "[/]")))
    async with asyncio.timeout(60), app.run_test(size=WIDE) as pilot:  # a crash there hung
        await press(pilot, "space")
        diagram = app.query_one(NetworkPane)
        assert "P([/]) = prob. of class [/]" in text_of(diagram)


async def test_a_class_named_as_a_click_action_does_not_quit(tmp_path: Path) -> None:
    app = app_on(hostile_csv(tmp_path, classes=("!a", "[@click=app.quit]q")))
    async with app.run_test(size=(250, 50)) as pilot:  # room for the output's meaning
        await press(pilot, "space")
        diagram = app.query_one(NetworkPane)
        assert "prob. of class [@click=app.quit]q" in text_of(diagram)
        await click_border(pilot, diagram, -1)
        boundary = app.query_one(BoundaryPane)
        await click_border(pilot, boundary, -1)
        assert still_running(app)


async def test_a_new_class_notice_names_it_as_written(tmp_path: Path) -> None:
    app = app_on(hostile_csv(tmp_path))
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        names = app.main.experiment.dataset.class_names
        pane = app.query_one(BoundaryPane)
        for k in (names.index("[B]ok"), names.index("[$var]"), names.index("[/]")):
            pane.label = k - 1
            pane.action_next_class()
            said = squeezed(f"new points: class {names[k]}")
            await wait_until(pilot, lambda s=said: any(s in squeezed(t) for t in toasts(app)))
        assert still_running(app)


def squeezed(text: str) -> str:
    """``text`` without white space: a toast wraps its lines where it must."""
    return "".join(text.split())


def toasts(app: BackpropApp) -> list[str]:
    """The notices on screen, as drawn."""
    return [text_of(toast) for toast in app.screen.query("Toast")]


def hostile_lesson(csv: Path) -> str:
    """A lesson whose title and step texts hold the whole hostile set (JSON's escapes are
    TOML's: ``\\u001b``)."""
    every = json.dumps("".join(HOSTILE))[1:-1]
    return (
        f'title = "Lesson {every} end"\n'
        f"[experiment]\ndataset = {json.dumps(str(csv))}\n"
        f'[[step]]\ntext = "First {every} step"\n'
        f'[[step]]\ntext = "Second [B]ok step"\n'
    )


def test_a_lesson_is_read_without_hidden_characters(tmp_path: Path) -> None:
    lesson = parse_lesson(hostile_lesson(tmp_path / "x.csv"), "l.toml", LESSON_COMMANDS)
    for text in (lesson.title, *(s.text for s in lesson.steps)):
        assert no_hidden(text), repr(text)
    assert all(name in lesson.title for name in LITERAL)
    assert "]2;PWNED\\" in lesson.title and "evil" in lesson.steps[0].text


async def test_the_lesson_pane_shows_title_and_step_as_written(tmp_path: Path) -> None:
    csv = hostile_csv(tmp_path)
    lesson = parse_lesson(hostile_lesson(csv), "l.toml", LESSON_COMMANDS, tmp_path)
    app = app_on(csv, lesson)
    async with app.run_test(size=(240, 50)) as pilot:
        pane = app.query_one(LessonPane)
        await wait_until(pilot, lambda: "Lesson" in text_of(pane))
        shown = text_of(pane)
        title, text = shown.splitlines()[0], shown.replace("\n", "")
        assert no_hidden(shown)
        for name in LITERAL:
            assert name in title, (name, title)
            assert name in text, (name, text)
        await press(pilot, "greater_than_sign")
        await wait_until(pilot, lambda: "Second [B]ok step" in text_of(pane))
        await click_border(pilot, pane, 0)
        assert still_running(app)


async def test_the_open_dialog_shows_file_names_printable_and_opens_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hostile_csv(tmp_path, name=f"a{OSC_TITLE}{BIDI}[B]ok.csv", classes=("!a", "[/]"))
    app = app_on(hostile_csv(tmp_path))
    monkeypatch.chdir(tmp_path)  # o opens the dialog on the working folder
    async with app.run_test(size=WIDE) as pilot:
        await press(pilot, "o")
        await wait_until(pilot, lambda: isinstance(app.screen, OpenCsvDialog))
        tree = app.screen.query_one(CsvTree)
        await wait_until(pilot, lambda: "[B]ok.csv" in text_of(tree))
        shown = text_of(tree)
        assert no_hidden(shown) and "a]2;PWNED\\evil[B]ok.csv" in shown, repr(shown)
        node = next(n for n in tree.root.children if "[B]ok.csv" in str(n.label))
        tree.select_node(node)  # as enter or a click on it does
        await wait_until(pilot, lambda: app.main.experiment.dataset.class_names == ("!a", "[/]"))
        await wait_until(pilot, lambda: any("opened" in n.message for n in app.notices))
        notice = next(n for n in app.notices if "opened" in n.message)
        assert no_hidden(notice.message) and "a]2;PWNED\\evil[B]ok.csv" in notice.message


def test_the_real_command_writes_no_hidden_character(tmp_path: Path) -> None:
    """The real app on a CSV named with an escape sequence, its header and classes the
    hostile set, teaching a lesson that holds it too: the bytes it writes to the terminal
    have none of the payloads, after training, the rows view and the open dialog."""
    csv = hostile_csv(tmp_path, name=f"d{OSC_TITLE}{OSC_CLIPBOARD}{BIDI}[B]ok.csv")
    lesson = tmp_path / "lesson.toml"
    lesson.write_text(hostile_lesson(csv), encoding="utf-8")
    with running("--lesson", str(lesson), cwd=tmp_path) as terminal:
        seen = terminal.read_until(b"Lesson", timeout=30)
        for keys in (" ", " ", "t", "\x1b", "o"):
            terminal.type(keys)
            seen += terminal.read_for(1.5)
        assert terminal.app.poll() is None, seen[-2000:]
    for payload in NEVER:
        assert payload not in seen, payload
    assert b"[B]ok" in seen and b"!a" in seen
