"""The student's file of ``--check FILE.py`` in the app: loaded in a process of its own,
graded on the step the screen shows, and loaded again when it changes on disk.

Grading calls the student's functions in their process and waits for each up to its
time limit, so it runs in a worker thread, one at a time; the screen keeps answering
keys, and a file that loops only stops its own check. The screen's views pass through
``marked`` (its ``validate_view``), which adds what is known of the step they show
(``model.check_marks``) and asks for a grade when there is none yet. The file's
modification time and size are polled on a timer (``POLL`` seconds): an editor's save
in another window reloads it and checks the step on screen again.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from contextlib import suppress
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from tui_backprop.check import LoadError, StepCheck, StudentCode, calls_of, judge_step
from tui_backprop.check.contract import unsupported
from tui_backprop.check.student_process import CallResult
from tui_backprop.check.verdicts import one_line
from tui_backprop.engine import StepRecord
from tui_backprop.ui.model.check_marks import CheckMarks
from tui_backprop.ui.model.view import TrainingView
from tui_backprop.ui.model.walk import walk_of

if TYPE_CHECKING:
    from tui_backprop.ui.panes_screen import PanesScreen

POLL = 0.5  # seconds between looks at the file's modification time
KEPT = 32  # steps whose grades are kept (looking back and forth re-shows them at once)
WORKER_GROUP = "check"


def _stamp(path: Path) -> tuple[int, int] | None:
    """What changes when the file is saved: its modification time and size (None when
    it cannot be read)."""
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size


class CheckedFile:
    """One student's file, checked against the steps the screen shows."""

    def __init__(
        self, screen: PanesScreen, path: Path, select: Callable[[tuple[int, int]], object]
    ) -> None:
        self.screen = screen
        self.path = path
        self.select = select  # selects a neuron (the session's selection, shown)
        self.student = StudentCode(path)
        self.version = 0  # one more each time the file changes on disk
        self._loaded = -1  # the version the student's process holds (worker thread only)
        self._stamp = _stamp(path)
        self._problem = ""  # the version on disk does not load: why, in one line
        self._grades: OrderedDict[StepRecord, StepCheck] = OrderedDict()
        self._wanted: StepRecord | None = None  # the step the screen shows
        self._busy = False  # a worker is grading
        self._closing = False
        self._focused: tuple[object, ...] | None = None  # the ✗ the selection went to

    @property
    def busy(self) -> bool:
        """A worker is grading a step (the student's code may be running)."""
        return self._busy

    def start(self) -> None:
        self.screen.set_interval(POLL, self._poll)

    def close(self) -> None:
        """The screen goes: end the student's process, and with it any call under way."""
        self._closing = True
        with suppress(OSError, ValueError):
            self.student.close()

    # -- what the panes show ------------------------------------------------------------

    def marked(self, view: TrainingView | None) -> TrainingView | None:
        """``view`` with the check of the step it shows."""
        if view is None:
            return None
        marks = self._marks(view)
        if marks.focus() is not None:
            self._follow(view, marks)
        return replace(view, check=marks)

    def _marks(self, view: TrainingView) -> CheckMarks:
        name = self.path.name
        walk = walk_of(view)
        progress = None if walk is None else walk.progress
        record = view.record
        if self.screen.running:
            return CheckMarks(name, note="checked once the run pauses (p)", progress=progress)
        if record is None:
            note = "the initial weights: your functions are checked on each step shown"
            return CheckMarks(name, note=note, progress=progress)
        why = "" if view.config is None else unsupported(view.config)
        if why:  # settings changed in the app to a run the four functions cannot do
            return CheckMarks(name, note=why, broken=True, progress=progress)
        if self._problem:
            return CheckMarks(name, note=self._problem, broken=True, progress=progress)
        step = self._grades.get(record)
        if step is None:
            self._want(record)
            return CheckMarks(name, note=f"checking {name}…", progress=progress)
        self._grades.move_to_end(record)
        return CheckMarks(name, step, progress=progress)

    def _follow(self, view: TrainingView, marks: CheckMarks) -> None:
        """Select the neuron of the first wrong entry once per ✗ shown (the learner may
        select another after it)."""
        key = (view.record, marks.phase, self.version)
        target = marks.focus()
        if key == self._focused or target is None:
            return
        self._focused = key
        self.screen.call_later(self.select, target)

    def _refresh(self) -> None:
        """Mark the view on screen again (a grade came, the file changed)."""
        self.screen.view = self.screen.view

    # -- grading, in a worker -----------------------------------------------------------

    def _want(self, record: StepRecord) -> None:
        self._wanted = record
        if not self._busy:
            self._busy = True
            work = partial(self._grade, record, self.version)
            self.screen.run_worker(work, thread=True, group=WORKER_GROUP, exit_on_error=False)

    def _grade(self, record: StepRecord, version: int) -> None:
        """Worker thread: load the file if it changed, call each function of the
        student's on the engine's inputs, judge what came back."""
        step, problem = None, ""
        try:
            if self._loaded != version:
                self._loaded = -1
                self.student.load()
                self._loaded = version
            results: dict[str, CallResult] = {}
            for name, call in calls_of(record).items():
                if self._closing:
                    return
                results[name] = self.student.call(call)
            step = judge_step(record, results)
        except LoadError as err:
            problem = one_line(str(err))
        except Exception as err:  # the check itself failed: said, never a crash
            problem = f"{self.path.name}: could not be checked: {err}"
        if not self._closing:
            with suppress(RuntimeError):  # the app closed meanwhile
                self.screen.app.call_from_thread(self._graded, record, version, step, problem)

    def _graded(
        self, record: StepRecord, version: int, step: StepCheck | None, problem: str
    ) -> None:
        self._busy = False
        if version == self.version:
            if problem:
                self._problem = problem
                self.screen.notify(problem, title="--check", severity="error", timeout=8)
            elif step is not None:
                self._grades[record] = step
                while len(self._grades) > KEPT:
                    self._grades.popitem(last=False)
        self._refresh()  # asks for the step on screen if it is not graded yet

    # -- the file on disk ---------------------------------------------------------------

    def _poll(self) -> None:
        stamp = _stamp(self.path)
        if stamp == self._stamp:
            return
        self._stamp = stamp
        self.version += 1
        self._grades.clear()
        self._problem = "" if stamp else f"{self.path.name}: cannot be read (moved or deleted?)"
        self._refresh()
