"""How fast a playing run trains: the speed ladder the keys walk, and the schedule the
training process keeps to it.

A run plays in its own process (see ``training_process``), so pacing only decides how
many epochs are due by the clock; drawing never takes time from training.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

from tui_backprop.engine.config import parameter_count
from tui_backprop.experiment import Experiment

# Rungs about ×3 apart: 10 epochs/s reaches max speed in four presses of +, and * jumps.
SPEEDS: tuple[float, ...] = (1, 3, 10, 30, 100, 1000, math.inf)
DEFAULT_SPEED = 2  # 10 epochs/s: each step can still be followed by eye
MAX_LAG = 0.1  # seconds of epochs a stalled schedule may still catch up on


# Frames a second a playing run asks for: ``MOST_FRAMES`` with the cores to itself, fewer
# as more runnable processes share them, never below ``LEAST_FRAMES``. A class of tabs on
# two cores at 24 frames each got 1-3 updates a second; capped at 8, all of them 8.
MOST_FRAMES = 24.0
LEAST_FRAMES = 8.0

SLOW_EPOCH = 0.05  # seconds: a step that took longer runs off the UI thread next time
# Multiply-adds of one epoch's forward pass (rows × weights) above which even a run's
# first, untimed step trains off the UI thread (~10 ms of NumPy at this size).
SLOW_WORK = 5_000_000


def first_guess(experiment: Experiment) -> float:
    """How long a step is taken to last before one is timed: a large network on many
    rows counts as slow, so not even the first step keeps the keys waiting."""
    trainer = experiment.trainer
    work = len(trainer.problem.x_train) * parameter_count(trainer.sizes, bias=False)
    return SLOW_EPOCH * 2 if work > SLOW_WORK else 0.0


def frame_rate(load: float, cores: int) -> float:
    """The frame rate for ``load`` runnable processes (the load average) on ``cores``:
    the cores' share each would get, of ``MOST_FRAMES``."""
    share = cores / max(load, cores, 1)
    return max(LEAST_FRAMES, MOST_FRAMES * share)


def speed_label(rate: float) -> str:
    return "max speed" if math.isinf(rate) else f"{rate:g} epochs/s"


class Pacer:
    """The chosen speed: a rung of ``SPEEDS``, moved by ``+`` and ``-``; ``*`` jumps to
    max speed and back to the rung it left."""

    def __init__(self, speed: int = DEFAULT_SPEED) -> None:
        self.speed = speed
        self._before_max = speed

    @property
    def rate(self) -> float:
        return SPEEDS[self.speed]

    def faster(self) -> None:
        self.speed = min(self.speed + 1, len(SPEEDS) - 1)

    def slower(self) -> None:
        self.speed = max(self.speed - 1, 0)

    def toggle_max(self) -> None:
        top = len(SPEEDS) - 1
        if self.speed == top:
            self.speed = self._before_max if self._before_max < top else DEFAULT_SPEED
        else:
            self._before_max, self.speed = self.speed, top


class Schedule:
    """When the next epoch is due at ``rate`` epochs a second, the first one at once.
    A stall (a slow epoch, a busy machine) earns no burst afterwards: at most
    ``MAX_LAG`` seconds of epochs are caught up on. Also measures the rate achieved."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.perf_counter) -> None:
        self._clock = clock
        self._recent: deque[tuple[float, int]] = deque()  # (when, epochs done by then)
        self._count = 0
        self.set_rate(rate)

    def set_rate(self, rate: float) -> None:
        self.rate = rate
        self._next = self._clock()  # the next epoch is due now

    def wait(self) -> float:
        """Seconds until the next epoch is due (0: due now)."""
        if math.isinf(self.rate):
            return 0.0
        return max(0.0, self._next - self._clock())

    def done(self, epochs: int = 1) -> None:
        """``epochs`` more epochs were trained."""
        now = self._clock()
        self._count += epochs
        self._recent.append((now, self._count))
        while now - self._recent[0][0] > 1.0:
            self._recent.popleft()
        if not math.isinf(self.rate):
            self._next = max(self._next + epochs / self.rate, now - MAX_LAG)

    def measured(self) -> float:
        """Epochs per second over about the last second."""
        if len(self._recent) < 2:
            return 0.0
        (start, first), (end, last) = self._recent[0], self._recent[-1]
        return (last - first) / (end - start) if end > start else 0.0
