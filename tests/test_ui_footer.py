"""The footer is built once for the keys it shows, not once per change of the screen's
bindings: each build styles every key, a fifth of a served tab's start-up when the
bindings settled three times as the screen mounted."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets._footer import FooterKey

from tests.helpers import app_of, press, wait_until


async def test_each_key_of_the_footer_is_built_once_as_the_app_starts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    built: list[FooterKey] = []
    build = FooterKey.__init__

    def counted(key: FooterKey, *args: Any, **kwargs: Any) -> None:
        build(key, *args, **kwargs)
        built.append(key)

    monkeypatch.setattr(FooterKey, "__init__", counted)
    app = app_of()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.screen.query(FooterKey))
        await press(pilot, "space", "l", "L")
        keys = list(app.screen.query(FooterKey))
        assert {key.key for key in keys} >= {"space", "p", "q"}
        assert sorted(map(id, built)) == sorted(map(id, keys))
