"""What every pane of the main screen holds: the view of the run it draws, what the
learner chose to see in it and, for the panes drawn over the input plane, the
experiment's scene. A pane draws from these inputs alone; nothing else is set on it."""

from __future__ import annotations

from textual.reactive import reactive
from textual.widget import Widget

from tui_backprop.ui.model.pane_choices import PaneChoices
from tui_backprop.ui.model.scene import Scene
from tui_backprop.ui.model.view import TrainingView


class ViewPane(Widget):
    """A widget that draws the ``TrainingView`` the main screen hands it (see
    ``PanesScreen.watch_view``) and the session's ``PaneChoices`` (the selected neuron,
    the maps, the weights' moment; ``PanesScreen.show_choices``). Neither repaints the
    pane by itself: each pane's ``watch_view`` / ``watch_choices`` redraws what changed
    (a line-API pane only the lines that changed), so a frame that changes little costs
    little. A pane drawn with another Textual widget lists that widget first (``class
    MetricsChart(PlotextPlot, ViewPane)``): Textual takes a widget's default CSS and
    type names along its first bases only."""

    view: reactive[TrainingView | None] = reactive(None, repaint=False)
    choices: reactive[PaneChoices] = reactive(PaneChoices, repaint=False)


class ScenePane(ViewPane):
    """A pane drawn over the experiment's input plane: the boundary, the confusion
    matrix's test rows, the hidden space. Its ``scene`` is set by
    ``PanesScreen.show_scene`` when the experiment changes."""

    scene: reactive[Scene | None] = reactive(None)
