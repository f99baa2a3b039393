"""The selected neuron in numbers: its incoming weights and bias, z, activation, δ."""

from __future__ import annotations

import numpy as np
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from tui_backprop.engine.activations import Array
from tui_backprop.ui import palette
from tui_backprop.ui.numbers import short, signed
from tui_backprop.ui.view import TrainingView

ARROW = {1: "▲", -1: "▼"}
MAX_WEIGHTS = 24
FORMULA = {"sigmoid": "σ(z)", "tanh": "tanh(z)", "relu": "max(0,z)",
           "leaky_relu": "leaky(z)", "linear": "z", "softmax": "softmax(z)"}


class NeuronDetail(Widget):
    """Four lines when it has them (title, forward pass, backward pass, weights in),
    down to one; its height is fixed by the stylesheet, so a step never re-lays out."""

    view: reactive[TrainingView | None] = reactive(None)
    selected: reactive[tuple[int, int]] = reactive((1, 0))

    def render(self) -> Text:
        view = self.view
        if view is None:
            return Text()
        layer, neuron = self.selected
        net = view.network
        if layer >= len(net.sizes) or neuron >= net.sizes[layer]:
            return Text()
        out = Text(no_wrap=True, overflow="ellipsis")
        out.append(f"{net.labels[layer][neuron]}", "bold")
        if layer and self.size.height < 3:  # no room for a title line
            out.append("  ")
        else:
            out.append(f" · {net.titles[layer]} neuron {neuron + 1}")
            if layer:
                out.append(f" · {net.activations[layer]}")
            out.append(f" · {view.sample_caption()}\n", "dim")
        if layer == 0:
            self._input(out, view, neuron)
        else:
            self._unit(out, view, layer, neuron)
        return out

    def _input(self, out: Text, view: TrainingView, neuron: int) -> None:
        values = view.activation(0)
        if values is not None:
            out.append(f"feature value {short(float(values[neuron]))}   ")
        out.append("weights out: ", "dim")
        weights = view.params.weights[0][neuron, :]
        change = view.weight_change(1)
        names = view.network.labels[1]
        _weights(out, weights, None if change is None else change[neuron, :], names,
                 palette.magnitude(view.params.weights[0]))

    def _unit(self, out: Text, view: TrainingView, layer: int, neuron: int) -> None:
        z, a, d = view.pre_activation(layer), view.activation(layer), view.delta(layer)
        if z is None or a is None or d is None:
            out.append("press space to train one epoch; its values show here\n", "italic")
        elif self.size.width >= 56 and self.size.height >= 4:
            self._passes(out, view, layer, neuron)
        else:
            values = [("z", z[neuron]), ("a", a[neuron]), ("δ", d[neuron])]
            target = view.target()
            if layer == view.network.depth and target is not None:
                values.append(("y", target[neuron]))
            for name, value in values:
                out.append(f"{name} ", "dim")
                out.append(short(float(value)) + "  ", "bold")
            out.append("\n")
        self._incoming(out, view, layer, neuron)

    @staticmethod
    def _passes(out: Text, view: TrainingView, layer: int, neuron: int) -> None:
        """The forward and the backward pass through this neuron, one line each."""
        z, a, d = view.pre_activation(layer), view.activation(layer), view.delta(layer)
        f1, target = view.derivative(layer), view.target()
        assert z is not None and a is not None and d is not None and f1 is not None
        act = FORMULA.get(view.network.activations[layer], "f(z)")
        output = layer == view.network.depth
        out.append("forward   z = ", "dim")
        out.append(short(float(z[neuron])), "bold")
        out.append(f"  a = {act} = ", "dim")
        out.append(short(float(a[neuron])), "bold")
        if output and target is not None:
            out.append("  target y = ", "dim")
            out.append(short(float(target[neuron])), "bold")
        else:
            out.append("  f'(z) = ", "dim")
            out.append(short(float(f1[neuron])), "bold")
        out.append("\nbackward  δ = ", "dim")
        out.append("a - y = " if output else "f'(z)·Σ w·δ_next = ", "dim")
        out.append(short(float(d[neuron])), "bold")
        out.append("\n")

    @staticmethod
    def _incoming(out: Text, view: TrainingView, layer: int, neuron: int) -> None:
        """The bias and the weights that feed this neuron, coloured like the panes."""
        biases = view.params.biases
        if biases is not None:
            out.append("bias ", "dim")
            change = view.bias_change(layer)
            bias = biases[layer - 1]
            moved = None if change is None else change[neuron: neuron + 1]
            _weights(out, bias[neuron: neuron + 1], moved, ("",), palette.magnitude(bias))
            out.append("  ")
        out.append("weights in: ", "dim")
        weights = view.params.weights[layer - 1][:, neuron]
        change = view.weight_change(layer)
        _weights(out, weights, None if change is None else change[:, neuron],
                 view.network.labels[layer - 1], palette.magnitude(view.params.weights[layer - 1]))


def _weights(out: Text, weights: Array, change: Array | None, names: tuple[str, ...],
             scale: float) -> None:
    shown = min(len(weights), MAX_WEIGHTS)
    for k in range(shown):
        if names[k]:
            out.append(f" {names[k]} ", "dim")
        value = float(weights[k])
        out.append(signed(value), palette.value_style(value, scale))
        arrow = 0 if change is None or not np.isfinite(change[k]) else int(change[k])
        out.append(ARROW.get(arrow, " "), "bold")
    if len(weights) > shown:
        out.append(f"  … {len(weights) - shown} more", "dim")
