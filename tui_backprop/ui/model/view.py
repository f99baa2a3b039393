"""What the panes draw: an immutable snapshot of a run at one moment.

The snapshot holds references, not copies: the engine never changes an array it has
handed out, and the history list only grows (a reset starts a new list), so reading
the first ``epochs`` entries stays consistent. Panes get a new snapshot object per
frame; Textual compares reactives by identity here, never by array contents.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from tui_backprop.engine import EpochMetrics, Params, StepRecord, TrainConfig, Trainer
from tui_backprop.engine.activations import Array
from tui_backprop.engine.edits import Edit
from tui_backprop.engine.history import MetricsLog
from tui_backprop.lesson_questions import hidden_names
from tui_backprop.ui.model.check_marks import CheckMarks
from tui_backprop.ui.model.kept_runs import Comparison, EarlierBoundary, PastRun
from tui_backprop.ui.model.numbering import numbered


@dataclass(frozen=True)
class Network:
    """The facts about the network that only change with a new experiment."""

    sizes: tuple[int, ...]
    activations: tuple[str, ...]  # per layer, the input layer's is "input"
    labels: tuple[tuple[str, ...], ...]  # per layer, per neuron
    titles: tuple[str, ...]  # per layer: "input", "hidden 1", ..., "output"
    classification: bool
    # (width, height) when the inputs are a picture's pixels, row by row
    image: tuple[int, int] | None = None
    # the dataset's row index of each training row (the split shuffles them): the
    # numbers a row goes by on the cards, as in the rows table
    file_rows: NDArray[np.intp] | None = field(default=None, compare=False)

    @property
    def depth(self) -> int:
        """Number of weight layers."""
        return len(self.sizes) - 1

    @property
    def output_note(self) -> str:
        """What a lone sigmoid output's label means: ``P(1) = prob. of class 1``."""
        label = self.labels[-1][0]
        if self.activations[-1] != "sigmoid" or not label.startswith("P("):
            return ""
        return f"{label} = prob. of class {label[2:-1]}"

    def layer_names(self, room: int) -> tuple[str, ...]:
        """Every layer's name in at most ``room`` cells, all in one form: the titles when
        each fits, else the short names the neuron labels start with (in, h2, out)."""
        if all(len(t) <= room for t in self.titles):
            return self.titles
        hidden = len(self.sizes) - 2
        short = ("in", *(f"h{i + 1}" if hidden > 1 else "h" for i in range(hidden)), "out")
        return tuple(name[: max(room, 1)] for name in short)


def describe_network(
    trainer: Trainer,
    features: Sequence[str],
    classes: Sequence[str],
    target: str = "y",
    image: tuple[int, int] | None = None,
    file_rows: NDArray[np.intp] | None = None,
) -> Network:
    sizes = trainer.sizes
    cfg = trainer.config
    hidden = len(sizes) - 2
    acts = ("input", *([cfg.activation] * hidden), cfg.output)
    titles = (
        "input",
        *(f"hidden {i + 1}" if hidden > 1 else "hidden" for i in range(hidden)),
        "output",
    )
    inputs = (
        tuple(features)
        if len(features) == sizes[0]
        else tuple(f"x{i + 1}" for i in range(sizes[0]))
    )
    layers = [inputs, *hidden_names(sizes[1:-1])]
    layers.append(_output_labels(cfg.output, sizes[-1], classes, target))
    shown = image if image is not None and image[0] * image[1] == sizes[0] else None
    classification = trainer.problem.n_classes > 0
    return Network(sizes, acts, tuple(layers), titles, classification, shown, file_rows)


def _output_labels(output: str, n: int, classes: Sequence[str], target: str) -> tuple[str, ...]:
    if output == "softmax" and len(classes) == n:
        return tuple(classes)
    if output == "sigmoid" and len(classes) == 2:
        return (f"P({classes[1]})",)
    if output == "linear":
        return (target,)
    return tuple(f"y{j + 1}" for j in range(n)) if n > 1 else ("ŷ",)


@dataclass(frozen=True, eq=False)
class TrainingView:
    network: Network
    epoch: int
    params: Params
    record: StepRecord | None  # the epoch's last step
    first: StepRecord | None  # the epoch's first step (the same one for a full batch)
    history: MetricsLog  # read only the first ``epoch`` entries
    diverged: bool
    sample: int | None  # a row of the last batch (row 1 unless chosen), None for the mean
    config: TrainConfig | None = None  # the run's settings (optimiser, L2) for equations
    present: int | None = None  # the run's latest epoch, when this shows an earlier one
    diverged_by: Edit | None = None  # the hand edit the run diverged from, if one did
    check: CheckMarks | None = None  # the student's own backprop on this step (--check)
    # What the session shows beside the run (``Session.view``), so each pane draws
    # from the view alone:
    edit_note: str = ""  # the hand edits made at the epoch shown (the weights' border)
    compared: Comparison | None = None  # the kept run overlaid (c): chart and boundary
    kept: tuple[PastRun, ...] = ()  # the runs kept to compare with (the landscape's paths)

    @property
    def earlier(self) -> EarlierBoundary | None:
        """The overlaid run's boundary, drawn over this one's when in the same plane."""
        return None if self.compared is None else self.compared.boundary

    @property
    def metrics(self) -> EpochMetrics | None:
        return self.history[self.epoch - 1] if self.epoch else None

    @property
    def batch_rows(self) -> int:
        return 0 if self.record is None else len(self.record.rows)

    def _pick(self, values: Array) -> Array:
        """One sample's row of a (batch, neurons) array, or the mean over the batch."""
        if self.sample is None or self.sample >= len(values):
            picked: Array = values.mean(axis=0)
        else:
            picked = values[self.sample]
        return picked

    def activation(self, layer: int) -> Array | None:
        """Layer ``layer``'s outputs (layer 0: the features) for the chosen sample."""
        if self.record is None:
            return None
        if layer == 0:
            return self._pick(self.record.x)
        return self._pick(self.record.layers[layer - 1].a)

    def pre_activation(self, layer: int) -> Array | None:
        if self.record is None or layer == 0:
            return None
        return self._pick(self.record.layers[layer - 1].z)

    def derivative(self, layer: int) -> Array | None:
        """f'(z) of ``layer``'s neurons, as the backward pass used it."""
        if self.record is None or layer == 0:
            return None
        return self._pick(self.record.layers[layer - 1].derivative)

    def target(self) -> Array | None:
        """The output layer's target y (one-hot for softmax)."""
        return None if self.record is None else self._pick(self.record.y)

    def delta(self, layer: int) -> Array | None:
        if self.record is None or layer == 0:
            return None
        return self._pick(self.record.layers[layer - 1].delta)

    @property
    def epoch_name(self) -> str:
        """The epoch this view shows, as every pane's caption names it: its step
        record's, so it is the status line's number now, looking back and in a walk
        ("epoch 2"); "the initial weights" before the first step."""
        return "the initial weights" if self.record is None else numbered(self.record.epoch)

    def forward_params(self) -> Params | None:
        """The weights (and biases) the shown forward pass used: its step's, before the
        update, so ``activation(l - 1)·W + b`` is ``pre_activation(l)`` with these, not
        with ``params`` (those after the update). None before the first step."""
        return None if self.record is None else record_params(self.record, updated=False)

    def weight_change(self, layer: int) -> Array | None:
        """Sign of how the weights into ``layer`` (1-based) moved since the last epoch
        began: by its updates, and by any edit made since (a weight edited to 0 after
        moving down shows ▲ from where the epoch began)."""
        if self.record is None or self.first is None:
            return None
        return np.sign(self.params.weights[layer - 1] - self.first.layers[layer - 1].w_before)

    def bias_change(self, layer: int) -> Array | None:
        biases = self.params.biases
        if self.record is None or self.first is None or biases is None:
            return None
        before = self.first.layers[layer - 1].b_before
        return None if before is None else np.sign(biases[layer - 1] - before)

    def step_change(self, layer: int, bias: bool = False) -> Array | None:
        """Sign of how the shown step's own update moved the weights (or biases) into
        ``layer``: the epoch's move when it has one step, the last step's alone when it
        has several (mini-batches)."""
        if self.record is None:
            return None
        rec = self.record.layers[layer - 1]
        before, after = (rec.b_before, rec.b_after) if bias else (rec.w_before, rec.w_after)
        return None if before is None or after is None else np.sign(after - before)

    def sample_caption(self) -> str:
        """Which row the cards show: 'row 3 (2 of 160)', numbered as the dataset and
        the rows table (t) number it, and its place in the batch."""
        if self.record is None:  # the row chosen (j, k) waits for the first step
            chosen = "the batch mean" if self.sample is None else f"row {self.sample + 1}"
            return f"{chosen} · no step yet"
        n = self.batch_rows
        if self.sample is None or self.sample >= n:
            return f"mean of {n} rows"
        row = int(self.record.rows[self.sample])
        file_rows = self.network.file_rows
        if file_rows is not None and row < len(file_rows):
            row = int(file_rows[row])
        return f"row {row + 1} ({self.sample + 1} of {n})"


def record_params(record: StepRecord, *, updated: bool) -> Params:
    """The parameters a step's record holds, as it began (``updated`` False: the ones
    its forward pass used) or as its update left them; references, never copies."""
    layers = record.layers
    weights = tuple(lay.w_after if updated else lay.w_before for lay in layers)
    biases = tuple(
        b for lay in layers if (b := lay.b_after if updated else lay.b_before) is not None
    )
    return Params(weights, biases or None)


def snapshot(trainer: Trainer, network: Network, sample: int | None) -> TrainingView:
    first = trainer.last_records[0] if trainer.last_records else None
    return TrainingView(
        network,
        trainer.epoch,
        trainer.params,
        trainer.last_record,
        first,
        trainer.history,
        trainer.diverged,
        sample,
        trainer.config,
        diverged_by=trainer.diverged_by_edit(),
    )
