"""The help's list of keys reads as three columns at 80 and 120 columns: key, name and
description never run together, and a description's wrapped lines stay under it."""

from __future__ import annotations

import pytest

from tests.helpers import app_of, press, text_of, wait_until
from tui_backprop.ui.command_table import shown_commands
from tui_backprop.ui.screens.help_dialog import HelpDialog


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_keys_names_and_descriptions_keep_their_columns(size: tuple[int, int]) -> None:
    app = app_of()
    async with app.run_test(size=size) as pilot:
        await press(pilot, "question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpDialog))
        keys = app.screen.query_one("#help-keys")
        lines = text_of(keys, inside=True).splitlines()
        rows = lines[lines.index(next(line for line in lines if "Train one epoch" in line)) :]
        rows = rows[: next(i for i, line in enumerate(rows) if "Colours" in line)]
        start = rows[0].index("Train one epoch")  # where every description begins
        name_at = rows[0].index("Step")  # and every name
        names = []
        for line in filter(str.strip, rows):
            assert line[start - 2 : start] == "  " and line[start] != " ", line
            if line[:start].strip():  # a key's first line
                assert line[name_at - 2 : name_at] == "  " and line[name_at] != " ", line
                names.append(line[name_at:start].strip())
        hidden = app.screen.hidden  # type: ignore[attr-defined]
        assert names == [c.label for c in shown_commands(hidden)] + ["Select"]
        assert "Initial weights" in names
