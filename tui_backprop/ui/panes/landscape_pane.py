"""The loss-landscape pane (in the chart's place, key V): the training loss over a plane
of weight space through the weights shown, the run's path on it and the present point;
``A`` switches the plane between the path's principal directions and two random
filter-normalised ones (see ``engine.landscape``).

It follows the view: looking back, a walk and a playing run (at the pane's rate, like
every pane) move the plane to the weights shown. A landscape that took longer than a
frame to compute is computed in a thread worker from then on, the last one staying on
screen meanwhile; a newer request supersedes one not yet shown.

Earlier runs of the compare list (``c``) are drawn as paths in their class colour when
their directions are comparable: the same network shape and the same start weights
(the optimiser comparison of the ``optimizers`` lesson); the title says when some are
not.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from rich.text import Text
from textual import work
from textual.strip import Strip
from textual.worker import get_current_worker

from tui_backprop.engine.activations import Array
from tui_backprop.engine.landscape import (
    PCA,
    RANDOM,
    Landscape,
    directions_of,
    landscape,
    run_path,
)
from tui_backprop.engine.network import Params
from tui_backprop.ui.command_table import hidden_in, key_hint
from tui_backprop.ui.model.kept_runs import DataFacts, PastRun
from tui_backprop.ui.model.pane_choices import PaneChoices
from tui_backprop.ui.model.scene import Scene
from tui_backprop.ui.panes.view_pane import ScenePane
from tui_backprop.ui.render.landscape_draw import EARLIER, PATH, PRESENT, draw

FRAME = 1 / 30  # seconds: a landscape slower than this is computed off the UI thread
Earlier = tuple[tuple[Array, int], ...]  # other runs' paths and their colour numbers


@dataclass(frozen=True, eq=False)
class LandscapeRequest:
    """What one picture is of: the weights shown, their epoch count, the plane's kind."""

    params: Params
    epoch: int
    kind: str
    of_scene: Scene  # the experiment's
    epoch_name: str


@dataclass(frozen=True, eq=False)
class LandscapePicture:
    """A computed landscape, the earlier runs' paths on its plane (with their colour
    numbers), and how many earlier runs could not be drawn."""

    request: LandscapeRequest
    landscape: Landscape
    earlier: Earlier
    not_comparable: int
    off_thread: bool = False  # computed by a worker thread, not the UI's


class LandscapePane(ScenePane, can_focus=True):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.picture: LandscapePicture | None = None
        self._asked: LandscapeRequest | None = None
        self.slow = False  # the last landscape took longer than a frame
        self._computing = False  # a worker is computing one
        self._next: tuple[LandscapeRequest, Array, np.ndarray, Earlier, int] | None = None
        self._lines: list[Strip] = []
        self._drawn: tuple[LandscapePicture, int, int] | None = None
        self.draws = 0  # landscapes computed: lets tests see what was redrawn

    def watch_view(self) -> None:
        self._ask()

    def watch_scene(self) -> None:
        self._ask()

    @property
    def kind(self) -> str:
        """The plane's directions, PCA or RANDOM: the session's choice (``A``)."""
        return self.choices.directions

    def watch_choices(self, old: PaneChoices, new: PaneChoices) -> None:
        if old.directions != new.directions:
            self._ask()

    def on_resize(self) -> None:
        self._ask()
        self._retitle()

    def _ask(self) -> None:
        """Compute the landscape of the view shown, unless it is the one asked last."""
        view, scene = self.view, self.scene
        if view is None or scene is None or not self.display or not self.size.area:
            return
        if not scene.fits(view.params):
            return  # a new network's scene before its first view (or the other way round)
        asked = self._asked
        if (
            asked is not None
            and asked.params is view.params
            and asked.of_scene is scene
            and (asked.epoch, asked.kind) == (view.epoch, self.kind)
        ):
            return
        request = LandscapeRequest(view.params, view.epoch, self.kind, scene, view.epoch_name)
        self._asked = request
        # The snapshots are read here, on the thread that adds to them
        path, epochs = run_path(scene.trainer, view.params, view.epoch)
        earlier, others = _earlier_paths(view.kept, path, scene.data)
        if self.slow:
            self._next = (request, path, epochs, earlier, others)
            if not self._computing:  # else it starts when the one computing is done
                self._computing = True
                self._compute_off(*self._next)
            return
        started = time.perf_counter()
        self._show(_compute(request, path, epochs, earlier, others))
        self.slow = time.perf_counter() - started > FRAME

    @work(thread=True, group="landscape")
    def _compute_off(
        self,
        request: LandscapeRequest,
        path: Array,
        epochs: np.ndarray,
        earlier: Earlier,
        others: int,
    ) -> None:
        started = time.perf_counter()
        picture = replace(_compute(request, path, epochs, earlier, others), off_thread=True)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._arrived, picture, time.perf_counter() - started)

    def _arrived(self, picture: LandscapePicture, seconds: float) -> None:
        """A worker's landscape: shown, then the latest one asked meanwhile computed (one
        worker at a time, so a busy machine is not handed a queue of them)."""
        self.slow, self._computing = seconds > FRAME, False
        if self._asked is None or picture.request.of_scene is not self._asked.of_scene:
            return  # another experiment's
        self._show(picture)  # newer than the one on screen, if not the latest
        latest = self._next
        if latest is not None and latest[0] is not picture.request and latest[0] is self._asked:
            self._computing = True
            self._compute_off(*latest)

    def _show(self, picture: LandscapePicture) -> None:
        self.picture = picture
        self.draws += 1
        self._retitle()

    def _retitle(self) -> None:
        title, legend = titles(self.picture, hidden_in(self.app), self.size.width - 4)
        self.border_title, self.border_subtitle = Text(title), Text(legend)  # never markup
        self.refresh()

    def render_line(self, y: int) -> Strip:
        self._update()
        if y < len(self._lines):
            return self._lines[y].apply_style(self.rich_style)
        return Strip.blank(self.size.width, self.rich_style)

    def _update(self) -> None:
        picture = self.picture
        width, height = self.size
        if picture is None:
            self._lines = []
            return
        if self._drawn is not None and self._drawn == (picture, width, height):
            return
        self._drawn = (picture, width, height)
        self._lines = draw(picture.landscape, width, height, picture.earlier)


def _earlier_paths(
    runs: Sequence[PastRun], path: Array, data: DataFacts | None
) -> tuple[Earlier, int]:
    """The compare list's runs on this data that started from this path's first weights
    with the same shape (their raw paths and numbers), and how many others there are:
    a run on other data walked another loss surface."""
    comparable = tuple(
        (run.path, run.number)
        for run in runs
        if run.path is not None
        and run.data == data
        and run.path.shape[1] == path.shape[1]
        and np.array_equal(run.path[0], path[0])
    )
    return comparable, len(runs) - len(comparable)


def _compute(
    request: LandscapeRequest,
    path: Array,
    epochs: np.ndarray,
    earlier: Earlier,
    others: int,
) -> LandscapePicture:
    """The landscape a request asks for, with the earlier runs' paths projected."""
    trainer, params = request.of_scene.trainer, request.params
    directions = directions_of(request.kind, path, params)
    ls = landscape(trainer, params, path, epochs, directions, others=tuple(p for p, _ in earlier))
    drawn = tuple(zip(ls.others, (n for _, n in earlier), strict=True))
    return LandscapePicture(request, ls, drawn, others)


def plane_words(ls: Landscape) -> str:
    """Which plane, in words: "PCA, 97.1% of the path" or "random directions"."""
    d = ls.directions
    if d.kind == RANDOM:
        return "random directions (per-neuron scale)"
    if d.short:
        return "PCA: path too short, random directions"
    return f"PCA, {100 * (d.share or 0.0):.1f}% of the path"


def titles(
    picture: LandscapePicture | None, hidden: frozenset[str], room: int = 1000
) -> tuple[str, str]:
    """The border's title (the plane, the epoch, the rows) and legend (what the values
    are, the marks, the keys), each fitted to ``room`` cells by dropping parts."""
    if picture is None:
        return "Loss landscape", ""
    ls = picture.landscape
    title = f"{plane_words(ls)} · {picture.request.epoch_name}"
    if ls.rows < ls.total_rows:
        title += f" · {ls.rows:,} of {ls.total_rows:,} rows"
    if picture.not_comparable:
        title += f" · {picture.not_comparable} earlier run(s) not comparable"
    if len(title) + len("Loss landscape: ") <= room:
        title = f"Loss landscape: {title}"
    values = "train loss, no L1/L2 terms" if ls.penalised else "train loss"
    marks = f"{PATH} path {PRESENT} now"
    if picture.earlier:
        numbers = ", ".join(str(n) for _, n in picture.earlier)
        marks += f" {EARLIER} run{'s' if len(picture.earlier) > 1 else ''} {numbers}"
    other = "random" if ls.directions.kind == PCA else "PCA"
    keys = ("landscape_directions", f"A {other}")
    options = [
        key_hint(parts, hidden)
        for parts in (
            (("", values), ("", marks), keys),
            (("", values), ("", marks)),
            (("", marks),),
        )
    ]
    return title, next((o for o in options if len(o) <= room), options[-1])
