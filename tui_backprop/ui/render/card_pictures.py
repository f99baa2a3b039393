"""The neuron card's pictures, for a first-hidden-layer neuron on image data: the row
shown (grey, as the diagram's input picture) and the neuron's incoming weights (in the
sign colours on the layer's scale, as ``M`` shows them) side by side, left of its
equations. Laid beside them only when both fit: else the card is its equations alone.
"""

from __future__ import annotations

from rich.text import Text

from tui_backprop.ui.model.view import TrainingView
from tui_backprop.ui.render import palette
from tui_backprop.ui.render.pixel_picture import as_text, beside, cells_high, ink, signed

GAP = 2
MIN_EQUATIONS = 36  # cells the equations keep beside the pictures


def card_pictures(view: TrainingView, layer: int, neuron: int, width: int, rows: int) -> list[Text]:
    """The pictures' lines with a caption below, or none when they do not belong or fit."""
    net = view.network
    if layer != 1 or net.image is None:
        return []
    cells, pixel_rows = net.image
    if cells_high(pixel_rows) > rows or 2 * cells + 2 * GAP + MIN_EQUATIONS > width:
        return []
    weights = view.params.weights[0]
    row = view.activation(0)
    pictures = [
        signed(weights[:, neuron], net.image, palette.magnitude(weights)).lines(),
    ]
    captions = ["W in".ljust(cells)]
    if row is not None:
        pictures.insert(0, ink(row, net.image).lines())
        captions.insert(0, "row".ljust(cells))
    lines = as_text(beside(pictures, GAP))
    if len(lines) < rows:
        lines.append(Text((" " * GAP).join(captions), "dim"))
    return lines


def with_pictures(pictures: list[Text], equations: Text) -> Text:
    """``pictures`` left of ``equations``' lines, one line each."""
    if not pictures:
        return equations
    width = max(line.cell_len for line in pictures)
    eq_lines = equations.split("\n", allow_blank=True)
    out = Text(no_wrap=True, overflow="ellipsis")
    for k in range(max(len(pictures), len(eq_lines))):
        left = pictures[k] if k < len(pictures) else Text()
        out.append_text(left).append(" " * (width - left.cell_len + GAP))
        if k < len(eq_lines):
            out.append_text(eq_lines[k])
        out.append("\n")
    out.rstrip()
    return out


def picture_room(pictures: list[Text]) -> int:
    """The cells the pictures take from the equations."""
    return max((line.cell_len for line in pictures), default=-GAP) + GAP
