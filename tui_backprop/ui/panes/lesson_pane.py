"""The lesson's pane: the step the class is on, numbered, under the lesson's title."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from tui_backprop.ui.model.lesson_steps import LessonState

KEYS_HINT = "> next step · < step back"


class LessonPane(Static):
    # Its own style, so the screen's layout sheet needs no lesson rules.
    DEFAULT_CSS = """
    LessonPane {
        height: auto;
        max-height: 7;
        padding: 0 1;
        border: round $accent;
        border-title-color: $text;
        border-title-style: bold;
        border-subtitle-color: $text-muted;
        background: $surface;
    }
    """

    def show(self, state: LessonState) -> None:
        self.border_title = state.heading()
        self.border_subtitle = KEYS_HINT
        self.update(Content(state.text()))  # a teacher's text, not markup
