"""What a served tab hands the student's browser instead of writing on the server: the
files of ``s`` (save), ``e`` (export) and ``W`` (set-up), as names and bytes made in
memory by the same writers the terminal app uses for its files."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from tui_backprop.data import save_csv
from tui_backprop.engine.trainer import RunState
from tui_backprop.experiment import Experiment, write_metrics_csv, write_weights
from tui_backprop.settings import Settings
from tui_backprop.setup_file import setup_text
from tui_backprop.ui.model.experiment_files import save_names
from tui_backprop.ui.model.export import export_names


@dataclass(frozen=True)
class Download:
    name: str  # the file name the browser offers
    data: bytes


def saved_files(experiment: Experiment) -> tuple[Download, ...]:
    """``s``: the latest weights (.npz) and the metrics of every epoch (.csv)."""
    weights, metrics = save_names(experiment)
    return (
        Download(weights, _binary(experiment.save_weights)),
        Download(metrics, _text(experiment.write_log)),
    )


def exported_files(
    experiment: Experiment, past: RunState | None, tag: str, svg: str
) -> tuple[Download, ...]:
    """``e``: the screen ``svg``, and the weights and metrics of the epoch shown (the
    present when ``past`` is None); the data too when it was changed by hand."""
    trainer, settings = experiment.trainer, experiment.settings
    params, history = (trainer.params, trainer.history)
    if past is not None:
        params, history = past.params, past.history
    screen, weights, metrics, *data = export_names(experiment, tag)
    files = [
        Download(screen, svg.encode()),
        Download(weights, _binary(lambda f: write_weights(f, params, settings, experiment.inputs))),
        Download(metrics, _text(lambda f: write_metrics_csv(f, history))),
    ]
    files += [Download(name, _text(lambda f: save_csv(experiment.dataset, f))) for name in data]
    return tuple(files)


def setup_file(settings: Settings, dataset_name: str) -> Download:
    """``W``: the set-up as ``--config`` reads it back."""
    return Download(f"{Path(dataset_name).stem}-setup.toml", setup_text(settings).encode())


def _binary(write: Callable[[IO[bytes]], None]) -> bytes:
    buffer = io.BytesIO()
    write(buffer)
    return buffer.getvalue()


def _text(write: Callable[[IO[str]], None]) -> bytes:
    buffer = io.StringIO(newline="")  # the csv module's line ends, untranslated
    write(buffer)
    return buffer.getvalue().encode()
