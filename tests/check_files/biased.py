"""Backprop with biases (run with --bias): every function takes biases=, gradients
and update return a pair (the weights' arrays, the biases' arrays)."""

import numpy as np


def forward(X, weights, biases):
    activations = [X]
    for W, b in zip(weights, biases, strict=True):
        activations.append(1.0 / (1.0 + np.exp(-(activations[-1] @ W + b))))
    return activations


def deltas(activations, Y, weights, biases=None):
    found = [activations[-1] - Y]
    for layer in range(len(weights) - 1, 0, -1):
        a = activations[layer]
        found.insert(0, a * (1.0 - a) * (found[0] @ weights[layer].T))
    return found


def gradients(activations, deltas, biases=None):
    weights = [a.T @ d for a, d in zip(activations[:-1], deltas, strict=True)]
    return weights, [d.sum(axis=0) for d in deltas]


def update(weights, gradients, lr, biases, bias_gradients):
    new_weights = [W - lr * g for W, g in zip(weights, gradients, strict=True)]
    new_biases = [b - lr * g for b, g in zip(biases, bias_gradients, strict=True)]
    return new_weights, new_biases
