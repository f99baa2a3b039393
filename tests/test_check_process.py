"""The student's file runs in its own process: a loop, a huge allocation, a crash, a
bad return or a file that does not load ends that check with a verdict, and the caller
goes on."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from tui_backprop.check import LoadError, Status, StudentCode, calls_of, check_step, student_process
from tui_backprop.engine.records import StepRecord
from tui_backprop.experiment import Experiment
from tui_backprop.settings import SEED_PRESET

FILES = Path(__file__).parent / "check_files"


@pytest.fixture(scope="module")
def record() -> StepRecord:
    trainer = Experiment.build(SEED_PRESET).trainer
    trainer.train_epoch()
    (step,) = trainer.last_records
    return step


def written(tmp_path: Path, source: str) -> Path:
    path = tmp_path / "mine.py"
    path.write_text(source)
    return path


def test_a_loop_is_ended_at_the_time_limit_and_the_other_functions_still_run(
    record: StepRecord,
) -> None:
    with StudentCode(FILES / "loops.py", time_limit=1.0) as student:
        student.load()
        step = check_step(record, student)
        (first, *_) = step.of("deltas")
        assert first.status is Status.TIMED_OUT
        assert first.message == "did not finish within 1 s"
        # the process was started again for the functions after it
        assert [p.status for p in step.of("gradients")] == [Status.OK]
        assert [p.status for p in step.of("update")] == [Status.OK]
        # and the looping function is not run again until the file is loaded anew
        again = student.call(calls_of(record)["deltas"])
        assert again.status is Status.TIMED_OUT
        assert again.message == (
            "not run again after a call ran over 1 s, until the file is loaded again"
        )


def test_a_huge_allocation_is_out_of_memory_in_the_students_process(record: StepRecord) -> None:
    with StudentCode(FILES / "huge.py", memory_limit=256 << 20) as student:
        student.load()
        step = check_step(record, student)
    (gradients,) = step.of("gradients")
    assert gradients.status is Status.OUT_OF_MEMORY
    assert "more memory than a check allows (256 MiB)" in gradients.message
    assert step.of("update")[0].status is Status.OK


def test_a_process_that_dies_is_a_crash_and_the_next_call_starts_another(
    tmp_path: Path, record: StepRecord
) -> None:
    path = written(
        tmp_path,
        "import os, signal\n"
        "from numpy import asarray\n"
        "def forward(X, weights):\n    os.kill(os.getpid(), signal.SIGKILL)\n"
        "def update(weights, gradients, lr):\n"
        "    return [w - lr * g for w, g in zip(weights, gradients)]\n",
    )
    with StudentCode(path) as student:
        student.load()
        calls = calls_of(record)
        crashed = student.call(calls["forward"])
        assert crashed.status is Status.CRASHED
        assert crashed.message == f"its process was ended by signal {9}"
        assert student.call(calls["update"]).status is Status.OK


def test_printing_and_exiting_are_the_students_own(tmp_path: Path, record: StepRecord) -> None:
    path = written(
        tmp_path,
        "import sys\n"
        "print('loading', flush=True)\n"
        "def forward(X, weights):\n    print('hello' * 1000)\n    return [X]\n"
        "def deltas(activations, Y, weights):\n    sys.exit(3)\n",
    )
    with StudentCode(path) as student:
        student.load()
        calls = calls_of(record)
        bad = student.call(calls["forward"])
        assert bad.status is Status.OK and isinstance(bad.value, list)  # print did not spoil it
        exited = student.call(calls["deltas"])
        assert exited.status is Status.RAISED
        assert exited.message.endswith("SystemExit: 3")


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ("pass", "returned None where arrays are expected (a missing return?)"),
        ("return 'abc'", "returned a str where NumPy arrays are expected"),
        ("return [X, {'a': 1}]", "returned a dict where NumPy arrays are expected"),
        (
            "return [X.astype(complex)]",
            "returned an array of complex numbers (complex128) where real numbers are expected",
        ),
        (
            "return [X.astype(str)]",
            "returned an array of text (<U32) where real numbers are expected",
        ),
    ],
)
def test_a_return_that_is_not_arrays_is_a_bad_return(
    tmp_path: Path, record: StepRecord, body: str, said: str
) -> None:
    path = written(tmp_path, f"def forward(X, weights):\n    {body}\n")
    with StudentCode(path) as student:
        student.load()
        result = student.call(calls_of(record)["forward"])
    assert result.status is Status.BAD_RETURN
    assert result.message == said


def test_arrays_too_large_to_send_back_are_a_bad_return_with_their_shapes(
    tmp_path: Path, record: StepRecord
) -> None:
    """800 MB of zeros (within the memory limit) three times over: the answer's message
    ran out of memory in the student's process, which crashed on a traceback."""
    path = written(
        tmp_path,
        "import numpy as np\ndef forward(X, weights):\n    return [np.zeros((10**4, 10**4))] * 3\n",
    )
    with StudentCode(path) as student:
        student.load()
        result = student.call(calls_of(record)["forward"])
        assert result.status is Status.BAD_RETURN
        assert result.message == (
            "returned 2,289 MiB of arrays, more than an answer may hold (256 MiB): "
            "shapes (10000, 10000), (10000, 10000), (10000, 10000)"
        )
        assert student.call(calls_of(record)["forward"]).status is Status.BAD_RETURN  # still up


def test_a_list_of_the_wrong_length_says_what_was_expected(
    tmp_path: Path, record: StepRecord
) -> None:
    path = written(
        tmp_path,
        "import numpy as np\n"
        "def forward(X, weights):\n"
        "    return [1 / (1 + np.exp(-(X @ weights[0])))]\n",
    )
    with StudentCode(path) as student:
        student.load()
        (first, second) = check_step(record, student).of("forward")
    assert first.status is second.status is Status.BAD_RETURN
    assert first.message == (
        "forward returned 1 array where 3 are expected: the input X first, then each layer's output"
    )


def test_a_syntax_error_is_a_load_error_with_its_line() -> None:
    with pytest.raises(LoadError) as caught, StudentCode(FILES / "syntax_error.py") as student:
        student.load()
    assert caught.value.line == 4
    assert str(caught.value) == "syntax_error.py, line 4: expected ':'"


def test_a_file_that_raises_while_loading_is_a_load_error(tmp_path: Path) -> None:
    path = written(tmp_path, "import numpy as np\n\nnp.zeros(3)[7]\n")
    with pytest.raises(LoadError) as caught, StudentCode(path) as student:
        student.load()
    message = str(caught.value)
    assert message.startswith("mine.py raised while loading:")
    assert 'File "mine.py", line 3, in <module>' in message
    assert caught.value.headline == (
        "mine.py raised while loading: "
        "IndexError: index 7 is out of bounds for axis 0 with size 3 (mine.py, line 3)"
    )


def test_a_main_block_does_not_run(tmp_path: Path, record: StepRecord) -> None:
    path = written(
        tmp_path,
        "def forward(X, weights):\n    return [X]\n"
        "if __name__ == '__main__':\n    while True:\n        pass\n",
    )
    with StudentCode(path, time_limit=2.0) as student:
        student.load()
        assert student.defined == {"forward"}


def test_loading_again_reads_the_file_as_it_is_now(tmp_path: Path, record: StepRecord) -> None:
    path = written(tmp_path, "def forward(X, weights):\n    raise NotImplementedError\n")
    with StudentCode(path) as student:
        student.load()
        assert student.call(calls_of(record)["forward"]).status is Status.NOT_WRITTEN
        path.write_text(
            (FILES / "reference.py").read_text().replace('"""Backprop', '"""Mine: backprop')
        )
        student.load()
        assert not check_step(record, student).failed


def test_the_students_process_ends_with_close(tmp_path: Path) -> None:
    student = StudentCode(FILES / "reference.py")
    student.load()
    process = student._process
    assert process is not None and process.poll() is None
    student.close()
    assert process.poll() is not None
    with pytest.raises(ProcessLookupError):
        os.kill(process.pid, 0)


def test_arrays_come_back_as_float64_whatever_the_student_used(
    tmp_path: Path, record: StepRecord
) -> None:
    path = written(
        tmp_path,
        "import numpy as np\n"
        "def forward(X, weights):\n"
        "    return [X.astype(np.float32), np.zeros((10, 4), int), np.ones((10, 1), bool)]\n",
    )
    with StudentCode(path) as student:
        student.load()
        result = student.call(calls_of(record)["forward"])
    assert result.status is Status.OK and isinstance(result.value, list)
    assert [a.dtype for a in result.value] == [np.float64] * 3  # type: ignore[union-attr]


def test_a_message_from_the_students_process_is_made_safe_to_print(
    tmp_path: Path, record: StepRecord
) -> None:
    path = written(
        tmp_path,
        "def forward(X, weights):\n"
        "    raise ValueError('\\x1b]2;retitled\\x07 \\x1b[31mred\\u202e' + 'x' * 5000)\n",
    )
    with StudentCode(path) as student:
        student.load()
        result = student.call(calls_of(record)["forward"])
    assert result.status is Status.RAISED
    told = result.message.splitlines()[-1]
    assert told.startswith("ValueError: ]2;retitled [31mred")
    assert "\x1b" not in result.message and "\u202e" not in result.message
    assert len(told) == 400 and told.endswith("…")


def test_a_file_that_never_finishes_loading_is_a_load_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(student_process, "LOAD_SECONDS", 1.0)  # a busy loop burns it all
    path = written(tmp_path, "while True:\n    pass\n")
    with pytest.raises(LoadError) as caught, StudentCode(path) as student:
        student.load()
    assert caught.value.headline == "mine.py did not finish loading within 1 s"


def test_a_file_whose_process_exits_while_loading_is_a_load_error(tmp_path: Path) -> None:
    path = written(tmp_path, "import os\nos._exit(4)\n")
    with pytest.raises(LoadError) as caught, StudentCode(path) as student:
        student.load()
    assert caught.value.headline == "mine.py: its process exited with status 4 while loading"


def test_a_process_started_from_a_thread_outlives_the_thread(record: StepRecord) -> None:
    student = StudentCode(FILES / "reference.py")
    worker = threading.Thread(target=student.load)
    worker.start()
    worker.join()
    with student:
        assert not check_step(record, student).failed


def test_the_students_process_ends_when_its_caller_is_killed(tmp_path: Path) -> None:
    # killed while the student's deltas loops: only the watch on its parent can end it
    code = (
        "import threading, time\n"
        "import numpy as np\n"
        "from tui_backprop.check import Call, StudentCode\n"
        f"student = StudentCode({str(FILES / 'loops.py')!r}, time_limit=60)\n"
        "student.load()\n"
        "call = Call('deltas', (np.zeros(1), np.zeros(1), np.zeros(1)), {}, ())\n"
        "threading.Thread(target=student.call, args=(call,), daemon=True).start()\n"
        "time.sleep(1)\n"
        "print(student._process.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True
    ) as caller:
        assert caller.stdout is not None
        pid = int(caller.stdout.readline())
        os.kill(pid, 0)  # alive while its caller is
        caller.kill()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)
    pytest.fail("the student's process outlived its caller")
