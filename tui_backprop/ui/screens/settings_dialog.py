"""Every setting of the run, changeable without restarting the app. The screen says
before applying what will happen: live changes keep the run going, the others start
it again from the initial weights with the same seed. A bad value is refused with its reason."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Switch

from tui_backprop.settings import Settings, resolve
from tui_backprop.ui.model.lesson_steps import LOCKED
from tui_backprop.ui.model.settings_form import (
    FILE_FIELDS,
    LIVE_FIELDS,
    RESET_FIELDS,
    Field,
    FormError,
    Value,
    adjust_layers,
    changed,
    form_of,
    label_of,
    needs_reset,
    read_form,
)
from tui_backprop.ui.screens.dialog import FormDialog

Applier = Callable[[Settings], str | None]  # None when applied, else why not
LAYER_BUTTONS = (
    ("+layer", "+ layer"),
    ("-layer", "− layer"),
    ("+neuron", "+ neuron"),
    ("-neuron", "− neuron"),
)
PRESET_FIELDS = {
    "preset",
    "hidden",
    "activation",
    "output",
    "bias",
    "init",
    "init_scale",
    "batch_size",
    "reduction",
    "l2",
    "test_split",
    "standardize",
    "seed",
    "lr",
    "optimizer",
    "dtype",
}
SECTIONS = (
    ("Live: the run goes on", LIVE_FIELDS),
    ("With a restart from the initial weights, same seed unless changed", RESET_FIELDS),
    ("Files the save key (s) writes", FILE_FIELDS),
)


class SettingsDialog(FormDialog):
    ID_PREFIX = "settings"
    FRAME_TITLE = "Settings"
    FRAME_SUBTITLE = "enter or Apply · esc: cancel"
    OK_LABEL = "Apply"
    COMPACT_BUTTONS = True
    # The first field that may be edited takes the focus as the dialog opens; Textual's
    # default would focus the scrolling list of fields first, and each focus change
    # there restyles every row (45 ms a time on a two-core machine). (Textual focuses
    # only while the app has the terminal's focus, which the key that opened it gives.)
    AUTO_FOCUS = ".settings-editor"

    def __init__(
        self,
        current: Settings,
        applier: Applier,
        locked: frozenset[str] = frozenset(),
        left_out: frozenset[str] = frozenset(),
    ) -> None:
        super().__init__()
        self._current = current
        self._applier = applier
        self._locked = locked  # fields the lesson locks: shown, not editable
        self._left_out = left_out  # fields not shown at all (a served tab's paths)
        self._preset = current.preset

    def compose_fields(self) -> ComposeResult:
        values = form_of(self._current)
        with VerticalScroll(id="settings-fields"):
            for title, group in SECTIONS:
                shown = [field for field in group if field.name not in self._left_out]
                if shown:
                    yield Label(title, classes="settings-section")
                for field in shown:
                    yield self._row(field, values[field.name])
        yield Label("", id="settings-plan")

    def _row(self, field: Field, value: Value) -> Horizontal:
        editor = _editor(field, value)
        editor.disabled = field.name in self._locked
        parts: list[Widget] = [Label(field.label, classes="settings-label"), editor]
        if field.name == "hidden":
            parts += [
                Button(text, compact=True, classes="settings-layer", name=what)
                for what, text in LAYER_BUTTONS
            ]
        hint = LOCKED if editor.disabled else field.hint
        parts.append(Label(hint, classes="settings-hint"))
        return Horizontal(*parts, classes="settings-row")

    def on_mount(self) -> None:
        self._update_plan()

    def _values(self) -> dict[str, Value]:
        values: dict[str, Value] = {}
        for widget in self.query(".settings-editor"):
            name = (widget.id or "")[len("set-") :]
            if isinstance(widget, Switch | Input):
                values[name] = widget.value
            elif isinstance(widget, Select):
                values[name] = str(widget.value)
        return values

    def _update_plan(self) -> None:
        """Says what applying would do, or why the form cannot be applied yet."""
        plan = self.query_one("#settings-plan", Label)
        try:
            new = read_form(self._values(), self._current)
        except FormError as err:
            plan.update("")
            self.show_error(str(err))
            return
        self.show_error("")
        plan.update(Content(plan_text(changed(self._current, new))))

    @on(Input.Changed)
    @on(Switch.Changed)
    def _edited(self) -> None:
        self._update_plan()

    @on(Select.Changed)
    def _chosen(self, event: Select.Changed) -> None:
        if event.select.id == "set-preset" and str(event.value) != self._preset:
            self._preset = str(event.value)
            self._fill(resolve(self._current.dataset, {"preset": self._preset}))
        self._update_plan()

    def _fill(self, settings: Settings) -> None:
        """The preset's values in the fields it sets."""
        values = form_of(settings)
        for name in PRESET_FIELDS - {"preset"} - self._locked:  # a preset keeps a lock
            widget = self.query_one(f"#set-{name}")
            if isinstance(widget, Input | Switch | Select):
                widget.value = values[name]

    @on(Button.Pressed, ".settings-layer")
    def _layers(self, event: Button.Pressed) -> None:
        field = self.query_one("#set-hidden", Input)
        field.value = adjust_layers(field.value, event.button.name or "")

    def submit(self) -> None:
        self.try_apply(self._apply)

    def _apply(self) -> str | None:
        try:
            new = read_form(self._values(), self._current)
        except FormError as err:
            return str(err)
        return self._applier(new)


def _editor(field: Field, value: Value) -> Widget:
    ident = f"set-{field.name}"
    if field.kind == "switch":
        return Switch(bool(value), id=ident, classes="settings-editor")
    if field.kind == "choice":
        options = [(choice, choice) for choice in field.choices]
        return Select(
            options,
            value=str(value),
            allow_blank=False,
            id=ident,
            compact=True,
            classes="settings-editor",
        )
    return Input(str(value), id=ident, compact=True, classes="settings-editor")


def plan_text(names: list[str]) -> str:
    """What applying will do, in one or two lines."""
    if not names:
        return "Nothing changed yet."
    reset = needs_reset(names)
    live = [n for n in names if n not in reset]
    if not reset:
        return "Applies live, the run goes on: " + ", ".join(map(label_of, live)) + "."
    text = "Restarts the run from the initial weights for: " + ", ".join(map(label_of, reset)) + "."
    if live:
        text += " Also: " + ", ".join(map(label_of, live)) + "."
    return text
