"""``backprop-tui --check FILE.py --headless`` as a course autograder: the real command,
its lines and its exit status (0 all written functions agree, 1 one is wrong, 2 the file
cannot be loaded or the run cannot be checked)."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tui_backprop import cli
from tui_backprop.cli import serve_split
from tui_backprop.ui import app as app_module

FILES = Path(__file__).parent / "check_files"
VERDICT = re.compile(r"^epoch (\d+) · (.+?)(?: · (\S+))?: (ok|not written yet|differs|raised|.+)")


def command(*argv: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The real command, so exit statuses and streams are what a CI job sees."""
    return subprocess.run(
        [sys.executable, "-m", "tui_backprop", *argv],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=cwd,
    )


def verdicts(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if line.startswith("epoch ")]


def test_the_reference_file_agrees_on_every_epoch_phase_and_layer() -> None:
    done = command("--check", str(FILES / "reference.py"), "--headless")
    assert done.returncode == 0, done.stderr
    lines = verdicts(done.stdout)
    assert len(lines) == 20 * 8  # the default 20 epochs; 2 forward, 2 δ, 2 gradients, 2 update
    assert all(line.endswith(": ok") for line in lines)
    assert {int(m[1]) for m in map(VERDICT.match, lines) if m} == set(range(20))
    assert done.stdout.splitlines()[-1] == "# every written function agrees (4 of 4)"


def test_a_file_with_only_forward_passes_and_says_what_is_not_written() -> None:
    done = command("--check", str(FILES / "only_forward.py"), "--headless", "--epochs", "2")
    assert done.returncode == 0
    assert "epoch 1 · deltas: not written yet" in verdicts(done.stdout)
    assert done.stdout.splitlines()[-5:] == [
        "# forward: agrees with the engine in every epoch",
        "# deltas: not written yet",
        "# gradients: not written yet",
        "# update: not written yet",
        "# every written function agrees (1 of 4)",
    ]


def test_a_wrong_function_exits_1_with_the_phase_layer_entry_and_cause() -> None:
    done = command("--check", str(FILES / "no_sigma_prime.py"), "--headless", "--epochs", "3")
    assert done.returncode == 1
    assert done.stderr == ""
    wrong = [line for line in verdicts(done.stdout) if not line.endswith(": ok")]
    assert [line.split(": differs")[0] for line in wrong] == [
        f"epoch {k} · backward: δ of layer 1 · δ1" for k in range(3)
    ]
    assert "the sigmoid's derivative is missing" in wrong[0]
    assert re.search(r"\[0, 0\] is -?\d\.\d+(e-\d+)?, the engine's -?\d\.\d+", wrong[0])
    assert "# deltas: differs from epoch 0 on (δ1)" in done.stdout


def test_reduction_mean_catches_gradients_summed_over_the_rows() -> None:
    done = command(
        "--check", str(FILES / "reference.py"), "--headless", "--epochs", "1", "--reduction", "mean"
    )
    assert done.returncode == 1
    assert "summed over the 10 rows, where this run averages them" in done.stdout


def test_a_syntax_error_exits_2_with_its_line_and_nothing_is_trained() -> None:
    done = command("--check", str(FILES / "syntax_error.py"), "--headless")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == "backprop-tui: error: --check: syntax_error.py, line 4: expected ':'\n"


def test_a_time_limit_ends_a_loop_and_the_check_goes_on() -> None:
    # a loop that waits: the limit ends it as a busy one (test_check_process), for no CPU
    done = command("--check", str(FILES / "waits.py"), "--headless", "--epochs", "2")
    assert done.returncode == 1
    lines = verdicts(done.stdout)
    assert "epoch 0 · deltas: timed out: did not finish within 5 s" in lines
    assert "epoch 1 · update · W2: ok" in lines
    assert any(line.startswith("epoch 1 · deltas: timed out") for line in lines)


def test_the_students_printing_goes_to_standard_error(tmp_path: Path) -> None:
    mine = tmp_path / "mine.py"
    mine.write_text(
        (FILES / "reference.py")
        .read_text()
        .replace("    activations = [X]\n", "    print('hi')\n    activations = [X]\n")
    )
    done = command("--check", str(mine), "--headless", "--epochs", "2")
    assert done.returncode == 0
    assert done.stderr == "hi\nhi\n"
    assert "hi" not in done.stdout.split()


def test_the_template_is_a_file_that_checks_as_not_written_yet(tmp_path: Path) -> None:
    done = command("--check-template")
    assert done.returncode == 0 and done.stderr == ""
    mine = tmp_path / "mine.py"
    mine.write_text(done.stdout)
    checked = command("--check", "mine.py", "--headless", "--epochs", "1", cwd=tmp_path)
    assert checked.returncode == 0
    assert checked.stdout.splitlines()[-1] == "# every written function agrees (0 of 4)"
    assert [line.rsplit(": ", 1)[1] for line in verdicts(checked.stdout)] == ["not written yet"] * 4


@pytest.mark.parametrize(
    ("flags", "said"),
    [
        (["--optimizer", "adam"], "--check grades plain gradient descent"),
        (["--l2", "0.01"], "--check grades the loss without penalties"),
        (["--dtype", "float32"], "--check compares float64 arithmetic"),
        (["--log", "out.csv"], "--check writes no files: leave out --log"),
    ],
)
def test_a_run_the_four_functions_cannot_match_is_refused_in_one_line(
    flags: list[str], said: str
) -> None:
    done = command("--check", str(FILES / "reference.py"), "--headless", *flags)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith(f"backprop-tui: error: {said}")
    assert done.stderr.count("\n") == 1


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    done = command("--check", str(tmp_path / "nothing.py"), "--headless")
    assert done.returncode == 2
    assert done.stderr == f"backprop-tui: error: --check: {tmp_path / 'nothing.py'}: no such file\n"
    done = command("--check", str(tmp_path), "--headless")
    assert done.returncode == 2
    assert done.stderr == f"backprop-tui: error: --check: {tmp_path}: not a file (a folder?)\n"


def test_a_set_up_file_cannot_name_code_to_run(tmp_path: Path) -> None:
    setup = tmp_path / "setup.toml"
    setup.write_text(f'check = "{FILES / "reference.py"}"\n')
    done = command("--config", str(setup), "--headless")
    assert done.returncode == 2
    assert "unknown key 'check'" in done.stderr


def test_served_tabs_get_the_servers_own_check_file() -> None:
    argv = ["--serve", "--port", "8123", "--check", "mine.py", "--lr", "0.3"]
    assert serve_split(argv) == ["--check", "mine.py", "--lr", "0.3"]


def test_serve_refuses_a_check_file_that_does_not_load_before_it_listens() -> None:
    done = command("--serve", "--port", "1", "--check", str(FILES / "syntax_error.py"))
    assert done.returncode == 2
    assert done.stderr == "backprop-tui: error: --check: syntax_error.py, line 4: expected ':'\n"


def test_the_documented_example_is_the_file_the_tests_check() -> None:
    docs = (Path(__file__).parents[1] / "docs" / "check.md").read_text()
    assert f"```python\n{(FILES / 'reference.py').read_text()}```" in docs


def test_a_file_that_raises_while_loading_exits_2_in_one_line(tmp_path: Path) -> None:
    mine = tmp_path / "mine.py"
    mine.write_text("import numpy as np\n\nW = np.zeros((2, 4))\nW[3, 0] = 1\n")
    done = command("--check", str(mine), "--headless")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == (
        "backprop-tui: error: --check: mine.py raised while loading: IndexError: index 3 is "
        "out of bounds for axis 0 with size 2 (mine.py, line 4)\n"
    )


def test_a_lesson_cannot_name_code_to_run(tmp_path: Path) -> None:
    lesson = tmp_path / "lesson.toml"
    lesson.write_text(
        f'title = "t"\n[experiment]\ncheck = "{FILES / "reference.py"}"\n[[step]]\ntext = "a"\n'
    )
    done = command("--lesson", str(lesson))
    assert done.returncode == 2
    assert "unknown experiment key 'check'" in done.stderr


def test_the_app_is_handed_the_file_once_it_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, object] = {}

    def run_app(experiment: object, lesson: object = None, check_file: object = None) -> int:
        seen.update(check_file=check_file)
        return 0

    monkeypatch.setattr(app_module, "run_app", run_app)
    monkeypatch.setattr(cli, "check_terminal", lambda _: None)  # pytest's input is no terminal
    path = str(FILES / "reference.py")
    assert cli.main(["--check", path]) == 0
    assert seen == {"check_file": path}
    with pytest.raises(SystemExit) as refused:
        cli.main(["--check", str(FILES / "syntax_error.py")])
    assert refused.value.code == 2
    assert seen == {"check_file": path}  # the app never started on it


def test_ctrl_c_ends_the_check_saying_how_many_epochs_it_checked() -> None:
    """A Ctrl-C said nothing of the stop, and the summary claimed every epoch of the
    3,000 asked for after a few hundred."""
    args = ("--check", str(FILES / "reference.py"), "--headless", "--epochs", "100000")
    process = subprocess.Popen(
        [sys.executable, "-m", "tui_backprop", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    lines = []
    for line in process.stdout:  # a few epochs checked, then the stop
        lines.append(line)
        if line.startswith("epoch 3 "):
            process.send_signal(signal.SIGINT)
            break
    out, _ = process.communicate(timeout=60)
    assert process.returncode == 130
    checked = len({v.split(" · ")[0] for v in verdicts("".join(lines) + out)})
    last = checked - 1
    assert f"# Interrupted at epoch {last}: {checked:,} of 100,000 checked\n" in out
    assert f"# forward: agrees with the engine in every epoch checked ({checked:,})\n" in out
