"""Wrong: deltas never returns."""

from reference import forward, gradients, update


def deltas(activations, Y, weights):
    while True:
        pass
