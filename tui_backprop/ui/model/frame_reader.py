"""Frames of a playing run, read off the training process's pipe in a thread.

The step records of a large network on many rows are tens of megabytes (150 MB for
10,000 rows through 256,128): read on the screen's thread, each frame would hold the
keys for its read. So a thread reads it and hands it to the screen's event loop, and
the next frame is asked for no sooner than its size allows at ``BANDWIDTH``: a seed
frame (3 kB) may come every screen frame, a 150 MB one every 1.5 s, so frames take a
bounded share of the screen's time and of the training process's. Nor sooner than the
frame rate the machine's load allows (``pacing.frame_rate``: 24 a second on free cores,
down to 8 when a class of served tabs shares them; the load is the processes runnable
over about the last second, ``pacing.Contention``).

A process that stops answering (stopped by a signal, or stuck) is noticed by the
screen's own frame requests: an answer is due within ``LATE`` seconds beyond what its
epoch and its transfer take (measured from the frames before; ``FIRST_ANSWER`` for the
first, which waits for a new process). Past that the process is ended and the run goes
on from the last frame, so the screen never waits on it for long.

Only the screen's event loop calls a ``FrameReader``, and its callbacks run there, in
the context the reading started from (the app's: timers a frame starts need it).
"""

from __future__ import annotations

import asyncio
import contextvars
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress

from tui_backprop.machine import usable_cores
from tui_backprop.ui.model.pacing import Contention, frame_rate
from tui_backprop.ui.model.training_process import Frame, TrainingLost, TrainingProcess

BANDWIDTH = 100e6  # bytes of frames a second asked for at most
LATE = 1.0  # seconds an answer may be late beyond its epoch and transfer (24 frames)
FIRST_ANSWER = 5.0  # seconds the first frame of a run may take (a process may start)
TICK_SLACK = 0.005  # seconds a frame may be asked for early: the screen's ticks jitter


_CORES = usable_cores()  # the cores this app may run on


class FrameReader:
    """Watches the pipe of a playing run; each frame goes to ``on_frame``, a process
    lost on the way to ``on_lost``."""

    def __init__(self, process: TrainingProcess) -> None:
        self.process = process
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="frames")
        self._pipe: int | None = None
        self._reading: Future[bytes] | None = None  # a thread reading the next reply
        self._next_ask = 0.0  # no frame is asked for before then (a large one came last)
        self._asked_at = 0.0
        self._last: Frame | None = None  # the latest frame of this run
        self._on_frame: Callable[[Frame], None] = lambda _: None
        self._on_lost: Callable[[TrainingLost], None] = lambda _: None
        self._contention = Contention()

    def start(
        self,
        pipe: int,
        on_frame: Callable[[Frame], None],
        on_lost: Callable[[TrainingLost], None],
    ) -> None:
        self._pipe, self._on_frame, self._on_lost = pipe, on_frame, on_lost
        self._next_ask = 0.0
        self._last = None
        asyncio.get_running_loop().add_reader(pipe, self._ready)

    def ask(self) -> None:
        """Ask for the next frame, unless the last one's size says wait. Raises
        ``TrainingLost`` if the process is gone, or ends it and raises if the answer to
        the last request is overdue."""
        now = time.perf_counter()
        if self.process.asked:
            if now - self._asked_at > self.patience():
                self.process.kill()
                raise TrainingLost("the training process stopped answering")
        elif now >= self._next_ask:
            self.process.ask_frame()
            self._asked_at = now

    def patience(self) -> float:
        """Seconds the process may take to answer: its epoch, its frame's transfer, and
        ``LATE`` more."""
        last = self._last
        if last is None:
            return FIRST_ANSWER
        return LATE + 2 * last.epoch_seconds + 2 * self.process.frame_bytes / BANDWIDTH

    def stop(self) -> None:
        """Stop watching; a frame being read is waited for, so the pipe has one reader
        when the run is taken back."""
        if self._pipe is not None:
            asyncio.get_running_loop().remove_reader(self._pipe)
            self._pipe = None
        reading, self._reading = self._reading, None
        if reading is None:
            return
        try:
            reading.result(self.patience())
        except TimeoutError:  # a stalled read: end the process so no two reads meet
            self.process.kill()
            with suppress(EOFError, OSError):
                reading.result()  # the read meets the end of the pipe at once
        except (EOFError, OSError):
            pass  # the process is gone: taking the run back says so

    def close(self) -> None:
        self.stop()
        self._pool.shutdown(wait=False)

    def _ready(self) -> None:
        """The pipe is readable: a frame, or the end of a process that died."""
        if self._pipe is None or self._reading is not None:
            return
        loop = asyncio.get_running_loop()
        loop.remove_reader(self._pipe)  # until this frame is read
        reading = self._pool.submit(self.process.read_bytes)
        self._reading = reading
        here = contextvars.copy_context()
        reading.add_done_callback(
            lambda _: loop.call_soon_threadsafe(self._read, reading, context=here)
        )

    def _read(self, reading: Future[bytes]) -> None:
        if reading is not self._reading:
            return  # stopped meanwhile: the run was taken back
        self._reading = None
        try:
            frame = self.process.frame_of(reading)
        except TrainingLost as err:
            self._on_lost(err)
            return
        if self._pipe is not None:
            asyncio.get_running_loop().add_reader(self._pipe, self._ready)
        self._next_ask = max(
            time.perf_counter() + self.process.frame_bytes / BANDWIDTH,
            self._asked_at + 1 / frame_rate(self._contention.load(), _CORES) - TICK_SLACK,
        )
        self._last = frame
        self._on_frame(frame)
