"""Export what the screen shows: the screen itself as SVG, and the weights (.npz) and
metrics (.csv) of the epoch on display, which is an earlier one while looking back;
data changed by hand (your own points) goes with them as a CSV that opens again."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tui_backprop.data import save_csv
from tui_backprop.data.csv_write import reopen_problem
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
    data_note: str | None = None  # why that CSV will not open again, when it will not

    def lines(self) -> str:
        lines = [
            f"{kind} → {path.resolve()}"
            for kind, path in (
                ("screen", self.screen),
                ("weights", self.weights),
                ("metrics", self.metrics),
                ("data", self.data),
            )
            if path is not None
        ]
        if self.data_note:
            lines.append(f"the data will not open again: {self.data_note}")
        return "\n".join(lines)


def export_names(experiment: Experiment, tag: str) -> list[str]:
    """The export's file names per dataset and epoch (``tag``: "epoch4", see
    ``numbering.file_tag``): screen, weights, metrics and, for data changed by hand, data."""
    stem = f"{Path(experiment.dataset.name).stem}-{tag}"
    kinds = ["screen.svg", "weights.npz", "metrics.csv"]
    own_data = stem.endswith(f"{CUSTOM}-{tag}")
    if own_data:
        kinds.append("data.csv")
    return [f"{stem}-{kind}" for kind in kinds]


def export_paths(experiment: Experiment, tag: str, folder: Path) -> ExportPaths:
    """New names in ``folder`` for ``export_names``, so exports of different epochs sit
    side by side; each file takes the first free number of its own name
    (``…-screen.svg`` beside ``…-weights-2.npz`` when only a weights file was there),
    claimed by creating it. Data changed by hand that would not open again (one class
    left) is said so. Raises OSError."""
    claimed: list[Path] = []
    try:
        for name in export_names(experiment, tag):
            claimed.append(claim(folder / name))
    except OSError:
        release(claimed)
        raise
    own_data = len(claimed) > 3
    note = reopen_problem(experiment.dataset) if own_data else None
    data = claimed[3] if own_data else None
    return ExportPaths(claimed[0], claimed[1], claimed[2], data, note)


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
        with atomic_write(paths.data, "w") as f:
            save_csv(experiment.dataset, f)
    if past is None:
        experiment.save_weights(paths.weights)
        experiment.write_log(paths.metrics)
        return
    write_weights(paths.weights, past.params, experiment.settings, experiment.inputs)
    write_metrics_csv(paths.metrics, past.history)
