"""Which weights the weights pane (and the diagram's edges) show beside an epoch's
forward pass: the ones that forward pass used, or the ones its update left (``v``).

The diagram's activations and every δ come from the forward pass, which ran on the
weights before the update; the epoch numbering shows the weights after it
(``model.numbering``). Both are right, at two moments, so the pane's title says in words
which moment it shows: a learner who multiplies the diagram's inputs by the weights it
says were used gets the diagram's z. A walk (``n``) decides by itself: the step's own
weights until its update phase, the new ones from then on.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui_backprop.engine import Params
from tui_backprop.engine.activations import Array
from tui_backprop.ui.model.numbering import numbered
from tui_backprop.ui.model.view import TrainingView
from tui_backprop.ui.model.walk import walk_of

INITIAL = "initial"  # no step yet: the weights epoch 0's forward pass will use
USED = "used"  # the ones the shown forward pass used (before its update)
AFTER = "after"  # the ones its update left (and any edit since)


@dataclass(frozen=True)
class Moment:
    """Which weights are shown, and the epoch whose forward pass or update it is."""

    kind: str  # INITIAL, USED or AFTER
    epoch: int | None  # the record's epoch; None for INITIAL
    walked: bool = False  # a walk chose the moment, not the ``v`` key
    step: int = 0  # the record's step in its epoch: after the first, mini-batches

    def titles(self, names: str) -> tuple[str, ...]:
        """The pane's title in words, longest first, for the room there is."""
        if self.kind == INITIAL:
            return (
                f"Initial weights {names}: epoch 0's forward pass will use them",
                f"Initial weights {names}",
            )
        assert self.epoch is not None  # every moment but INITIAL has its record
        epoch = numbered(self.epoch)
        if self.kind == USED and self.step:  # the last step's forward pass, not the first's
            step = f"step {self.step + 1}"
            return (
                f"Weights {names} used by {epoch}'s {step} (before that step's update)",
                f"{names} used by {epoch}'s {step}, before its update",
                f"{names} used by {step} of {epoch}",
                f"{names} before {step}'s update",
            )
        if self.kind == USED:
            return (
                f"Weights {names} used by {epoch}'s forward pass (before its update)",
                f"{names} used by {epoch}'s forward pass, before its update",
                f"Weights {names} used by this forward pass",
                f"{names} before the update",
            )
        return (
            f"{names} after {epoch}'s update: its forward pass used those before",
            f"Weights {names} after {epoch}'s update",
            f"{names} after the update",
        )

    @property
    def arrows(self) -> str:
        """What the ▲▼ marks beside the numbers mean at this moment."""
        if self.kind == INITIAL:
            return ""  # nothing has moved yet
        return "▲▼ how the update moves them" if self.kind == USED else "▲▼ moved in the epoch"

    @property
    def other(self) -> str | None:
        """The hint for ``v``: the other moment, unless there is none to switch to."""
        if self.kind == INITIAL or self.walked:
            return None
        return "v: the new ones" if self.kind == USED else "v: the ones used"


def moment_of(view: TrainingView, used: bool) -> Moment:
    """The moment the pane shows for ``view`` when the learner asked for the used
    weights (``used``) or not; a walk's phase overrides the ask."""
    record = view.record
    if record is None:
        return Moment(INITIAL, None)
    walk = walk_of(view)
    if walk is not None:
        return Moment(AFTER if walk.progress.updated else USED, record.epoch, True, record.step)
    return Moment(USED if used else AFTER, record.epoch, step=record.step)


def shown_change(view: TrainingView, used: bool, layer: int, bias: bool = False) -> Array | None:
    """Signs of how the shown weights (or biases) into ``layer`` move: at the used
    moment by the shown step's update (the card's ``w ←`` line; with mini-batches the
    last step's alone), after it over the whole epoch."""
    moment = moment_of(view, used)
    if moment.kind == USED and not moment.walked:
        return view.step_change(layer, bias)
    return view.bias_change(layer) if bias else view.weight_change(layer)


def shown_params(view: TrainingView, used: bool) -> Params:
    """The parameters of ``moment_of(view, used)``: those in the step record for the
    used ones (a walk's view holds its phase's own already)."""
    if used and walk_of(view) is None:
        forward = view.forward_params()
        if forward is not None:
            return forward
    return view.params
