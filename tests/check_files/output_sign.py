"""Wrong: the output δ is y − ŷ (the hidden δ follows it correctly)."""

from reference import forward, gradients, update


def deltas(activations, Y, weights):
    found = [Y - activations[-1]]
    for layer in range(len(weights) - 1, 0, -1):
        a = activations[layer]
        found.insert(0, a * (1.0 - a) * (found[0] @ weights[layer].T))
    return found
