"""A lesson step's question: read from the file (each kind of bad one refused with its
line), checked against the network, and an answer judged against the step's record."""

from __future__ import annotations

import pytest

from tui_backprop import cli
from tui_backprop.experiment import Experiment
from tui_backprop.lesson import LessonError, parse_lesson
from tui_backprop.lesson_questions import Question, Tolerance
from tui_backprop.settings import resolve
from tui_backprop.ui.command_table import LESSON_COMMANDS
from tui_backprop.ui.model.lesson_answers import (
    AnswerVerdict,
    Asked,
    ask,
    judge,
    lesson_network_problem,
)
from tui_backprop.ui.model.lesson_steps import STEP_SETTINGS
from tui_backprop.ui.model.view import TrainingView, describe_network, snapshot

HEAD = 'title = "q"\n[[step]]\ntext = "Work it out."\nrun_to_phase = "loss"\n'
DELTA = 'ask = "δ of h1?"\nquantity = "delta"\nneuron = "h1"\n'


def lesson_of(step: str, head: str = HEAD) -> Question | None:
    lesson = parse_lesson(head + step, "q.toml", LESSON_COMMANDS, settings=STEP_SETTINGS)
    return lesson.steps[0].question


def test_a_question_is_read_with_its_defaults_and_each_key() -> None:
    assert lesson_of(DELTA) == Question("δ of h1?", "delta", "h1", row=1)
    full = 'ask = "w"\nquantity = "weight after update"\nneuron = "o1"\nfrom = "h2"\n'
    assert lesson_of(full + 'tolerance = "2%"\n') == Question(
        "w", "weight after update", "o1", None, "h2", Tolerance(relative=0.02)
    )
    assert lesson_of(DELTA + "row = 3\ntolerance = 0.001\n") == Question(
        "δ of h1?", "delta", "h1", 3, None, Tolerance(absolute=0.001)
    )
    assert lesson_of("") is None


@pytest.mark.parametrize(
    ("step", "problem"),
    [
        ('quantity = "delta"\n', "quantity in step 1 goes with ask"),
        (DELTA.replace('"δ of h1?"', '""'), "ask in step 1 must be a non-empty string"),
        (DELTA.replace('"delta"', '"slope"'), "quantity in step 1 must be one of 'z'"),
        (DELTA.replace('neuron = "h1"\n', ""), "neuron in step 1 must name a neuron"),
        (DELTA + "row = 0\n", "row in step 1 must be a whole number from 1"),
        (DELTA + "row = true\n", "row in step 1 must be a whole number from 1"),
        (DELTA + 'from = "x1"\n', "from in step 1 names a weight's input"),
        (DELTA + "tolerance = -1\n", "tolerance in step 1 must be a number > 0"),
        (DELTA + 'tolerance = "lots"\n', "tolerance in step 1 must be a number > 0"),
        (DELTA + 'tolerance = "100%"\n', "tolerance in step 1 must be a number > 0"),
        ('ask = "g"\nquantity = "gradient"\nneuron = "o1"\n', "from in step 1 must name"),
        (
            'ask = "g"\nquantity = "gradient"\nneuron = "o1"\nfrom = "h1"\nrow = 2\n',
            "row in step 1: a gradient sums every row; leave row out",
        ),
    ],
)
def test_a_bad_question_is_one_line_naming_its_key_and_step(step: str, problem: str) -> None:
    with pytest.raises(LessonError) as err:
        lesson_of(step)
    assert str(err.value).startswith(f"q.toml: {problem}"), err.value


def test_a_question_needs_an_epoch_on_screen() -> None:
    with pytest.raises(LessonError, match="ask in step 1 needs run_to_phase or run_to_epoch"):
        lesson_of(DELTA, head='title = "q"\n[[step]]\ntext = "No epoch yet."\n')


REFERENCE = resolve(None, {})


def problem_of(step: str, extra: str = "") -> str | None:
    lesson = parse_lesson(HEAD + step + extra, "q.toml", LESSON_COMMANDS, settings=STEP_SETTINGS)
    return lesson_network_problem(lesson, Experiment.build(REFERENCE))


@pytest.mark.parametrize(
    ("step", "problem"),
    [
        (DELTA, None),
        (DELTA.replace("h1", "o1"), None),
        (DELTA.replace("h1", "P(1)"), None),  # the diagram's own name for the output
        (DELTA.replace("h1", "h5"), "neuron in step 1: 'h5' is not in the network (hidden h1…h4"),
        (DELTA.replace("h1", "x1"), "neuron in step 1: 'x1' is an input: it has no delta"),
        (DELTA.replace("h1", "o2"), "neuron in step 1: 'o2' is not in the network"),
        (DELTA + "row = 11\n", "row in step 1: the batch on screen has 10 rows, not 11"),
        # batches of 4 of the 10 rows: 4, 4, then the 2 of the last batch, on screen
        (DELTA + "row = 4\nbatch-size = 4\n", "row in step 1: the batch on screen has 2 rows"),
        (DELTA + "row = 2\nbatch-size = 4\n", None),
        (
            'ask = "g"\nquantity = "gradient"\nneuron = "o1"\nfrom = "x1"\n',
            "from in step 1: 'x1' is not a neuron of the layer before o1 (h1, h2, h3, h4)",
        ),
        (
            'ask = "a"\nquantity = "output"\nneuron = "h1"\n',
            "neuron in step 1: 'h1' is not an output",
        ),
    ],
)
def test_a_question_about_what_the_network_lacks_is_refused(step: str, problem: str | None) -> None:
    found = problem_of(step)
    assert found == problem if problem is None else (found or "").startswith(problem), found


def test_a_step_that_sets_the_layers_renames_the_neurons_of_its_question() -> None:
    step = DELTA.replace("h1", "h1.3") + "layers = [4, 3]\n"
    assert problem_of(step) is None
    assert (problem_of(DELTA.replace("h1", "h3") + "layers = [2]\n") or "").startswith(
        "neuron in step 1: 'h3' is not in the network (hidden h1…h2"
    )


def test_the_command_line_refuses_a_lesson_whose_question_names_a_missing_neuron(
    tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "class.toml"
    path.write_text(HEAD + DELTA.replace("h1", "h9"), encoding="utf-8")
    with pytest.raises(SystemExit) as stop:
        cli.main(["--lesson", str(path)])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert f"{path}: neuron in step 1: 'h9' is not in the network" in err


# -- answers -------------------------------------------------------------------------


def trained_view() -> TrainingView:
    experiment = Experiment.build(REFERENCE)
    trainer = experiment.trainer
    trainer.train_epoch()
    ds = experiment.dataset
    network = describe_network(trainer, ds.feature_names, ds.class_names, ds.label_name)
    return snapshot(trainer, network, 0)


def asked(question: Question) -> Asked:
    found = ask(question, trained_view())
    assert isinstance(found, Asked), found
    return found


def verdict(question: Question, typed: str) -> AnswerVerdict:
    out = judge(asked(question), typed)
    assert isinstance(out, AnswerVerdict), out
    return out


def test_the_number_is_the_records_own_entry() -> None:
    view = trained_view()
    record = view.record
    assert record is not None
    hidden, output = record.layers
    cases = [
        (Question("", "delta", "o1", row=6), output.delta[5, 0]),
        (Question("", "delta", "h3", row=2), hidden.delta[1, 2]),
        (Question("", "z", "h2", row=1), hidden.z[0, 1]),
        (Question("", "a", "h4", row=10), hidden.a[9, 3]),
        (Question("", "output", "P(1)", row=4), output.a[3, 0]),
        (Question("", "gradient", "h1", source="x2"), hidden.grad_w[1, 0]),
        (Question("", "weight after update", "o1", source="h3"), output.w_after[2, 0]),
    ]
    for question, value in cases:
        assert asked(question).value == float(value), question


def test_by_default_an_answer_is_right_within_one_percent_or_the_last_printed_digit() -> None:
    big = Question("", "delta", "o1", row=1)  # about 0.5127: 1 % is 0.0051
    value = asked(big).value
    assert abs(value) > 0.1
    assert verdict(big, f"{value * 1.009}").right
    assert not verdict(big, f"{value * 1.011}").right
    small = Question("", "delta", "h1", row=1)  # about -0.007: one unit of 4 decimals wins
    value = asked(small).value
    assert abs(value) < 0.01
    assert verdict(small, f"{value + 0.00009}").right
    assert not verdict(small, f"{value + 0.00011}").right
    assert verdict(small, f"{round(value, 4)}").right  # as the card prints it, rounded


def test_a_steps_tolerance_replaces_the_default() -> None:
    exact = Question("", "delta", "o1", row=1, tolerance=Tolerance(absolute=1e-6))
    value = asked(exact).value
    assert verdict(exact, f"{value + 5e-7}").right
    assert not verdict(exact, f"{value * 1.005}").right  # right by the default's 1 %
    loose = Question("", "delta", "o1", row=1, tolerance=Tolerance(relative=0.05))
    assert verdict(loose, f"{value * 1.04}").right
    assert not verdict(loose, f"{value * 1.06}").right


def test_an_answer_may_use_a_typographic_minus_and_a_comma() -> None:
    question = Question("", "delta", "o1", row=6)  # ŷ − 1: negative
    value = asked(question).value
    assert value < 0
    assert verdict(question, f"−{abs(value):.4f}".replace(".", ",")).right


@pytest.mark.parametrize("typed", ["", "abc", "nan", "inf", "1/2", "0.5.1"])
def test_what_is_not_a_number_is_one_line_and_no_verdict(typed: str) -> None:
    out = judge(asked(Question("", "delta", "o1", row=1)), typed)
    assert isinstance(out, str) and "\n" not in out and "is not a number" in out


def test_a_question_the_view_cannot_answer_says_why() -> None:
    view = trained_view()
    assert ask(Question("", "delta", "h7", row=1), view) == (
        "'h7' is not in the network (hidden h1…h4, output o1)"
    )
    assert ask(Question("", "delta", "h1", row=12), view) == (
        "the batch on screen has 10 rows, not 12"
    )
