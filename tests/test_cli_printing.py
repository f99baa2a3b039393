"""What --headless prints, read from the real command: large metrics in scientific
notation, the confusion matrix's predicted classes named over its columns, and the data
file named once."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tui_backprop.experiment import Experiment, epoch_lines
from tui_backprop.settings import resolve

NUMBER = re.compile(r"(Accu|RMSE|R2|Loss) (\S+?)%?(?:,|$)")
FIXED = re.compile(r"-?\d{1,6}\.\d+")
SCIENTIFIC = re.compile(r"-?\d\.\d{6}e[+-]\d\d+")


def headless(*argv: str, cwd: Path | None = None) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-m", "tui_backprop", "--headless", *argv],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    return done.stdout.splitlines()


def test_a_diverging_runs_large_losses_print_in_scientific_notation() -> None:
    lines = headless("spiral3", "--lr", "100", "--activation", "relu", "--epochs", "8")
    values = [
        value for line in lines if line.startswith("Epoch") for _, value in NUMBER.findall(line)
    ]
    assert len(values) == 8 * 4
    large = [v for v in values if float(v) >= 1e6]
    assert large and all(SCIENTIFIC.fullmatch(v) for v in large)
    assert all(FIXED.fullmatch(v) for v in values if abs(float(v)) < 1e6)
    assert max(map(len, values)) <= len("-1.234567e+100")


def test_large_and_small_metrics_print_alike_in_a_stretch_and_line_by_line() -> None:
    experiment = Experiment.build(resolve("spiral3", {"lr": 100.0, "activation": "relu"}))
    trainer = experiment.trainer
    for _ in range(8):
        trainer.train_epoch()
    history = trainer.history
    whole = epoch_lines(history, 0, 8)
    assert whole == "".join(epoch_lines(history, k, k + 1) for k in range(8))
    assert "e+" in whole and "Loss 1." in epoch_lines(history, 0, 1)  # the start: fixed


def test_the_confusion_matrix_names_the_predicted_classes_over_its_columns(tmp_path: Path) -> None:
    rows = [
        f"{x},{y},{name}"
        for x, y, name in ((i % 7, i % 5, ["cat", "dog", "eel"][i % 3]) for i in range(60))
    ]
    (tmp_path / "pets.csv").write_text("a,b,pet\n" + "\n".join(rows) + "\n")
    lines = headless("pets.csv", "--epochs", "3", cwd=tmp_path)
    at = next(i for i, line in enumerate(lines) if line.startswith("# Confusion matrix"))
    header, *counts = lines[at + 1 :]
    assert header.split() == ["#", "cat", "dog", "eel"]
    assert [line.split()[1] for line in counts] == ["cat", "dog", "eel"]
    # each name stands over its own column of counts
    for name in ("cat", "dog", "eel"):
        end = header.index(name) + len(name)
        assert all(line[end - 1].isdigit() for line in counts)
    assert lines[0] == "# pets.csv: 60 rows"  # the file named once


def test_a_file_in_a_folder_is_named_by_its_path(tmp_path: Path) -> None:
    folder = "data"
    (tmp_path / folder).mkdir()
    (tmp_path / folder / "two.csv").write_text(
        "a,b,y\n" + "".join(f"{i},{i % 3},{i % 2}\n" for i in range(20))
    )
    assert (
        headless(f"{folder}/two.csv", "--epochs", "1", cwd=tmp_path)[0]
        == f"# {folder}/two.csv: 20 rows"
    )
    assert headless("seed", "--epochs", "1")[0] == "# seed (built-in): 10 rows"
