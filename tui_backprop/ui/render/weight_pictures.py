"""``M`` on the first hidden layer of image data: each neuron's incoming weights as a
picture of the input's shape (column j of W1, row by row), what the neuron looks for.

All of a layer's pictures share one colour scale, the largest weight's magnitude, so
a brighter picture is a neuron with larger weights; the legend says the scale. The
pictures are as large as lets every neuron's fit the pane (up to 4 cells a pixel);
when even one cell a pixel is too large, the gallery pages, as the maps' do.
"""

from __future__ import annotations

from rich.text import Text
from textual.strip import Strip

from tui_backprop.ui.model.map_choice import MapChoice
from tui_backprop.ui.model.view import TrainingView
from tui_backprop.ui.render import palette
from tui_backprop.ui.render.neuron_map_draw import GAP, Tiles, gallery
from tui_backprop.ui.render.pixel_picture import cells_high, signed, signed_legend

MAX_ZOOM = 4


def pictured(view: TrainingView, choice: MapChoice) -> bool:
    """Whether ``choice`` is a gallery this module draws: the first hidden layer's, on
    inputs that are a picture."""
    return choice.kind == "gallery" and choice.layer == 1 and view.network.image is not None


def tiles(shape: tuple[int, int], n: int, width: int, height: int) -> tuple[Tiles, int]:
    """The grid of ``n`` pictures of ``shape`` and how many cells a pixel takes."""
    cells, pixel_rows = shape
    for zoom in range(MAX_ZOOM, 0, -1):
        lines = cells_high(zoom * pixel_rows)
        across = max(1, (width + GAP) // (zoom * cells + GAP))
        down = max(1, height // (lines + 1))
        if across * down >= n or zoom == 1:
            return Tiles(across, down, zoom * cells, lines), zoom
    raise AssertionError("unreachable")  # pragma: no cover - zoom 1 returns


def weight_gallery(
    view: TrainingView, choice: MapChoice, width: int, height: int
) -> tuple[list[Strip], str, Text]:
    """The lines, title and legend of the first hidden layer's weight pictures."""
    net = view.network
    assert net.image is not None  # ``pictured`` says so
    weights = view.params.weights[0]
    n = weights.shape[1]
    layout, zoom = tiles(net.image, n, width, height)
    page = min(choice.page, layout.pages(n) - 1)
    shown = range(page * layout.per_page, min(n, (page + 1) * layout.per_page))
    reach = palette.magnitude(weights)
    pictures = [signed(weights[:, j], net.image, reach).zoomed(zoom).lines() for j in shown]
    labels = [net.labels[1][j] for j in shown]
    count = layout.pages(n)
    pages = f" · page {page + 1}/{count} ( )" if count > 1 else ""
    w, h = net.image
    titles = (
        f"{net.titles[1]} · {w}×{h} incoming weights · {view.epoch_name}{pages}",
        f"{net.titles[1]} weights{pages}",
        f"W1 {page + 1}/{count}" if count > 1 else "W1",
    )
    title = next((t for t in titles if len(t) <= width - 4), titles[-1])
    scale = Text.from_markup(signed_legend(reach))
    legends = (
        Text("W ").append_text(scale).append(" · one scale for the layer"),
        scale.copy().append(" one scale"),
        scale,
        Text.from_markup(signed_legend(reach, tight=True)),
    )
    legend = next((t for t in legends if t.cell_len <= width - 6), legends[-1])
    return gallery(pictures, labels, layout, width, height), title, legend
