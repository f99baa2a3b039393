"""The key gate's rules, without an app: which command may run in which situation, and
what the user is told; and the command table naming only actions that exist."""

from __future__ import annotations

import pytest

from tui_backprop.ui.app import BackpropApp
from tui_backprop.ui.command_table import (
    APP_ACTIONS,
    COMMANDS,
    LESSON_COMMANDS,
    Command,
    WhileStepping,
    command_name,
)
from tui_backprop.ui.main_screen import MainScreen
from tui_backprop.ui.model.key_gate import (
    ASKED,
    ASKING,
    HAND_EDIT,
    HELP,
    KeySituation,
    Why,
    refusal,
)
from tui_backprop.ui.model.lesson_steps import LOCKED
from tui_backprop.ui.screens.rows_log_dialog import FORWARDED

ACTIONS = [c.action for c in COMMANDS]


@pytest.mark.parametrize("c", COMMANDS, ids=ACTIONS)
def test_every_command_names_an_action_of_the_class_that_answers_it(c: Command) -> None:
    owner = BackpropApp if c.action in APP_ACTIONS else MainScreen
    assert callable(getattr(owner, f"action_{c.base}", None)), f"{owner.__name__}: {c.action}"


def test_the_rows_view_forwards_only_main_screen_actions() -> None:
    bases = {c.base for c in COMMANDS if c.action not in APP_ACTIONS}
    assert set(FORWARDED) <= bases


def test_commands_of_one_action_agree_on_what_they_do_while_an_epoch_trains() -> None:
    facts: dict[str, set[WhileStepping]] = {}
    for c in COMMANDS:
        facts.setdefault(c.base, set()).add(c.stepping)
    assert all(len(kinds) == 1 for kinds in facts.values()), facts


@pytest.mark.parametrize("action", ACTIONS)
def test_with_nothing_in_the_way_every_command_runs(action: str) -> None:
    assert refusal(action, KeySituation()) is None


@pytest.mark.parametrize("name", sorted(LESSON_COMMANDS))
def test_a_hidden_command_does_nothing_and_is_not_offered_even_if_locked(name: str) -> None:
    action = next(c.action for c in COMMANDS if command_name(c.action) == name)
    refused = refusal(action, KeySituation(hidden=frozenset({name}), locked=frozenset({name})))
    assert refused is not None and refused.why is Why.HIDDEN
    assert not refused.offered and refused.words == ""


@pytest.mark.parametrize("name", sorted(LESSON_COMMANDS))
def test_a_locked_command_stays_offered_and_says_it_is_locked(name: str) -> None:
    actions = [c.action for c in COMMANDS if command_name(c.action) == name]
    now = KeySituation(locked=frozenset({name}), stepping=True)
    for action in actions:  # both of l and L for lr, with their arguments
        refused = refusal(action, now)
        assert refused is not None and refused.offered
        assert refused.words == f"{name}: {LOCKED}"
    others = [c.action for c in COMMANDS if command_name(c.action) != name]
    assert all(refusal(a, KeySituation(locked=frozenset({name}))) is None for a in others)


@pytest.mark.parametrize("action", ACTIONS)
def test_under_a_dialog_only_help_gets_through(action: str) -> None:
    refused = refusal(action, KeySituation(covered=True))
    if command_name(action) == HELP:
        assert refused is None
    else:
        assert refused is not None and refused.why is Why.COVERED and not refused.offered


@pytest.mark.parametrize("c", COMMANDS, ids=ACTIONS)
def test_while_an_epoch_trains_only_what_reads_or_writes_after_runs(c: Command) -> None:
    refused = refusal(c.action, KeySituation(stepping=True))
    if c.stepping is WhileStepping.WAITS:
        assert refused is not None and refused.why is Why.TRAINING and not refused.offered
    else:
        assert refused is None


def test_training_keys_wait_for_a_training_epoch_and_views_do_not() -> None:
    now = KeySituation(stepping=True)
    for action in ("step", "phase", "toggle_run", "reset", "history(-1)", "settings"):
        assert refusal(action, now) is not None, action
    for action in ("zoom", "boundary", "neuron_map('map')", "save", "help"):
        assert refusal(action, now) is None, action


def test_a_change_by_hand_waits_for_a_training_epoch_and_says_so() -> None:
    assert refusal(HAND_EDIT, KeySituation()) is None
    refused = refusal(HAND_EDIT, KeySituation(stepping=True))
    assert refused is not None and refused.why is Why.TRAINING and refused.words


def test_while_a_question_waits_training_keys_say_so_and_the_others_run() -> None:
    """n after esc walked past the question's phase: the number asked for was on screen
    before the answer."""
    now = KeySituation(asking=True)
    for action in ACTIONS:
        refused = refusal(action, now)
        if command_name(action) in ASKED:
            assert refused is not None and refused.offered and refused.words == ASKING
        else:
            assert refused is None, action
    assert {command_name(a) for a in ACTIONS} >= ASKED  # each names a command
