"""Wrong: the forward pass multiplies by Wᵀ, whose shape does not fit."""

from reference import deltas, gradients, sigmoid, update


def forward(X, weights):
    activations = [X]
    for W in weights:
        a = activations[-1]
        activations.append(sigmoid(a @ W.T))
    return activations
