"""The backprop-tui command line, run in-process through ``main`` and as a real command."""

from __future__ import annotations

import csv
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.reference_blog import dataset_arrays, train
from tui_backprop.cli import main

EPOCH_LINE = re.compile(r"^Epoch (\d+), Accu (\d+\.\d\d)%, Loss (\d+\.\d{6})$")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str], str]:
    with pytest.raises(SystemExit) as stop:
        raise SystemExit(main(list(argv)))
    out, err = capsys.readouterr()
    return int(stop.value.code or 0), out.splitlines(), err


def epoch_lines(lines: list[str]) -> list[str]:
    return [line for line in lines if not line.startswith("#")]


def test_headless_seed_prints_twenty_epochs_in_the_reference_format(capsys):
    code, lines, err = run(capsys, "--headless")
    assert code == 0 and err == ""
    epochs = epoch_lines(lines)
    assert len(epochs) == 20
    matches = [EPOCH_LINE.match(line) for line in epochs]
    assert all(matches), epochs
    assert [int(m[1]) for m in matches if m] == list(range(20))
    # Tiny initial weights: the first forward pass outputs ~0.5 everywhere.
    assert abs(float(matches[0][3]) - np.log(2)) < 0.01  # type: ignore[index]
    # The default seed replays the exercise's published run.
    accuracies = [float(m[2]) for m in matches if m]
    assert accuracies == [50.0, 50.0, 70.0] + [100.0] * 17
    assert any("layers 2-4-1" in line and "no bias" in line for line in lines)


def test_saved_weights_equal_the_reference_algorithm_from_the_same_start(capsys, tmp_path: Path):
    start, after = tmp_path / "start.npz", tmp_path / "after.npz"
    w0 = np.random.default_rng(7).uniform(-0.1, 0.1, (2, 4))
    w1 = np.random.default_rng(8).uniform(-0.1, 0.1, (4, 1))
    np.savez(start, W0=w0, W1=w1)  # a plain file: only W arrays, no metadata
    code, lines, _ = run(
        capsys,
        "--headless",
        "--epochs",
        "37",
        "--load-weights",
        str(start),
        "--save-weights",
        str(after),
    )
    assert code == 0
    x, labels = dataset_arrays()
    expected, accuracies = train([w0, w1], x, labels, epochs=37)
    with np.load(after, allow_pickle=False) as saved:
        assert set(saved.files) >= {"W0", "W1", "layer_sizes", "activation", "output"}
        for i, w in enumerate(expected):
            np.testing.assert_allclose(saved[f"W{i}"], w, rtol=0, atol=1e-12)
        assert list(saved["layer_sizes"]) == [2, 4, 1]
    printed = [float(EPOCH_LINE.match(line)[2]) for line in epoch_lines(lines)]  # type: ignore[index]
    assert printed == [round(a * 100, 2) for a in accuracies]


def test_weights_file_rebuilds_its_architecture(capsys, tmp_path: Path):
    saved = tmp_path / "w.npz"
    code, _, _ = run(
        capsys,
        "xor",
        "--headless",
        "--epochs",
        "3",
        "--layers",
        "5,3",
        "--activation",
        "relu",
        "--save-weights",
        str(saved),
    )
    assert code == 0
    code, lines, _ = run(capsys, "xor", "--headless", "--epochs", "1", "--load-weights", str(saved))
    assert code == 0
    assert any("layers 2-5-3-1" in line and "relu/sigmoid" in line for line in lines)


def test_log_writes_one_row_per_epoch(capsys, tmp_path: Path):
    log = tmp_path / "m.csv"
    code, lines, _ = run(capsys, "xor", "--headless", "--epochs", "4", "--log", str(log))
    assert code == 0
    with log.open() as f:
        rows = list(csv.DictReader(f))
    assert [r["epoch"] for r in rows] == ["0", "1", "2", "3"]
    assert set(rows[0]) == {"epoch", "loss", "accuracy", "test_loss", "test_accuracy"}
    first = epoch_lines(lines)[0]
    assert f"Loss {float(rows[0]['loss']):.6f}" in first
    assert f"Test Loss {float(rows[0]['test_loss']):.6f}" in first


def test_standard_preset_reports_test_figures_and_softmax_for_three_classes(capsys):
    code, lines, _ = run(capsys, "spiral3", "--headless", "--epochs", "2")
    assert code == 0
    assert any("softmax" in line and "test 20%" in line for line in lines)
    assert re.match(
        r"^Epoch 0, Accu .*%, Loss .*, Test Accu .*%, Test Loss \d", epoch_lines(lines)[0]
    )


def test_regression_prints_rmse_and_r2(capsys, tmp_path: Path):
    data = tmp_path / "reg.csv"
    x = np.linspace(-1, 1, 60)
    rows = "\n".join(f"{a:.6f},{3 * a + 0.5:.6f}" for a in x)
    data.write_text("x,y\n" + rows + "\n")
    code, lines, err = run(capsys, str(data), "--headless", "--epochs", "30", "--output", "linear")
    assert code == 0, err
    first, last = epoch_lines(lines)[0], epoch_lines(lines)[-1]
    assert re.match(r"^Epoch 0, RMSE \d+\.\d{6}, R2 -?\d+\.\d{6}, Loss", first)
    rmse = [float(re.search(r"RMSE (\S+),", line)[1]) for line in (first, last)]  # type: ignore[index]
    assert rmse[1] < rmse[0]


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--lr", "abc"], "--lr"),
        (["--lr", "-1"], "--lr"),
        (["--layers", "4,x"], "--layers"),
        (["--layers", "0"], "--layers"),
        (["--activation", "swish"], "--activation"),
        (["--test-split", "1.5"], "--test-split"),
        (["--epochs", "-3"], "--epochs"),
        (["--nonsense"], "--nonsense"),
        (["no_such_file.csv"], "no_such_file.csv"),
        (["--load-weights", "missing.npz"], "missing.npz"),
        (["--output", "softmax", "--preset", "seed", "--layers", "3"], None),
        (["spiral3", "--output", "sigmoid"], "sigmoid"),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, argv: list[str], needle: str | None):
    code, _, err = run(capsys, "--headless", *argv)
    if needle is None:  # softmax on the two seed classes is allowed: it must train
        assert code == 0
        return
    assert code == 2
    assert len(err.strip().splitlines()) == 1, err
    assert needle in err and "Traceback" not in err
    assert err.startswith("backprop-tui: error: ")


def test_weights_that_do_not_fit_the_data_are_refused(capsys, tmp_path: Path):
    bad = tmp_path / "bad.npz"
    np.savez(bad, W0=np.zeros((3, 4)), W1=np.zeros((4, 1)))
    code, _, err = run(capsys, "--headless", "--load-weights", str(bad))
    assert code == 2 and "2-4-1" in err and "3-4-1" in err
    pickled = tmp_path / "obj.npz"
    np.savez(pickled, W0=np.array([object()], dtype=object))
    code, _, err = run(capsys, "--headless", "--load-weights", str(pickled))
    assert code == 2 and "obj.npz" in err


def test_unwritable_outputs_exit_2(capsys, tmp_path: Path):
    code, _, err = run(
        capsys, "--headless", "--epochs", "1", "--log", str(tmp_path / "no" / "m.csv")
    )
    assert code == 2 and "m.csv" in err


def test_divergence_is_reported_not_raised(capsys):
    code, lines, err = run(capsys, "--headless", "--lr", "1e308", "--epochs", "10")
    assert code == 0 and "Traceback" not in err
    assert any(line.startswith("# Diverged at epoch") for line in lines)


def _modules_after(args: list[str]) -> set[str]:
    code = (
        "import sys\nfrom tui_backprop.cli import main\n"
        f"try:\n    main({args!r})\nexcept SystemExit:\n    pass\n"
        "print(' '.join(sorted(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(done.stdout.splitlines()[-1].split())


@pytest.mark.parametrize("args", [["--help"], ["--headless", "--epochs", "1"]])
def test_help_and_headless_do_not_import_textual(args: list[str]):
    loaded = _modules_after(args)
    assert "textual" not in loaded and "plotext" not in loaded
    if args == ["--help"]:
        assert "numpy" not in loaded


def test_runs_as_a_module():
    done = subprocess.run(
        [sys.executable, "-m", "tui_backprop", "--headless", "--epochs", "2"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert [line for line in done.stdout.splitlines() if line.startswith("Epoch")][-1].startswith(
        "Epoch 1,"
    )


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--init-scale", "1e308"], "init scale"),
        (["--layers", "100000000"], "10000 neurons"),
        (["--seed", "-1"], "--seed"),
    ],
)
def test_values_too_large_or_negative_are_refused(capsys, argv: list[str], needle: str):
    code, _, err = run(capsys, "--headless", *argv)
    assert code == 2 and needle in err and len(err.strip().splitlines()) == 1


def test_weights_files_that_are_not_real_number_archives_are_refused(capsys, tmp_path: Path):
    single, complex_w = tmp_path / "w.npy", tmp_path / "c.npz"
    np.save(single, np.zeros(3))
    np.savez(complex_w, W0=np.zeros((2, 4), complex), W1=np.zeros((4, 1)))
    for path, needle in ((single, "a single array"), (complex_w, "complex128")):
        code, _, err = run(capsys, "--headless", "--load-weights", str(path))
        assert code == 2 and needle in err and err.count("\n") == 1, err


def test_epoch_lines_are_epoch_line_of_every_epoch() -> None:
    from tui_backprop.engine.history import MetricsLog
    from tui_backprop.engine.records import EpochMetrics
    from tui_backprop.experiment import epoch_line, epoch_lines

    odd = [0.0, -0.0, 1e-7, 0.005, 0.125, 2.5e300, math.inf, -math.inf, math.nan, 1 / 3]
    logs = [MetricsLog(), MetricsLog(), MetricsLog()]
    for i, v in enumerate(odd):
        w = odd[-1 - i]
        logs[0].append(EpochMetrics(i, loss=v, accuracy=i / 10, grad_norms=(1.0,)))
        logs[1].append(EpochMetrics(i, v, None, w, v, w, None, v, w, grad_norms=(1.0, v)))
        logs[2].append(EpochMetrics(i, v, i / 7, None, None, w, 1 - i / 9, grad_norms=()))
    for log in logs:
        want = "".join(epoch_line(m) + "\n" for m in log)
        assert epoch_lines(log, 0, len(log)) == want
        assert epoch_lines(log, 3, 7) == "".join(epoch_line(m) + "\n" for m in log[3:7])


@pytest.mark.parametrize(
    ("cores", "mine", "expected"), [(2, None, "1"), (8, None, "7"), (2, "2", "2")]
)
def test_the_app_leaves_a_core_for_the_screen_and_headless_does_not(
    monkeypatch: pytest.MonkeyPatch, cores: int, mine: str | None, expected: str
) -> None:
    """Before NumPy loads, the app caps its matrix library at every core but one (a
    user's own setting wins); a headless run keeps them all."""
    import tui_backprop.ui.app as app_module
    from tui_backprop import cli

    seen: dict[str, str | None] = {}
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: set(range(cores)), raising=False)
    monkeypatch.setattr(app_module, "run_app", lambda *_: seen.update(cli_env()) or 0)
    monkeypatch.setattr(cli, "check_terminal", lambda _: None)  # pytest's input is no terminal
    for name in cli.BLAS_THREADS:
        monkeypatch.delenv(name, raising=False)
        if mine is not None:
            monkeypatch.setenv(name, mine)
    assert cli.main(["--headless", "--epochs", "1"]) == 0
    assert cli_env() == dict.fromkeys(cli.BLAS_THREADS, mine)
    assert cli.main([]) == 0
    assert seen == dict.fromkeys(cli.BLAS_THREADS, expected)


def cli_env() -> dict[str, str | None]:
    from tui_backprop.cli import BLAS_THREADS

    return {name: os.environ.get(name) for name in BLAS_THREADS}
