"""The views over the input plane with input features on: the plane is the data's own
two columns, and every picture feeds its points through the same features first."""

from __future__ import annotations

import numpy as np
import pytest

from tests.helpers import SIZE, app_of, press, text_of, wait_until
from tui_backprop.engine.neuron_maps import activations_at
from tui_backprop.settings import resolve
from tui_backprop.ui.panes.boundary_pane import BoundaryPane
from tui_backprop.ui.panes.hidden_space_pane import HiddenSpacePane

SQUARES = resolve("circles", {"features": ("x1^2", "x2^2", "x1x2"), "hidden": (3,)})


def test_a_neuron_at_a_plane_point_is_the_network_on_that_points_features() -> None:
    from tui_backprop.experiment import Experiment

    experiment = Experiment.build(SQUARES)
    raw = experiment.data.features[:5]
    lifted = activations_at(experiment.trainer, raw, lift=experiment.lift)
    direct = activations_at(experiment.trainer, experiment.lift(raw))
    for a, b in zip(lifted, direct, strict=True):
        np.testing.assert_array_equal(a, b)
    assert lifted[0].shape == (5, 3)


async def test_maps_galleries_and_the_hidden_space_draw_with_input_features() -> None:
    app = app_of(SQUARES)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space", "space", "b", "m")
        boundary = app.query_one(BoundaryPane)
        await wait_until(pilot, lambda: "over the plane" in boundary.border_title)
        assert "?" not in text_of(boundary, inside=True)
        await press(pilot, "M")  # the layer's gallery
        await pilot.pause()
        await press(pilot, "M")  # δ at the rows: said to be unavailable, not drawn wrong
        await pilot.pause()
        assert "not with input features" in text_of(boundary, inside=True) + str(
            boundary.border_subtitle
        )
        await press(pilot, "M", "H")
        await pilot.pause()
        pane = app.query_one(HiddenSpacePane)
        assert pane.draws >= 1 and text_of(pane, inside=True).strip()


async def test_own_points_are_refused_while_input_features_are_on() -> None:
    from tests.helpers import settle

    app = app_of(resolve("circles", {"features": ("x1^2", "x2^2"), "hidden": (3,)}))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space", "b")
        await pilot.pause()
        experiment = app.main.experiment
        await pilot.click("#boundary", offset=(10, 5))
        await settle(pilot)
        assert app.main.experiment is experiment  # nothing changed
        said = [n.message for n in app.notices]
        assert "clear the input features first" in said[-1]


@pytest.mark.parametrize("sizes", [(2, 5, 1), (2, 1, 3), (3, 4, 256, 2)])
def test_each_pair_of_the_hidden_space_is_the_one_combinations_lists(
    sizes: tuple[int, ...],
) -> None:
    """The pane names the k-th pair without listing them all; the order (wrapping) is
    ``itertools.combinations``', or a one-neuron layer against each output."""
    import itertools

    from tui_backprop.ui.model.hidden_axes import axis_pair

    for layer in range(1, len(sizes) - 1):
        width, out = sizes[layer], len(sizes) - 1
        if width == 1:
            listed = [((layer, 0), (out, j)) for j in range(sizes[out])]
        else:
            combos = itertools.combinations(range(width), 2)
            listed = [((layer, i), (layer, j)) for i, j in combos]
        assert [axis_pair(sizes, layer, k) for k in range(2 * len(listed))] == listed * 2
