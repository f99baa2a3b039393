"""Every pane draws the view through one base (``panes/view_pane.py``): the main screen
hands each one the view, the session's pane choices, and the experiment's scene to those
drawn over the plane; nothing else is set on a pane."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.helpers import SIZE, app_of, press
from tui_backprop.ui.panes.status_pane import StatusLine
from tui_backprop.ui.panes.view_pane import ScenePane, ViewPane

UI = Path(__file__).resolve().parents[1] / "tui_backprop" / "ui"
PANES = UI / "panes"
INPUTS = {"view", "scene", "choices"}  # what the screen hands a pane (and its title)
# The modules that drive the panes: the screens' layers, their keys, --check's file.
DRIVERS = ("panes_screen.py", "run_screen.py", "dialog_keys.py", "main_screen.py")
DRIVERS += ("checked_file.py",)


def test_only_the_base_declares_view_and_scene() -> None:
    for path in sorted(PANES.glob("*.py")):
        if path.name == "view_pane.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef):
                names = {
                    s.target.id
                    for s in node.body
                    if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)
                }
                assert not names & INPUTS, f"{path.name}: {node.name}"


def test_the_screens_set_nothing_on_a_pane_but_its_inputs() -> None:
    """No side inputs: an attribute the screen set on a pane (``pane.overlay = …``,
    ``query_one(X).selected = …``) is a pane's state kept outside the view and the
    session's choices."""
    for name in DRIVERS:
        for node in ast.walk(ast.parse((UI / name).read_text())):
            targets = node.targets if isinstance(node, ast.Assign) else []
            for target in targets:
                if not isinstance(target, ast.Attribute):
                    continue
                on = target.value  # pane.x, query_one(P).x; not self.x, self.session.x
                if isinstance(on, ast.Call) or (isinstance(on, ast.Name) and on.id != "self"):
                    assert target.attr in INPUTS | {"border_title"}, f"{name}: {target.attr}"


async def test_every_pane_is_handed_the_view_and_the_scene() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space", "space")
        view = app.main.view
        assert view is not None and view.epoch == 2
        panes = list(app.main.query().results(ViewPane))
        assert len(panes) > 5 and any(isinstance(p, StatusLine) for p in panes)
        assert all(p.view is view for p in panes), [type(p).__name__ for p in panes]
        scene_panes = [p for p in panes if isinstance(p, ScenePane)]
        scene = scene_panes[0].scene
        assert len(scene_panes) == 4 and scene is not None
        assert all(p.scene is scene for p in scene_panes)
        assert scene.trainer is app.main.experiment.trainer
        await press(pilot, "down", "m")  # a neuron selected in the diagram, its map
        choices = app.main.session.choices
        assert choices.neuron == (1, 1) and choices.maps is not None
        handed = [p for p in panes if not isinstance(p, StatusLine)]
        assert all(p.choices is choices for p in handed), [type(p).__name__ for p in handed]


async def test_one_pane_sits_in_the_chart_place_and_its_key_gives_it_back() -> None:
    """``chart_place`` is the one record of it: each key sets it, and the style sheet's
    class follows, so exactly that pane is shown where the chart is."""
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        screen = app.main
        place_of = {"b": "boundary", "C": "confusion", "H": "hidden-space", "V": "landscape"}
        for key, place in place_of.items():
            await press(pilot, "space", key)
            assert screen.chart_place == place
            shown = {p for p in ("chart", *place_of.values()) if app.query_one(f"#{p}").display}
            assert place in shown and "chart" not in shown
            await press(pilot, key)
            assert screen.chart_place == "chart" and app.query_one("#chart").display
        await press(pilot, "C", "H")  # another view replaces the one there
        assert screen.chart_place == "hidden-space"
        assert not app.query_one("#confusion").display


async def test_the_boundary_keeps_its_own_pane_when_wide() -> None:
    app = app_of()
    async with app.run_test(size=(160, 44)) as pilot:
        await press(pilot, "b")
        assert app.main.chart_place == "chart"
        assert app.query_one("#chart").display and app.query_one("#boundary").display
