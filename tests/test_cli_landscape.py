"""``--landscape FILE.csv``: a headless run writes the loss landscape around its last
weights and its path on that plane; a bad path is refused before anything trains."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from tui_backprop.cli import main
from tui_backprop.engine.landscape import GRID, flat_params, pca_directions, project
from tui_backprop.experiment import Experiment
from tui_backprop.settings import resolve


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as stop:
        raise SystemExit(main(list(argv)))
    out, err = capsys.readouterr()
    return int(stop.value.code or 0), out, err


def test_the_file_holds_the_grid_and_the_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "land.csv"
    code, out, _ = run(capsys, "xor", "--headless", "--epochs", "30", "--landscape", str(target))
    assert code == 0 and "Epoch 29," in out
    with target.open(newline="") as f:
        rows = list(csv.DictReader(f))
    grid = [r for r in rows if r["part"] == "grid"]
    path = [r for r in rows if r["part"] == "path"]
    assert len(grid) == GRID * GRID
    assert [int(r["epochs_done"]) for r in path][-1] == 30
    assert float(path[-1]["a"]) == 0 and float(path[-1]["b"]) == 0
    # the same run in the app's trainer: its path on the same plane
    trainer = Experiment.build(resolve("xor", {})).trainer
    for _ in range(30):
        trainer.train_epoch()
    centre = flat_params(trainer.params)
    weights = np.array([flat_params(trainer.state_at(int(r["epochs_done"])).params) for r in path])
    directions = pca_directions(weights, centre, trainer.params)
    expected = project(weights, centre, directions.vectors)
    written = np.array([[float(r["a"]), float(r["b"])] for r in path])
    np.testing.assert_allclose(written, expected, atol=1e-9)
    middle = grid[len(grid) // 2]
    assert float(middle["a"]) == 0 and float(middle["b"]) == 0
    assert float(middle["loss"]) == pytest.approx(
        trainer.evaluate(trainer.params, *trainer.training_arrays())[0], rel=1e-5
    )


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--landscape", "x.csv"], "--landscape goes with --headless"),
        (
            ["--headless", "--landscape", "no/such/x.csv"],
            "--landscape: no/such/x.csv: no such folder no/such",
        ),
        (["--headless", "--landscape", "."], "--landscape: . exists and is not a regular file"),
        (
            ["--headless", "--landscape", "a.csv", "--log", "a.csv"],
            "--log and --landscape name one file",
        ),
    ],
)
def test_a_bad_path_is_one_line_before_training(
    argv: list[str],
    said: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "xor", "--epochs", "3", *argv)
    assert code == 2 and out == ""
    assert err.strip().splitlines()[-1].endswith(said)
    assert not list(tmp_path.iterdir())
