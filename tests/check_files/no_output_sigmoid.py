"""Wrong: the output layer returns z, without its sigmoid."""

from reference import deltas, gradients, sigmoid, update


def forward(X, weights):
    activations = [X]
    for layer, W in enumerate(weights):
        z = activations[-1] @ W
        activations.append(z if layer == len(weights) - 1 else sigmoid(z))
    return activations
