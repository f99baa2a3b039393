"""A deliberately plain implementation of the reference experiment, kept apart from the
engine so the two can be compared.

It follows the textbook recipe step by step, the way the experiment is usually
written up: a loop over the layers for the forward pass that keeps a list of every
layer's pre-activation and output, a sigmoid function, a separate derivative function
that calls the sigmoid again, and a second loop that walks the layers backwards.
Nothing is reused or optimised, which makes it a fair baseline for the benchmark and
an independent check of the engine's arithmetic.

The experiment: a 2-4-1 network, a sigmoid on every layer, no biases, the
squared-error style output delta -(y - ŷ), gradients summed over the ten rows, and
full-batch gradient descent with a learning rate of 0.1. The accuracy of an epoch is
measured on that epoch's forward pass, before its update, with an output of at least
0.5 counting as class 1.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Matrix = NDArray[np.floating]

# Ten rows of two features and a 0/1 class label.
DATASET: list[list[float]] = [
    [2.7810836, 2.550537003, 0],
    [1.465489372, 2.362125076, 0],
    [3.396561688, 4.400293529, 0],
    [1.38807019, 1.850220317, 0],
    [3.06407232, 3.005305973, 0],
    [7.627531214, 2.759262235, 1],
    [5.332441248, 2.088626775, 1],
    [6.922596716, 1.77106367, 1],
    [8.675418651, -0.242068655, 1],
    [7.673756466, 3.508563011, 1],
]

LEARNING_RATE = 0.1
LAYER_SIZES = (2, 4, 1)


def dataset_arrays() -> tuple[Matrix, NDArray[np.int64]]:
    """The features as a (10, 2) float matrix and the labels as integers."""
    table = np.array(DATASET, dtype=np.float64)
    return table[:, :2].copy(), table[:, 2].astype(np.int64)


def sigmoid(z: Matrix) -> Matrix:
    result: Matrix = 1.0 / (1.0 + np.exp(-z))
    return result


def sigmoid_derivative(z: Matrix) -> Matrix:
    # Written from z, so the sigmoid is evaluated twice more here.
    result: Matrix = sigmoid(z) * (1.0 - sigmoid(z))
    return result


def initial_weights(seed: int) -> list[Matrix]:
    """Uniform(-0.1, 0.1) weights shaped (fan_in, fan_out), one matrix per layer."""
    rng = np.random.default_rng(seed)
    weights: list[Matrix] = []
    for layer in range(len(LAYER_SIZES) - 1):
        shape = (LAYER_SIZES[layer], LAYER_SIZES[layer + 1])
        weights.append(rng.uniform(-0.1, 0.1, shape))
    return weights


def forward_pass(weights: list[Matrix], x: Matrix) -> tuple[list[Matrix], list[Matrix]]:
    """Every layer's pre-activation z, and every layer's output, the input included."""
    zs: list[Matrix] = []
    outputs: list[Matrix] = [x]
    for layer in range(len(weights)):
        z = outputs[layer] @ weights[layer]
        zs.append(z)
        outputs.append(sigmoid(z))
    return zs, outputs


def backward_pass(
    weights: list[Matrix], zs: list[Matrix], outputs: list[Matrix], y: Matrix
) -> list[Matrix]:
    """The gradient of every weight matrix, summed over the rows."""
    n_layers = len(weights)
    deltas: list[Matrix] = [np.zeros(0)] * n_layers
    deltas[n_layers - 1] = -(y - outputs[n_layers])
    for layer in range(n_layers - 2, -1, -1):
        error = deltas[layer + 1] @ weights[layer + 1].T
        deltas[layer] = sigmoid_derivative(zs[layer]) * error
    gradients: list[Matrix] = []
    for layer in range(n_layers):
        gradients.append(outputs[layer].T @ deltas[layer])
    return gradients


def accuracy(prediction: Matrix, labels: NDArray[np.int64]) -> float:
    correct = 0
    for row in range(len(labels)):
        guess = 1 if prediction[row, 0] >= 0.5 else 0
        if guess == labels[row]:
            correct += 1
    return correct / len(labels)


def train(
    weights: list[Matrix],
    x: Matrix,
    labels: NDArray[np.int64],
    epochs: int,
    lr: float = LEARNING_RATE,
) -> tuple[list[Matrix], list[float]]:
    """Full-batch gradient descent; returns the final weights and the accuracy of every
    epoch's forward pass. The weights passed in are copied, not changed."""
    weights = [w.copy() for w in weights]
    y = labels.reshape(-1, 1).astype(np.float64)
    history: list[float] = []
    for _ in range(epochs):
        zs, outputs = forward_pass(weights, x)
        history.append(accuracy(outputs[-1], labels))
        gradients = backward_pass(weights, zs, outputs, y)
        for layer in range(len(weights)):
            weights[layer] = weights[layer] - lr * gradients[layer]
    return weights, history


if __name__ == "__main__":
    features, classes = dataset_arrays()
    _, accuracies = train(initial_weights(1), features, classes, epochs=10)
    print(" ".join(f"{a:.0%}" for a in accuracies))
