"""Inputs that could exhaust memory or hang (weights files, network sizes, seeds) and
the messages for files that cannot be read: one line naming the file, exit status 2."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import warnings
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import IO

import numpy as np
import pytest

from tests.test_cli import run
from tui_backprop.engine import weights_io
from tui_backprop.engine.config import MAX_DEPTH, MAX_PARAMETERS
from tui_backprop.engine.weights_io import WeightsError, load_weights
from tui_backprop.settings import MAX_SEED, read_seed


def npy_header(shape: tuple[int, ...], descr: str = "<f8") -> bytes:
    out = io.BytesIO()
    header = {"descr": descr, "fortran_order": False, "shape": shape}
    np.lib.format.write_array_header_1_0(out, header)
    return out.getvalue()


def zip_of(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def command(*argv: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """The real command, so a hang or a memory error shows as it would to a user."""
    return subprocess.run(
        [sys.executable, "-m", "tui_backprop", "--headless", "--epochs", "1", *argv],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def assert_refused(done: subprocess.CompletedProcess[str], *needles: str) -> str:
    err = done.stderr
    assert done.returncode == 2, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert all(n in err for n in needles), err
    return err


# -- weights files ------------------------------------------------------------------------


def test_a_tiny_file_declaring_a_huge_array_is_refused_from_its_header(tmp_path: Path) -> None:
    path = zip_of(tmp_path / "huge.npz", {"W0.npy": npy_header((100_000, 100_000))})
    assert path.stat().st_size < 1000
    assert_refused(command("--load-weights", str(path)), str(path), f"{MAX_PARAMETERS:,}")


def test_weights_over_the_budget_are_never_decompressed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.npz"
    np.savez_compressed(path, W0=np.zeros((2, 600)), W1=np.zeros((600, 1)))
    monkeypatch.setattr(weights_io, "MAX_PARAMETERS", 1000)
    read: list[object] = []
    monkeypatch.setattr(np.lib.format, "read_array", lambda *a, **k: read.append(a))
    with pytest.raises(WeightsError, match=r"big\.npz: holds 1,800 weights and biases"):
        load_weights(path)
    assert read == []


@pytest.mark.parametrize(
    ("members", "needle"),
    [
        ({"W0.npy": npy_header((3,))}, "W0 has shape (3,), expected a 2-D matrix"),
        ({"W0.npy": npy_header((0, 4))}, "at least one row and column"),
        ({"W0.npy": npy_header((2, 4), "|O")}, "W0 holds object values, not real numbers"),
        ({"b0.npy": npy_header((2,), "<c16"), "W0.npy": npy_header((2, 2))}, "complex128"),
    ],
)
def test_shapes_and_types_that_cannot_be_weights_are_refused_unread(
    tmp_path: Path, members: dict[str, bytes], needle: str
) -> None:
    path = zip_of(tmp_path / "w.npz", members)  # headers only: reading any data would fail
    with pytest.raises(WeightsError) as refused:
        load_weights(path)
    assert str(refused.value).startswith(f"{path}: ") and needle in str(refused.value)


def test_members_the_app_does_not_use_are_not_read(tmp_path: Path) -> None:
    path = tmp_path / "w.npz"
    np.savez(path, W0=np.ones((2, 4)), W1=np.ones((4, 1)))
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("notes.npy", npy_header((10**9,)))
        archive.writestr("activation.npy", npy_header((10**9,), "<U8"))
    params, arch = load_weights(path)
    assert params.sizes == (2, 4, 1) and arch.activation is None


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def arrays_read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The archive members whose arrays are read from now on."""
    read: list[str] = []
    real = np.lib.format.read_array

    def noted(fh: IO[bytes], *args: object, **kwargs: object) -> object:
        read.append(getattr(fh, "name", "?"))
        return real(fh, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(np.lib.format, "read_array", noted)
    return read


@pytest.mark.parametrize(
    ("shapes", "says"),
    [
        ({"W0": (50, 1000), "W1": (1000, 1)}, "are for a 50-1000-1 network, this data"),
        ({"W0": (2, 1000), "W1": (999, 1)}, "W1 has 999 rows but W0 has 1000 columns"),
        ({"W0": (2, 1000), "W1": (1000, 1), "b0": (1000,), "b1": (2,)}, "b1 has shape (2,)"),
        ({"W0": (2, 10_001), "W1": (10_001, 1)}, "at most 10000 neurons wide"),
    ],
)
def test_weights_of_the_wrong_shape_are_refused_before_any_array_is_read(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    shapes: dict[str, tuple[int, ...]],
    says: str,
) -> None:
    path = tmp_path / "wrong.npz"
    np.savez_compressed(path, **{key: np.zeros(shape) for key, shape in shapes.items()})
    read = arrays_read(monkeypatch)
    code, _, err = run(capsys, "--headless", "--epochs", "1", "--load-weights", str(path))
    assert code == 2 and err.count("\n") == 1 and says in err and str(path) in err, err
    assert read == []


def test_weights_that_fit_are_read_once_their_headers_are_checked(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "fits.npz"
    np.savez_compressed(path, W0=np.full((2, 3), 0.1), W1=np.full((3, 1), 0.1))
    read = arrays_read(monkeypatch)
    code, _, _ = run(capsys, "--headless", "--epochs", "1", "--load-weights", str(path))
    assert code == 0 and sorted(read) == ["W0.npy", "W1.npy"]


def test_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "w.npz"
    os.mkfifo(fifo)
    assert_refused(command("--load-weights", str(fifo), timeout=30), str(fifo), "regular file")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_device_is_refused_without_numpy_advice() -> None:
    err = assert_refused(command("--load-weights", "/dev/zero"), "/dev/zero", "regular file")
    assert "pickle" not in err


def test_bytes_that_are_not_an_archive_get_no_pickle_advice(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "w.npz"
    path.write_bytes(bytes(range(256)) * 4)
    code, _, err = run(capsys, "--headless", "--load-weights", str(path))
    assert code == 2 and err.count("\n") == 1 and str(path) in err and "not a zip" in err
    assert "pickle" not in err


def test_weights_of_the_wrong_network_name_their_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "w.npz"
    np.savez(path, W0=np.zeros((3, 4)), W1=np.zeros((4, 1)))  # the seed data has 2 features
    code, _, err = run(capsys, "--headless", "--load-weights", str(path))
    assert code == 2 and err.count("\n") == 1
    assert f"error: {path}: the weights are for a 3-4-1 network" in err


def test_an_unreadable_weights_file_is_put_in_words(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "w.npz"
    np.savez(path, W0=np.zeros((2, 4)), W1=np.zeros((4, 1)))

    def denied(name: str, *_: object) -> None:
        raise PermissionError(13, "Permission denied", name)

    monkeypatch.setattr(weights_io, "open", denied, raising=False)
    code, _, err = run(capsys, "--headless", "--load-weights", str(path))
    assert code == 2 and err.count("\n") == 1
    assert f"cannot read {path}: permission denied" in err and "Errno" not in err


# -- network size -------------------------------------------------------------------------


def test_a_network_over_the_parameter_budget_is_one_line_with_its_memory() -> None:
    err = assert_refused(command("--layers", "10000,10000,10000,10000,10000"), "parameters")
    assert "400,030,000" in err and "3.2 GB" in err and f"{MAX_PARAMETERS:,}" in err


@pytest.mark.parametrize(
    ("argv", "says", "not_says"),
    [
        (["--layers", "10001"], "10000 neurons", "init scale"),
        (["--init-scale", "1e9"], "init scale", "hidden layer"),
    ],
)
def test_each_limit_has_its_own_message(
    capsys: pytest.CaptureFixture[str], argv: list[str], says: str, not_says: str
) -> None:
    code, _, err = run(capsys, "--headless", *argv)
    assert code == 2 and err.count("\n") == 1 and says in err and not_says not in err


TOO_DEEP = ",".join(["1"] * (MAX_DEPTH + 1))
DEPTH_LIMIT = f"at most {MAX_DEPTH} hidden layers"


@pytest.mark.parametrize("route", ["--layers", "--config", "--lesson"])
def test_a_network_deeper_than_the_limit_is_refused_from_every_route(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    route: str,
) -> None:
    monkeypatch.setattr("tui_backprop.ui.app.run_app", lambda *_: 0)  # a lesson is for the app
    layers = "[" + TOO_DEEP + "]"
    if route == "--config":
        (tmp_path / "deep.toml").write_text(f'dataset = "xor"\nlayers = {layers}\n')
        argv = ["--headless", "--config", str(tmp_path / "deep.toml")]
    elif route == "--lesson":
        lesson = f'title = "deep"\n[experiment]\nlayers = {layers}\n[[step]]\ntext = "x"\n'
        (tmp_path / "deep.toml").write_text(lesson)
        argv = ["--lesson", str(tmp_path / "deep.toml")]
    else:
        argv = ["--headless", "--layers", TOO_DEEP]
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == [] and err.count("\n") == 1, err
    assert DEPTH_LIMIT in err and f"not {MAX_DEPTH + 1}" in err
    assert ("deep.toml" in err) == (route != "--layers")  # a file's problem names it


def test_the_settings_screen_refuses_a_network_deeper_than_the_limit() -> None:
    from tui_backprop.experiment import Experiment
    from tui_backprop.settings import SEED_PRESET
    from tui_backprop.ui.model.reconfigure import apply

    experiment = Experiment.build(SEED_PRESET)
    deeper = replace(SEED_PRESET, hidden=(1,) * (MAX_DEPTH + 1))
    with pytest.raises(ValueError, match=DEPTH_LIMIT):
        apply(experiment, deeper)


def test_a_weights_file_deeper_than_the_limit_is_refused_with_its_name(tmp_path: Path) -> None:
    one = npy_header((1, 1)) + b"\0" * 8
    members = {f"W{i}.npy": one for i in range(MAX_DEPTH + 2)}
    path = zip_of(tmp_path / "deep.npz", members)
    assert_refused(command("--load-weights", str(path)), str(path), DEPTH_LIMIT)


# -- values a float32 run cannot hold ------------------------------------------------------


def test_csv_values_too_large_for_float32_are_refused_with_line_and_column(
    tmp_path: Path,
) -> None:
    data = tmp_path / "big.csv"
    data.write_text("a,b,y\n0,0,0\n0,9.9e99,1\n1,0,1\n1,1,0\n")
    done = command(str(data), "--dtype", "float32", "--no-standardize")
    err = assert_refused(done, str(data), "line 3, column 'b'", "9.9e99")
    assert "Warning" not in err
    standardised = command(str(data), "--dtype", "float32")  # small once standardised
    assert standardised.returncode == 0 and standardised.stderr == ""


def test_weights_too_large_for_float32_are_refused_with_file_and_array(tmp_path: Path) -> None:
    path = tmp_path / "w.npz"
    np.savez(path, W0=np.full((2, 4), 0.1), W1=np.full((4, 1), 1e200))
    err = assert_refused(command("--load-weights", str(path), "--dtype", "float32"), str(path))
    assert "W1 holds 1e+200" in err and "float32" in err and "Warning" not in err


def test_values_beyond_float32_never_warn_whatever_the_route() -> None:
    from tui_backprop.engine import Problem, TrainConfig, Trainer
    from tui_backprop.engine.trainer import ConfigError

    x = np.array([[0.0, 1e300], [1.0, 0.0]])
    problem = Problem(x, np.array([0, 1]), None, None)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ConfigError, match="beyond what float32 can hold"):
            Trainer(TrainConfig(dtype="float32"), problem)


# -- seeds ----------------------------------------------------------------------------------


def test_a_seed_with_thousands_of_digits_is_too_large_not_not_a_number(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(capsys, "--headless", "--seed", "9" * 5000)
    assert code == 2 and err.count("\n") == 1 and len(err) < 200
    assert "too large" in err and "not a number" not in err


def test_seeds_go_up_to_two_to_the_63_minus_one() -> None:
    assert read_seed(str(MAX_SEED)) == MAX_SEED == 2**63 - 1
    with pytest.raises(ValueError, match=r"too large: at most 2\*\*63 - 1"):
        read_seed(str(MAX_SEED + 1))


# -- opening a CSV from the app -------------------------------------------------------------


def test_opening_an_unreadable_csv_in_the_app_says_it_in_words(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tui_backprop.experiment import Experiment
    from tui_backprop.settings import SEED_PRESET
    from tui_backprop.ui.model import experiment_files

    def denied(path: str, **options: object) -> None:
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(experiment_files, "load_csv", denied)
    with pytest.raises(ValueError) as refused:
        experiment_files.open_csv(Experiment.build(SEED_PRESET), "data/x.csv")
    assert str(refused.value) == "cannot read data/x.csv: permission denied"
