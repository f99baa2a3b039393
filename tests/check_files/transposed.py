"""Wrong: each gradient is δᵀ·a, the transpose of the weights' shape."""

from reference import deltas, forward, update


def gradients(activations, deltas):
    return [d.T @ a for a, d in zip(activations[:-1], deltas, strict=True)]
