"""Every view's caption names the epoch the status line names: after 1, 3 and 5 steps,
while looking back, and on CSV runs (two features, and four on principal axes)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from textual.pilot import Pilot

from tests.helpers import SIZE, app_of, press, text_of
from tests.test_ui_numbering import last_tick, status_line
from tui_backprop.settings import SEED_PRESET, Settings, resolve
from tui_backprop.ui.app import BackpropApp

EPOCH = re.compile(r"\bepoch (\d[\d,]*)", re.IGNORECASE)


def status_epoch(app: BackpropApp) -> int:
    """The epoch the status line says the panes show: "Epoch 2" or "viewing epoch 1"."""
    found = re.match(r"\s*(?:Epoch|viewing epoch) (\d+)", status_line(app))
    assert found is not None, status_line(app)
    return int(found.group(1))


def epoch_in(text: object) -> int:
    """The one epoch number a caption names."""
    numbers = {int(n.replace(",", "")) for n in EPOCH.findall(str(text))}
    assert len(numbers) == 1, text
    return numbers.pop()


def title(app: BackpropApp, selector: str) -> str:
    return str(app.query_one(selector).border_title)


async def drawn(pilot: Pilot[Any]) -> None:
    """Let a pane just shown draw: the boundary titles a picture as it draws it, a
    confusion matrix is counted when its pane shows."""
    await pilot.app.screen.wait_for_refresh()
    await pilot.pause()


async def captions(app: BackpropApp, pilot: Pilot[Any]) -> dict[str, int]:
    """Each view's epoch, shown in turn with its key."""
    out = {
        "network": epoch_in(title(app, "#network-pane")),
        "weights": epoch_in(title(app, "#weights")),
        "chart": last_tick(app),
    }
    for name, key in (("boundary", "b"), ("map", "m"), ("gallery", "M"), ("δ gallery", "M")):
        await press(pilot, key)
        await drawn(pilot)
        out[name] = epoch_in(title(app, "#boundary"))
    await press(pilot, "M", "b")  # the boundary again, then the chart
    for name, key, selector in (("confusion", "C", "#confusion"), ("hidden", "H", "#hidden-space")):
        await press(pilot, key)
        await drawn(pilot)
        out[name] = epoch_in(title(app, selector))
        await press(pilot, key)
    await press(pilot, "t")
    await pilot.pause()
    out["rows"] = epoch_in(text_of(app.screen.query_one("#rows-title")))
    await press(pilot, "escape")
    return out


async def check(settings: Settings, steps: int) -> None:
    app = app_of(settings)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, *["space"] * steps)
        assert status_epoch(app) == steps - 1
        shown = await captions(app, pilot)
        assert shown == dict.fromkeys(shown, steps - 1)
        await press(pilot, "left_square_bracket")
        assert status_epoch(app) == steps - 2
        back = await captions(app, pilot)
        assert back == dict.fromkeys(back, steps - 2)


@pytest.mark.parametrize("steps", [1 + 1, 3, 5])  # 2 at least: one to look back from
async def test_every_caption_names_the_status_lines_epoch(steps: int) -> None:
    await check(SEED_PRESET, steps)


async def test_after_one_step_the_captions_say_epoch_0() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space")
        shown = await captions(app, pilot)
        assert status_epoch(app) == 0 and shown == dict.fromkeys(shown, 0)


async def test_the_captions_of_a_csv_run() -> None:
    await check(resolve("datasets/spiral3.csv", {}), 3)


async def test_the_captions_of_a_four_feature_csv(tmp_path: Path) -> None:
    """Four features, three classes (an iris-like file): the maps on principal axes."""
    rng = np.random.default_rng(0)
    path = tmp_path / "four.csv"
    rows = [
        ",".join(f"{v:.3f}" for v in rng.normal(k, 0.5, 4)) + f",c{k}"
        for k in range(3)
        for _ in range(20)
    ]
    path.write_text("a,b,c,d,label\n" + "\n".join(rows) + "\n", "utf-8")
    await check(resolve(str(path), {}), 4)
