"""A headless run stopped from outside, run as the real command: Ctrl-C and SIGTERM end
it after the current epochs with its files written, a closed pipe ends it quietly, and a
standard output that cannot be written is one line on stderr."""

from __future__ import annotations

import fcntl
import os
import re
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import numpy as np
import pytest

from tui_backprop.engine.weights_io import load_weights

ROOT = Path(__file__).resolve().parents[1]
FOREVER = ["xor", "--headless", "--epochs", "100000000"]
STARTED: list[subprocess.Popen[str]] = []  # this test's commands, killed when it ends


@pytest.fixture(autouse=True)
def _no_run_left() -> object:
    """A test that fails half-way leaves no endless run behind (it would take a core from
    every test after it)."""
    yield
    while STARTED:
        proc = STARTED.pop()
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def start(*argv: str, cwd: Path, module: bool = True, **kwargs: object) -> subprocess.Popen[str]:
    """The command (or, with ``module=False``, Python with these arguments)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = ["-m", "tui_backprop"] if module else []
    proc: subprocess.Popen[str] = subprocess.Popen(  # type: ignore[call-overload]
        [sys.executable, *command, *argv],
        cwd=cwd,
        env=env,
        text=True,
        stdout=kwargs.pop("stdout", subprocess.PIPE),
        stderr=subprocess.PIPE,
        **kwargs,
    )
    STARTED.append(proc)
    return proc


def first_epoch_line(proc: subprocess.Popen[str]) -> list[str]:
    """The lines printed up to the first epoch line (which is the last of them). Read a
    byte at a time from the pipe itself: a buffered read would keep later lines where
    ``communicate`` does not look."""
    assert proc.stdout is not None
    lines = [_line(proc.stdout.fileno())]
    while not lines[-1].startswith("Epoch "):
        assert lines[-1], "the run ended before printing an epoch"
        lines.append(_line(proc.stdout.fileno()))
    return lines


def _line(fd: int) -> str:
    line = b""
    while not line.endswith(b"\n"):
        byte = os.read(fd, 1)
        if not byte:
            break
        line += byte
    return line.decode()


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize(
    ("signum", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)]
)
def test_a_signal_stops_after_the_current_epochs_and_writes_the_files(
    tmp_path: Path, signum: int, status: int
) -> None:
    proc = start(*FOREVER, "--log", "log.csv", "--save-weights", "w.npz", cwd=tmp_path)
    lines = first_epoch_line(proc)
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == status and err == ""
    lines = "".join([*lines, out]).splitlines()
    last = re.match(r"Epoch (\d+),", [line for line in lines if line.startswith("Epoch")][-1])
    assert last and "# Confusion matrix" in "".join(lines[-5:]), lines[-6:]
    epoch = int(last[1])
    assert lines[-1] == f"# Interrupted at epoch {epoch}"
    log = (tmp_path / "log.csv").read_text(encoding="utf-8").splitlines()
    assert log[0].startswith("epoch,loss") and len(log) == epoch + 2
    assert log[-1].startswith(f"{epoch},")
    params, _ = load_weights(tmp_path / "w.npz")
    assert all(np.isfinite(w).all() for w in params.weights)
    assert leftovers(tmp_path) == []


WRITER = """
import signal
from tui_backprop.cli import _write_all
signal.signal(signal.SIGINT, lambda *_: None)  # as a headless run notes Ctrl-C
_write_all("ready\\n")
_write_all("".join(f"line {i:06d} {'x' * 60}\\n" for i in range(3000)))
"""


def test_a_signal_while_a_write_waits_on_a_full_pipe_loses_nothing(tmp_path: Path) -> None:
    """The reader falls behind until the writer is blocked on a full pipe; the signal
    that interrupts that write must not drop the rest of it (Python's buffered stdout
    does: the bytes it still held were lost)."""
    proc = start("-c", WRITER, cwd=tmp_path, module=False)
    assert proc.stdout is not None
    assert _line(proc.stdout.fileno()) == "ready\n"
    wait_until_full(proc.stdout.fileno())
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert err == "" and proc.returncode == 0
    assert out.splitlines() == [f"line {i:06d} {'x' * 60}" for i in range(3000)]


def wait_until_full(fd: int) -> None:
    """Wait until the pipe holds over half of what it can and stops growing: the writer
    is then blocked in a write (a pipe fills page by page, so "full" is below its size)."""
    half = fcntl.fcntl(fd, fcntl.F_GETPIPE_SZ) // 2
    deadline, held = time.monotonic() + 30, -1
    while (now := struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0" * 4))[0]) != held:
        assert time.monotonic() < deadline, "the pipe never filled"
        held = now if now > half else -1
        time.sleep(0.3)


def test_a_signal_is_answered_within_a_fraction_of_a_second(tmp_path: Path) -> None:
    """A slow network: the chunks of epochs between looks at the signal stay short."""
    proc = start(
        "spiral3", "--headless", "--epochs", "100000000", "--layers", "256,256", cwd=tmp_path
    )
    first_epoch_line(proc)
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=2)
    assert proc.returncode == 130


def test_a_closed_pipe_ends_the_run_quietly(tmp_path: Path) -> None:
    """As ``backprop-tui --headless … | head``: exit status 141, as for a tool that a
    closed pipe ended, and nothing on stderr; the log of the epochs done is written."""
    proc = start(*FOREVER, "--log", "log.csv", cwd=tmp_path)
    first_epoch_line(proc)
    assert proc.stdout is not None
    proc.stdout.close()
    assert proc.stderr is not None
    err = proc.stderr.read()
    proc.stderr.close()
    proc.wait(timeout=30)
    assert proc.returncode == 141 and err == ""
    assert (tmp_path / "log.csv").read_text(encoding="utf-8").startswith("epoch,loss")
    assert leftovers(tmp_path) == []


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_an_unwritable_standard_output_is_one_line_on_stderr(tmp_path: Path) -> None:
    with open("/dev/full", "w") as full:
        proc = start("xor", "--headless", "--epochs", "3000", cwd=tmp_path, stdout=full)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert err.splitlines() == [
        "backprop-tui: error: cannot write to standard output: No space left on device"
    ]


def test_ctrl_c_while_the_data_loads_is_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui_backprop import cli
    from tui_backprop.experiment import Experiment

    def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(Experiment, "build", interrupted)
    with pytest.raises(SystemExit) as stopped:
        cli.main(["xor", "--headless"])
    assert stopped.value.code == 130
    assert capsys.readouterr().err == "backprop-tui: interrupted while loading\n"


def wait_for_numpy(pid: int) -> None:
    """Until the process has begun importing NumPy (its extension module is mapped)."""
    maps = Path(f"/proc/{pid}/maps")
    deadline = time.monotonic() + 20
    while "_multiarray_umath" not in maps.read_text():
        assert time.monotonic() < deadline, "NumPy was never imported"


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs /proc")
@pytest.mark.parametrize("attempt", range(4))
def test_ctrl_c_while_numpy_is_imported_is_one_line(tmp_path: Path, attempt: int) -> None:
    proc = start(*FOREVER, cwd=tmp_path)
    wait_for_numpy(proc.pid)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert err == "backprop-tui: interrupted\n" or (  # or the run had begun: its own ending
        err == "" and out.endswith("\n") and "# Interrupted at epoch" in out
    ), err


@pytest.mark.parametrize("ignored", [signal.SIGHUP, signal.SIGINT])
def test_a_signal_ignored_when_the_run_started_stays_ignored(
    tmp_path: Path, ignored: signal.Signals
) -> None:
    """`nohup` (SIGHUP) and a shell script's background job (SIGINT) start the run with
    the signal ignored: it keeps training through it, and SIGTERM still stops it well."""
    proc = start(*FOREVER, cwd=tmp_path, preexec_fn=lambda: signal.signal(ignored, signal.SIG_IGN))
    first_epoch_line(proc)
    proc.send_signal(ignored)
    with pytest.raises(subprocess.TimeoutExpired):
        proc.wait(timeout=1.0)  # still training
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 143 and err == ""
    assert "# Interrupted at epoch" in out


# The import of the command, interrupted: what a Ctrl-C in its first tenths of a second
# does, made certain (the console script called cli.main, whose import it could not guard).
INTERRUPTED_IMPORT = """
import builtins, sys
real = builtins.__import__
def interrupting(name, *args, **kwargs):
    if name == "tui_backprop.cli":
        raise KeyboardInterrupt
    return real(name, *args, **kwargs)
builtins.__import__ = interrupting
from importlib.metadata import entry_points
(script,) = [e for e in entry_points(group="console_scripts") if e.name == "backprop-tui"]
sys.exit(script.load()())
"""


def test_ctrl_c_while_the_command_is_imported_is_one_line(tmp_path: Path) -> None:
    proc = start("-c", INTERRUPTED_IMPORT, cwd=tmp_path, module=False)
    out, err = proc.communicate(timeout=30)
    assert (proc.returncode, out, err) == (130, "", "backprop-tui: interrupted\n")
