"""The data-side keys in the app: new data with the next data seed (D), and f / F on the
diagram's input neurons. (The input features field: ``test_session_settings``.)"""

from __future__ import annotations

import numpy as np

from tests.helpers import SIZE, app_of, press
from tui_backprop.settings import resolve
from tui_backprop.ui.panes.chart_pane import MetricsChart
from tui_backprop.ui.panes.diagram_pane import NetworkDiagram

CIRCLES = resolve("circles", {})


async def test_new_data_draws_the_next_seed_restarts_and_keeps_the_old_run() -> None:
    app = app_of(CIRCLES)
    async with app.run_test(size=SIZE) as pilot:
        before = app.main.experiment.dataset.features.copy()
        await press(pilot, "space", "space", "D")
        await pilot.pause()
        experiment = app.main.experiment
        assert experiment.settings.data_seed == 1 and experiment.trainer.epoch == 0
        assert experiment.dataset.n_rows == len(before)
        assert not np.array_equal(experiment.dataset.features, before)
        assert [run.epochs for run in app.main.session.kept.runs] == [2]
        await press(pilot, "space", "c")
        await pilot.pause()
        overlay = app.query_one(MetricsChart).overlay
        assert overlay is not None and overlay.caption.startswith("data seed 0 vs 1")


async def test_f_drops_the_selected_input_and_F_adds_the_next_feature() -> None:
    app = app_of(CIRCLES)
    async with app.run_test(size=SIZE) as pilot:
        diagram = app.query_one(NetworkDiagram)
        diagram.focus()
        await press(pilot, "space", "left", "down", "f")  # input 2, X₂, goes
        assert app.main.experiment.settings.features == ("x1",)
        assert app.main.experiment.trainer.sizes[0] == 1
        assert app.main.experiment.trainer.epoch == 0
        await press(pilot, "F", "F")
        assert app.main.experiment.settings.features == ("x1", "x2", "x1^2")
        assert app.main.experiment.trainer.sizes[0] == 3
