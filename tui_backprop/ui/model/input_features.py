"""The input features as the diagram changes them: ``f`` drops the selected input's
feature, ``F`` adds the next one not in use. The list keeps the command line's order
(x1, x2, x1^2, …), so a set-up reads the same however it was made."""

from __future__ import annotations

from tui_backprop.experiment import Experiment
from tui_backprop.settings import FEATURE_CHOICES

OWN = ("x1", "x2")  # what a two-column dataset's inputs are without --features


def toggled(experiment: Experiment, direction: int, selected: int | None) -> tuple[str, ...]:
    """The features after dropping input ``selected`` (``direction`` < 0) or adding one.
    ValueError says why not."""
    data = experiment.data
    if data.n_features != 2:
        raise ValueError(
            f"{data.name}: input features need data with exactly 2 features; "
            f"it has {data.n_features}"
        )
    current = experiment.settings.features or OWN
    if direction < 0:
        if selected is None:
            raise ValueError("select an input neuron first (the diagram's first column)")
        if len(current) == 1:
            raise ValueError("the network needs at least one input")
        return tuple(f for k, f in enumerate(current) if k != selected)
    unused = [f for f in FEATURE_CHOICES if f not in current]
    if not unused:
        raise ValueError("every input feature is in use already")
    return tuple(f for f in FEATURE_CHOICES if f in current or f == unused[0])
