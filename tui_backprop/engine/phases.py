"""The phases of one training step, in the order backprop computes them, and what is
known after each: the basis for walking through an epoch one phase at a time.

For a network of L layers (numbered 0 … L-1) the phases are: forward through layer
0 … L-1, the loss, the output delta, the delta of layer L-2 … 0, the gradients, and
the update. Every number a phase reveals is already in the step's record; a phase
only says which of them a learner may see yet.
"""

from __future__ import annotations

from dataclasses import dataclass

FORWARD, LOSS, OUTPUT_DELTA, HIDDEN_DELTA, GRADIENTS, UPDATE = (
    "forward",
    "loss",
    "output delta",
    "hidden delta",
    "gradients",
    "update",
)

EXPLANATIONS = {
    FORWARD: "Each neuron adds up its inputs times their weights (plus its bias) to get z, "
    "then squashes z with its activation function to get a. The layer's outputs are the "
    "next layer's inputs.",
    LOSS: "The output ŷ is compared with the target y. The loss is one number saying how "
    "wrong the network is; the rest of the step is about making it smaller.",
    OUTPUT_DELTA: "δ is how much the loss changes when a neuron's z changes. At the output "
    "it is simply ŷ − y, because each output is paired with the loss whose slope cancels "
    "its own: for sigmoid and cross-entropy δ = ∂ℓ/∂ŷ·σ'(z) = (ŷ−y)/(ŷ(1−ŷ))·ŷ(1−ŷ); for "
    "softmax and cross-entropy ∂ℓ/∂zⱼ = −Σₖ yₖ·([k=j] − ŷⱼ) = ŷⱼ − yⱼ, as the y add up "
    "to 1; a linear output's slope is 1, and ½(ŷ−y)² has slope ŷ − y.",
    HIDDEN_DELTA: "A hidden neuron's δ is the next layer's deltas sent back through the "
    "weights that connect them, times the slope of its own activation at z. This is the "
    "chain rule, one layer at a time: backpropagation.",
    GRADIENTS: "A weight's gradient is the input it multiplies times the δ of the neuron it "
    "feeds, summed (or averaged) over the rows of the batch.",
    UPDATE: "Every weight takes a small step against its gradient: w ← w − η·∂L/∂w, where η "
    "is the learning rate. Then the next epoch begins.",
}


@dataclass(frozen=True)
class Phase:
    kind: str
    layer: int | None = None  # the layer being computed, for forward and deltas

    @property
    def title(self) -> str:
        """For the screen, which counts layers from 1 as textbooks do (W1 feeds layer 1)."""
        if self.layer is None:
            return self.kind
        number = self.layer + 1
        if self.kind == FORWARD:
            return f"forward: layer {number}"
        if self.kind == HIDDEN_DELTA:
            return f"backward: δ of layer {number}"
        return f"backward: δ of the output layer {number}"


def step_phases(n_layers: int) -> tuple[Phase, ...]:
    return (
        *(Phase(FORWARD, i) for i in range(n_layers)),
        Phase(LOSS),
        Phase(OUTPUT_DELTA, n_layers - 1),
        *(Phase(HIDDEN_DELTA, i) for i in range(n_layers - 2, -1, -1)),
        Phase(GRADIENTS),
        Phase(UPDATE),
    )


@dataclass(frozen=True)
class Progress:
    """How far a step has got: ``done`` phases of ``n_layers``' sequence are complete."""

    n_layers: int
    done: int

    @property
    def phases(self) -> tuple[Phase, ...]:
        return step_phases(self.n_layers)

    @property
    def current(self) -> Phase | None:
        """The phase completed last (None before the first)."""
        return self.phases[self.done - 1] if self.done else None

    @property
    def complete(self) -> bool:
        return self.done >= len(self.phases)

    def forward_known(self, layer: int) -> bool:
        return self.done > layer

    @property
    def loss_known(self) -> bool:
        return self.done > self.n_layers

    def delta_known(self, layer: int) -> bool:
        # The output delta is phase L+1; layer l's delta comes (L-1-l) phases later.
        return self.done >= self.n_layers + 2 + (self.n_layers - 1 - layer)

    @property
    def gradients_known(self) -> bool:
        return self.done >= len(self.phases) - 1

    @property
    def updated(self) -> bool:
        return self.complete
