"""The sums behind the equation view, written out term by term.

Each ``Sum`` pairs the factors a substitution shows with the total the engine recorded
for it; adding up the terms is presentation only (and a check that they match).
"""

from __future__ import annotations

from dataclasses import dataclass

from tui_backprop.engine.activations import Array
from tui_backprop.ui.model.view import TrainingView


@dataclass(frozen=True, eq=False)
class Sum:
    """scale·Σ left·right + offset, written out term by term: ``total`` is what the
    engine recorded for it, the terms only show where it came from."""

    left: Array
    right: Array
    total: float
    scale: float = 1.0
    offset: float = 0.0

    @property
    def products(self) -> Array:
        out: Array = self.left * self.right
        return out

    def reassembled(self) -> float:
        """The shown terms added up (for checking only: the screen shows ``total``)."""
        return self.scale * float(self.products.sum()) + self.offset


def row_of(view: TrainingView) -> int | None:
    """The batch row shown, None for the batch mean."""
    if view.record is None or view.sample is None or view.sample >= view.batch_rows:
        return None
    return view.sample


def weighted_input(view: TrainingView, layer: int, neuron: int) -> Sum | None:
    """z = Σ wᵢ·aᵢ + b for the row shown. z is linear in the inputs, so for the batch
    mean the mean inputs' terms add up to the mean z as well."""
    inputs, z = view.activation(layer - 1), view.pre_activation(layer)
    if view.record is None or inputs is None or z is None:
        return None
    rec = view.record.layers[layer - 1]
    bias = 0.0 if rec.b_before is None else float(rec.b_before[neuron])
    return Sum(rec.w_before[:, neuron], inputs, float(z[neuron]), offset=bias)


def hidden_delta(view: TrainingView, layer: int, neuron: int) -> Sum | None:
    """δ = f'(z)·Σₖ wₖ·δₖ of the next layer, for one row (a product of means is not
    the mean of the products, so the batch mean has no substitution)."""
    row, d, d_next = row_of(view), view.delta(layer), view.delta(layer + 1)
    slope = view.derivative(layer)
    if view.record is None or row is None or d is None or d_next is None or slope is None:
        return None
    w_next = view.record.layers[layer].w_before[neuron, :]
    return Sum(w_next, d_next, float(d[neuron]), scale=float(slope[neuron]))


def weight_gradient(view: TrainingView, layer: int, source: int, neuron: int) -> Sum | None:
    """∂L/∂w of one weight: Σ over the batch's rows of a·δ (averaged for the mean
    reduction), plus λ·w under L2."""
    if view.record is None:
        return None
    rec = view.record.layers[layer - 1]
    rows = len(view.record.rows)
    scale = 1.0 / rows if view.record.reduction == "mean" else 1.0
    l2 = view.record.l2  # the step's own λ: it may have changed since
    return Sum(
        rec.input[:, source],
        rec.delta[:, neuron],
        float(rec.grad_w[source, neuron]),
        scale=scale,
        offset=l2 * float(rec.w_before[source, neuron]),
    )
