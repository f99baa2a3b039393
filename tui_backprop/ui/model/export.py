"""Export what the screen shows: the screen itself as SVG, and the weights (.npz) and
metrics (.csv) of the epoch on display, which is an earlier one while looking back;
data changed by hand (your own points) goes with them as a CSV that opens again."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tui_backprop.data import save_csv
from tui_backprop.data.own_points import CUSTOM
from tui_backprop.engine.trainer import RunState
from tui_backprop.experiment import Experiment, write_metrics_csv, write_weights
from tui_backprop.output_files import atomic_write, claim, release


@dataclass(frozen=True)
class ExportPaths:
    screen: Path
    weights: Path
    metrics: Path
    data: Path | None = None  # the dataset, when it was changed by hand

    def lines(self) -> str:
        return "\n".join(
            f"{kind} → {path.resolve()}"
            for kind, path in (
                ("screen", self.screen),
                ("weights", self.weights),
                ("metrics", self.metrics),
                ("data", self.data),
            )
            if path is not None
        )


def export_paths(experiment: Experiment, tag: str, folder: Path) -> ExportPaths:
    """New names in ``folder`` per dataset and epoch (``tag``: "epoch4", see
    ``numbering.file_tag``), so exports of different epochs sit side by side; each file
    takes the first free number of its own name (``…-screen.svg`` beside
    ``…-weights-2.npz`` when only a weights file was there), claimed by creating it.
    Raises OSError."""
    stem = f"{Path(experiment.dataset.name).stem}-{tag}"
    kinds = ["screen.svg", "weights.npz", "metrics.csv"]
    if stem.endswith(f"{CUSTOM}-{tag}"):
        kinds.append("data.csv")
    claimed: list[Path] = []
    try:
        for kind in kinds:
            claimed.append(claim(folder / f"{stem}-{kind}"))
    except OSError:
        release(claimed)
        raise
    return ExportPaths(*claimed)


def export(
    experiment: Experiment, tag: str, folder: Path, svg: str, past: RunState | None
) -> ExportPaths:
    """Write the screenshot ``svg`` and the data of the epoch shown (``past``, or the
    present when None) under new names; a failure leaves no empty file. Raises OSError."""
    paths = export_paths(experiment, tag, folder)
    try:
        write_screen(svg, paths.screen)
        write_data(experiment, past, paths)
    except OSError:
        release((paths.screen, paths.weights, paths.metrics, paths.data))
        raise
    return paths


def write_screen(svg: str, path: Path) -> None:
    """The screenshot ``svg``, replacing ``path`` only once it is all written."""
    with atomic_write(path, "w") as f:
        f.write(svg)


def write_data(experiment: Experiment, past: RunState | None, paths: ExportPaths) -> None:
    """The weights and metrics of the epoch shown (the present when ``past`` is None).
    Raises OSError."""
    if paths.data is not None:
        save_csv(experiment.dataset, paths.data)
    if past is None:
        experiment.save_weights(paths.weights)
        experiment.write_log(paths.metrics)
        return
    write_weights(paths.weights, past.params, experiment.settings)
    write_metrics_csv(paths.metrics, past.history)
