"""What the learner chose to see, held once by the session and handed to every pane:
the selected neuron and the rules that move it (another network, a walk, a question),
the maps that follow it, and the other choices' rules (``model.pane_choices``); and the
view the session builds, which carries what the panes draw beside the run."""

from __future__ import annotations

from dataclasses import replace

from tests.session_cases import XOR, session_of
from tui_backprop.engine.landscape import PCA, RANDOM
from tui_backprop.ui.model.hidden_axes import AxesChoice
from tui_backprop.ui.model.map_choice import DELTAS, GALLERY, MAP, MapChoice
from tui_backprop.ui.model.pane_choices import PaneChoices
from tui_backprop.ui.model.walk import next_walk


def test_a_new_session_selects_the_first_hidden_neuron_and_shows_no_maps() -> None:
    choices = session_of(XOR).choices
    assert choices.neuron == (1, 0) and choices.maps is None
    assert not (choices.used or choices.gradients) and choices.directions == PCA


def test_the_maps_follow_the_selection_keeping_their_page_within_a_layer() -> None:
    session = session_of(XOR)
    session.choose(lambda c: c.next_maps("gallery,deltas").paged(2))
    assert session.choices.maps == MapChoice(GALLERY, 1, 0, 2)
    assert session.select((1, 2)).chosen
    assert session.choices.maps == MapChoice(GALLERY, 1, 2, 2)  # the same layer's page
    session.select((2, 0))
    assert session.choices.neuron == (2, 0) and session.choices.maps == MapChoice(GALLERY, 2, 0)


def test_a_neuron_the_network_lacks_or_the_one_selected_changes_nothing() -> None:
    session = session_of(XOR)  # 2-3-1
    for neuron in ((1, 3), (3, 0), (-1, 0), (1, 0)):
        assert not session.select(neuron).chosen
        assert session.choices.neuron == (1, 0)


def test_another_network_selects_afresh_and_the_same_one_keeps_the_selection() -> None:
    session = session_of(XOR)
    session.select((1, 2))
    assert session.new_data().switched and session.choices.neuron == (1, 2)  # same network
    wider = session.apply_settings(replace(session.settings, hidden=(5,)))
    assert wider.switched and wider.chosen and session.choices.neuron == (1, 0)


def test_a_walk_moves_the_selection_to_the_layer_it_computes() -> None:
    session = session_of(XOR)
    session.select((0, 1))
    walk = next_walk(None, session.trainer)  # the first phase: the first layer's forward
    assert walk is not None
    assert session.walked(walk).publish and session.choices.neuron == (1, 1)
    nxt = walk.advanced()  # the output layer's forward
    assert nxt is not None
    session.walked(nxt)
    assert session.choices.neuron == (2, 0) and session.walk is nxt


def test_a_question_selects_its_neuron_and_shows_its_row() -> None:
    session = session_of(XOR, epochs=1)
    asked = session.look_at((2, 0), 3)
    assert asked.chosen and asked.publish and session.sample == 3
    again = session.look_at((1, 1), None)  # no row asked: the row shown stays
    assert again.chosen and not again.publish and session.sample == 3


def test_the_choices_rules() -> None:
    choices = PaneChoices((1, 2))
    assert choices.next_maps("map").maps == MapChoice(MAP, 1, 2)
    assert choices.next_maps("map").next_maps("map").maps is None
    deltas = choices.next_maps("gallery,deltas").next_maps("gallery,deltas")
    assert deltas.maps == MapChoice(DELTAS, 1, 2)
    assert choices.paged(1) == choices  # no gallery: no page to turn
    assert choices.for_view("delta-gallery").maps == MapChoice(DELTAS, 1, 2)
    assert deltas.for_view("chart").maps is None
    gradients = choices.toggled_gradients()
    assert gradients.gradients and not gradients.toggled_moment().gradients  # v: weights
    assert gradients.toggled_moment().used and not gradients.toggled_moment().toggled_moment().used
    assert choices.next_axes(False, (2, 3, 1)).axes == AxesChoice(1, 1)
    assert choices.next_axes(True, (2, 3, 4, 1)).axes == AxesChoice(2, 0)
    assert choices.switched_directions().directions == RANDOM
    assert choices.switched_directions().switched_directions().directions == PCA


def test_the_view_carries_the_edit_note_the_comparison_and_the_kept_runs() -> None:
    session = session_of(XOR, epochs=2)
    plain = session.view()
    assert plain.edit_note == "" and plain.compared is None and plain.kept == ()
    session.restart("reset", new_weights=False)
    session.trainer.train_epoch()
    session.compare()
    view = session.view()
    assert view.kept == session.kept.runs and len(view.kept) == 1
    assert view.compared is not None and view.compared.run is session.kept.runs[0]
    assert view.compared.caption == "same settings"
    assert session.view().compared is view.compared  # the same until something changes
    session.set_learning_rate(2.0)
    changed = session.view().compared
    assert changed is not view.compared and changed is not None
    assert changed.caption == "lr 0.5 vs 2"
    session.hand.edit_cell(0, 0, 1, 1.5)
    note = session.view().edit_note
    assert "1.5" in note and note == session.edit_note()
