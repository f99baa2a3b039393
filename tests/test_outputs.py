"""Output files: written whole or not at all, refused before a run when they would
overwrite its inputs or cannot be written, numbered in the app instead of overwritten;
and a headless run whose memory stays flat however many epochs it trains."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
import tracemalloc
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from tests.helpers import SIZE, app_of, press
from tui_backprop import experiment as experiment_module
from tui_backprop.cli import main
from tui_backprop.engine.weights_io import load_weights
from tui_backprop.experiment import Experiment, epoch_line, epoch_lines
from tui_backprop.output_files import atomic_write, claim, release
from tui_backprop.settings import SEED_PRESET, resolve
from tui_backprop.ui.model.experiment_files import save_paths
from tui_backprop.ui.model.export import export_paths

LESSONS = Path(experiment_module.__file__).parent / "lessons"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, list[str]]:
    with pytest.raises(SystemExit) as stop:
        raise SystemExit(main(list(argv)))
    out, err = capsys.readouterr()
    return int(stop.value.code or 0), out, err.splitlines()


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


# -- atomic writes -----------------------------------------------------------------------


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_bytes(b"old contents")
    with pytest.raises(RuntimeError), atomic_write(target, "w") as f:
        f.write("half of the new")
        raise RuntimeError("the writer failed midway")
    assert target.read_bytes() == b"old contents"
    assert leftovers(tmp_path) == []


def test_a_new_file_gets_the_usual_permissions_and_a_replaced_one_keeps_its_own(
    tmp_path: Path,
) -> None:
    before = os.umask(0o022)
    try:
        with atomic_write(tmp_path / "new.npz") as f:
            f.write(b"x")
    finally:
        os.umask(before)
    assert stat.S_IMODE((tmp_path / "new.npz").stat().st_mode) == 0o644
    kept = tmp_path / "kept.csv"
    kept.write_text("old")
    kept.chmod(0o600)
    with atomic_write(kept, "w") as f:
        f.write("new")
    assert kept.read_text() == "new" and stat.S_IMODE(kept.stat().st_mode) == 0o600


def test_saving_weights_or_the_log_that_fails_midway_keeps_the_previous_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exp = Experiment.build(SEED_PRESET)
    exp.trainer.train_epochs(3)
    weights, log = tmp_path / "w.npz", tmp_path / "log.csv"
    weights.write_bytes(b"earlier weights")
    log.write_bytes(b"earlier log")

    def fail_midway(target: object, *_: object) -> None:
        target.write(b"PK\x03\x04 part of a zip")  # type: ignore[attr-defined]
        raise OSError(28, "No space left on device")

    def log_fails_midway(self: experiment_module.MetricsCsv, *_: object) -> None:
        self._writer.writerow(["epoch", "loss"])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(experiment_module, "save_weights", fail_midway)
    monkeypatch.setattr(experiment_module.MetricsCsv, "add", log_fails_midway)
    with pytest.raises(OSError):
        exp.save_weights(weights)
    with pytest.raises(OSError):
        exp.write_log(log)
    assert weights.read_bytes() == b"earlier weights" and log.read_bytes() == b"earlier log"
    assert leftovers(tmp_path) == []


def test_headless_outputs_that_fail_at_the_end_keep_the_previous_files(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    weights = tmp_path / "w.npz"
    weights.write_bytes(b"earlier weights")

    def no_space(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    code, _, err = run(capsys, "--headless", "--epochs", "5", "--save-weights", str(weights))
    assert code == 2
    assert err == [f"backprop-tui: error: cannot write {weights}: No space left on device"]
    assert weights.read_bytes() == b"earlier weights"
    assert leftovers(tmp_path) == []


def with_file_size_limit(limit: int) -> Callable[[], None]:
    """What ``ulimit -f`` does in a shell: writes past ``limit`` bytes fail with EFBIG
    (SIGXFSZ is ignored, as Python itself and a shell's child do)."""

    def limit_child() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return limit_child


@pytest.mark.parametrize("flag", ["--save-weights", "--log"])
def test_a_write_cut_by_a_file_size_limit_is_one_line_and_keeps_the_old_file(
    tmp_path: Path, flag: str
) -> None:
    old = tmp_path / "big.out"
    old.write_bytes(b"the earlier file, whole")
    argv = ["--headless", "--epochs", "2000", "--layers", "64,64", flag, old.name]
    done = subprocess.run(
        [sys.executable, "-m", "tui_backprop", *argv],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        preexec_fn=with_file_size_limit(4096),
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr == "backprop-tui: error: cannot write big.out: File too large\n"
    assert old.read_bytes() == b"the earlier file, whole"
    assert leftovers(tmp_path) == []


def test_the_log_is_the_same_streamed_or_written_at_once(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, _ = run(capsys, "xor", "--headless", "--epochs", "3000", "--log", str(tmp_path / "h"))
    assert code == 0
    exp = Experiment.build(resolve("xor", {}))
    exp.trainer.train_epochs(3000)
    exp.write_log(tmp_path / "app")
    assert (tmp_path / "h").read_bytes() == (tmp_path / "app").read_bytes()


# -- outputs refused before the run --------------------------------------------------------


def test_an_output_that_is_the_dataset_is_refused_and_nothing_is_written(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = tmp_path / "data.csv"
    data.write_text("a,b,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n", encoding="utf-8")
    before = data.read_bytes()
    alias = tmp_path / "." / "data.csv"
    for flag in ("--log", "--save-weights"):
        code, out, err = run(capsys, str(data), "--headless", flag, str(alias))
        assert code == 2 and out == ""
        assert len(err) == 1 and err[0].startswith(f"backprop-tui: error: {flag}: ")
        assert "input of this run" in err[0]
    assert data.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.csv"]


@pytest.mark.parametrize("kind", ["--config", "--lesson"])
@pytest.mark.parametrize("flag", ["--log", "--save-weights"])
def test_an_output_that_is_the_set_up_or_lesson_file_is_refused(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    kind: str,
    flag: str,
) -> None:
    monkeypatch.setattr("tui_backprop.ui.app.run_app", lambda *_: 0)  # a lesson is for the app
    source = tmp_path / "run.toml"
    shutil.copy(LESSONS / "xor.toml", source)
    if kind == "--config":
        source.write_text('dataset = "xor"\nlr = 0.3\n', encoding="utf-8")
    before = source.read_bytes()
    code, out, err = run(capsys, kind, str(source), flag, str(source))
    assert code == 2 and out == ""
    assert err == [f"backprop-tui: error: {flag}: {source} is also an input of this run ({source})"]
    assert source.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.toml"]


def test_saving_over_the_weights_it_starts_from_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    start = tmp_path / "w.npz"
    np.savez(start, W0=np.full((2, 4), 0.1), W1=np.full((4, 1), 0.1))
    before = start.read_bytes()
    link = tmp_path / "link.npz"
    link.symlink_to(start)
    code, out, err = run(
        capsys, "--headless", "--load-weights", str(start), "--save-weights", str(link)
    )
    assert code == 2 and out == "" and len(err) == 1 and "input of this run" in err[0]
    assert start.read_bytes() == before


@pytest.mark.parametrize("flag", ["--log", "--save-weights"])
@pytest.mark.parametrize("kind", ["empty", "folder", "fifo", "missing folder", "device"])
def test_outputs_that_cannot_be_written_are_refused_before_training(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, flag: str, kind: str
) -> None:
    if kind == "fifo":
        os.mkfifo(tmp_path / "pipe")
    path = {
        "empty": "",
        "folder": str(tmp_path),
        "fifo": str(tmp_path / "pipe"),
        "missing folder": str(tmp_path / "nope" / "out"),
        "device": "/dev/null",
    }[kind]
    code, out, err = run(capsys, "--headless", "--epochs", "5", flag, path)
    assert code == 2 and out == ""  # not one epoch trained
    assert len(err) == 1 and err[0].startswith(f"backprop-tui: error: {flag}: ")
    assert "Traceback" not in "".join(err)
    assert leftovers(tmp_path) == []


def can_write_anyway(folder: Path) -> bool:
    """Whether this user writes into ``folder`` despite its permissions (root does)."""
    try:
        (folder / "probe").touch()
    except PermissionError:
        return False
    (folder / "probe").unlink()
    return True


@pytest.mark.parametrize("flag", ["--log", "--save-weights"])
def test_a_read_only_folder_is_refused_in_words_before_training(tmp_path: Path, flag: str) -> None:
    folder = tmp_path / "kept"
    folder.mkdir()
    (folder / "old.out").write_bytes(b"earlier")
    folder.chmod(0o555)
    try:
        if can_write_anyway(folder):
            pytest.skip("this user (root) writes into read-only folders, so none can be made")
        done = subprocess.run(
            [sys.executable, "-m", "tui_backprop", "--headless", flag, "kept/old.out"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        folder.chmod(0o755)
    assert done.returncode == 2 and done.stdout == ""
    assert (
        done.stderr
        == f"backprop-tui: error: {flag}: kept/old.out: the folder kept cannot be written\n"
    )
    assert (folder / "old.out").read_bytes() == b"earlier" and leftovers(folder) == []


# -- headless memory -------------------------------------------------------------------------


def retained_after(epochs: int) -> tuple[int, int, int]:
    """What a trainer that keeps no history holds after ``epochs`` epochs, in chunks."""
    trainer = Experiment.build(SEED_PRESET).trainer
    trainer.keep_history = False
    while trainer.epoch < epochs:
        trainer.train_epochs(min(256, epochs - trainer.epoch))
    return len(trainer.history), trainer.history.nbytes, trainer.snapshots.nbytes


def test_a_trainer_without_history_holds_as_much_after_4n_epochs_as_after_n() -> None:
    assert retained_after(2048) == retained_after(4 * 2048)
    trainer = Experiment.build(SEED_PRESET).trainer
    trainer.train_epochs(2048)
    assert trainer.history.nbytes + trainer.snapshots.nbytes > retained_after(2048)[1] * 4


def test_a_trainer_without_history_trains_and_reports_the_same_epochs() -> None:
    keeping, forgetting = Experiment.build(SEED_PRESET), Experiment.build(SEED_PRESET)
    forgetting.trainer.keep_history = False
    keeping.trainer.train_epochs(30)
    printed = ""
    for n in (10, 15, 5):
        t = forgetting.trainer
        t.train_epochs(n)
        printed += epoch_lines(t.history, t.history_start, t.epoch, t.history_start)
    assert printed == "".join(epoch_line(m) + "\n" for m in keeping.trainer.history)
    for a, b in zip(keeping.trainer.params.weights, forgetting.trainer.params.weights, strict=True):
        assert np.array_equal(a, b)


def headless_peak(epochs: int, folder: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    """The peak of memory allocated during a headless run that logs every epoch."""
    with open(os.devnull, "w") as devnull:
        monkeypatch.setattr(sys, "stdout", devnull)
        tracemalloc.start()
        try:
            main(["--headless", "--epochs", str(epochs), "--log", str(folder / f"{epochs}.csv")])
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()


def test_headless_memory_stays_flat_over_many_epochs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    n = 2048  # 6,144 more epochs: a kept past would add over 600 kB
    headless_peak(64, tmp_path, monkeypatch)  # modules imported, caches filled
    short, long = (
        headless_peak(n, tmp_path, monkeypatch),
        headless_peak(4 * n, tmp_path, monkeypatch),
    )
    # Keeping the run's past would add ~100 bytes an epoch: over a megabyte here.
    assert long - short < 300_000
    assert len((tmp_path / f"{4 * n}.csv").read_text().splitlines()) == 4 * n + 1


# -- the app's own names ---------------------------------------------------------------------


def test_each_name_gets_the_first_free_number_of_its_own(tmp_path: Path) -> None:
    weights, metrics = tmp_path / "x-epoch3-weights.npz", tmp_path / "x-epoch3-metrics.csv"
    weights.touch()
    (tmp_path / "x-epoch3-weights-2.npz").mkdir()  # a folder takes a name too
    (tmp_path / "x-epoch3-weights-3.npz").symlink_to(tmp_path / "nowhere")  # and a dead link
    assert claim(weights) == tmp_path / "x-epoch3-weights-4.npz"
    assert claim(metrics) == metrics  # free: no number, whatever the weights got


def test_a_claimed_name_is_taken_at_once_and_released_if_left_empty(tmp_path: Path) -> None:
    path = tmp_path / "a.svg"
    first = claim(path)
    assert first.exists() and first.stat().st_size == 0
    assert claim(path) == tmp_path / "a-2.svg"  # nothing written yet, the name is taken
    with atomic_write(first, "w") as f:
        f.write("<svg/>")
    release([first, tmp_path / "a-2.svg", None])
    assert first.read_text() == "<svg/>" and not (tmp_path / "a-2.svg").exists()


def test_saves_at_the_same_moment_never_share_a_name(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    start = Barrier(16)

    def save(_: int) -> Path:
        start.wait()
        return claim(tmp_path / "run-epoch0-weights.npz")

    with ThreadPoolExecutor(16) as pool:
        names = list(pool.map(save, range(16)))
    assert len(set(names)) == 16
    assert {p.name for p in names} == {
        "run-epoch0-weights.npz",
        *(f"run-epoch0-weights-{n}.npz" for n in range(2, 17)),
    }


def test_save_and_export_names_are_new_but_names_given_are_kept(workdir: Path) -> None:
    exp = Experiment.build(resolve("xor", {}))  # no epoch trained: the initial weights
    (workdir / "xor-initial-weights.npz").touch()
    weights, log, _ = save_paths(exp)
    assert (weights, log) == (Path("xor-initial-weights-2.npz"), Path("xor-initial-metrics.csv"))
    (workdir / "xor-epoch0-screen.svg").touch()
    paths = export_paths(exp, "epoch0", workdir)
    assert paths.screen == workdir / "xor-epoch0-screen-2.svg"
    assert paths.weights == workdir / "xor-epoch0-weights.npz"
    chosen = Experiment.build(resolve("xor", {"save_weights": "xor-epoch0-weights.npz"}))
    weights, log, claimed = save_paths(chosen)
    assert (weights, log) == (Path("xor-epoch0-weights.npz"), Path("xor-initial-metrics-2.csv"))
    assert claimed == [Path("xor-initial-metrics-2.csv")]  # the chosen name is not claimed


async def test_saving_twice_then_exporting_numbers_each_file_for_its_own_name(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = app_of()
    notes: list[str] = []
    monkeypatch.setattr(app, "notify", lambda message, **_: notes.append(str(message)))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space", "space", "s", "s", "e", "e")
        await pilot.pause()
    # the exports' screens are the first of their name; their data follows the saves'
    saved = [f"seed-epoch1-{k}{n}" for k in ("weights", "metrics") for n in ("", "-2")]
    exported = [f"seed-epoch1-{k}{n}" for k in ("weights", "metrics") for n in ("-3", "-4")]
    screens = ["seed-epoch1-screen", "seed-epoch1-screen-2"]
    assert sorted(p.stem for p in workdir.iterdir()) == sorted(saved + exported + screens)
    assert "seed-epoch1-weights-2.npz" in notes[1]
    assert "seed-epoch1-screen.svg" in notes[2] and "seed-epoch1-weights-3.npz" in notes[2]
    assert "seed-epoch1-screen-2.svg" in notes[3]
    params, _ = load_weights(workdir / "seed-epoch1-weights-4.npz")
    assert params.sizes == (2, 4, 1)
    assert all(p.stat().st_size > 0 for p in workdir.iterdir())


async def test_a_failed_export_leaves_no_empty_file_behind(
    workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui_backprop.ui.model import export

    def full_disk(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export, "write_data", full_disk)
    app = app_of()
    notes: list[str] = []
    monkeypatch.setattr(app, "notify", lambda message, **_: notes.append(str(message)))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "space", "e")
        await pilot.pause()
    assert "could not export" in notes[0]
    # the screen written before the failure stays whole; the unwritten names are gone
    (left,) = workdir.iterdir()
    assert left.name == "seed-epoch0-screen.svg" and left.stat().st_size > 0


def test_output_files_stand_on_the_standard_library_and_the_engine_does_not_use_them() -> None:
    from tests.test_layering import loaded_by

    assert "numpy" not in loaded_by("tui_backprop.output_files")
    assert "tui_backprop.output_files" not in loaded_by("tui_backprop.engine")


def test_the_settings_screen_refuses_to_save_over_the_dataset(tmp_path: Path) -> None:
    from dataclasses import replace

    from tui_backprop.experiment import Experiment
    from tui_backprop.settings import resolve
    from tui_backprop.ui.model.reconfigure import apply

    data = tmp_path / "xor.csv"
    data.write_text("a,b,y\n" + "0,0,0\n0,1,1\n1,0,1\n1,1,0\n" * 5)
    before = data.read_bytes()
    experiment = Experiment.build(resolve(str(data), {}))
    with pytest.raises(ValueError, match=r"^save weights to: .* is also an input of this run"):
        apply(experiment, replace(experiment.settings, save_weights=str(data)))
    assert experiment.settings.save_weights is None and data.read_bytes() == before


def test_a_failed_save_in_the_app_is_said_in_words() -> None:
    from tui_backprop.output_files import in_words

    err = PermissionError(13, "Permission denied", "w.npz")
    assert in_words(err) == "cannot write w.npz: permission denied"


OUT = ("--save-weights", "out", "--log", "./out")


def test_weights_and_log_may_not_name_one_file(tmp_path: Path) -> None:
    import subprocess

    done = subprocess.run(
        [sys.executable, "-m", "tui_backprop", "xor", "--headless", "--epochs", "2", *OUT],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == "backprop-tui: error: --save-weights and --log name one file\n"
    assert not (tmp_path / "out").exists()


# -- outputs named by others, and links ------------------------------------------------


@pytest.mark.parametrize(("key", "value"), [("log", "thesis.txt"), ("save-weights", "../x")])
def test_a_set_up_file_may_not_name_a_file_to_write(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    key: str,
    value: str,
) -> None:
    """A set-up file shared by someone else must not replace your thesis: its output
    names are refused, and the command line's own flags still write."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "thesis.txt").write_text("my thesis")
    shared = tmp_path / "shared.toml"
    shared.write_text(f'dataset = "xor"\n{key} = "{value}"\n')
    code, out, err = run(capsys, "--headless", "--epochs", "2", "--config", str(shared))
    assert code == 2 and out == ""
    assert err == [
        f"backprop-tui: error: {shared}: {key} names a file to write, which a set-up file "
        f"may not (give --{key} on the command line)"
    ]
    assert (tmp_path / "thesis.txt").read_text() == "my thesis"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shared.toml", "thesis.txt"]
    shared.write_text('dataset = "xor"\n')
    code, _, _ = run(
        capsys, "--headless", "--epochs", "2", "--config", str(shared), "--log", "l.csv"
    )
    assert code == 0 and (tmp_path / "l.csv").exists()


@pytest.mark.parametrize("flag", ["--log", "--save-weights"])
def test_an_output_that_is_a_link_writes_its_target_and_says_so(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, flag: str
) -> None:
    kept = tmp_path / "kept"
    kept.mkdir()
    target = kept / "real.out"
    target.write_text("before")
    link = tmp_path / "link.out"
    link.symlink_to(target)
    code, _, err = run(capsys, "--headless", "--epochs", "2", flag, str(link))
    assert code == 0
    assert err == [f"backprop-tui: {flag} {link} is a link: writing {target}"]
    assert link.is_symlink() and os.readlink(link) == str(target)  # still the link
    assert target.read_bytes() != b"before" and leftovers(kept) == leftovers(tmp_path) == []


def test_weights_record_their_inputs_and_refuse_other_inputs_naming_the_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    weights = str(tmp_path / "w.npz")
    trained = ("xor", "--features", "x1,x2,x1^2", "--headless", "--epochs", "1")
    assert run(capsys, *trained, "--save-weights", weights)[0] == 0
    code, _, err = run(capsys, *trained, "--load-weights", weights)
    assert code == 0  # the same inputs, scaled the same way
    for other, says in [
        (("--features", "x1^2,x2^2,x1x2"), "trained on the inputs X₁, X₂, X₁²; this run's are"),
        (("--features", "x1,x2,x1^2", "--no-standardize"), "trained on standardised inputs"),
    ]:
        code, out, err = run(capsys, "xor", *other, "--headless", "--load-weights", weights)
        assert code == 2 and out == "" and len(err) == 1, err
        assert err[0].startswith(f"backprop-tui: error: {weights}: ") and says in err[0]


def test_weights_that_choose_a_setting_the_data_refuses_are_named(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    weights = str(tmp_path / "w.npz")
    assert run(capsys, "xor", "--headless", "--epochs", "1", "--save-weights", weights)[0] == 0
    code, _, err = run(capsys, "spiral3", "--headless", "--load-weights", weights)
    assert code == 2 and len(err) == 1 and err[0].startswith(f"backprop-tui: error: {weights}: ")


def test_an_export_of_data_that_cannot_open_again_says_why(workdir: Path) -> None:
    seed = Experiment.build(resolve("seed", {}))
    own = replace(seed.dataset, name="seed-custom", labels=np.zeros_like(seed.dataset.labels))
    paths = export_paths(Experiment.on_dataset(seed.settings, own), "epoch0", workdir)
    assert paths.data is not None and paths.lines().endswith(
        "the data will not open again: it holds one class only, and classification needs two"
    )
    both = export_paths(
        Experiment.on_dataset(seed.settings, replace(own, labels=seed.dataset.labels)),
        "epoch0",
        workdir,
    )
    assert both.data is not None and "will not open" not in both.lines()
