"""Phase walking in words: the status line's caption and the help screen's section."""

from __future__ import annotations

from rich.text import Text

from tui_backprop.engine.phases import (
    EXPLANATIONS,
    FORWARD,
    GRADIENTS,
    HIDDEN_DELTA,
    LOSS,
    OUTPUT_DELTA,
    UPDATE,
)
from tui_backprop.ui.model.walk import Walk

HEADINGS = {
    FORWARD: "forward, layer by layer",
    LOSS: "loss",
    OUTPUT_DELTA: "output delta",
    HIDDEN_DELTA: "hidden deltas, from the last hidden layer back",
    GRADIENTS: "gradients",
    UPDATE: "update",
}


def walk_caption(walk: Walk, epoch: int) -> Text:
    """ "Walking epoch 3  phase 5 of 7: backward: δ of the output layer 2". ``epoch``
    is the view's count of epochs done: before the walk's update that is the number of
    the epoch being walked (the next pass), after it one more (see ``model.numbering``)."""
    out = Text()
    out.append(
        f"Epoch {epoch - 1:,}" if walk.finished else f"Walking epoch {epoch:,}", "bold reverse"
    )
    steps = len(walk.records)
    if steps > 1:
        out.append(f"  step {walk.step + 1} of {steps}", "bold")
    phases = len(walk.progress.phases)
    out.append(f"  phase {walk.progress.done} of {phases}: ", "dim")
    out.append(walk.phase.title, "bold yellow")
    if walk.finished:
        out.append(" · epoch done", "dim")
    return out


def phases_help() -> str:
    """The help screen's section on ``n``, in Markdown, one item per phase."""
    items = "\n".join(f"- **{HEADINGS[kind]}** — {text}" for kind, text in EXPLANATIONS.items())
    return f"""
**Walking through an epoch, one phase at a time (`n`)**

Every `n` shows one more phase of backprop inside the epoch; `space` shows the rest at
once. What the epoch has not computed yet shows as **?**, the layer being computed is
highlighted in the panes and the selection follows it, so the equations below the
diagram are the phase's own, with the step's numbers put in.
With mini-batches every step of the epoch is walked through in turn, first batch to last.
When the walk ends the numbers are exactly those of an epoch trained in one step.

**Equations that close by hand.** The equations show one row of the batch, row 1 unless
`j` / `k` pick another (also before the first step), so every line can be recomputed
from numbers on screen: σ(z) from the z above it, δ from that a and the next layer's δ.
After the last row comes the batch mean, labelled for what it is — "mean of σ(zᵢ)" is
not σ of the mean z, so its nonlinear lines have no numbers put in. ℓ is the row's loss;
L is the loss the gradients are taken of, Σ ℓ over the rows (or their mean, as the
reduction setting says), so ∂L/∂w is the gradient of the L shown. A sum too long for the
line shows its first terms and `[N more terms: total]`, which still adds up.

{items}

**Checking backprop (`g`)** — every weight's gradient by the chain rule next to a
finite-difference estimate (nudge the weight up and down by ε, see how the loss moves),
with the largest relative error. `esc` stops a long check.
"""
