"""Backprop for the reference network (2-4-1, sigmoid everywhere, no biases, binary
cross-entropy, gradients summed over the rows), written the way the check expects it.

Run it against the engine with:  backprop-tui --check reference.py --headless
"""

import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def forward(X, weights):
    """Every layer's output, the input first: [X, a1, a2]."""
    activations = [X]
    for W in weights:
        activations.append(sigmoid(activations[-1] @ W))
    return activations


def deltas(activations, Y, weights):
    """Each layer's δ = ∂ℓ/∂z for every row, first hidden layer first."""
    output = activations[-1]
    found = [output - Y]  # sigmoid with cross-entropy: σ' cancels
    for layer in range(len(weights) - 1, 0, -1):
        a = activations[layer]
        found.insert(0, a * (1.0 - a) * (found[0] @ weights[layer].T))
    return found


def gradients(activations, deltas):
    """∂L/∂W for every weight matrix: the layer's input times its δ, summed over rows."""
    return [a.T @ d for a, d in zip(activations[:-1], deltas, strict=True)]


def update(weights, gradients, lr):
    """One step of gradient descent."""
    return [W - lr * g for W, g in zip(weights, gradients, strict=True)]
