"""Wrong: the hidden δ leaves out the sigmoid's derivative."""

from reference import forward, gradients, update


def deltas(activations, Y, weights):
    found = [activations[-1] - Y]
    for layer in range(len(weights) - 1, 0, -1):
        found.insert(0, found[0] @ weights[layer].T)
    return found
