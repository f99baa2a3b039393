"""The lesson's pane: the step the class is on, numbered, under the lesson's title.

Below ``FOLD_BELOW`` columns (a projector's 80×24) the pane is one line until ``i``
opens it: a paragraph of text there took the rows the network, the weights and the
chart need while the step talks about them. ``i`` folds and unfolds it at any width."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from tui_backprop.ui.model.lesson_steps import LessonState
from tui_backprop.ui.panes.question_pane import QuestionPane

KEYS_HINT = "> next step · < step back · i one line"
FOLDED_HINT = " (i: all, >: next) "
FOLD_BELOW = 100  # columns: the app's compact layout


class LessonPane(Static):
    # Its own style, so the screen's layout sheet needs no lesson rules.
    DEFAULT_CSS = """
    LessonPane {
        height: auto;
        max-height: 60%;  /* i shows the whole text; the panes take the rest */
        padding: 0 1;
        border: round $accent;
        border-title-color: $text;
        border-title-style: bold;
        border-subtitle-color: $text-muted;
        background: $surface;
    }
    LessonPane.-folded {
        height: 1;
        border: none;
        background: $panel;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._state: LessonState | None = None
        self.opened: bool | None = None  # i's choice; None: by the terminal's width

    @property
    def folded(self) -> bool:
        if self.opened is not None:
            return not self.opened
        return self.app.size.width < FOLD_BELOW

    def show(self, state: LessonState) -> None:
        """Show the step ``state`` is on; its question, if any, is asked anew."""
        self._state = state
        self._draw()
        for bar in self.screen.query(QuestionPane):
            bar.step_shown()

    def toggle(self) -> None:
        """Fold or unfold the text (``i``)."""
        self.opened = self.folded
        self._draw()

    def on_resize(self) -> None:
        self._draw()  # the width may have crossed FOLD_BELOW

    def _draw(self) -> None:
        state = self._state
        if state is None or state.step is None:
            return
        folded = self.folded
        self.set_class(folded, "-folded")
        self.border_title = Content(state.heading())  # the teacher's title, not markup
        self.border_subtitle = KEYS_HINT
        if folded:  # the keys before the text: the line's end may be cut
            count = f"Lesson {state.progress()}"
            self.update(Content.assemble((count, "bold"), (FOLDED_HINT, "dim"), state.step.text))
        else:
            self.update(Content(state.text()))  # a teacher's text, not markup
