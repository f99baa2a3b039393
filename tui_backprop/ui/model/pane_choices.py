"""What the learner chose to see in the panes, held in one place (the session's
``choices``) and handed to every pane beside the view: the selected neuron, the maps
shown instead of the boundary, the weights' moment, the gradients, the hidden space's
neurons. Each change is a new frozen value, made by one of the rules here."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from tui_backprop.engine.landscape import PCA, RANDOM
from tui_backprop.ui.model.hidden_axes import AxesChoice
from tui_backprop.ui.model.map_choice import (
    DELTAS,
    GALLERY,
    MAP,
    MapChoice,
    follow_selection,
    next_choice,
)

Neuron = tuple[int, int]  # (layer, neuron) as the diagram counts: 0 is the input layer
# A lesson step's views (lesson.VIEWS) that show maps in the boundary's place, and which.
VIEW_MAPS = {"map": MAP, "gallery": GALLERY, "delta-gallery": DELTAS}


def first_neuron(sizes: tuple[int, ...]) -> Neuron:
    """The neuron selected in a new network: the first hidden one (or the output's)."""
    return min(1, len(sizes) - 1), 0


def has_neuron(sizes: tuple[int, ...], neuron: Neuron) -> bool:
    layer, index = neuron
    return 0 <= layer < len(sizes) and 0 <= index < sizes[layer]


@dataclass(frozen=True)
class PaneChoices:
    neuron: Neuron = (1, 0)  # the diagram's selection: the card, the weights' column, the maps
    maps: MapChoice | None = None  # a neuron map or gallery instead of the boundary
    used: bool = False  # the weights the forward pass used, not those after the update (v)
    gradients: bool = False  # the weights pane shows ∂L/∂W instead (g)
    axes: AxesChoice = field(default_factory=AxesChoice)  # the hidden space's neurons (x, X)
    directions: str = PCA  # the loss landscape's plane: PCA or RANDOM directions (A)

    def selecting(self, neuron: Neuron) -> PaneChoices:
        """``neuron`` selected; the maps shown follow it (their page kept in its layer)."""
        return replace(self, neuron=neuron, maps=follow_selection(self.maps, neuron))

    def next_maps(self, kinds: str) -> PaneChoices:
        """The next of ``kinds`` (comma separated) for the selected neuron, then none."""
        return replace(self, maps=next_choice(self.maps, kinds, self.neuron))

    def paged(self, step: int) -> PaneChoices:
        """A gallery's next (1) or previous (-1) page; nothing without maps shown."""
        return self if self.maps is None else replace(self, maps=self.maps.paged(step))

    def for_view(self, name: str) -> PaneChoices:
        """A lesson step's view: its maps for the selected neuron, or none."""
        kind = VIEW_MAPS.get(name)
        return replace(self, maps=None if kind is None else MapChoice(kind, *self.neuron))

    def toggled_gradients(self) -> PaneChoices:
        return replace(self, gradients=not self.gradients)

    def toggled_moment(self) -> PaneChoices:
        """The other moment's weights, shown as weights (not gradients)."""
        return replace(self, used=not self.used, gradients=False)

    def next_axes(self, layer: bool, sizes: tuple[int, ...]) -> PaneChoices:
        """The hidden space's next pair of neurons, or (``layer``) its next hidden layer."""
        axes = self.axes.next_layer(sizes) if layer else self.axes.next_pair()
        return replace(self, axes=axes)

    def switched_directions(self) -> PaneChoices:
        """The loss landscape's plane: PCA ↔ random directions."""
        return replace(self, directions=RANDOM if self.directions == PCA else PCA)
