"""Imports run one way: engine and data stand on NumPy alone, the UI's model and render
helpers hold no widgets, and nothing below the command line imports it."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "tui_backprop"


def loaded_by(module: str) -> set[str]:
    code = f"import sys, {module}\nprint(' '.join(sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


@pytest.mark.parametrize(
    "package",
    ["tui_backprop.engine", "tui_backprop.data", "tui_backprop.ui.model.training_process"],
)
def test_package_does_not_import_ui_libraries(package: str) -> None:
    loaded = loaded_by(package)
    assert {"textual", "plotext", "textual_plotext", "rich"}.isdisjoint(
        name.split(".")[0] for name in loaded
    )
    if package == "tui_backprop.engine":
        assert "tui_backprop.data" not in loaded


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


@pytest.mark.parametrize("folder", ["model", "render"])
def test_ui_model_and_render_hold_no_widgets(folder: str) -> None:
    for path in sorted((PACKAGE / "ui" / folder).glob("*.py")):
        bad = {
            name
            for name in imports_of(path)
            if name.startswith(("textual", "tui_backprop.ui.panes", "tui_backprop.ui.screens"))
            and name != "textual.strip"  # a line of segments, as the line API draws it
        }
        assert not bad, f"{path.name} imports {sorted(bad)}"


def test_nothing_below_the_command_line_imports_it() -> None:
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name in ("cli.py", "__main__.py") and path.parent == PACKAGE:
            continue
        assert "tui_backprop.cli" not in imports_of(path), path
