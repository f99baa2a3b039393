"""Imports run one way: engine and data stand on NumPy alone, the UI's model and render
helpers hold no widgets, and nothing below the command line imports it."""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "tui_backprop"

# What the view model and the drawing helpers may never reach: the app, its screens and panes.
UI_ABOVE_MODEL = tuple(
    f"tui_backprop.ui.{name}"
    for name in ("app", "main_screen", "commands", "panes", "screens", "session")
)
# The session is the run's logic: no widget, no styled text, nothing above it.
SESSION_MAY_NOT = tuple(
    f"tui_backprop.ui.{name}" for name in ("app", "main_screen", "commands", "panes", "screens")
)
UI_LIBRARIES = ("textual", "rich", "plotext", "textual_plotext")
# The only Textual the drawing helpers use: a line of segments, as the line API draws it.
TEXTUAL_IN_RENDER = {"textual.strip"}


def loaded_by(*modules: str) -> set[str]:
    code = f"import sys, {', '.join(modules)}\nprint(' '.join(sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def model_modules() -> list[str]:
    return [module_name(path) for path in sorted((PACKAGE / "ui" / "model").glob("*.py"))]


@pytest.mark.parametrize(
    "package",
    [
        "tui_backprop.engine",
        "tui_backprop.data",
        "tui_backprop.check",
        "tui_backprop.check.student_runner",
        "tui_backprop.ui.model.training_process",
        "tui_backprop.ui.session.runner",
        "tui_backprop.ui.command_table",
    ],
)
def test_package_does_not_import_ui_libraries(package: str) -> None:
    loaded = loaded_by(package)
    assert {"textual", "plotext", "textual_plotext", "rich"}.isdisjoint(
        name.split(".")[0] for name in loaded
    )
    if package == "tui_backprop.engine":
        assert "tui_backprop.data" not in loaded
        assert "tui_backprop.check" not in loaded  # the engine never runs a student's code


def test_the_view_model_loads_no_ui_library() -> None:
    loaded = {name.split(".")[0] for name in loaded_by(*model_modules())}
    assert {"textual", "rich", "plotext", "textual_plotext"}.isdisjoint(loaded)


def session_modules() -> list[Path]:
    return sorted((PACKAGE / "ui" / "session").glob("*.py"))


def test_the_session_loads_no_ui_library() -> None:
    loaded = loaded_by(*map(module_name, session_modules()))
    assert set(UI_LIBRARIES).isdisjoint(name.split(".")[0] for name in loaded)


def test_the_session_imports_nothing_above_it() -> None:
    for path in session_modules():
        bad = {
            name
            for name in imports_of(path)
            if name.startswith(SESSION_MAY_NOT) or name.split(".")[0] in UI_LIBRARIES
        }
        assert not bad, f"{path.name} imports {sorted(bad)}"


def test_nothing_below_the_screen_imports_it() -> None:
    # The app shows the screen; the session, dialogs and panes get what they need handed in.
    screen = "tui_backprop.ui.main_screen"
    for path in sorted(PACKAGE.rglob("*.py")):
        if module_name(path) in (screen, "tui_backprop.ui.app"):
            continue
        assert screen not in imports_of(path), path


def import_graph() -> dict[str, set[str]]:
    """Each module of the package and the package's modules it imports, those under
    ``if TYPE_CHECKING:`` included (a cycle there is a cycle of the design)."""
    modules = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    return {
        name: {m for m in imports_of(path) if m in modules and m != name}
        for name, path in modules.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The graph's strongly connected parts of more than one module (Tarjan's)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            part = []
            while True:
                top = stack.pop()
                part.append(top)
                if top == node:
                    break
            if len(part) > 1:
                found.append(sorted(part))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_cycles_are_found_through_type_checking_imports() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_itself_round_a_cycle() -> None:
    assert cycles(import_graph()) == []


def is_module(name: str) -> bool:
    if name.startswith("tui_backprop."):
        path = PACKAGE.parent.joinpath(*name.split("."))
        return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def imports_in(source: str, package: str) -> set[str]:
    """Every module the source imports, by full name: relative imports resolved against
    `package`, and `from base import name` read as `base.name` when that is a module."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0]
                base = f"{anchor}.{base}" if base else anchor
            modules = {f"{base}.{alias.name}" for alias in node.names}
            modules = {name for name in modules if is_module(name)}
            names.update(modules if len(modules) == len(node.names) else modules | {base})
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def imports_of(path: Path) -> set[str]:
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    return imports_in(path.read_text(), package)


def test_imports_are_read_by_full_module_name() -> None:
    source = (
        "from . import numbers\n"
        "from ..panes import lines\n"
        "from .palette import POSITIVE\n"
        "from tui_backprop import cli\n"
        "from tui_backprop.ui import panes\n"
        "from textual.strip import Strip\n"
    )
    assert imports_in(source, "tui_backprop.ui.render") == {
        "tui_backprop.ui.render.numbers",
        "tui_backprop.ui.panes.lines",
        "tui_backprop.ui.render.palette",
        "tui_backprop.cli",
        "tui_backprop.ui.panes",
        "textual.strip",
    }


def forbidden(folder: str, name: str) -> bool:
    if name.startswith(UI_ABOVE_MODEL):
        return True
    if folder == "model" and (name == "rich" or name.startswith("rich.")):
        return True  # styled text is drawing: render/
    if name == "textual" or name.startswith("textual."):
        return folder == "model" or name not in TEXTUAL_IN_RENDER
    return False


@pytest.mark.parametrize("folder", ["model", "render"])
def test_ui_model_and_render_hold_no_widgets(folder: str) -> None:
    for path in sorted((PACKAGE / "ui" / folder).glob("*.py")):
        bad = {name for name in imports_of(path) if forbidden(folder, name)}
        assert not bad, f"{path.name} imports {sorted(bad)}"


def test_nothing_below_the_command_line_imports_it() -> None:
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name in ("cli.py", "__main__.py") and path.parent == PACKAGE:
            continue
        assert "tui_backprop.cli" not in imports_of(path), path


def test_module_names_are_unique_across_the_package() -> None:
    # A file name in a traceback or a search should mean one module (the engine keeps the
    # plain name of an idea; a UI module on the same subject says its role).
    seen: dict[str, Path] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name in ("__init__.py", "__main__.py"):
            continue
        assert path.name not in seen, f"{path} and {seen[path.name]} share a name"
        seen[path.name] = path


# The shared parts the rule's roles are built on: the line API's base, the dialogs' frame.
ROLE_BASES = {"panes": {"lines.py"}, "screens": {"dialog.py"}}
ROLES = {"panes": "_pane.py", "screens": "_dialog.py"}


@pytest.mark.parametrize("folder", sorted(ROLES))
def test_ui_module_names_say_their_role(folder: str) -> None:
    for path in sorted((PACKAGE / "ui" / folder).glob("*.py")):
        if path.name == "__init__.py" or path.name in ROLE_BASES[folder]:
            continue
        assert path.name.endswith(ROLES[folder]), f"{folder}/{path.name}"


def test_no_class_name_is_defined_twice() -> None:
    # A class named in a traceback or a type error should mean one class.
    seen: dict[str, Path] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef):
                assert node.name not in seen, f"{node.name}: {path} and {seen[node.name]}"
                seen[node.name] = path
