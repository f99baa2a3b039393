"""Which two neurons the hidden-space pane plots: a hidden layer and a pair of its
neurons, or, for a layer of one neuron, that neuron against each output in turn."""

from __future__ import annotations

from dataclasses import dataclass

from tui_backprop.engine.hidden_space import Neuron

Axes = tuple[Neuron, Neuron]


def axis_pair(sizes: tuple[int, ...], layer: int, index: int) -> Axes:
    """The ``index``-th (wrapping) pair the pane can plot for hidden layer ``layer``
    (1-based) of a network with these layer widths, in ``itertools.combinations``
    order; found without listing them all (a layer of 256 has 32,640, and the pane is
    asked on every view)."""
    width, output = sizes[layer], len(sizes) - 1
    if width == 1:
        return ((layer, 0), (output, index % sizes[output]))
    index %= width * (width - 1) // 2
    first = 0
    while index >= width - 1 - first:  # the pairs (first, later) number width - 1 - first
        index -= width - 1 - first
        first += 1
    return ((layer, first), (layer, first + 1 + index))


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
        return axis_pair(sizes, (self.layer - 1) % hidden + 1, self.pair)

    def next_pair(self, step: int = 1) -> AxesChoice:
        return AxesChoice(self.layer, self.pair + step)

    def next_layer(self, sizes: tuple[int, ...]) -> AxesChoice:
        """The next hidden layer (after the last: the first), from its first pair."""
        hidden = max(len(sizes) - 2, 1)
        return AxesChoice(self.layer % hidden + 1, 0)
