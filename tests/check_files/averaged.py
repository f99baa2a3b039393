"""Wrong for --reduction sum: the gradients are averaged over the rows."""

from reference import deltas, forward, update


def gradients(activations, deltas):
    rows = len(activations[0])
    return [a.T @ d / rows for a, d in zip(activations[:-1], deltas, strict=True)]
