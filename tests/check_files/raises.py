"""Wrong: update raises from a helper of its own."""

from reference import deltas, forward, gradients


def step(W, g, lr):
    return W - lr * g[0, 5]


def update(weights, gradients, lr):
    return [step(W, g, lr) for W, g in zip(weights, gradients, strict=True)]
