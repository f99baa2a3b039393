"""Training loop: epochs, mini-batches, metrics, divergence, and going back in time."""

from __future__ import annotations

import bisect
import copy
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from tui_backprop import machine
from tui_backprop.engine import footprint
from tui_backprop.engine.activations import ACTIVATIONS, Activation, Array
from tui_backprop.engine.config import (
    DTYPES,
    MAX_DEPTH,
    MAX_PARAMETERS,
    MAX_WIDTH,
    REDUCTIONS,
    TrainConfig,
    parameter_count,
)
from tui_backprop.engine.edits import Edit, EditError, check_value, edited, made_at, value_at
from tui_backprop.engine.history import MetricsLog, MetricsRow, Snapshots
from tui_backprop.engine.initializers import INITS
from tui_backprop.engine.losses import OUTPUTS
from tui_backprop.engine.metrics import accuracy, accuracy_of, rmse_r2
from tui_backprop.engine.network import (
    Params,
    StepArrays,
    forward,
    frozen,
    init_params,
    layer_activations,
    layer_records,
    step,
)
from tui_backprop.engine.optimizers import OPTIMIZERS, Optimizer, make_optimizer
from tui_backprop.engine.records import EpochMetrics, StepRecord
from tui_backprop.engine.stopping import StopRules, StopWatch


class _Change(NamedTuple):
    """From epoch ``start`` on: this learning rate, optimiser and L1 and L2 λ; ``fresh``
    when the optimiser was made anew there (its running averages back at zero)."""

    start: int
    lr: float
    optimizer: str
    fresh: bool = False
    l1: float = 0.0
    l2: float = 0.0


@dataclass(frozen=True, eq=False)
class Checkpoint:
    """What training changes in a run besides its history: enough to go on from
    ``epoch`` exactly (a run playing in another process sends one with every frame, so
    the app keeps the run if that process dies). Its objects are never changed after it
    is made: the optimiser's running averages are replaced at each step, not written."""

    epoch: int
    params: Params
    optimizer: Optimizer
    config: TrainConfig
    settings: tuple[_Change, ...]
    diverged: bool
    stopped: str | None
    stopped_at: int
    watch: StopWatch | None
    history_start: int


class _Step(NamedTuple):
    """One step as trained: enough to make its record when someone asks for it."""

    epoch: int
    position: int  # in the epoch
    rows: NDArray[np.intp]
    x: Array
    y: Array
    acts: Sequence[Activation]
    params: Params  # before the step
    arrays: StepArrays
    lr: float
    reduction: str
    optimizer: str
    l1: float
    l2: float

    def record(self) -> StepRecord:
        layers = layer_records(self.params, self.acts, self.x, self.arrays)
        return StepRecord(
            self.epoch,
            self.position,
            self.rows,
            self.x,
            self.y,
            layers,
            self.arrays.loss,
            self.lr,
            self.reduction,
            self.optimizer,
            self.l1,
            self.l2,
        )


@dataclass(frozen=True, eq=False)
class RunState:
    """A run as it was after ``epoch`` epochs: what the panes show of a past epoch."""

    epoch: int
    params: Params
    last_records: list[StepRecord]
    history: MetricsLog  # the first ``epoch`` epochs' metrics
    diverged: bool

    @property
    def last_record(self) -> StepRecord | None:
        return self.last_records[-1] if self.last_records else None


@dataclass(frozen=True, eq=False)
class Problem:
    """The arrays a network trains on. ``y_*`` hold class indices 0..k-1 for
    classification (``n_classes`` = k) and real targets for regression (``n_classes``
    = 0); ``y_scale`` converts regression errors back to the original units."""

    x_train: Array
    y_train: Array
    x_test: Array | None = None
    y_test: Array | None = None
    n_classes: int = 2
    y_scale: float = 1.0

    @property
    def n_features(self) -> int:
        return int(self.x_train.shape[1])


MAX_INIT_SCALE = 1e6


class ConfigError(ValueError):
    """A setting that cannot work with this data."""


class DataRangeError(ConfigError):
    """Data beyond the run's dtype. The engine cannot tell whether the data was
    standardised, so the caller, which knows the settings, says what would help."""


class InitialWeightsError(ConfigError):
    """Given initial weights that do not fit the network (the caller knows their file)."""


def check_config(config: TrainConfig, problem: Problem) -> None:
    choices = {
        "activation": (config.activation, tuple(k for k in ACTIVATIONS if k != "softmax")),
        "output": (config.output, tuple(OUTPUTS)),
        "init": (config.init, INITS),
        "optimizer": (config.optimizer, OPTIMIZERS),
        "reduction": (config.reduction, REDUCTIONS),
        "dtype": (config.dtype, DTYPES),
    }
    for name, (value, allowed) in choices.items():
        if value not in allowed:
            raise ConfigError(f"unknown {name} {value!r}; choose from {', '.join(allowed)}")
    k = problem.n_classes
    if config.output == "sigmoid" and k != 2:
        what = "a regression target" if k == 0 else f"{k} classes"
        raise ConfigError(f"a sigmoid output needs exactly 2 classes, the data has {what}")
    if config.output == "softmax" and k < 2:
        raise ConfigError("a softmax output needs class labels, the data has a regression target")
    if config.output == "linear" and k != 0:
        raise ConfigError(f"a linear output needs a numeric target, the data has {k} classes")
    if any(n < 1 for n in config.hidden):
        raise ConfigError("every hidden layer needs at least one neuron")
    if not (config.lr > 0 and np.isfinite(config.lr)):
        raise ConfigError(f"the learning rate must be a positive number, not {config.lr}")
    if config.batch_size < 0 or config.init_scale <= 0:
        raise ConfigError("the batch size must be ≥ 0 and the init scale > 0")
    check_penalties(config.l1, config.l2)
    if config.init_scale > MAX_INIT_SCALE:
        raise ConfigError(f"the init scale can be at most {MAX_INIT_SCALE:g}")
    if len(config.hidden) > MAX_DEPTH:
        raise ConfigError(
            f"a network can have at most {MAX_DEPTH} hidden layers, not {len(config.hidden):,}"
        )
    if max(config.hidden, default=0) > MAX_WIDTH:
        raise ConfigError(f"a hidden layer can be at most {MAX_WIDTH} neurons wide")
    check_size(config, problem)


def check_penalties(l1: float, l2: float) -> None:
    for name, value in (("L1", l1), ("L2", l2)):
        if not (value >= 0 and math.isfinite(value)):
            raise ConfigError(f"the {name} λ must be a finite number ≥ 0, not {value}")


def network_sizes(config: TrainConfig, problem: Problem) -> tuple[int, ...]:
    """The layer widths, inputs to outputs, of ``config``'s network on ``problem``."""
    n_out = problem.n_classes if config.output == "softmax" else 1
    return (problem.n_features, *config.hidden, n_out)


def check_size(config: TrainConfig, problem: Problem) -> None:
    """Refuse a network too big for memory before any of it is allocated."""
    count = parameter_count(network_sizes(config, problem), config.bias)
    if count > MAX_PARAMETERS:
        one_copy = count * np.dtype(config.dtype).itemsize / 1e9
        raise ConfigError(
            f"this network has {count:,} parameters ({one_copy:.1f} GB for one copy of its "
            f"weights, and training keeps several); the limit is {MAX_PARAMETERS:,}"
        )
    check_budget(config, problem)


def check_budget(config: TrainConfig, problem: Problem) -> None:
    """Refuse a run whose arrays would not fit the memory this app was given (a served
    app's address space is limited: past it NumPy fails and the app ends), or, given
    none, the memory the system has free now: a refusal is one line, running out of
    memory ends the app."""
    given = footprint.budget()
    allowed = machine.available_memory() if given is None else given
    if allowed is None:
        return
    sizes = network_sizes(config, problem)
    test_rows = 0 if problem.x_test is None else len(problem.x_test)
    rows = len(problem.x_train)
    need = footprint.run_bytes(
        sizes, config.bias, rows, test_rows, config.batch_size, np.dtype(config.dtype).itemsize
    )
    if need > allowed:
        has = footprint.in_words(allowed)
        room = f"a run here has {has}" if given is not None else f"{has} is free"
        raise ConfigError(
            f"this run needs about {footprint.in_words(need)} of memory for {rows:,} rows × "
            f"{sum(sizes[1:]):,} neurons, {room}: use smaller layers, fewer rows or a larger "
            "batch"
        )


def _check_range(initial: Params, dtype: np.dtype) -> None:
    """Refuse given weights that the run's dtype cannot hold (they would become ±inf)."""
    limit = float(np.finfo(dtype).max)
    named = [(f"W{i}", w) for i, w in enumerate(initial.weights)]
    named += [(f"b{i}", b) for i, b in enumerate(initial.biases or ())]
    for key, a in named:
        largest = float(np.abs(a).max(initial=0.0))
        if largest > limit:
            raise InitialWeightsError(
                f"{key} holds {largest:.3g}, beyond what {dtype} can hold (±{limit:.1e})"
            )


@dataclass
class Trainer:
    """Owns one run: the current parameters, the epoch counter, the metric history and
    the records of the last epoch's steps. Everything is reproducible from
    ``config.seed``: the initial weights come from one stream of it, and epoch k's
    mini-batch order from (seed, k), so any epoch can be replayed on its own.

    The run keeps its past (see ``history``): ``state_at(k)`` rebuilds epoch k without
    changing the run, and ``fork(k)`` makes epoch k the present, forgetting what came
    after, so training goes on from there.

    With ``keep_history`` False the run keeps no past, so its memory stays flat however
    long it trains: ``history`` holds only the epochs of the latest ``train_epoch(s)``
    call (the first of them is epoch ``history_start``) and no snapshots are taken, so
    there is no looking back. ``keep_path`` keeps the snapshots all the same (a
    headless run's loss landscape draws its path from them).

    ``stop_rules`` end ``train_epochs`` at the epoch one of them holds; ``stopped`` says
    why. Once stopped, the rules rest (training on is the user's choice) until they are
    set again, the run is reset, or a fork goes back to before the stop."""

    config: TrainConfig
    problem: Problem
    initial: Params | None = None
    keep_history: bool = True
    stop_rules: StopRules = field(default_factory=StopRules)
    keep_path: bool = False
    params: Params = field(init=False)
    epoch: int = field(init=False, default=0)
    history: MetricsLog = field(init=False, default_factory=MetricsLog)
    history_start: int = field(init=False, default=0)
    diverged: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        check_config(self.config, self.problem)
        dtype = np.dtype(self.config.dtype)
        p = self.problem
        # The training arrays appear in every step record: read-only, like the records.
        with np.errstate(over="ignore"):  # a value beyond the dtype is refused below
            self._x = frozen(p.x_train.astype(dtype))
            self._y = frozen(self._targets(p.y_train))
            self._x_test = p.x_test.astype(dtype) if p.x_test is not None else None
            self._y_test = self._targets(p.y_test) if p.y_test is not None else None
        arrays = (self._x, self._y, self._x_test, self._y_test)
        if not all(np.isfinite(a).all() for a in arrays if a is not None):
            raise DataRangeError(
                f"the data holds values beyond what {dtype} can hold (±{np.finfo(dtype).max:.1e})"
            )
        self._all_rows = frozen(np.arange(len(self._x)))  # the one batch of a full-batch run
        self._train_accuracy = accuracy_of(self.config.output, p.y_train)
        self._records: list[StepRecord] = []
        self._pending: list[_Step] = []  # the last epoch's steps, until made into records
        if self.initial is None:
            self.initial = self._draw_initial()
        else:
            self._check_initial(self.initial)
        self.reset()

    def _check_initial(self, initial: Params) -> None:
        need = "-".join(map(str, self.sizes))
        weights = initial.weights
        for i, w in enumerate(weights):
            if w.ndim != 2:
                raise InitialWeightsError(
                    f"W{i} has shape {w.shape}, not a matrix; a {need} network"
                )
            if i and w.shape[0] != weights[i - 1].shape[1]:
                raise InitialWeightsError(
                    f"W{i} has {w.shape[0]} rows but W{i - 1} has {weights[i - 1].shape[1]} "
                    f"columns; this data and --layers need a {need} network"
                )
        if initial.sizes != self.sizes:
            raise InitialWeightsError(
                f"the weights are for a {'-'.join(map(str, initial.sizes))} network, "
                f"this data and --layers need {need}"
            )
        _check_range(initial, np.dtype(self.config.dtype))
        if (initial.biases is not None) != self.config.bias:
            raise InitialWeightsError("the weights' biases do not match the --bias setting")
        if initial.biases is not None:
            shapes = [b.shape for b in initial.biases]
            if shapes != [(n,) for n in self.sizes[1:]]:
                raise InitialWeightsError(
                    f"the biases have shapes {shapes}, a {need} network needs "
                    f"{[(n,) for n in self.sizes[1:]]}"
                )

    @property
    def sizes(self) -> tuple[int, ...]:
        return network_sizes(self.config, self.problem)

    @property
    def batch_rows(self) -> int:
        """The rows of an epoch's first batch (every row for a full batch)."""
        n, size = len(self._x), self.config.batch_size
        return n if size == 0 or size >= n else size

    def last_batch_rows(self, size: int | None = None) -> int:
        """The rows of an epoch's last batch (the one a step record of the epoch shows)
        with batches of ``size`` rows (the run's own when None; 0: the full batch)."""
        n = len(self._x)
        size = self.config.batch_size if size is None else size
        return n if size == 0 or size >= n else n % size or size

    def training_arrays(self) -> tuple[Array, Array]:
        """The training features and target matrix (one-hot for softmax), as trained on."""
        return self._x, self._y

    def test_arrays(self) -> tuple[Array, Array] | None:
        """The test features and target matrix as evaluated, or None without a test split."""
        if self._x_test is None or self._y_test is None:
            return None
        return self._x_test, self._y_test

    @property
    def last_records(self) -> list[StepRecord]:
        """The records of the last epoch's steps (the same list until the next epoch).
        Built on first use: a run trained many epochs at a time shows only the last."""
        if self._pending:
            self._records = [p.record() for p in self._pending]
            self._pending = []
        return self._records

    @last_records.setter
    def last_records(self, records: list[StepRecord]) -> None:
        self._records, self._pending = records, []

    @property
    def last_record(self) -> StepRecord | None:
        return self.last_records[-1] if self.last_records else None

    def shared_parts(self) -> tuple[object, ...]:
        """What training never changes: the problem and the arrays made from it. A copy
        of this run (trained in another process) can share them instead of its own."""
        parts = (self.problem, self._x, self._y, self._x_test, self._y_test)
        return tuple(p for p in parts if p is not None)

    def continue_from(self, other: Trainer) -> None:
        """Become ``other``, a copy of this run trained further elsewhere: everything it
        holds (parameters, optimiser, epoch, history, snapshots) replaces this run's."""
        vars(self).update(vars(other))

    def _targets(self, y: Array) -> Array:
        dtype = np.dtype(self.config.dtype)
        if self.config.output == "softmax":
            return np.eye(self.problem.n_classes, dtype=dtype)[y.astype(np.int64)]
        return y.astype(dtype).reshape(-1, 1)

    def _draw_initial(self) -> Params:
        c = self.config
        rng = np.random.default_rng(np.random.SeedSequence(c.seed).spawn(2)[0])
        return init_params(self.sizes, c.bias, c.init, c.init_scale, rng, c.dtype)

    def reset(self, new_weights: bool = False) -> None:
        """Back to epoch 0: the same initial weights (a replay), or, with
        ``new_weights``, ones drawn from the next seed."""
        if new_weights:
            self.config = self.config.with_(seed=self.config.seed + 1)
            self.initial = self._draw_initial()
        assert self.initial is not None
        self.params = self.initial.astype(self.config.dtype)
        self.optimizer = make_optimizer(self.config.optimizer, self.config.lr)
        self.epoch = self.history_start = 0
        self.history = MetricsLog()
        self.last_records = []
        self.diverged = False
        self._watch_from(self.history)
        # Every change of learning rate, optimiser or λ, so a replay uses the settings
        # each epoch really had.
        c = self.config
        self._settings = [_Change(0, c.lr, c.optimizer, True, c.l1, c.l2)]
        self._edits: list[Edit] = []  # parameters set by hand, in order (see ``edit``)
        row = self._pack(self.params, self.optimizer)
        self._row_size = row.size  # of a snapshot, while the optimiser stays the same
        self.snapshots = Snapshots(row.size)
        self.snapshots.add(0, row)

    def set_lr(self, lr: float) -> None:
        """Change the learning rate from the next step on, keeping the optimiser state."""
        self.config = self.config.with_(lr=lr)
        self.optimizer.lr = lr
        self._note_settings()

    def set_penalties(self, l1: float, l2: float) -> None:
        """Change the L1 and L2 λ from the next step on, keeping the optimiser state."""
        check_penalties(l1, l2)
        self.config = self.config.with_(l1=l1, l2=l2)
        self._note_settings()

    def set_stop_rules(self, rules: StopRules) -> None:
        """New stop rules, checked from the next epoch on (after a stop too)."""
        self.stop_rules = rules
        self._watch_from(self.history)

    def _watch_from(self, history: MetricsLog) -> None:
        """Start watching for the stop rules, with the best loss of ``history`` so far."""
        self.stopped: str | None = None
        self._stopped_at = -1  # the epoch count when a rule stopped the run
        self._watch = StopWatch(self.stop_rules) if self.stop_rules.any else None
        if self._watch is not None and history:
            losses = history.column("test_loss" if history.has("test_loss") else "loss")
            finite = np.where(np.isfinite(losses), losses, np.inf)
            best = int(np.argmin(finite))
            if finite[best] < np.inf:
                self._watch.best = float(finite[best])
                self._watch.best_epoch = self.history_start + int(history.epochs()[best])

    def set_optimizer(self, name: str) -> None:
        """Switch optimiser from the next step on; its running averages start at zero."""
        config = self.config.with_(optimizer=name)
        check_config(config, self.problem)
        self.config = config
        self.optimizer = make_optimizer(name, self.config.lr)
        self._note_settings(fresh=True)

    def _note_settings(self, fresh: bool = False) -> None:
        if self._settings[-1].start == self.epoch:
            fresh = fresh or self._settings.pop().fresh
        c = self.config
        self._settings.append(_Change(self.epoch, c.lr, c.optimizer, fresh, c.l1, c.l2))
        # the snapshot of this epoch must hold the optimiser that continues from it
        row = self._pack(self.params, self.optimizer)
        self._row_size = row.size
        self.snapshots.add(self.epoch, row)

    @property
    def edits(self) -> tuple[Edit, ...]:
        """The parameters set by hand in this run, oldest first."""
        return tuple(self._edits)

    def edit(self, layer: int, row: int | None, column: int, value: float) -> Edit:
        """Set weight matrix ``layer`` (0-based) at [``row``, ``column``], or with ``row``
        None the bias of neuron ``column``, to ``value`` from the next epoch on. The
        edit is part of the run's past: the epochs before it keep the old value, and
        replaying to this epoch makes it again. Raises EditError."""
        old = value_at(self.params, layer, row, column)
        change = Edit(self.epoch, layer, row, column, old, check_value(float(value)))
        self._edits.append(change)
        self._set_params(edited(self.params, change))
        return change

    def diverged_by_edit(self) -> Edit | None:
        """The hand edit the run diverged from: the latest edit, when it made the
        weights diverge itself (a value near 1e154 or more) or the first epoch trained
        after it diverged (a later divergence may have other causes, such as a learning
        rate raised since)."""
        if not (self.diverged and self._edits):
            return None
        last = self._edits[-1]
        if last.epoch == self.epoch - 1:  # a diverged run trains no further epoch
            return last
        before = edited(self.params, last._replace(new=last.old))
        if last.epoch == self.epoch and not self._diverged(self.history, before):
            return last
        return None

    def undo_edit(self) -> Edit:
        """Take back the latest edit, if no epoch has been trained since or the one
        trained since diverged from it (that epoch is dropped; other runs go back before
        the edit by forking: ``fork``). Raises EditError."""
        if not self._edits:
            raise EditError("no weight has been edited in this run")
        last = self._edits[-1]
        if self.diverged_by_edit() is not None:
            self.fork(last.epoch)
        if last.epoch != self.epoch:
            raise EditError(f"epochs were trained since the edit (after {last.epoch} epochs)")
        self._edits.pop()
        self._set_params(edited(self.params, last._replace(new=last.old)))
        return last

    def _set_params(self, params: Params) -> None:
        """The present parameters replaced between epochs, snapshot included."""
        self.params = params
        self.diverged = self._diverged(self.history, params)
        row = self._pack(self.params, self.optimizer)
        self._row_size = row.size
        self.snapshots.add(self.epoch, row)

    def learning_rates(self) -> list[float]:
        """The learning rates the trained epochs used, in order, each listed once per
        stretch (``[0.1, 3.0]`` for a run raised from 0.1 to 3 along the way)."""
        used = [c.lr for c in self._settings if c.start < max(self.epoch, 1)]
        return [lr for i, lr in enumerate(used) if i == 0 or lr != used[i - 1]]

    def trained_with(self) -> tuple[str, float, float]:
        """The optimiser and the L1 and L2 λ the last trained epoch used (a change made
        since applies from the next one); the present ones before any epoch."""
        change = self._settings_at(max(self.epoch - 1, 0))
        return change.optimizer, change.l1, change.l2

    def _settings_at(self, epoch: int) -> _Change:
        return self._settings[bisect.bisect_right(self._settings, (epoch, math.inf)) - 1]

    def _batches(self, epoch: int) -> list[NDArray[np.intp]]:
        n, size = len(self._x), self.batch_rows
        if size == n:
            return [self._all_rows]
        order = frozen(np.random.default_rng([self.config.seed, 1, epoch]).permutation(n))
        return [order[i : i + size] for i in range(0, n, size)]

    def train_epoch(self) -> EpochMetrics | None:
        """Train one epoch and return its metrics; ``None`` once the run has diverged."""
        if self.diverged:
            return None
        self._start_history()
        with np.errstate(all="ignore"):  # a diverging run is reported, not warned about
            row = self._advance()
        return EpochMetrics.from_row(self.epoch - 1, row)

    def train_epochs(self, n: float, seconds: float = math.inf) -> int:
        """Train up to ``n`` epochs, each exactly as ``train_epoch`` would, stopping when
        the run diverges or, after at least one epoch, when ``seconds`` have passed; how
        many were trained (their metrics are in ``history``)."""
        done = 0
        deadline = time.perf_counter() + seconds
        self._start_history()
        with np.errstate(all="ignore"):
            while done < n and not self.diverged:
                self._advance()
                done += 1
                if time.perf_counter() >= deadline or self.stopped_now:
                    break
        return done

    @property
    def stopped_now(self) -> bool:
        """The last epoch trained is the one a stop rule stopped the run at."""
        return self.stopped is not None and self._stopped_at == self.epoch

    def _start_history(self) -> None:
        if not self.keep_history:
            self.history, self.history_start = MetricsLog(), self.epoch

    def _advance(self) -> MetricsRow:
        c = self.config
        steps, row, self.params = self._run_epoch(
            self.epoch, self.params, self.optimizer, c.l1, c.l2
        )
        self._pending = steps
        self.history.append_row(row)
        self.epoch += 1
        self.diverged = not (math.isfinite(row[0]) and self.params.is_finite())
        if self._watch is not None:
            self._observe(row)
        if not (self.keep_history or self.keep_path):
            return row
        parts = self.params.flat()
        parts += self.optimizer.get_state(parts)
        self.snapshots.add_parts(self.epoch, parts, self._row_size)
        return row

    def _observe(self, row: MetricsRow) -> None:
        assert self._watch is not None
        test_loss = row[4]
        reason = self._watch.observe(self.epoch - 1, row[0], test_loss)
        if reason is not None:
            self.stopped, self._stopped_at, self._watch = reason, self.epoch, None

    def _run_epoch(
        self, epoch: int, params: Params, optimizer: Optimizer, l1: float, l2: float
    ) -> tuple[list[_Step], MetricsRow, Params]:
        """One epoch from ``params`` with these λ, inside the caller's ``np.errstate``:
        its steps, metrics and the new parameters. Changes nothing but ``optimizer``'s
        running averages."""
        c = self.config
        acts = layer_activations(len(params.weights), c.activation, c.output)
        loss = OUTPUTS[c.output]
        start = params
        steps = []
        for k, rows in enumerate(self._batches(epoch)):
            whole = rows is self._all_rows
            x = self._x if whole else frozen(self._x[rows])
            y = self._y if whole else frozen(self._y[rows])
            arrays = step(params, acts, loss, x, y, optimizer, c.reduction, l2, l1)
            steps.append(
                _Step(
                    epoch,
                    k,
                    rows,
                    x,
                    y,
                    acts,
                    params,
                    arrays,
                    optimizer.lr,
                    c.reduction,
                    optimizer.name,
                    l1,
                    l2,
                )
            )
            params = arrays.new
        full = steps[0].arrays if len(steps) == 1 else None
        return steps, self._metrics(start, steps[-1].arrays, full), params

    # ---------------------------------------------------------------- the past

    @staticmethod
    def _pack(params: Params, optimizer: Optimizer) -> Array:
        """The parameters and the optimiser's running averages as one flat row."""
        flat = params.flat()
        flat += optimizer.get_state(flat)
        return np.concatenate([a.ravel() for a in flat])

    def _unpack(self, row: Array, optimizer: Optimizer) -> Params:
        """The parameters in ``row``; loads the rest of it into ``optimizer``."""
        shapes = [a.shape for a in self.params.flat()]
        state_shapes = [a.shape for a in optimizer.get_state(self.params.flat())]
        arrays, at = [], 0
        for shape in (*shapes, *state_shapes):
            size = int(np.prod(shape))
            arrays.append(row[at : at + size].reshape(shape).astype(self.config.dtype))
            at += size
        optimizer.set_state(arrays[len(shapes) :])
        return Params.from_flat(arrays[: len(shapes)], self.config.bias)

    def _replay(
        self, epoch: int
    ) -> tuple[Params, list[StepRecord], Optimizer, EpochMetrics | None]:
        """Parameters, last step records, optimiser and last epoch's metrics after
        ``epoch`` epochs, replayed from the nearest snapshot before that epoch's step
        (the metrics too: the history may have thinned them out)."""
        start, row = self.snapshots.at_or_before(max(epoch - 1, 0))
        optimizer = make_optimizer(self._settings_at(start).optimizer, 1.0)
        params = self._unpack(row, optimizer)
        steps: list[_Step] = []
        metrics = None
        with np.errstate(all="ignore"):
            for e in range(start, epoch):
                change = self._settings_at(e)
                if change.start == e and change.fresh and e > start:  # a new optimiser here
                    optimizer = make_optimizer(change.optimizer, change.lr)
                optimizer.lr = change.lr
                params = made_at(params, self._edits, e)
                steps, done, params = self._run_epoch(e, params, optimizer, change.l1, change.l2)
                metrics = EpochMetrics.from_row(e, done)
        records = [s.record() for s in steps]
        return made_at(params, self._edits, epoch), records, optimizer, metrics

    def state_at(self, epoch: int) -> RunState:
        """The run as it was after ``epoch`` epochs (0 … ``self.epoch``), without changing
        the run. Its records are those of epoch ``epoch - 1``, recomputed exactly."""
        if not 0 <= epoch <= self.epoch:
            raise ValueError(f"epoch {epoch} is outside this run (0 to {self.epoch})")
        if epoch == self.epoch:
            history = self.history.prefix(epoch)
            return RunState(epoch, self.params, self.last_records, history, self.diverged)
        params, records, _, metrics = self._replay(epoch)
        history = self.history.prefix(epoch, metrics)
        return RunState(epoch, params, records, history, self._diverged(history, params))

    def fork(self, epoch: int) -> None:
        """Make the run as it was after ``epoch`` epochs the present: what came after is
        forgotten, and training continues from there with the current learning rate
        and optimiser."""
        if not 0 <= epoch <= self.epoch:
            raise ValueError(f"epoch {epoch} is outside this run (0 to {self.epoch})")
        if epoch == self.epoch:
            return
        self.params, self.last_records, optimizer, metrics = self._replay(epoch)
        self.epoch = epoch
        self.history.truncate(epoch, metrics)
        self.diverged = self._diverged(self.history, self.params)
        self.snapshots.truncate(epoch)
        self._settings = [c for c in self._settings if c.start <= epoch]
        self._edits = [e for e in self._edits if e.epoch <= epoch]
        fresh = optimizer.name != self.config.optimizer
        if fresh:
            optimizer = make_optimizer(self.config.optimizer, self.config.lr)
        optimizer.lr = self.config.lr
        self.optimizer = optimizer
        self._note_settings(fresh)
        if not (self.stopped and self._stopped_at <= epoch):  # back before the stop
            self._watch_from(self.history)

    def checkpoint(self) -> Checkpoint:
        """The run's state after its last epoch, apart from its history."""
        return Checkpoint(
            self.epoch,
            self.params,
            copy.copy(self.optimizer),
            self.config,
            tuple(self._settings),
            self.diverged,
            self.stopped,
            self._stopped_at,
            copy.copy(self._watch),
            self.history_start,
        )

    def go_on_from(
        self,
        point: Checkpoint,
        history: MetricsLog,
        snapshots: Snapshots,
        records: list[StepRecord],
    ) -> None:
        """Become this run as it stood at ``point``, with the history and snapshots of
        every epoch up to it, and its last epoch's ``records``: what the frames of a run
        trained elsewhere delivered, when that process is gone."""
        self.epoch, self.params, self.config = point.epoch, point.params, point.config
        self.optimizer = copy.copy(point.optimizer)
        self._settings = list(point.settings)
        self.diverged = point.diverged
        self.stopped, self._stopped_at = point.stopped, point.stopped_at
        self._watch = copy.copy(point.watch)
        self.history, self.history_start = history, point.history_start
        self.snapshots = snapshots
        self.last_records = records
        self._row_size = self._pack(self.params, self.optimizer).size

    @staticmethod
    def _diverged(history: Sequence[EpochMetrics], params: Params) -> bool:
        return bool(history) and not (math.isfinite(history[-1].loss) and params.is_finite())

    def predict(self, x: Array, params: Params | None = None) -> Array:
        """The output layer's activations for the rows of ``x`` (features as trained on,
        i.e. standardised when the run standardises), by the current or given weights."""
        return predict_with(self.config, params or self.params, x)

    def evaluate(self, params: Params, x: Array, y: Array) -> tuple[float, Array]:
        """Mean loss and output of a forward pass."""
        c = self.config
        acts = layer_activations(len(self.sizes) - 1, c.activation, c.output)
        z, a = forward(params, acts, x)[-1]
        return float(OUTPUTS[c.output].per_sample(z, y).mean()), a

    def _metrics(self, start: Params, last: StepArrays, full: StepArrays | None) -> MetricsRow:
        """The epoch's metrics, as the weights ``start`` it began with score them."""
        if full is not None:  # the step's forward pass saw every row: reuse it
            train_loss, out = full.loss, full.passes[-1][1]
        else:
            train_loss, out = self.evaluate(start, self._x, self._y)
        norms = tuple([math.sqrt(np.vdot(g, g)) for g in last.grads_w])
        if self._x_test is None and self.problem.n_classes:  # the common case, in short
            return train_loss, self._train_accuracy(out), None, None, None, None, None, None, norms
        scores = self._scores(out, self._y, self.problem.y_train)
        if self._x_test is None or self._y_test is None:
            return train_loss, *scores, None, None, None, None, norms
        assert self.problem.y_test is not None
        test_loss, test_out = self.evaluate(start, self._x_test, self._y_test)
        test_scores = self._scores(test_out, self._y_test, self.problem.y_test)
        return train_loss, *scores, test_loss, *test_scores, norms

    def _scores(
        self, out: Array, targets: Array, labels: Array
    ) -> tuple[float | None, float | None, float | None]:
        """(accuracy, RMSE, R²), the ones that fit the task."""
        if self.problem.n_classes:
            return accuracy(self.config.output, out, labels), None, None
        return None, *rmse_r2(out, targets, self.problem.y_scale)


def predict_with(config: TrainConfig, params: Params, x: Array) -> Array:
    """The output layer's activations for the rows of ``x`` under ``params`` of a network
    configured by ``config``: also for a run that has ended (see ``Trainer.predict``)."""
    acts = layer_activations(len(params.weights), config.activation, config.output)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        return forward(params, acts, x.astype(config.dtype, copy=False))[-1][1]
