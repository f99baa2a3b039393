"""--headless ends with the confusion matrix of the last printed epoch's predictions."""

from __future__ import annotations

import re

import pytest

from tests.test_cli import run

SCORE = re.compile(r"(Test )?Accu (\d+\.\d\d)%")


def matrix_after(lines: list[str], title: str) -> list[list[int]]:
    """The counts under ``title`` and the header of predicted class names."""
    at = lines.index(title)
    assert all(line.startswith("#") for line in lines[at:])
    return [[int(n) for n in line.split()[2:]] for line in lines[at + 2 :]]


@pytest.mark.parametrize(
    ("argv", "split", "classes"),
    [
        (["spiral3", "--epochs", "25"], "test", 3),
        (["xor", "--epochs", "7", "--batch-size", "10"], "test", 2),
        (["--epochs", "4"], "train", 2),  # the seed experiment: no test split
    ],
)
def test_the_matrix_agrees_with_the_last_epoch_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], split: str, classes: int
) -> None:
    code, lines, _ = run(capsys, "--headless", *argv)
    assert code == 0
    title = f"# Confusion matrix ({split}): rows = true class, columns = predicted"
    counts = matrix_after(lines, title)
    assert len(counts) == classes and all(len(row) == classes for row in counts)
    last = [line for line in lines if line.startswith("Epoch ")][-1]
    assert last.startswith(f"Epoch {int(argv[argv.index('--epochs') + 1]) - 1},")
    scores = {prefix: float(value) for prefix, value in SCORE.findall(last)}
    reported = scores["Test " if split == "test" else ""]
    right, total = sum(row[i] for i, row in enumerate(counts)), sum(map(sum, counts))
    assert f"{100 * right / total:.2f}" == f"{reported:.2f}"


def test_regression_prints_no_matrix(capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    data = tmp_path / "line.csv"
    data.write_text("x,y\n" + "".join(f"{i},{2 * i + 1}\n" for i in range(20)))
    code, lines, _ = run(capsys, str(data), "--headless", "--epochs", "3", "--output", "linear")
    assert code == 0 and not any("Confusion" in line for line in lines)
