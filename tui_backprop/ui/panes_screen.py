"""The panes of the main screen and the keys that only change where they sit.

``PanesScreen`` lays the panes out, hands them their inputs — each view published
(paced while a run plays, see ``watch_view``), the session's pane choices
(``show_choices``) and the experiment's scene (``show_scene``) — and answers the keys
that touch neither the run nor those choices: zooming, which view sits in the chart's
place. ``MainScreen`` builds on it with the session and the training; a new pane is
one class in ``ui/panes/`` and one line in ``compose`` here (see docs/architecture.md).
"""

from __future__ import annotations

import time
from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import Grid
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Static

from tui_backprop.ui.model.lesson_steps import LessonState
from tui_backprop.ui.model.pane_choices import PaneChoices
from tui_backprop.ui.model.run_info import PlayState, RunInfo
from tui_backprop.ui.model.scene import Scene
from tui_backprop.ui.model.view import TrainingView
from tui_backprop.ui.panes.boundary_pane import BoundaryPane
from tui_backprop.ui.panes.chart_pane import MetricsChart
from tui_backprop.ui.panes.confusion_pane import ConfusionPane
from tui_backprop.ui.panes.deltas_pane import DeltasPane
from tui_backprop.ui.panes.diagram_pane import NetworkDiagram, NetworkPane
from tui_backprop.ui.panes.footer_pane import KeyFooter
from tui_backprop.ui.panes.hidden_space_pane import HiddenSpacePane
from tui_backprop.ui.panes.landscape_pane import LandscapePane
from tui_backprop.ui.panes.lesson_pane import LessonPane
from tui_backprop.ui.panes.neuron_pane import NeuronDetail
from tui_backprop.ui.panes.question_pane import QuestionPane
from tui_backprop.ui.panes.status_pane import StatusLine
from tui_backprop.ui.panes.view_pane import ScenePane, ViewPane
from tui_backprop.ui.panes.weights_pane import WeightsPane

PANE_TITLES = {
    "#network-pane": "Network",
    "#deltas": "Backward pass: δ and gradient size",
}
PANE_PERIOD = 0.2  # seconds between redraws of one pane while a run plays
PANES_PER_FRAME = 2
WIDE = 150  # columns from which the boundary has its own pane (the app's "-wide" breakpoint)
# the smallest terminal the panes are drawn in (breakpoints "-too-narrow", "-too-short");
# smaller, the screen says so instead of drawing empty frames
SMALLEST = (40, 12)
CHART = "chart"
# The panes that may sit in the chart's place, one at a time (b, C, H, V), and the class
# of #panes the style sheet shows each by.
CHART_PLACE = {
    "boundary": "-boundary",
    "confusion": "-confusion",
    "hidden-space": "-hidden",
    "landscape": "-landscape",
}
# A lesson step's views (lesson.VIEWS): the pane each is drawn in (maps: the boundary's).
VIEW_PANES = {
    "chart": "#chart",
    "confusion": "#confusion",
    "hidden-space": "#hidden-space",
    "landscape": "#landscape",
}
ZOOM_PANES = {"network": "#network-pane", "weights": "#weights", "deltas": "#deltas"}


class PanesScreen(Screen[None]):
    # A zoomed pane keeps the lesson's step in view (below it): a step may zoom a pane.
    ALLOW_IN_MAXIMIZED_VIEW: ClassVar[str | None] = "Footer, LessonPane, QuestionPane"

    # The screen only hands these on (to the status line and the panes): repainting the
    # screen itself on every change would redraw the whole terminal every frame.
    view: reactive[TrainingView | None] = reactive(None, repaint=False)
    info: reactive[RunInfo] = reactive(RunInfo("", ""), repaint=False)
    state: reactive[PlayState] = reactive(PlayState(), repaint=False)
    # The pane in the chart's place: "chart" or a key of CHART_PLACE (see the watcher).
    chart_place: reactive[str] = reactive(CHART, init=False)

    def __init__(self, steps: LessonState | None = None) -> None:
        super().__init__()
        self.steps = steps  # a lesson's: its pane above the others, its questions below
        # Each pane the grid holds, with the panes drawn inside its border (the network's
        # diagram and card), and when they were last handed a view: what shares a border
        # is handed each view together, so it never shows two epochs at once.
        self._panes: dict[ViewPane, float] = {}
        self._inside: dict[ViewPane, list[ViewPane]] = {}
        self._viewed_at = 0.0  # when the last view was handed on
        self.question: QuestionPane | None = None  # the lesson's question bar, if any

    @property
    def running(self) -> bool:
        """Whether a run plays (then views are handed on paced); ``MainScreen`` knows."""
        return False

    def compose(self) -> ComposeResult:
        yield StatusLine(id="status").data_bind(
            PanesScreen.view, PanesScreen.info, PanesScreen.state
        )
        if self.steps is not None:
            yield LessonPane(id="lesson")
        with Grid(id="panes"):
            with NetworkPane(id="network-pane"):
                yield NetworkDiagram(id="diagram")
                yield NeuronDetail(id="neuron")
            yield BoundaryPane(id="boundary")
            yield MetricsChart(id="chart")
            yield ConfusionPane(id="confusion")
            yield HiddenSpacePane(id="hidden-space")
            yield LandscapePane(id="landscape")
            yield WeightsPane(id="weights")
            yield DeltasPane(id="deltas")
        if self.steps is not None:  # a step's question, in the footer's row
            self.question = QuestionPane(self.steps, id="question")
            yield self.question
        yield KeyFooter()
        yield Static(id="too-small")

    def on_resize(self) -> None:
        width, height = self.size
        self.query_one("#too-small", Static).update(
            f"The terminal is {width}×{height}: backprop-tui needs {SMALLEST[0]}×{SMALLEST[1]} "
            "at least. Make it larger (or its font smaller); q quits."
        )

    def take_panes(self) -> None:
        """Once mounted: every pane that draws the view but the status line, which is
        bound to it (``compose``) and shows every frame; and the panes' titles."""
        # (By class, not a type selector: that names a widget's first bases only.)
        panes = [p for p in self.query().results(ViewPane) if not isinstance(p, StatusLine)]
        self._inside = {
            pane: [pane, *pane.query().results(ViewPane)]
            for pane in panes
            if not any(isinstance(up, ViewPane) for up in pane.ancestors)
        }
        self._panes = dict.fromkeys(self._inside, 0.0)
        for selector, title in PANE_TITLES.items():
            self.query_one(selector).border_title = title

    @property
    def panes_shown(self) -> list[list[ViewPane]]:
        """The panes handed each view, those on screen now: each of the grid's with the
        panes inside it, handed the view together."""
        return [self._inside[pane] for pane in self._panes if pane.display]

    def show_scene(self, scene: Scene) -> None:
        for pane in self.query().results(ScenePane):
            pane.scene = scene

    def show_choices(self, choices: PaneChoices) -> None:
        """Hand every pane what the learner chose to see (the session holds it), at once:
        it changes on a key, never with a frame."""
        for group in self._inside.values():
            for pane in group:
                pane.choices = choices

    @property
    def wide(self) -> bool:
        """Wide enough for the boundary's own pane beside the chart."""
        return self.size.width >= WIDE

    def watch_chart_place(self, place: str) -> None:
        panes = self.query_one("#panes")
        panes.remove_class(*CHART_PLACE.values())
        if place in CHART_PLACE:
            panes.add_class(CHART_PLACE[place])

    def watch_view(self, view: TrainingView | None) -> None:
        """Hand the view to the panes. While a run plays the status line shows every
        frame, and each pane at most every ``PANE_PERIOD`` seconds, the stalest
        ``PANES_PER_FRAME`` first, so no frame redraws every pane. When frames come
        further apart than that (a large network's), every pane takes each one, still
        ``PANES_PER_FRAME`` a screen refresh, so a key never waits for all of them. A
        pane counts with the panes inside its border (``panes_shown``)."""
        now = time.perf_counter()
        panes = sorted(self._panes, key=self._panes.__getitem__)
        if self.running:
            due = [p for p in panes if p.display and now - self._panes[p] >= PANE_PERIOD]
            panes, rest = due[:PANES_PER_FRAME], due[PANES_PER_FRAME:]
            if rest and now - self._viewed_at >= PANE_PERIOD:
                self.call_after_refresh(self._hand_on, view, rest)
        self._viewed_at = now
        self._hand(view, panes)

    def _hand(self, view: TrainingView | None, panes: list[ViewPane]) -> None:
        now = time.perf_counter()
        for pane in panes:
            for inside in self._inside[pane]:
                inside.view = view
            self._panes[pane] = now

    def _hand_on(self, view: TrainingView | None, panes: list[ViewPane]) -> None:
        """The next few panes take ``view`` after a refresh, unless a newer one came."""
        if view is not self.view:
            return
        self._hand(view, panes[:PANES_PER_FRAME])
        if panes[PANES_PER_FRAME:]:
            self.call_after_refresh(self._hand_on, view, panes[PANES_PER_FRAME:])

    # -- keys that change only what is shown -----------------------------------------------

    def action_zoom(self) -> None:
        if self.maximized is not None:
            self.minimize()
            return
        focused = self.focused
        if focused is not None:
            self.maximize(focused)

    def action_boundary(self) -> None:
        if self.wide:
            self.notify("At this width the boundary and the chart are both shown.", timeout=3)
            return
        self._in_chart_place("boundary")

    def show_chart(self) -> None:
        """The chart in its place again, nothing zoomed (an overlay is drawn there)."""
        self.minimize()
        self.chart_place = CHART

    def show_view(self, name: str) -> None:
        """Show a view a lesson step names (one of ``lesson.VIEWS``) in the chart's place
        (the boundary and its maps: in their own pane from 150 columns; which maps, the
        session's ``PaneChoices.for_view``)."""
        self.show_chart()
        if name in CHART_PLACE:
            self.chart_place = name
        elif name not in VIEW_PANES and not self.wide:
            self.chart_place = "boundary"

    def zoom_to(self, name: str) -> None:
        """Zoom the pane a lesson step names (one of ``lesson.ZOOMS``: a pane, or the
        pane a view is drawn in); "none" zooms nothing."""
        self.minimize()
        if name != "none":
            self.maximize(self.query_one(ZOOM_PANES.get(name) or VIEW_PANES.get(name, "#boundary")))

    def action_confusion(self) -> None:
        self._in_chart_place("confusion")

    def action_hidden_space(self) -> None:
        self._in_chart_place("hidden-space")

    def _in_chart_place(self, place: str) -> None:
        """Show ``place`` (a key of CHART_PLACE) where the chart is, or the chart again;
        nothing zoomed (a zoomed chart would be hidden, not swapped)."""
        showing = self.chart_place == place
        self.show_chart()
        if not showing:
            self.chart_place = place
