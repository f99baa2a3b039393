"""What ``--check-template`` writes: the four functions to fill in, each saying what it
gets and returns. Each raises NotImplementedError until written, which the check
reports as "not written yet", so the skeleton itself checks with exit status 0."""

TEMPLATE = '''\
"""My backprop, checked against backprop-tui's with:

    backprop-tui --check mine.py --headless     (add the run's flags: --reduction mean, ...)

Shapes: every batch is rows x features; weights[l] is (fan_in, fan_out), so a layer's
z = a @ W (+ b). Define any of the four functions; the others are "not written yet".
Each one gets the engine's own inputs, so a mistake in one does not spoil the next.
With --bias each also gets biases=[b1, ...] when it accepts that keyword; gradients
and update may then return a pair (the weights' arrays, the biases' arrays), and
update also gets bias_gradients=[...]. See docs/check.md.
"""

import numpy as np


def forward(X, weights):
    """X: (rows, features). Returns every layer's output, the input first: [X, a1, ..., aL]."""
    raise NotImplementedError


def deltas(activations, Y, weights):
    """activations: forward's list; Y: (rows, outputs). Returns each layer's delta
    (dl/dz of every row, not summed), first hidden layer first: [d1, ..., dL]."""
    raise NotImplementedError


def gradients(activations, deltas):
    """Returns dL/dW for every weight matrix, shaped like it: the layer's input times its
    delta, summed over the rows (averaged with --reduction mean)."""
    raise NotImplementedError


def update(weights, gradients, lr):
    """Returns the new weights after one step of gradient descent."""
    raise NotImplementedError
'''
