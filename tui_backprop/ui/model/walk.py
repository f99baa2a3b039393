"""Walking through an epoch one phase of backprop at a time (the ``n`` key).

The first ``n`` of an epoch trains the whole epoch at once with ``Trainer.train_epoch``,
so the engine does every sum exactly once and the run ends up exactly where a
whole-epoch step would have taken it. The walk only decides how much of that epoch's
records the panes may show: ``PhaseView`` answers "not known yet" (None) for every
value a later phase computes.

With mini-batches an epoch has several steps. The walk goes through every phase of
each step in turn, the first batch to the last, so the weights on screen are always
the ones the step being shown really used.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tui_backprop.engine import Params, StepRecord, TrainConfig, Trainer
from tui_backprop.engine.activations import Array
from tui_backprop.engine.phases import (
    FORWARD,
    HIDDEN_DELTA,
    LOSS,
    OUTPUT_DELTA,
    Phase,
    Progress,
)
from tui_backprop.ui.model.view import Network, TrainingView, record_params


@dataclass(frozen=True, eq=False)
class Walk:
    """Where a walk through one epoch stands: which step, and how many of its phases."""

    records: list[StepRecord]  # the trainer's own list: a new one means the run moved on
    epoch: int  # epochs completed before this one
    step: int  # the step being walked, an index into ``records``
    progress: Progress
    config: TrainConfig  # the settings the epoch was trained with

    @property
    def record(self) -> StepRecord:
        return self.records[self.step]

    @property
    def phase(self) -> Phase:
        current = self.progress.current
        assert current is not None  # a walk starts with its first phase done
        return current

    @property
    def finished(self) -> bool:
        """The last step's update is done: the epoch is over."""
        return self.step == len(self.records) - 1 and self.progress.complete

    def advanced(self) -> Walk | None:
        """One phase further: the next phase, the next step's first, or None at the end."""
        progress = self.progress
        if not progress.complete:
            return Walk(
                self.records,
                self.epoch,
                self.step,
                Progress(progress.n_layers, progress.done + 1),
                self.config,
            )
        if self.step + 1 < len(self.records):
            return Walk(
                self.records, self.epoch, self.step + 1, Progress(progress.n_layers, 1), self.config
            )
        return None

    def params(self) -> Params:
        """The weights as the walk has them: the step's own until its update is shown."""
        return record_params(self.record, updated=self.progress.updated)


def start(trainer: Trainer) -> Walk | None:
    """Train one epoch and stand at its first phase; None once the run has diverged."""
    before = trainer.epoch
    if trainer.train_epoch() is None:
        return None
    n_layers = len(trainer.sizes) - 1
    return Walk(trainer.last_records, before, 0, Progress(n_layers, 1), trainer.config)


def next_walk(walk: Walk | None, trainer: Trainer) -> Walk | None:
    """The walk one phase on, starting the next epoch after a finished one (None when
    the run has diverged and cannot train)."""
    walk = live(walk, trainer)
    nxt = walk.advanced() if walk is not None else None
    return nxt if nxt is not None else start(trainer)


def live(walk: Walk | None, trainer: Trainer) -> Walk | None:
    """The walk, unless the run has moved past it (a step, a reset, a new experiment)."""
    if walk is None or walk.records is not trainer.last_records:
        return None
    return walk


def focus(phase: Phase, depth: int) -> int | None:
    """The diagram layer (input = 0) a phase computes, None for the whole network."""
    if phase.kind in (FORWARD, HIDDEN_DELTA, OUTPUT_DELTA):
        assert phase.layer is not None
        return phase.layer + 1
    return depth if phase.kind == LOSS else None


def follow(walk: Walk, selected: tuple[int, int], sizes: tuple[int, ...]) -> tuple[int, int]:
    """The selection moved to the layer the walk is computing, keeping the neuron's
    position where that layer has it."""
    layer = focus(walk.phase, len(sizes) - 1)
    if layer is None or layer == selected[0]:
        return selected
    return layer, min(selected[1], sizes[layer] - 1)


@dataclass(frozen=True, eq=False)
class PhaseView(TrainingView):
    """A view of one step of a walk: values a later phase computes read as None."""

    walk: Walk = field(kw_only=True)

    @property
    def progress(self) -> Progress:
        return self.walk.progress

    def forward_known(self, layer: int) -> bool:
        """``layer`` counts as the diagram does: 0 is the input, always known."""
        return layer == 0 or self.progress.forward_known(layer - 1)

    def delta_known(self, layer: int) -> bool:
        return layer > 0 and self.progress.delta_known(layer - 1)

    def activation(self, layer: int) -> Array | None:
        return super().activation(layer) if self.forward_known(layer) else None

    def pre_activation(self, layer: int) -> Array | None:
        return super().pre_activation(layer) if self.forward_known(layer) else None

    def derivative(self, layer: int) -> Array | None:
        # f'(z) is a factor of δ: the backward pass is where it is used
        return super().derivative(layer) if self.delta_known(layer) else None

    def delta(self, layer: int) -> Array | None:
        return super().delta(layer) if self.delta_known(layer) else None

    def weight_change(self, layer: int) -> Array | None:
        return super().weight_change(layer) if self.progress.updated else None

    def bias_change(self, layer: int) -> Array | None:
        return super().bias_change(layer) if self.progress.updated else None


def walk_of(view: TrainingView | None) -> Walk | None:
    return view.walk if isinstance(view, PhaseView) else None


def phase_view(trainer: Trainer, network: Network, sample: int | None, walk: Walk) -> PhaseView:
    """What the panes show at this point of the walk. Once it is finished that is the
    run itself, exactly as a whole-epoch step leaves it."""
    if walk.finished:
        return PhaseView(
            network,
            trainer.epoch,
            trainer.params,
            trainer.last_record,
            walk.records[0],
            trainer.history,
            trainer.diverged,
            sample,
            walk.config,
            walk=walk,
        )
    record = walk.record
    return PhaseView(
        network,
        walk.epoch,
        walk.params(),
        record,
        record,
        trainer.history,
        False,
        sample,
        walk.config,
        walk=walk,
    )


def active_layer(view: TrainingView | None, *kinds: str) -> int | None:
    """The diagram layer the walk is computing, if its phase is one of ``kinds`` (any
    phase with a layer when none are given); None outside a walk."""
    walk = walk_of(view)
    if view is None or walk is None or (kinds and walk.phase.kind not in kinds):
        return None
    return focus(walk.phase, view.network.depth)


def delta_known(view: TrainingView, layer: int) -> bool:
    return view.delta_known(layer) if isinstance(view, PhaseView) else view.record is not None


def gradients_known(view: TrainingView) -> bool:
    walk = walk_of(view)
    return view.record is not None and (walk is None or walk.progress.gradients_known)
