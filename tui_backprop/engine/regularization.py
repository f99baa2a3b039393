"""L1 regularisation as TensorFlow Playground applies it: a step of its own after the
optimiser's update, not a term of the gradient.

The Playground moves each weight by η·λ₁·sign(w) towards zero after the loss step and
sets a weight that this would carry across zero to exactly 0, so L1 really leaves
zeros (a gradient of λ₁·sign(w) would make such a weight jitter around 0 instead). Here:

- the step is η·λ₁·sign(w), η being the learning rate, as in the Playground, taken on
  the weight the optimiser has just made (soft-thresholding: w ← sign(w)·max(|w| − η·λ₁,
  0)); the Playground takes the sign before the loss step, which differs only for a
  weight the loss step itself carried across zero;
- a zeroed weight is not frozen (the Playground marks its link dead): the next loss
  step may move it again, and L1 pulls it back while the loss gains less than λ₁;
- with momentum and Adam the step is the same and stays out of the running averages
  (decoupled, as AdamW decouples weight decay), so Adam's per-weight scaling cannot
  shrink or blow it up;
- biases are not penalised, as with L2.

L1 is not differentiable at 0 and the engine never differentiates it: the gradient a
step follows (and the gradient check compares) is that of the loss plus the L2 penalty.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from tui_backprop.engine.activations import Array


def l1_step(weights: Sequence[Array], amount: float) -> list[Array]:
    """Every weight moved ``amount`` (η·λ₁) towards zero, and exactly 0 where that
    would cross or reach zero; new arrays, the given ones are left as they were."""
    out = []
    for w in weights:
        moved = w - amount * np.sign(w)
        out.append(np.where(moved * w > 0, moved, w.dtype.type(0)))
    return out
