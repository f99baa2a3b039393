"""An experiment: settings, the dataset they name, its split, and the trainer.

This is where the data layer and the engine meet; the command line and the TUI both
start from ``Experiment.build`` and then only drive ``experiment.trainer``.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass, replace
from typing import IO

import numpy as np

from tui_backprop.data import (
    Dataset,
    Drawn,
    Split,
    lift,
    load_dataset,
    magnitude_limit,
    split_dataset,
    summary_lines,
    with_features,
)
from tui_backprop.data.image_shape import ImageShape, detected_note, image_shape
from tui_backprop.engine import ConfigError, Params, Problem, TrainConfig, Trainer
from tui_backprop.engine.activations import Array
from tui_backprop.engine.confusion import epoch_confusion
from tui_backprop.engine.history import MetricsLog
from tui_backprop.engine.landscape import PCA, run_landscape
from tui_backprop.engine.metrics import LARGE, printed
from tui_backprop.engine.records import EpochMetrics
from tui_backprop.engine.stopping import StopRules
from tui_backprop.engine.trainer import (
    DataRangeError,
    InitialWeightsError,
    check_config,
    network_sizes,
)
from tui_backprop.engine.weights_io import (
    Inputs,
    WeightsError,
    WeightsFile,
    open_weights,
    save_weights,
)
from tui_backprop.output_files import atomic_write
from tui_backprop.settings import Settings, default_output, describe, image_size

Initial = Params | WeightsFile | None  # given weights, or a file to read them from

TASK_OF_OUTPUT = {
    None: "auto",
    "sigmoid": "classification",
    "softmax": "classification",
    "linear": "regression",
}


@dataclass
class Experiment:
    settings: Settings
    dataset: Dataset
    split: Split
    trainer: Trainer
    # The two-column data before ``settings.features`` made ``dataset`` (None without them):
    # the decision boundary's plane, and what a new set of features starts from.
    raw: Dataset | None = None
    # The features as a picture's pixels (``--image``, or found: ``data.image_shape``).
    image: ImageShape | None = None

    @property
    def data(self) -> Dataset:
        """The dataset as loaded, before any input features."""
        return self.raw or self.dataset

    @classmethod
    def build(cls, settings: Settings, explicit: frozenset[str] = frozenset()) -> Experiment:
        """Load, split and set up everything ``settings`` describes. ``explicit`` names
        the settings the user chose, so a weights file's architecture fills in the rest.
        Raises DatasetError, WeightsError or ConfigError (all ValueErrors) with one
        line for the user."""
        settings, initial = adopt_weights(settings, explicit)
        dataset = load_dataset(
            settings.dataset,
            settings.label_column,
            settings.drop_columns,
            TASK_OF_OUTPUT.get(settings.output, "auto"),
            Drawn(settings.points, settings.noise, settings.data_seed),
            magnitude_limit(settings.dtype, settings.standardize),
        )
        return cls.on_dataset(settings, dataset, initial)

    @classmethod
    def on_dataset(
        cls, settings: Settings, dataset: Dataset, initial: Initial = None
    ) -> Experiment:
        """The experiment of ``settings`` on an already loaded dataset (before features)."""
        raw = dataset if settings.features else None
        if settings.features:
            limit = magnitude_limit(settings.dtype, settings.standardize)
            dataset = with_features(dataset, settings.features, limit)
        if settings.output is None:
            settings = replace(settings, output=default_output(dataset.n_classes))
        split = split_dataset(dataset, settings.test_split, settings.standardize, settings.seed)
        return cls.on_split(settings, dataset, split, initial, raw)

    @classmethod
    def on_split(
        cls,
        settings: Settings,
        dataset: Dataset,
        split: Split,
        initial: Initial = None,
        raw: Dataset | None = None,
    ) -> Experiment:
        """The experiment of ``settings`` (its output chosen) on a dataset split already
        (``raw``: the data before its input features). A weights file's arrays are read
        only once its headers fit the network."""
        image = image_shape(image_size(settings.image), dataset.feature_names, dataset.name)
        problem = Problem(
            split.x_train,
            split.y_train,
            split.x_test,
            split.y_test,
            n_classes=dataset.n_classes,
            y_scale=split.y_scale,
        )
        config = train_config(settings)
        if isinstance(initial, WeightsFile):
            try:
                check_config(config, problem)
            except ConfigError as err:  # the file may have chosen the setting: say so
                raise WeightsError(f"{initial.path}: {err} (with these weights)") from None
            check_inputs(initial, inputs_of(settings, dataset))
            initial = initial.params(network_sizes(config, problem), config.bias)
        try:
            trainer = Trainer(config, problem, initial, True, stop_rules(settings))
        except InitialWeightsError as err:
            raise WeightsError(f"{settings.load_weights or 'the weights'}: {err}") from None
        except DataRangeError as err:
            raise ConfigError(f"{err}; {range_advice(settings)}") from None
        return cls(settings, dataset, split, trainer, raw, image)

    def lift(self, points: Array) -> Array:
        """Points of the data's own plane as the network takes them: through the input
        features, then standardised like the training rows."""
        x = lift(points, self.settings.features) if self.settings.features else points
        if self.split.mean is not None and self.split.std is not None:
            x = (x - self.split.mean) / self.split.std
        return x

    def describe(self) -> str:
        return describe(self.settings, self.trainer.sizes)

    def summary(self) -> list[str]:
        return summary_lines(self.dataset, self.split) + self.image_notes()

    def image_notes(self) -> list[str]:
        """The line that says the features were found to be a picture, if they were."""
        if self.image is None or not self.image.detected:
            return []
        return [detected_note(self.image, self.dataset.feature_names)]

    def save_weights(self, target: str | os.PathLike[str] | IO[bytes]) -> None:
        """The present weights, to a path (atomically) or an open binary file."""
        write_weights(target, self.trainer.params, self.settings, self.inputs)

    @property
    def inputs(self) -> Inputs:
        return inputs_of(self.settings, self.dataset)

    def write_log(self, target: str | os.PathLike[str] | IO[str]) -> None:
        write_metrics_csv(target, self.trainer.history)


def write_weights(
    target: str | os.PathLike[str] | IO[bytes], params: Params, s: Settings, inputs: Inputs
) -> None:
    """``params`` with ``s``'s activation and output and the ``inputs`` they take, to
    ``target``: a path is replaced only once the whole file is written; an open file is
    the caller's."""
    assert s.output is not None
    if isinstance(target, str | os.PathLike):
        with atomic_write(target) as f:
            save_weights(f, params, s.activation, s.output, inputs)
    else:
        save_weights(target, params, s.activation, s.output, inputs)


def inputs_of(s: Settings, dataset: Dataset) -> Inputs:
    """The network's inputs: the dataset's features (after ``--features``), standardised
    or not."""
    return Inputs(dataset.feature_names, s.standardize)


def check_inputs(file: WeightsFile, inputs: Inputs) -> None:
    """Refuse weights trained on other inputs, or on inputs scaled otherwise: their
    first layer would weigh the wrong numbers. Files that record neither pass."""
    arch, name = file.architecture, file.path
    if arch.inputs is not None and arch.inputs != inputs.names:
        raise WeightsError(
            f"{name}: the weights were trained on the inputs {', '.join(arch.inputs)}; "
            f"this run's are {', '.join(inputs.names)}"
        )
    if arch.standardized is not None and arch.standardized != inputs.standardized:
        how = "standardised" if arch.standardized else "raw (not standardised)"
        flag = "--standardize" if arch.standardized else "--no-standardize"
        raise WeightsError(f"{name}: the weights were trained on {how} inputs; use {flag}")


def adopt_weights(
    settings: Settings, explicit: frozenset[str] = frozenset()
) -> tuple[Settings, WeightsFile | None]:
    """The weights file ``settings`` names (None without one), its headers read, and the
    settings with the file's architecture in place of those not in ``explicit``. Raises
    WeightsError."""
    if not settings.load_weights:
        return settings, None
    initial = open_weights(settings.load_weights)
    arch = initial.architecture
    adopted: dict[str, object] = {"hidden": arch.sizes[1:-1], "bias": initial.bias}
    if arch.activation:
        adopted["activation"] = arch.activation
    if arch.output:
        adopted["output"] = arch.output
    settings = replace(settings, **{k: v for k, v in adopted.items() if k not in explicit})  # type: ignore[arg-type]
    return settings, initial


def train_config(s: Settings) -> TrainConfig:
    assert s.output is not None
    return TrainConfig(
        hidden=s.hidden,
        activation=s.activation,
        output=s.output,
        bias=s.bias,
        init=s.init,
        init_scale=s.init_scale,
        lr=s.lr,
        optimizer=s.optimizer,
        batch_size=s.batch_size,
        reduction=s.reduction,
        l2=s.l2,
        l1=s.l1,
        dtype=s.dtype,
        seed=s.seed,
    )


def stop_rules(s: Settings) -> StopRules:
    """The rules that stop a run that trains by itself (``--epochs 0``: no limit)."""
    return StopRules(s.epochs or None, s.stop_loss, s.patience)


METRIC_COLUMNS = (
    "loss",
    "accuracy",
    "rmse",
    "r2",
    "test_loss",
    "test_accuracy",
    "test_rmse",
    "test_r2",
)


def write_metrics_csv(target: str | os.PathLike[str] | IO[str], history: MetricsLog) -> None:
    """One row per epoch; only the columns this run has values for. A path is replaced
    only once the whole file is written; an open file (``newline=""``) is the caller's."""
    if isinstance(target, str | os.PathLike):
        with atomic_write(target, "w") as f:
            write_metrics_csv(f, history)
        return
    out = MetricsCsv(target)
    out.add(history)
    out.finish()


LANDSCAPE_COLUMNS = ("part", "a", "b", "loss", "epochs_done")


def write_landscape_csv(file: IO[str], trainer: Trainer) -> None:
    """The loss landscape around ``trainer``'s weights on its path's PCA plane (see
    ``engine.landscape``), for plotting elsewhere: a row per grid point (``grid``, the
    two coordinates along the plane's directions, the training loss without L1/L2
    terms), then a row per point of the path (``path``, its coordinates, the epochs
    done when its weights were kept). The file is the caller's (opened ``newline=""``)."""
    ls = run_landscape(trainer, trainer.params, trainer.epoch, PCA)
    out = csv.writer(file)
    out.writerow(LANDSCAPE_COLUMNS)
    a, b = np.meshgrid(ls.alphas, ls.betas)
    loss = ls.loss.astype(np.float64)
    out.writerows(
        ("grid", repr(x), repr(y), repr(v), "")
        for x, y, v in zip(
            a.ravel().tolist(), b.ravel().tolist(), loss.ravel().tolist(), strict=True
        )
    )
    out.writerows(
        ("path", repr(x), repr(y), "", e)
        for (x, y), e in zip(ls.path.tolist(), ls.path_epochs.tolist(), strict=True)
    )


class MetricsCsv:
    """The metrics CSV written as the epochs come: a header from the first epochs' columns,
    then their rows (opened with ``newline=""``, as the csv module asks)."""

    def __init__(self, file: IO[str]) -> None:
        self._writer = csv.writer(file)
        self._columns: list[str] | None = None

    def add(self, history: MetricsLog, first_epoch: int = 0) -> None:
        """A row for every epoch in ``history``, the first of them being ``first_epoch``."""
        if not history:
            return
        if self._columns is None:
            self._columns = [c for c in METRIC_COLUMNS if history.has(c)]
            self._writer.writerow(["epoch", *self._columns])
        values = [history.column(c).tolist() for c in self._columns]
        epochs = (history.epochs() + first_epoch).tolist()  # a thinned log: the kept ones
        self._writer.writerows(
            [e, *map(repr, row)] for e, *row in zip(epochs, *values, strict=True)
        )

    def finish(self) -> None:
        """The header alone when no epoch came."""
        if self._columns is None:
            self._writer.writerow(["epoch"])


def epoch_line(m: EpochMetrics) -> str:
    """``Epoch 0, Accu 50.00%, Loss 0.693147`` (the reference experiment's format,
    extended with the loss and, when there is one, the test split's figures)."""
    parts = [f"Epoch {m.epoch}", *_scores(m.accuracy, m.rmse, m.r2, m.loss, "")]
    if m.test_loss is not None:
        parts += _scores(m.test_accuracy, m.test_rmse, m.test_r2, m.test_loss, "Test ")
    return ", ".join(parts)


def epoch_lines(history: MetricsLog, start: int, stop: int, first: int = 0) -> str:
    """``epoch_line`` of epochs ``start`` … ``stop - 1`` of a log whose first row is epoch
    ``first`` (of a thinned log: of rows ``start - first`` … ``stop - first - 1``, each
    with the epoch it holds), each ending in a newline: one %-format of the whole
    stretch from the log's columns, not an f-string per epoch (%.2f and %.6f format a
    float exactly as the f-string's :.2f and :.6f do); a stretch with a metric from
    ±1e6 on, line by line."""
    shown: list[tuple[str, int, str]] = []  # per metric: its name, decimals and unit
    rows = slice(start - first, stop - first)
    columns: list[Array] = [(history.epochs_at(rows) + first).astype(np.float64)]

    def add(name: str, digits: int, key: str, scale: float = 1.0, unit: str = "") -> None:
        shown.append((name, digits, unit))
        columns.append(history.column(key)[rows] * scale)

    for prefix, key in (("", ""), ("Test ", "test_")):
        if not history.has(key + "loss"):
            continue
        if history.has(key + "accuracy"):
            add(f"{prefix}Accu", 2, key + "accuracy", 100, "%")
        else:
            add(f"{prefix}RMSE", 6, key + "rmse")
            add(f"{prefix}R2", 6, key + "r2")
        add(f"{prefix}Loss", 6, key + "loss")
    table = np.column_stack(columns)
    if np.all(np.abs(table[:, 1:]) < LARGE):  # every metric in the fixed-point format
        line = ", ".join(["Epoch %d", *(f"{n} %.{d}f{u * 2}" for n, d, u in shown)])
        return (line + "\n") * len(table) % tuple(table.ravel().tolist())
    return "".join(_line_of(row, shown) for row in table.tolist())


def _line_of(row: list[float], shown: list[tuple[str, int, str]]) -> str:
    """One epoch's line, each metric ``printed`` (a large one in scientific notation)."""
    parts = [f"{n} {printed(v, d)}{u}" for (n, d, u), v in zip(shown, row[1:], strict=True)]
    return ", ".join([f"Epoch {int(row[0])}", *parts]) + "\n"


def _scores(
    acc: float | None, rmse: float | None, r2: float | None, loss: float, prefix: str
) -> list[str]:
    if acc is not None:
        head = [f"{prefix}Accu {printed(acc * 100, 2)}%"]
    else:
        assert rmse is not None and r2 is not None
        head = [f"{prefix}RMSE {printed(rmse)}", f"{prefix}R2 {printed(r2)}"]
    return [*head, f"{prefix}Loss {printed(loss)}"]


def confusion_lines(experiment: Experiment) -> str:
    """The last epoch's confusion matrix as ``#`` lines (test rows when there is a split):
    a title, a header of the predicted classes' names, then per true class its counts in
    each predicted class. Empty for regression
    or before the first epoch."""
    trainer = experiment.trainer
    records = trainer.last_records
    matrices = epoch_confusion(trainer, records[0] if records else None)
    if matrices is None:
        return ""
    which, counts = ("test", matrices.test) if matrices.test is not None else ("train", None)
    counts = matrices.train if counts is None else counts
    names = experiment.dataset.class_names
    name_width = max(map(len, names))
    count_width = max(len(str(int(counts.max()))), *map(len, names))
    lines = [
        f"# Confusion matrix ({which}): rows = true class, columns = predicted",
        f"# {'':>{name_width}} " + " ".join(f"{name:>{count_width}}" for name in names),
    ]
    for name, row in zip(names, counts.tolist(), strict=True):
        lines.append(f"# {name:>{name_width}} " + " ".join(f"{c:>{count_width}}" for c in row))
    return "\n".join(lines) + "\n"


def range_advice(settings: Settings) -> str:
    """What would bring data beyond the run's dtype within it: only what the run does
    not already do."""
    remedies = []
    if settings.dtype != "float64":
        remedies.append("use --dtype float64")
    if not settings.standardize:
        remedies.append("standardise the data (drop --no-standardize)")
    return " or ".join(remedies) or "these values are too large to train on"
