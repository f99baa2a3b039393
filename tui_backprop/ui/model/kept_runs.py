"""The runs of this session, to compare with: each keeps its settings and its loss
curves (copied: the live log is truncated and rewritten when a run forks).

A run is kept when it ends with at least one epoch trained: on a reset, new weights, a
new dataset, new settings, or a fork that discards its later epochs.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np
from numpy.typing import NDArray

from tui_backprop.engine.activations import Array
from tui_backprop.engine.config import TrainConfig
from tui_backprop.engine.history import MetricsLog
from tui_backprop.engine.landscape import run_path
from tui_backprop.engine.network import Params
from tui_backprop.experiment import Experiment
from tui_backprop.settings import Settings
from tui_backprop.ui.model.dataset_menu import data_seed_of, menu_defaults

MAX_RUNS = 20  # the oldest are forgotten first
# Settings that make no difference to the curves, or are shown as "layers".
UNCOMPARED = {"preset", "load_weights", "save_weights", "log", "hidden"}
UNCOMPARED |= {"points", "noise", "data_seed"}  # told by DataFacts
UNCOMPARED |= {"epochs", "stop_loss", "patience"}  # when a run stops, not what it learns


@dataclass(frozen=True, eq=False)
class PastRun:
    number: int  # 1 for the session's first run
    settings: Settings
    sizes: tuple[int, ...]
    data: DataFacts
    loss: Array
    test_loss: Array | None
    ended: str  # "reset", "new weights", "new dataset", "new settings", "fork from epoch 11"
    learning_rates: tuple[float, ...]  # as the run went, e.g. (0.1, 3.0) when raised
    score: Array | None = None  # accuracy (or R²) per epoch
    test_score: Array | None = None
    config: TrainConfig | None = None  # with ``params``: its network, to draw its boundary
    params: Params | None = None  # its last weights (immutable arrays, not copied)
    at: NDArray[np.int64] | None = None  # the epoch of each value (its history may be thinned)
    path: Array | None = None  # its weights through the run, thinned (the loss landscape's)

    @property
    def epochs(self) -> int:
        return int(self.at[-1]) + 1 if self.at is not None and len(self.at) else len(self.loss)


def effective_settings(experiment: Experiment) -> Settings:
    """The experiment's settings as they are now (``Session.settings`` is this): the
    trainer's seed (new weights, R, move it on), optimiser and λ, which may have changed
    during the run; and the learning rate last chosen, which ``experiment.settings``
    holds (a key sets it there even while a playing copy of the run trains; paused, the
    trainer's is the same)."""
    c = experiment.trainer.config
    return replace(experiment.settings, seed=c.seed, optimizer=c.optimizer, l1=c.l1, l2=c.l2)


@dataclass(frozen=True)
class DataFacts:
    name: str
    rows: int
    noise: float | None  # of a generated built-in dataset
    data_seed: int | None = None  # the same

    @classmethod
    def of(cls, experiment: Experiment) -> DataFacts:
        ds = experiment.data
        if not ds.source.startswith("built-in") or ds.name == "seed":
            return cls(ds.name, ds.n_rows, None)
        return cls(ds.name, ds.n_rows, menu_defaults(experiment)[1], data_seed_of(experiment))

    def diff(self, now: DataFacts) -> list[str]:
        if self.name != now.name:
            return [f"data {self.name} vs {now.name}"]
        parts = [] if self.rows == now.rows else [f"rows {self.rows} vs {now.rows}"]
        if self.noise != now.noise:
            parts.append(f"noise {_show(self.noise)} vs {_show(now.noise)}")
        if self.data_seed != now.data_seed:
            parts.append(f"data seed {self.data_seed} vs {now.data_seed}")
        return parts


def _copy(history: MetricsLog, name: str) -> Array | None:
    return np.array(history.column(name)) if history.has(name) else None


class KeptRuns:
    """Past runs, oldest first, and which one (if any) the chart overlays."""

    def __init__(self) -> None:
        self.runs: tuple[PastRun, ...] = ()  # a new tuple each time one is kept
        self.shown: PastRun | None = None
        self._count = 0

    def keep(self, experiment: Experiment, ended: str) -> PastRun | None:
        """Remember the experiment's run as it is now, if it has trained at all."""
        trainer = experiment.trainer
        if trainer.epoch < 1:
            return None
        self._count += 1
        history = trainer.history
        test = np.array(history.column("test_loss")) if history.has("test_loss") else None
        score = "accuracy" if experiment.trainer.problem.n_classes > 0 else "r2"
        rates = tuple(trainer.learning_rates())
        # as its epochs were trained: a change made since (looking back, before a fork)
        # is the next run's
        optimizer, l1, l2 = trainer.trained_with()
        now = effective_settings(experiment)
        settings = replace(now, lr=rates[-1], optimizer=optimizer, l1=l1, l2=l2)
        run = PastRun(
            self._count,
            settings,
            trainer.sizes,
            DataFacts.of(experiment),
            np.array(history.column("loss")),
            test,
            ended,
            rates,
            _copy(history, score),
            _copy(history, f"test_{score}"),
            trainer.config,
            trainer.params,
            history.epochs(),
            run_path(trainer, trainer.params, trainer.epoch)[0],
        )
        self.runs = (*self.runs, run)[-MAX_RUNS:]
        if self.shown is not None and self.shown not in self.runs:
            self.shown = None
        return run

    def forget_latest(self, ended: str) -> None:
        """Drop the latest run if it ended so (an edit undone: that run is the present
        again, no earlier one to compare with)."""
        if self.runs and self.runs[-1].ended == ended:
            if self.shown is self.runs[-1]:
                self.shown = None
            self.runs = self.runs[:-1]

    def cycle(self) -> PastRun | None:
        """The next run to overlay: the latest first, then older ones, then none."""
        if not self.runs:
            self.shown = None
        elif self.shown is None:
            self.shown = self.runs[-1]
        else:
            at = self.runs.index(self.shown)
            self.shown = self.runs[at - 1] if at > 0 else None
        return self.shown


@dataclass(frozen=True, eq=False)
class EarlierBoundary:
    """A kept run's network, to draw its decision boundary over the current one's."""

    name: str  # "run 3"
    config: TrainConfig
    params: Params


def earlier_boundary(then: PastRun, now: Experiment) -> EarlierBoundary | None:
    """``then``'s boundary, when it lies in the same plane as ``now``'s: two features of
    the same dataset (or the same features made from them), fed to the network the same
    way (raw, or both standardised)."""
    if then.config is None or then.params is None:
        return None
    inputs = now.trainer.sizes[0]
    same_plane = (
        then.sizes[0] == inputs
        and then.settings.features == now.settings.features  # made from the same plane
        and (inputs == 2 or bool(now.settings.features))
        and then.data.name == now.dataset.name
        and then.settings.standardize == now.settings.standardize
        and now.dataset.n_classes > 0
    )
    if same_plane and now.settings.standardize:  # the same rows, so the same scaling
        current = effective_settings(now)
        same_plane = then.data == DataFacts.of(now) and all(
            getattr(then.settings, f) == getattr(current, f) for f in ("seed", "test_split")
        )
    return EarlierBoundary(f"run {then.number}", then.config, then.params) if same_plane else None


@dataclass(frozen=True, eq=False)
class Comparison:
    """The kept run overlaid (``c``): the chart draws its curves under the live ones,
    and the boundary its boundary when it lies in the same plane."""

    run: PastRun
    caption: str  # what differs: "lr 0.1 vs 1"
    boundary: EarlierBoundary | None  # drawn over the current one, in the same plane


def overlay_caption(run: PastRun, now: Experiment) -> str:
    """What the chart says under ``run``'s curves: what differs, and which epochs they
    are when a fork or an edit left them."""
    caption = settings_diff(run, now)
    if run.ended.startswith(("fork", "edited")):
        caption += f" (before the {run.ended})"
    return caption


def settings_diff(then: PastRun, now: Experiment) -> str:
    """What differs between a past run and the current experiment, "then vs now":
    ``lr 0.1 vs 1, layers 2-8-1 vs 2-4-1``."""
    current = effective_settings(now)
    parts = then.data.diff(DataFacts.of(now))
    if then.sizes != now.trainer.sizes:
        parts.append(f"layers {_arch(then.sizes)} vs {_arch(now.trainer.sizes)}")
    for f in fields(Settings):
        if f.name in UNCOMPARED or f.name == "dataset":
            continue
        a, b = getattr(then.settings, f.name), getattr(current, f.name)
        if f.name == "lr" and len(then.learning_rates) > 1:  # changed along the way
            parts.append(f"lr {'→'.join(map(_show, then.learning_rates))} vs {_show(b)}")
        elif a != b:
            parts.append(f"{_NAMES.get(f.name, f.name)} {_show(a)} vs {_show(b)}")
    return ", ".join(parts) if parts else "same settings"


_NAMES = {
    "batch_size": "batch",
    "init_scale": "init scale",
    "test_split": "test split",
    "standardize": "standardise",
    "optimizer": "optimiser",
    "bias": "biases",
    "l1": "L1",  # as the header and the settings name them
    "l2": "L2",
}


def _arch(sizes: tuple[int, ...]) -> str:
    return "-".join(map(str, sizes))


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, tuple):  # features, dropped columns
        return ",".join(map(str, value)) or "none"
    return str(value)
