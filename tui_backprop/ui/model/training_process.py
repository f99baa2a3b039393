"""A playing run trains in a process of its own, so drawing never slows training.

NumPy calls at this network size never release the GIL, so a thread would take turns
with the screen; a process does not. The design:

- The app starts one training process (``multiprocessing``, forkserver with the engine
  preloaded, both started then: ``prepare``) the first time a run plays, and keeps it
  until it quits.
- ``p`` hands the process the whole ``Trainer``; the process trains it at the chosen
  speed (``pacing.Schedule``), checking its pipe between epochs (at least every
  ``POLL`` seconds).
- While it plays, the screen asks for a frame at its own pace, one request in flight at
  a time: the epoch, parameters and step records of the latest epoch and the metrics of
  every epoch since the last frame. A frame is built only when asked for, so training
  pays nothing for epochs nobody sees.
- A pause asks for the trainer back: the process finishes its epoch and returns the run
  whole (parameters, optimiser state, snapshots, and the metrics of its last frame and
  after: the process drops those of the frames before, which the app has read), and the
  app's trainer continues from it with
  the frames' metrics put before them (``LiveRun.taken_back``), so history, the phase
  walk, forks, the gradient check and settings work on it exactly as on a run trained
  in the app.
- The data never crosses the pipe twice: arrays the app's trainer already holds (the
  problem and the training arrays, which training never changes) are pickled as
  references to the app's own objects.
- The process exits when its pipe closes, so it never outlives the app. Every frame
  also carries what the app needs to go on from its epoch (the optimiser's state, the
  parameter snapshots kept since the last frame: ``Trainer.checkpoint``), so if the
  process dies or stops answering, the app ends it and the run goes on from the last
  epoch a frame delivered, exactly as if it had been handed back there.
"""

from __future__ import annotations

import io
import math
import multiprocessing
import os
import pickle
import signal
import sys
import time
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import numpy as np
from numpy.typing import NDArray

from tui_backprop.engine import Params, StepRecord, Trainer
from tui_backprop.engine.activations import Array
from tui_backprop.engine.history import MetricsLog
from tui_backprop.engine.trainer import Checkpoint
from tui_backprop.ui.model.pacing import Schedule

POLL = 0.002  # seconds of training between looks at the pipe
STOP_TIMEOUT = 30.0  # seconds a pause waits at most for the epoch in progress to end
_CONTEXT = "forkserver"  # a clean process with the engine loaded once, ready in ms
# Steps of niceness the training process takes below the app: under contention (a class
# of tabs on a few cores) the app's keys and frames run first and training gets the rest.
# Measured on 2 cores, 10 tabs at max speed: updates 1.8 -> 7.3 a second.
NICER = 5


class TrainingLost(RuntimeError):
    """The training process ended without handing the run back."""


@dataclass(frozen=True, eq=False)
class Frame:
    """What the screen draws of a playing run."""

    epoch: int
    params: Params
    records: list[StepRecord]  # the last epoch's steps
    metrics: MetricsLog  # every epoch since the previous frame
    diverged: bool
    measured: float  # epochs per second over the last second
    checkpoint: Checkpoint  # enough to go on from ``epoch`` if the process is lost
    snapshots: tuple[NDArray[np.int64], Array]  # the parameter snapshots kept since
    epoch_seconds: float  # what the latest epoch took to train
    stopped: str | None = None  # why a stop rule ended the run at this epoch


# -- pickling that leaves shared arrays behind -------------------------------------------


def _dumps(obj: object, shared: dict[int, int]) -> bytes:
    """Pickle ``obj``, writing the objects in ``shared`` (by id) as their index."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.persistent_id = lambda o: shared.get(id(o))  # type: ignore[method-assign]
    pickler.dump(obj)
    return buffer.getvalue()


def _loads(data: bytes, parts: tuple[object, ...]) -> Any:
    unpickler = pickle.Unpickler(io.BytesIO(data))
    unpickler.persistent_load = lambda index: parts[index]  # type: ignore[method-assign]
    return unpickler.load()


def _shared_ids(trainer: Trainer) -> dict[int, int]:
    return {id(part): i for i, part in enumerate(trainer.shared_parts())}


# -- the process's side ------------------------------------------------------------------


def serve(conn: Connection) -> None:
    """The training process: wait for a trainer, play it until asked to stop, repeat.
    Ends when the app closes its end of the pipe."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the app decides what Ctrl-C means
    lower_priority()
    try:
        while True:
            message = conn.recv()
            if message[0] == "train":
                trainer, rate, until = pickle.loads(message[1]), message[2], message[3]
                del message  # the pickled run (its whole past) is not held while it plays
                _play(conn, trainer, rate, until)
    except (EOFError, OSError):
        return
    except Exception as err:
        conn.send(("error", failure(err)))


def failure(err: Exception) -> str:
    """What went wrong in the training process, to follow "the training process": the
    error's own words and case, under its public name (numpy's ``_ArrayMemoryError``
    is a ``MemoryError``)."""
    kind = next(t.__name__ for t in type(err).__mro__ if not t.__name__.startswith("_"))
    said = f"{kind}: {err}" if str(err) else kind
    if isinstance(err, MemoryError):
        return f"ran out of memory ({said})"
    return f"failed ({said})"


def lower_priority() -> None:
    """Give the screen the first claim on the cores: this process runs ``NICER`` steps
    nicer than the app that started it (where the system has niceness)."""
    nice = getattr(os, "nice", None)
    if nice is not None:
        with suppress(OSError):
            nice(NICER)


def _play(conn: Connection, trainer: Trainer, rate: float, until: int | None) -> None:
    """Train ``trainer`` at ``rate`` (up to epoch count ``until``, when given), answering
    the app's messages between epochs."""
    shared = _shared_ids(trainer)
    schedule = Schedule(rate)
    shown = trainer.epoch  # the epochs whose metrics a frame has carried
    epoch_seconds = 0.0
    while True:
        wait = schedule.wait()
        left = math.inf if until is None else until - trainer.epoch
        idle = trainer.diverged or trainer.stopped_now or left <= 0
        if idle or wait > 0:  # nothing to train yet: sleep on the pipe
            conn.poll(POLL if idle else min(wait, 0.05))
        else:
            started = time.perf_counter()
            done = _train_for(trainer, schedule, POLL, left)
            epoch_seconds = (time.perf_counter() - started) / max(done, 1)
            schedule.done(done)
        while conn.poll():
            message = conn.recv()
            kind = message[0]
            if kind == "frame":
                frame = Frame(
                    trainer.epoch,
                    trainer.params,
                    trainer.last_records,
                    trainer.history.since(shown),
                    trainer.diverged,
                    schedule.measured(),
                    trainer.checkpoint(),
                    trainer.snapshots.after(shown),
                    epoch_seconds,
                    trainer.stopped if trainer.stopped_now else None,
                )
                conn.send_bytes(_dumps(frame, shared))
                # The app keeps what the frame before this one carried; this one's it
                # may drop unread (a frame in flight when it takes the run back), so
                # they go back with the run. The latest stays for the run's own checks.
                trainer.history.forget_before(shown - 1)
                trainer.snapshots.forget_before(shown)
                shown = trainer.epoch
            elif kind == "rate":
                schedule.set_rate(message[1])
            elif kind == "lr":
                trainer.set_lr(message[1])
            elif kind == "stop":
                conn.send_bytes(_dumps(trainer, shared))
                return


def _train_for(trainer: Trainer, schedule: Schedule, seconds: float, most: float) -> int:
    """At max speed, the epochs that fit in ``seconds`` (at least one, at most
    ``most``); at a set rate, one, then look again. Returns how many were trained."""
    due = math.inf if math.isinf(schedule.rate) else 1
    return trainer.train_epochs(min(due, most), seconds)


# -- the app's side ----------------------------------------------------------------------


def prepare() -> None:
    """Start the forkserver (with the engine loaded) and the resource tracker, once.
    Called as the first run plays, not at the app's start: an app that never plays
    (most served tabs at any moment) has neither process. Textual replaces
    ``sys.stderr`` with an object whose descriptor is not real, and the resource
    tracker hands that descriptor to its process ("bad value(s) in fds_to_keep"), so
    the real standard error stands in while they start."""
    if _CONTEXT not in multiprocessing.get_all_start_methods():
        return
    multiprocessing.get_context(_CONTEXT).set_forkserver_preload([__name__])
    from multiprocessing import forkserver, resource_tracker

    with _real_stderr():
        resource_tracker.ensure_running()
        forkserver.ensure_running()


@contextmanager
def _real_stderr() -> Iterator[None]:
    """``sys.stderr`` as the process started with it, while the block runs."""
    replaced = sys.stderr
    sys.stderr = sys.__stderr__ or replaced
    try:
        yield
    finally:
        sys.stderr = replaced


class TrainingProcess:
    """The app's handle on the training process."""

    def __init__(self) -> None:
        self._conn: Connection | None = None
        self._process: multiprocessing.process.BaseProcess | None = None
        self._trainer: Trainer | None = None  # the app's trainer being played
        self.asked = False  # a frame request is in flight
        self.frame_bytes = 0  # the size of the last reply read
        self._why = "the training process has stopped"  # said when it is gone

    @property
    def playing(self) -> bool:
        return self._trainer is not None

    def play(self, trainer: Trainer, rate: float, until: int | None = None) -> int:
        """Hand ``trainer`` over and start training it at ``rate`` epochs a second, up
        to epoch count ``until`` when given (it then waits there). Returns the pipe to
        watch: readable when a frame arrives or the process dies."""
        if self._process is None or not self._process.is_alive():
            self.close()
            self._spawn()
        self._trainer = trainer
        self.asked = False
        self._send(("train", pickle.dumps(trainer, pickle.HIGHEST_PROTOCOL), rate, until))
        assert self._conn is not None
        return self._conn.fileno()

    def _spawn(self) -> None:
        if _CONTEXT in multiprocessing.get_all_start_methods():
            context: multiprocessing.context.BaseContext = multiprocessing.get_context(_CONTEXT)
        else:  # Windows
            context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe()
        process = context.Process(target=serve, args=(theirs,), daemon=True)  # type: ignore[attr-defined]
        try:
            prepare()
            with _real_stderr():
                process.start()
        except OSError as err:
            ours.close()
            raise TrainingLost(f"the training process could not start: {err}") from err
        finally:
            theirs.close()
        self._process, self._conn = process, ours
        self._why = "the training process has stopped"

    def ask_frame(self) -> None:
        if not self.asked:
            self.asked = True
            self._send(("frame",))

    def set_rate(self, rate: float) -> None:
        self._send(("rate", rate))

    def set_lr(self, lr: float) -> None:
        self._send(("lr", lr))

    def read_bytes(self) -> bytes:
        """The next reply's bytes, for a thread to read while the app goes on: it changes
        nothing here (``frame_of`` takes them on the app's thread). Raises EOFError or
        OSError if the process is gone."""
        conn = self._conn
        if conn is None:
            raise EOFError("the pipe is closed")
        return conn.recv_bytes()

    def frame_of(self, read: Future[bytes]) -> Frame:
        """The frame ``read`` (a thread's ``read_bytes``) holds. Raises TrainingLost if
        the process died or sent what cannot be read (it is ended then)."""
        if self._trainer is None:
            raise TrainingLost(self._why)
        try:
            data = read.result()
        except (EOFError, OSError) as err:
            raise self._lost() from err
        try:
            frame: Frame = self._reply(data)
        except TrainingLost:
            raise
        except Exception as err:  # a reply that cannot be read: no later one can be trusted
            self.close()
            raise TrainingLost(f"the training process sent an unreadable frame ({err})") from err
        self.asked = False
        return frame

    def forget(self) -> None:
        """Drop the run being played (its process died)."""
        self._trainer = None
        self.asked = False

    def stop(self, timeout: float = STOP_TIMEOUT) -> Trainer:
        """Stop playing and return the run as trained so far (frames still in flight
        are dropped). Raises TrainingLost if the process died or gave no answer within
        ``timeout`` seconds (it is ended then)."""
        assert self._trainer is not None
        try:
            self._send(("stop",))  # inside: a dead process still ends the run here
            while True:
                if self._conn is None or not self._conn.poll(timeout):
                    self.kill()  # its late answer must not meet the next run
                    raise TrainingLost("the training process did not answer")
                reply = self._receive()
                if isinstance(reply, Trainer):
                    return reply
        finally:
            self._trainer = None
            self.asked = False

    def _send(self, message: tuple[object, ...]) -> None:
        if self._conn is None:
            raise TrainingLost(self._why)
        try:
            self._conn.send(message)
        except (OSError, ValueError) as err:
            raise self._lost() from err

    def _receive(self) -> Any:
        if self._conn is None or self._trainer is None:
            raise TrainingLost(self._why)
        try:
            data = self._conn.recv_bytes()
        except (EOFError, OSError) as err:
            raise self._lost() from err
        return self._reply(data)

    def _reply(self, data: bytes) -> Any:
        assert self._trainer is not None
        self.frame_bytes = len(data)
        reply = _loads(data, self._trainer.shared_parts())
        if isinstance(reply, tuple) and reply and reply[0] == "error":
            self.close()  # it has ended its work: the next run gets a new process
            raise TrainingLost(f"the training process {reply[1]}")
        return reply

    def _lost(self) -> TrainingLost:
        process, self._process = self._process, None
        self.close_pipe()
        code = None
        if process is not None:
            process.join(0.5)
            code = process.exitcode
        why = f" (exit status {code})" if code is not None else ""
        self._why = f"the training process stopped{why}"  # whichever thread asks next
        return TrainingLost(self._why)

    def close_pipe(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def kill(self) -> None:
        """End a process that no longer answers (stopped, or stuck) at once. The pipe
        stays open until a read in progress has met its end (``close_pipe``, or the
        next ``play``), so no thread reads a closed descriptor."""
        process, self._process = self._process, None
        if process is not None:
            process.kill()  # SIGKILL ends a stopped process too
            process.join(1.0)
        self._why = "the training process stopped answering"

    def close(self, timeout: float = 0.2) -> None:
        """End the process: it exits when its pipe closes (it holds nothing the app
        still needs); past ``timeout``, kill it."""
        self.close_pipe()
        process, self._process = self._process, None
        if process is None:
            return
        process.join(timeout)
        if process.is_alive():
            process.kill()
            process.join(timeout)

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid
