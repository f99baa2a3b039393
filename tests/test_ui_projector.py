"""A projector's 80x24 keeps what a demo needs, and every mark on screen means one thing:
the footer's essential keys, the neuron's worked arithmetic, one form of layer names,
the header of a net without hidden layers, a focus colour apart from signs and classes,
a boundary that shows its classes when unsure and its axes' ranges, and the kept run's
boundary when comparing."""

from __future__ import annotations

import re

import numpy as np
from textual.widgets._footer import FooterKey

from tests.helpers import SIZE, app_of, press, text_of, wait_until
from tui_backprop.engine.boundary import grid_of
from tui_backprop.experiment import Experiment
from tui_backprop.settings import resolve
from tui_backprop.ui.panes.boundary_pane import BoundaryPane
from tui_backprop.ui.panes.deltas_pane import DeltasPane
from tui_backprop.ui.panes.diagram_pane import NetworkDiagram, NetworkPane
from tui_backprop.ui.panes.neuron_pane import NeuronDetail
from tui_backprop.ui.panes.status_pane import StatusLine
from tui_backprop.ui.render import palette
from tui_backprop.ui.render.boundary_draw import OUTLINE
from tui_backprop.ui.render.class_colours import CLASS_RGB, pixel_rgb, shade_codes

PROJECTOR = (80, 24)
XOR = resolve("xor", {"lr": 1.0})
SIX_HIDDEN = {"hidden": (4, 4, 4, 4, 4, 4)}


def _distance(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    return float(np.linalg.norm(np.subtract(a, b)))


async def test_the_projector_footer_shows_the_essential_keys_and_quit() -> None:
    app = app_of()
    async with app.run_test(size=PROJECTOR) as pilot:
        await pilot.pause()
        shown = [k for k in app.screen.query(FooterKey) if k.display and k.region.width]
        keys = {k.key for k in shown}
        assert {"space", "n", "q", "z", "question_mark"} <= keys
        assert all(k.region.right <= PROJECTOR[0] for k in shown)  # none cut off
        right = max(k.region.right for k in shown if "-command-palette" not in k.classes)
        palette_key = next(k for k in shown if "-command-palette" in k.classes)
        assert right <= palette_key.region.x  # quit is not under the palette key


async def test_wider_terminals_keep_their_footer_without_zoom() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        keys = {k.key for k in app.screen.query(FooterKey) if k.display}
        assert {"o", "s", "q", "R"} <= keys and "z" not in keys


async def test_the_projector_neuron_card_keeps_its_arithmetic() -> None:
    app = app_of()
    async with app.run_test(size=PROJECTOR) as pilot:
        await press(pilot, "space")
        await pilot.pause()
        card = text_of(app.query_one(NeuronDetail), inside=True)
        z_line = next(line for line in card.splitlines() if line.strip().startswith("z"))
        # z = Σ wᵢ·aᵢ = w₁·a₁ + w₂·a₂ = result: every product shown, not only the result
        worked = z_line.split("=")[2]
        assert worked.count("·") == 2 and "+" in worked, z_line
        assert app.query_one(NetworkPane).region.width == PROJECTOR[0]


async def test_a_deep_net_names_its_layers_one_way() -> None:
    for size in (PROJECTOR, SIZE):
        app = app_of(**SIX_HIDDEN)
        async with app.run_test(size=size) as pilot:
            await press(pilot, "space")
            await pilot.pause()
            titles = text_of(app.query_one(NetworkDiagram)).splitlines()[0].split()
            long = ["input", *(f"hidden {i}" for i in range(1, 7)), "output"]
            short = ["in", *(f"h{i}" for i in range(1, 7)), "out"]
            assert titles in (" ".join(long).split(), short), titles
            deltas = text_of(app.query_one(DeltasPane), inside=True)
            labels = [line.split()[0] for line in deltas.splitlines() if line.strip()]
            layer_labels = [s for s in labels if s in short or s in long]
            backwards = ["out", *(f"h{i}" for i in range(6, 0, -1))]
            # a short pane leaves out middle layers ("…"), never the output or the first
            assert layer_labels[0] == "out" and layer_labels[-1] == "h1"
            assert layer_labels == sorted(layer_labels, key=backwards.index)


async def test_a_net_without_hidden_layers_names_only_its_output() -> None:
    app = app_of(hidden=())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        status = text_of(app.query_one(StatusLine))
        assert "2-1 · sigmoid output, no hidden layer" in status
        assert "→" not in status.split("2-1")[1].split("·")[1]
    app = app_of(hidden=(), activation="tanh")
    async with app.run_test(size=PROJECTOR) as pilot:
        await pilot.pause()
        assert "tanh" not in text_of(app.query_one(StatusLine))


async def test_the_focus_colour_is_neither_a_sign_nor_a_class() -> None:
    app = app_of()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        pane = app.query_one(NetworkPane)
        assert pane.has_focus_within
        colour = pane.styles.border.top[1].rgb
        for meaning in (palette.POSITIVE, palette.NEGATIVE, *CLASS_RGB):
            assert _distance(colour, meaning) > 100, (colour, meaning)
        unfocused = app.query_one(DeltasPane).styles.border.top[1].rgb
        assert _distance(colour, unfocused) > 100


def test_an_unsure_map_still_shows_which_class_is_where() -> None:
    """At 50 % confidence (an untrained network) the two classes' pixels differ enough to
    see the boundary, and a sure pixel is still stronger than an unsure one."""
    unsure = shade_codes(np.array([0, 1]), np.array([0.5, 0.5]), 2)
    sure = shade_codes(np.array([0, 1]), np.array([1.0, 1.0]), 2)
    first, second = (pixel_rgb(int(c)) for c in unsure)
    assert _distance(first, second) > 40
    for k in (0, 1):
        assert _distance(pixel_rgb(int(sure[k])), pixel_rgb(int(unsure[k]))) > 40


async def test_the_boundary_title_gives_the_axes_ranges() -> None:
    app = app_of(XOR)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "b")
        await pilot.pause()
        pane = app.query_one(BoundaryPane)
        assert pane.scene is not None
        title = str(pane.border_title)
        found = re.search(r"x1 (\S+)…(\S+) →\s+x2 (\S+)…(\S+) ↑", title)
        assert found is not None, title
        shown = [float(v) for v in found.groups()]
        for value, edge in zip(shown, pane.scene.plane, strict=True):
            assert abs(value - edge) <= 0.05 * abs(edge) + 0.05


async def test_compare_dots_the_kept_runs_boundary_over_the_map() -> None:
    app = app_of(XOR)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, *["space"] * 30, "r", "space", "b")
        pane = app.query_one(BoundaryPane)
        await pilot.pause()
        assert OUTLINE not in text_of(pane, inside=True)
        await press(pilot, "c", "b")  # c shows the chart; b the boundary again
        await pilot.pause()
        earlier = pane.earlier
        assert earlier is not None and pane.scene is not None
        assert OUTLINE in str(pane.border_subtitle)
        lines = text_of(pane, inside=True).splitlines()
        dots = [
            (r, c) for r, line in enumerate(lines) for c, ch in enumerate(line) if ch == OUTLINE
        ]
        assert len(dots) > 5
        # every dot sits where the kept run's predicted class changes
        width, height = pane.size
        old = grid_of(earlier.config, earlier.params, width, 2 * height, pane.scene.plane).classes
        for r, c in dots:
            around = old[max(2 * r - 1, 0) : 2 * r + 3, max(c - 1, 0) : c + 2]
            assert len(np.unique(around)) > 1, (r, c)
        await press(pilot, "c", "b")  # the only kept run was shown: c turns comparing off
        await pilot.pause()
        assert pane.earlier is None and OUTLINE not in text_of(pane, inside=True)


async def test_no_boundary_to_compare_across_datasets() -> None:
    app = app_of(XOR)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space", "space")
        moons = Experiment.build(resolve("moons", {}))
        app.main.show(app.main.session.switch_to(moons, "new dataset"))
        await press(pilot, "c")
        await pilot.pause()
        assert app.main.session.kept.shown is not None
        assert app.query_one(BoundaryPane).earlier is None


async def test_a_chart_too_small_to_read_shows_the_latest_numbers_and_the_zoom_key() -> None:
    from tui_backprop.ui.panes.chart_pane import MetricsChart

    app = app_of()
    async with app.run_test(size=PROJECTOR) as pilot:
        await press(pilot, *["space"] * 5)
        history = app.main.experiment.trainer.history
        lines = text_of(app.query_one(MetricsChart), inside=True).splitlines()
        assert lines[:3] == [
            f"loss {history[-1].loss:.4f} train".ljust(len(lines[0])),
            f"acc {history[-1].accuracy:.1%} train".ljust(len(lines[0])),
            "tab to it, z zooms".ljust(len(lines[0])),  # z zooms the network now
        ]
        await press(pilot, "tab")  # the focus moves from the network to the chart
        lines = text_of(app.query_one(MetricsChart), inside=True).splitlines()
        assert lines[2] == "z zooms the chart".ljust(len(lines[0]))
        await press(pilot, "z")  # zoomed, the same pane plots its curves
        await pilot.pause()
        assert "z zooms" not in text_of(app.query_one(MetricsChart))
        assert "epoch" in text_of(app.query_one(MetricsChart))


async def test_a_terminal_too_small_for_the_panes_says_so() -> None:
    """At 20×8 the screen was empty frames; it says how large it must be, and the panes
    come back once it is."""
    app = app_of()
    async with app.run_test(size=(30, 10)) as pilot:
        await press(pilot, "space")
        message = app.main.query_one("#too-small")
        assert message.display and not app.main.query_one("#panes").display
        said = " ".join(text_of(message).split())
        assert said.startswith("The terminal is 30×10: backprop-tui needs 40×12 at least.")
        await pilot.resize_terminal(80, 24)
        await wait_until(pilot, lambda: app.main.query_one("#panes").display)
        assert not message.display and app.main.experiment.trainer.epoch == 1
