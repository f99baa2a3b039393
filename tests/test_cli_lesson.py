"""``--lesson`` on the command line: a bad lesson is refused with one line before the app
starts; a good one sets the experiment, and flags given with it override it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tui_backprop import cli
from tui_backprop.ui import app as app_module
from tui_backprop.ui.command_table import LESSON_COMMANDS

DOCS = Path(__file__).resolve().parents[1] / "docs" / "lessons.md"
STEP = '[[step]]\ntext = "Look."\n'


def refused(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as stop:
        cli.main(list(argv))
    assert stop.value.code == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1, err
    return err


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('title = "x"\nlock = ["lr"\n', "not TOML: unclosed array"),
        ('title = "x"\nhide = [\n  "settings",\n  = 3\n]\n', "line 4, column 3: not TOML"),
        ('title = "x"\ncolour = 1\n' + STEP, "unknown key 'colour'"),
        ('title = "x"\n' + STEP + "run_to = 3\n", "unknown key 'run_to' in step 1"),
        ('title = "x"\n' + STEP + 'run_to_epoch = "3"\n', "run_to_epoch in step 1 must be"),
        ('title = "x"\n' + STEP + 'run_to_phase = "middle"\n', "run_to_phase in step 1 must"),
        ('title = "x"\nhide = ["wings"]\n' + STEP, "hide: 'wings' is not a command"),
        ('title = "x"\nlock = ["quit"]\n' + STEP, "lock: 'quit' is not a command"),
        ('title = "x"\nlock = "lr"\n' + STEP, "lock must be a list of command names"),
        ("title = 3\n" + STEP, "title must be a non-empty string"),
        ('title = "x"\n', "needs at least one [[step]]"),
        ('title = "x"\n' + STEP + "layers = [0]\n", "layers in step 1: every hidden layer"),
        ('title = "x"\n' + STEP + 'activation = "soft"\n', "activation in step 1: must be"),
        ('title = "x"\n' + STEP + "bias = 1\n", "bias in step 1: must be true or false"),
        ('title = "x"\n' + STEP + "lr = true\n", "lr in step 1: must be a value"),
        ('title = "x"\n' + STEP + "lr = 0\n", "lr in step 1: 0 must be a finite number > 0"),
        ('title = "x"\n' + STEP + 'preset = "standard"\n', "unknown key 'preset' in step 1"),
        ('title = "x"\n' + STEP + 'view = "plot"\n', "view in step 1 must be one of 'chart'"),
        ('title = "x"\n' + STEP + "zoom = 1\n", "zoom in step 1 must be one of 'network'"),
        ('title = "x"\n[experiment]\nwidth = 3\n' + STEP, "unknown experiment key 'width'"),
        ('title = "x"\n[experiment]\nlr = -1\n' + STEP, "experiment lr: -1 must be a finite"),
        ('title = "x"\n[experiment]\nlr = true\n' + STEP, "experiment lr must be a value"),
        ('title = "x"\n[experiment]\nbias = 1\n' + STEP, "experiment bias must be true or"),
        ('title = "x"\n[experiment]\nactivation = "soft"\n' + STEP, "invalid choice: 'soft'"),
        ('title = "x"\n[experiment]\nlayers = [0]\n' + STEP, "at least one neuron"),
        (
            'title = "x"\n[experiment]\ndataset = "spiral3"\noutput = "sigmoid"\n' + STEP,
            "a sigmoid output needs exactly 2 classes",
        ),
    ],
)
def test_a_bad_lesson_is_refused_with_one_line(capsys, tmp_path: Path, text, problem) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    err = refused(capsys, "--lesson", str(path))
    assert err.startswith(f"backprop-tui: error: {path}: ")
    assert problem in err


def test_a_missing_or_binary_lesson_is_refused(capsys, tmp_path: Path) -> None:
    err = refused(capsys, "--lesson", str(tmp_path / "none.toml"))
    assert "none.toml: no such lesson file, nor a built-in lesson (reference, xor" in err
    binary = tmp_path / "b.toml"
    binary.write_bytes(b"\xff\xfe\x00t")
    assert "b.toml: not a UTF-8 text file" in refused(capsys, "--lesson", str(binary))
    assert "for the app" in refused(capsys, "--lesson", "xor", "--headless")


def test_the_real_command_refuses_a_bad_lesson_before_the_app_starts(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('title = "x"\nhide = ["wings"]\n' + STEP)
    done = subprocess.run(
        [sys.executable, "-m", "tui_backprop", "--lesson", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert re.fullmatch(r"backprop-tui: error: .*bad\.toml: hide: 'wings' .*\n", done.stderr)


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """What ``main`` would start the app with, without starting it."""
    seen: dict[str, object] = {}

    def run_app(experiment: object, lesson: object = None, check_file: object = None) -> int:
        seen.update(experiment=experiment, lesson=lesson, check_file=check_file)
        return 0

    monkeypatch.setattr(app_module, "run_app", run_app)
    monkeypatch.setattr(cli, "check_terminal", lambda _: None)  # pytest's input is no terminal
    return seen


def test_a_lesson_sets_the_experiment_and_flags_override_it(started, tmp_path: Path) -> None:
    assert cli.main(["--lesson", "xor"]) == 0
    experiment = started["experiment"]
    s = experiment.settings  # type: ignore[attr-defined]
    assert (s.dataset, s.hidden, s.lr, s.preset) == ("xor", (), 0.3, "standard")
    assert started["lesson"].lock == {"lr"}  # type: ignore[attr-defined]
    assert cli.main(["--lesson", "xor", "--lr", "1", "--layers", "4", "moons"]) == 0
    s = started["experiment"].settings  # type: ignore[attr-defined]
    assert (s.dataset, s.hidden, s.lr) == ("moons", (4,), 1.0)


def test_a_lesson_finds_its_csv_next_to_it(started, tmp_path: Path) -> None:
    (tmp_path / "points.csv").write_text("a,b,y\n" + "0,0,0\n1,1,1\n0,1,1\n1,0,0\n" * 3)
    lesson = tmp_path / "l.toml"
    lesson.write_text('title = "x"\n[experiment]\ndataset = "points.csv"\nbias = false\n' + STEP)
    assert cli.main(["--lesson", str(lesson)]) == 0
    s = started["experiment"].settings  # type: ignore[attr-defined]
    assert s.dataset == str(tmp_path / "points.csv") and s.bias is False


def test_the_docs_name_every_command_a_lesson_can_use() -> None:
    docs = DOCS.read_text()
    for name in LESSON_COMMANDS:
        assert f"`{name}`" in docs, name
