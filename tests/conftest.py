"""Fixtures the tests share."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh working directory, for tests whose keys write files (s saves, e exports)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path
