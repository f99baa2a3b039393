"""The functions a student's file may define, what each is handed and what it returns
(``docs/check.md``), made from one step's record: every function gets the engine's own
inputs for its phase, so one wrong phase does not spoil the next.

- ``forward(X, weights)`` → ``[X, a1, …, aL]``;
- ``deltas(activations, Y, weights)`` → ``[δ1, …, δL]`` (each row's own δ = ∂ℓ/∂z);
- ``gradients(activations, deltas)`` → ``[∂L/∂W1, …]``, summed or averaged over the rows
  as the run's reduction says;
- ``update(weights, gradients, lr)`` → the new weights.

With biases each gets ``biases=`` when it accepts that keyword (and ``update`` also
``bias_gradients=``); ``gradients`` and ``update`` may then return a pair, (weights'
arrays, biases' arrays).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from tui_backprop.engine.activations import Array
from tui_backprop.engine.config import TrainConfig
from tui_backprop.engine.records import StepRecord

FORWARD, DELTAS, GRADIENTS, UPDATE = "forward", "deltas", "gradients", "update"
FUNCTIONS = (FORWARD, DELTAS, GRADIENTS, UPDATE)
BIASES, BIAS_GRADIENTS = "biases", "bias_gradients"

Arg = Array | list[Array] | float  # what a function is handed: an array, a list, a number


@dataclass(frozen=True, eq=False)
class Call:
    """One function's call for one step, and what the engine got."""

    function: str
    args: tuple[Arg, ...]
    keywords: Mapping[str, Arg]  # handed only those the function accepts
    expected: tuple[Array, ...]  # one per layer (the input first for forward)
    expected_biases: tuple[Array, ...] | None = None  # gradients, update: per layer
    quantity: str = ""  # how the screen names one layer's array
    bias_quantity: str = ""
    skip_first: bool = field(default=False)  # forward: entry 0 is X itself, not a layer


def calls_of(record: StepRecord) -> dict[str, Call]:
    """The four calls of ``record``'s step, by function name."""
    layers = record.layers
    weights = [layer.w_before for layer in layers]
    activations = [record.x, *(layer.a for layer in layers)]
    deltas = [layer.delta for layer in layers]
    grads = [layer.grad_w for layer in layers]
    biased = layers[0].b_before is not None
    biases = [layer.b_before for layer in layers if layer.b_before is not None]
    bias_grads = [layer.grad_b for layer in layers if layer.grad_b is not None]
    with_biases: dict[str, Arg] = {BIASES: biases} if biased else {}
    return {
        FORWARD: Call(
            FORWARD,
            (record.x, weights),
            with_biases,
            tuple(activations),
            quantity="a",
            skip_first=True,
        ),
        DELTAS: Call(
            DELTAS, (activations, record.y, weights), with_biases, tuple(deltas), quantity="δ"
        ),
        GRADIENTS: Call(
            GRADIENTS,
            (activations, deltas),
            with_biases,
            tuple(grads),
            tuple(bias_grads) if biased else None,
            "∂L/∂W",
            "∂L/∂b",
        ),
        UPDATE: Call(
            UPDATE,
            (weights, grads, record.lr),
            {**with_biases, BIAS_GRADIENTS: bias_grads} if biased else {},
            tuple(layer.w_after for layer in layers),
            tuple(layer.b_after for layer in layers if layer.b_after is not None)
            if biased
            else None,
            "W",
            "b",
        ),
    }


def unsupported(config: TrainConfig) -> str:
    """Why the four functions cannot be checked on this run, in one line, or "": the
    update has no optimiser state and no penalty, and the tolerance is float64's."""
    if config.optimizer != "sgd":
        return (
            "--check grades plain gradient descent (update gets weights, gradients and lr, "
            f"no {config.optimizer} state): use --optimizer sgd"
        )
    if config.l1 or config.l2:
        return "--check grades the loss without penalties: leave out --l1 and --l2"
    if config.dtype != "float64":
        return "--check compares float64 arithmetic to 1e-9: leave out --dtype float32"
    return ""
