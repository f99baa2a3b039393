"""Which two neurons the hidden-space pane plots: a hidden layer and a pair of its
neurons, or, for a layer of one neuron, that neuron against each output in turn."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from tui_backprop.engine.hidden_space import Neuron

Axes = tuple[Neuron, Neuron]


def axis_pairs(sizes: tuple[int, ...], layer: int) -> list[Axes]:
    """Every pair the pane can plot for hidden layer ``layer`` (1-based) of a network
    with these layer widths."""
    width, output = sizes[layer], len(sizes) - 1
    if width == 1:
        return [((layer, 0), (output, j)) for j in range(sizes[output])]
    return [((layer, i), (layer, j)) for i, j in itertools.combinations(range(width), 2)]


@dataclass(frozen=True)
class AxesChoice:
    """The hidden layer shown (1-based) and which of its pairs (an index, wrapping)."""

    layer: int = 1
    pair: int = 0

    def axes(self, sizes: tuple[int, ...]) -> Axes | None:
        """The pair to plot, or None for a network without a hidden layer."""
        hidden = len(sizes) - 2
        if hidden < 1:
            return None
        pairs = axis_pairs(sizes, (self.layer - 1) % hidden + 1)
        return pairs[self.pair % len(pairs)]

    def next_pair(self, step: int = 1) -> AxesChoice:
        return AxesChoice(self.layer, self.pair + step)

    def next_layer(self, sizes: tuple[int, ...]) -> AxesChoice:
        """The next hidden layer (after the last: the first), from its first pair."""
        hidden = max(len(sizes) - 2, 1)
        return AxesChoice(self.layer % hidden + 1, 0)
