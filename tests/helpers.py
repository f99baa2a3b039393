"""What the UI tests share: one way to build the app, to read what a widget shows, to press
keys, and to wait for a condition instead of sleeping."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from textual import events
from textual.geometry import Region
from textual.keys import key_to_character
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Input, Label

from tui_backprop.experiment import Experiment
from tui_backprop.lesson import Lesson
from tui_backprop.served_tab import LOCAL, TabPolicy
from tui_backprop.settings import SEED_PRESET, Settings, resolve
from tui_backprop.ui.app import BackpropApp
from tui_backprop.ui.panes.chart_pane import MetricsChart
from tui_backprop.ui.screens.settings_dialog import SettingsDialog

SIZE = (120, 40)  # the terminal most tests run in
SnapCompare = Callable[..., bool]  # pytest-textual-snapshot's snap_compare fixture
DEEP = resolve("spiral3", {"hidden": (5, 4), "activation": "tanh"})  # 3 classes, 2 hidden


def app_of(
    settings: Settings = SEED_PRESET,
    lesson: Lesson | None = None,
    tab: TabPolicy = LOCAL,
    **changes: object,
) -> BackpropApp:
    """The app on ``settings`` (the seed experiment unless told) with ``changes`` made,
    teaching ``lesson`` if one is given, as a terminal app or a served ``tab``."""
    experiment = Experiment.build(replace(settings, **changes))  # type: ignore[arg-type]
    return BackpropApp(experiment, lesson, tab)


def lines_of(widget: Widget, *, inside: bool = False) -> list[Strip]:
    """The lines ``widget`` draws: all of it, border and titles included, or with
    ``inside`` only what is inside its border and padding."""
    if inside:
        gutter = widget.styles.gutter
        return widget.render_lines(Region(gutter.left, gutter.top, *widget.size))
    return widget.render_lines(Region(0, 0, *widget.outer_size))


def text_of(widget: Widget, *, inside: bool = False) -> str:
    """The text of ``lines_of(widget, inside=inside)``, one line per row. Read inside the
    border where a legend on it uses the marks the test looks for."""
    return "\n".join(strip.text for strip in lines_of(widget, inside=inside))


def weights_of(app: BackpropApp) -> list[np.ndarray]:
    """A copy of the weights the run has now."""
    return [np.array(w) for w in app.main.experiment.trainer.params.weights]


def shown_epoch(app: BackpropApp) -> int:
    """The epoch the panes show (-1 before the first view)."""
    view = app.main.view
    return -1 if view is None else view.epoch


async def wait_until(
    pilot: Pilot[Any], condition: Callable[[], object], timeout: float = 30.0
) -> None:
    """Let the app work until ``condition()`` holds; fail after ``timeout`` seconds. The
    timeout costs nothing while the condition comes true; it is long because a machine
    shared with other work (a load average of 20 on two cores) makes ten seconds too
    short for a redraw that takes milliseconds alone."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition did not hold in time"
        await pilot.pause(0.01)


async def press(pilot: Pilot[Any], *keys: str) -> None:
    """Press ``keys`` in turn, each handled before the next is sent.

    ``pilot.press`` also sleeps until the process looks idle, 40 ms a key at least. Here
    the wait is only the condition it ends with: the app and every widget of its screen
    have handled their messages; twice, so that a screen a key opened takes the next key.
    Tests of a running run (p) keep ``pilot.press``: there the time between keys counts.
    An epoch measured slow trains in a thread (as on a busy machine): it is waited for
    too, so the panes show what the keys asked for, however loaded the machine.
    """
    app = pilot.app
    main = getattr(app, "main", None)
    for key in keys:
        event = events.Key(key, key_to_character(key))
        event.set_sender(app)
        app.post_message(event)
        await settle(pilot)
        if main is not None and main.stepping:
            await wait_until(pilot, lambda: not main.stepping)
            await settle(pilot)


async def press_until(pilot: Pilot[Any], key: str, done: Callable[[], object], most: int) -> None:
    """Press ``key`` until ``done()`` holds, at most ``most`` times (the test then
    checks ``done`` itself): a user stops pressing once the view got there."""
    for _ in range(most):
        if done():
            return
        await press(pilot, key)


async def click(pilot: Pilot[Any], widget: Widget, offset: tuple[int, int]) -> None:
    """Click at ``offset`` in ``widget`` (its border included) as a terminal does: a
    button pressed and released there, from which the app makes the click; then settle.

    ``pilot.click`` waits for the process to look idle before and after each of its
    three events; a test that clicks a whole row of cells waits only for the screen."""
    app = pilot.app
    x, y = widget.region.offset + offset
    for kind in (events.MouseDown, events.MouseUp):
        event = kind(None, x, y, 0, 0, 1, False, False, False, screen_x=x, screen_y=y)
        event.set_sender(app)
        app.post_message(event)
    await settle(pilot)


async def settle(pilot: Pilot[Any]) -> None:
    """Wait until the screen has handled its messages, those they post on included: a
    pane's message bubbles to the screen one parent per round (pane, grid, screen), and
    a key can open a screen that takes the next one. A chart that plots right after
    the frame (a paused step's) is waited for too."""
    for _ in range(4):
        await pilot._wait_for_screen()
    if any(chart.plot_pending for chart in pilot.app.screen.query(MetricsChart)):
        await pilot.app.screen.wait_for_refresh()
        await pilot._wait_for_screen()


def pressing(*keys: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """A snapshot's ``run_before``: press ``keys``, then stop any text cursor blinking, so
    the picture is the same on every machine."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await press(pilot, *keys)
        await pilot.pause()
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        await pilot.pause()

    return run_before


def three_classes_one_wide_feature(path: Path) -> Path:
    """Three classes on four features, the last a thousand times as wide as the rest."""
    rng = np.random.default_rng(3)
    labels = np.repeat([0, 1, 2], 30)
    x = rng.normal(size=(90, 4)) + labels[:, None]
    x[:, 3] = 1000 + 300 * x[:, 3]
    rows = [",".join(f"{v:.4f}" for v in row) + f",{c}" for row, c in zip(x, labels, strict=True)]
    path.write_text("a,b,c,proline,class\n" + "\n".join(rows) + "\n")
    return path


async def settings_refusal(pilot: Pilot[Any], app: BackpropApp, hidden: str) -> str:
    """Type ``hidden`` as the layers in the settings dialog and press enter; the line the
    dialog shows (it stays open on a refusal)."""
    await press(pilot, "S")
    dialog = app.screen
    assert isinstance(dialog, SettingsDialog)
    dialog.query_one("#set-hidden", Input).value = hidden
    dialog.query_one("#set-hidden", Input).focus()
    await press(pilot, "enter")
    assert app.screen is dialog
    return str(dialog.query_one(f"#{dialog.part_id('error')}", Label).render())
