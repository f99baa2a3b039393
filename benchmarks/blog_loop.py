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

import sys
from collections.abc import Callable

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


def run(
    layers: list[Matrix],
    x: Matrix,
    labels: Matrix,
    epochs: int,
    lr: float = 0.1,
    emit: Callable[[str], object] | None = None,
) -> list[str]:
    """Train ``epochs`` full-batch epochs in place and return the report lines, or hand
    each line to ``emit`` as it is made (``print``, as the exercise does)."""
    report: list[str] = []
    say = report.append if emit is None else emit
    for epoch in range(epochs):
        outs, slopes, feeds = _forward(layers, x)
        grads = _backward(layers, outs, slopes, feeds, labels)
        for i in range(len(layers)):
            layers[i] -= lr * grads[i]
        guesses = [0 if p < 0.5 else 1 for p in outs[-1]]
        say(f"Epoch {epoch}, Accu {_hits(labels, guesses) * 100:.2f}%")
    return report


def main(argv: list[str]) -> int:
    """``python blog_loop.py EPOCHS``: the exercise as a program, printing its line every
    epoch, for the whole-process benchmark. NumPy is all it imports; the data and the
    initial weights are the seed preset's (drawn here as the engine draws them)."""
    epochs = int(argv[0]) if argv else 20
    table = np.array(DATASET)
    x, labels = table[:, :2], table[:, 2]
    rng = np.random.default_rng(np.random.SeedSequence(SEED).spawn(2)[0])
    layers = [rng.uniform(-0.1, 0.1, shape) for shape in ((2, 4), (4, 1))]
    run(layers, x, labels, epochs, emit=print)
    return 0


# The exercise's ten rows (as in tests/reference_blog.py) and the seed preset's seed.
DATASET = [
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
SEED = 333

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
