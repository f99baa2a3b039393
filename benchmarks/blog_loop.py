"""The reference exercise's training loop, structured the way its write-up structures
it, as the baseline of the seed-workload benchmark.

What makes it the write-up's loop rather than a lean one: the activation helpers take
(weights, inputs) and redo the matrix product, so the derivative pass computes each
layer's product and sigmoid a second time; the forward pass collects three lists and
copies each layer's output; the output delta is flattened and reshaped; predictions are
thresholded and counted in Python loops; and every epoch formats its report line (the
string is built, not printed, so terminal speed does not enter the figure).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Matrix = NDArray[np.float64]


def _act(weights: Matrix, inputs: Matrix) -> Matrix:
    out: Matrix = 1 / (1 + np.exp(-np.dot(inputs, weights)))
    return out


def _act_slope(weights: Matrix, inputs: Matrix) -> Matrix:
    s = _act(weights, inputs)
    return s * (1 - s)


def _forward(layers: list[Matrix], x: Matrix) -> tuple[list[Matrix], list[Matrix], list[Matrix]]:
    outs, slopes, feeds = [], [], [x]
    current = x
    for w in layers:
        out = _act(w, current)
        outs.append(out)
        slopes.append(_act_slope(w, current))
        feeds.append(out)
        current = out.copy()
    return outs, slopes, feeds[: len(layers)]


def _backward(
    layers: list[Matrix],
    outs: list[Matrix],
    slopes: list[Matrix],
    feeds: list[Matrix],
    target: Matrix,
) -> list[Matrix]:
    grads: list[Matrix] = [np.empty(0)] * len(layers)
    deltas: list[Matrix] = [np.empty(0)] * len(layers)
    for i in reversed(range(len(layers))):
        if i == len(layers) - 1:
            d = -(target - outs[i].flatten())
            d = d.reshape(outs[i].shape)
        else:
            d = slopes[i] * np.dot(deltas[i + 1], layers[i + 1].T)
        deltas[i] = d
        grads[i] = np.dot(feeds[i].T, d)
    return grads


def _hits(labels: Matrix, guesses: list[int]) -> float:
    right = 0
    for i in range(len(labels)):
        if labels[i] == guesses[i]:
            right += 1
    return right / len(labels)


def run(layers: list[Matrix], x: Matrix, labels: Matrix, epochs: int, lr: float = 0.1) -> list[str]:
    """Train ``epochs`` full-batch epochs in place and return the report lines."""
    report = []
    for epoch in range(epochs):
        outs, slopes, feeds = _forward(layers, x)
        grads = _backward(layers, outs, slopes, feeds, labels)
        for i in range(len(layers)):
            layers[i] -= lr * grads[i]
        guesses = [0 if p < 0.5 else 1 for p in outs[-1]]
        report.append(f"Epoch {epoch}, Accu {_hits(labels, guesses) * 100:.2f}%")
    return report
