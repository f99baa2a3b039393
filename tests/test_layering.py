"""The engine and the data layer stand on NumPy alone: no UI library comes with them."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("package", ["tui_backprop.engine", "tui_backprop.data"])
def test_package_does_not_import_ui_libraries(package: str) -> None:
    code = f"import sys, {package}\nprint(' '.join(sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = {name.split(".")[0] for name in done.stdout.split()}
    assert {"textual", "plotext", "textual_plotext", "rich"}.isdisjoint(loaded)
    if package == "tui_backprop.engine":
        assert "tui_backprop.data" not in done.stdout.split()
