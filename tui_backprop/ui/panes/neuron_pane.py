"""The selected neuron in numbers: its equations, or an input's value and weights out."""

from __future__ import annotations

import numpy as np
from rich.text import Text

from tui_backprop.engine.activations import Array
from tui_backprop.ui.model.looking_back import initial_hint
from tui_backprop.ui.model.pane_choices import PaneChoices
from tui_backprop.ui.model.view import TrainingView
from tui_backprop.ui.model.weight_moment import USED, moment_of, shown_change, shown_params
from tui_backprop.ui.panes.view_pane import ViewPane
from tui_backprop.ui.render import check_text, equations, palette
from tui_backprop.ui.render.card_pictures import card_pictures, picture_room, with_pictures
from tui_backprop.ui.render.numbers import short, signed

ARROW = {1: "▲", -1: "▼"}
MAX_WEIGHTS = 24
SAID_IN_TWO = 6  # card lines from which the check's verdict may take two


class NeuronDetail(ViewPane):
    """The selected neuron: its name in the top border, its equations below with the
    step's numbers put in (see ``render.equations``), one line each, as many as fit. Its height
    is fixed by the stylesheet, so a step never re-lays out."""

    DEFAULT_CSS = """
    NeuronDetail {
        border-title-color: $text;
        border-title-background: $surface;
    }
    """

    _title: Text | None = None
    _left = 0  # the card's equations that found no room: said in the title

    def watch_view(self) -> None:
        self._retitle()
        self.refresh()

    def watch_choices(self, old: PaneChoices, new: PaneChoices) -> None:
        if old.neuron != new.neuron:
            self._retitle()
            self.refresh()
        elif old.used != new.used and new.neuron[0] == 0:  # an input's weights out (v)
            self.refresh()

    def _retitle(self) -> None:
        view = self.view
        layer, neuron = self.choices.neuron
        if view is None or layer >= len(view.network.sizes) or neuron >= view.network.sizes[layer]:
            self._title = self.border_title = None
            return
        net = view.network
        title = Text(f" {net.labels[layer][neuron]}", "bold")
        title.append(f" · {net.titles[layer]} neuron {neuron + 1}")
        if layer:
            title.append(f" · {net.activations[layer]}")
        title.append(f" · {view.sample_caption()} ", "dim")
        if self._left and layer:
            room = self.size.width - title.cell_len - 4  # the border's corners and gaps
            left = self._left
            notes = (f"· {left} more lines: zoom, or n walks them ", f"· {left} more lines ")
            title.append(next((n for n in notes if len(n) <= room), ""), "italic")
        if title != self._title:  # setting it repaints: only on a change, not per frame
            self._title = title
            self.border_title = title

    def render(self) -> Text:
        view = self.view
        layer, neuron = self.choices.neuron
        if view is None or layer >= len(view.network.sizes) or neuron >= view.network.sizes[layer]:
            return Text()
        if view.check is None:
            return self._card(view, layer, neuron, self.size.height)
        # --check: the verdict first, then the student's numbers for this neuron
        out = Text(no_wrap=True, overflow="ellipsis")
        room = 2 if self.size.height >= SAID_IN_TWO else 1
        out.append_text(check_text.verdict_lines(view.check, self.size.width, room))
        mine = check_text.neuron_line(view, layer, neuron)
        if mine is not None:
            out.append("\n")
            out.append_text(mine)
        rows = self.size.height - out.plain.count("\n") - 1
        if rows > 0:
            out.append("\n")
            out.append_text(self._card(view, layer, neuron, rows))
        return out

    def _card(self, view: TrainingView, layer: int, neuron: int, rows: int) -> Text:
        """The neuron's equations (or an input's value) in ``rows`` lines."""
        if layer == 0:
            out = Text(no_wrap=True, overflow="ellipsis")
            self._input(out, view, neuron, self.choices.used)
            return out
        if view.record is None:
            self._say_left(0)  # no equations: none left out (after r, say)
            return Text(
                initial_hint(view)
                or "press space to train one epoch, or n to walk through it phase by "
                "phase: this neuron's equations show here",
                "italic",
            )
        width = self.size.width
        pictures = card_pictures(view, layer, neuron, width, rows)
        eqs, left = equations.card(view, layer, neuron, width - picture_room(pictures), rows)
        self._say_left(left)
        return with_pictures(pictures, eqs)

    def _say_left(self, left: int) -> None:
        """Note how many equations found no room; the title says it, after this paint."""
        if left != self._left:
            self._left = left
            self.call_after_refresh(self._retitle)

    @staticmethod
    def _input(out: Text, view: TrainingView, neuron: int, used: bool) -> None:
        """An input's value and its weights out, at the moment the weights pane shows
        (``v``: those the forward pass used, or those after the update)."""
        values = view.activation(0)
        if values is not None:
            out.append(f"feature value {short(float(values[neuron]))}   ")
        before = moment_of(view, used).kind == USED
        out.append("weights out, before the update:\n" if before else "weights out:\n", "dim")
        matrix = shown_params(view, used).weights[0]
        change = shown_change(view, used, 1)
        names = view.network.labels[1]
        _weights(
            out,
            matrix[neuron, :],
            None if change is None else change[neuron, :],
            names,
            palette.magnitude(matrix),
        )


def _weights(
    out: Text, weights: Array, change: Array | None, names: tuple[str, ...], scale: float
) -> None:
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
