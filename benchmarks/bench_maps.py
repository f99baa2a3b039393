"""How long a neuron map and a layer's gallery take to draw, in the boundary pane of a
160x45 terminal, on circles with one hidden layer of 16 tanh neurons after 20 epochs.

    python benchmarks/bench_maps.py [--repeats 50]

Each picture is made from a new view (so nothing is cached): the forward pass over the
grid and the lines. Prints the median and the worst of ``--repeats`` runs, in ms.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from dataclasses import replace

from tui_backprop.experiment import Experiment
from tui_backprop.settings import resolve
from tui_backprop.ui.app import BackpropApp
from tui_backprop.ui.model.map_choice import GALLERY, MAP, MapChoice, map_plane
from tui_backprop.ui.model.scene import scene_of
from tui_backprop.ui.panes.boundary_pane import BoundaryPane
from tui_backprop.ui.render.map_pictures import picture

TARGETS = {"neuron map": 5.0, "gallery of 16": 20.0}


async def pane_size(app: BackpropApp) -> tuple[int, int]:
    async with app.run_test(size=(160, 45)) as pilot:
        await pilot.pause()
        width, height = app.query_one(BoundaryPane).size
        return width, height


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=50)
    args = parser.parse_args()
    settings = resolve("circles", {"hidden": (16,), "activation": "tanh"})
    app = BackpropApp(Experiment.build(settings))
    width, height = asyncio.run(pane_size(app))
    main_screen = app.main
    for _ in range(20):
        main_screen.experiment.trainer.train_epoch()
    main_screen.publish()
    view = main_screen.view
    assert view is not None
    scene = scene_of(main_screen.experiment)
    mp = map_plane(scene, view.network.labels[0])
    assert mp is not None
    print(f"boundary pane at 160x45: {width}x{height} cells")
    print(f"{'picture':<16}{'median ms':>10}{'max ms':>10}{'target':>10}")
    for name, kind in (("neuron map", MAP), ("gallery of 16", GALLERY)):
        times = []
        for _ in range(args.repeats):
            fresh = replace(view)
            start = time.perf_counter()
            picture(fresh, mp, MapChoice(kind, 1, 3), width, height)
            times.append((time.perf_counter() - start) * 1000)
        median = statistics.median(times)
        print(f"{name:<16}{median:>10.2f}{max(times):>10.2f}{'≤ ' + str(TARGETS[name]):>10}")


if __name__ == "__main__":
    main()
