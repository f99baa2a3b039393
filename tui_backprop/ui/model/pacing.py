"""How fast a playing run trains: the speed ladder the keys walk, and the schedule the
training process keeps to it.

A run plays in its own process (see ``training_process``), so pacing only decides how
many epochs are due by the clock; drawing never takes time from training.
"""

from __future__ import annotations

import math
import os
import time
from collections import deque
from collections.abc import Callable

# Rungs about ×3 apart: 10 epochs/s reaches max speed in four presses of +, and * jumps.
SPEEDS: tuple[float, ...] = (1, 3, 10, 30, 100, 1000, math.inf)
DEFAULT_SPEED = 2  # 10 epochs/s: each step can still be followed by eye
MAX_LAG = 0.1  # seconds of epochs a stalled schedule may still catch up on


# Frames a second a playing run asks for: ``MOST_FRAMES`` with the cores to itself, fewer
# as more runnable processes share them, never below ``LEAST_FRAMES``. A class of tabs on
# two cores at 24 frames each got 1-3 updates a second; capped at 8, all of them 8.
MOST_FRAMES = 24.0
LEAST_FRAMES = 8.0


def frame_rate(load: float, cores: int) -> float:
    """The frame rate for ``load`` runnable processes (the load average) on ``cores``:
    the cores' share each would get, of ``MOST_FRAMES``."""
    share = cores / max(load, cores, 1)
    return max(LEAST_FRAMES, MOST_FRAMES * share)


# Seconds over which the machine's runnable processes are averaged for ``frame_rate``:
# the one-minute load average still reads "free" for most of a minute after a class
# starts playing together, while every tab asks for 24 frames and none gets 8.
CONTENTION_SECONDS = 1.0


def runnable_now() -> float | None:
    """Processes running or waiting for a core this instant, this one left out
    (``/proc/loadavg``'s fourth field); None where the system does not say."""
    try:
        with open("/proc/loadavg", encoding="ascii") as file:
            running = file.read().split()[3].split("/")[0]
        return max(int(running) - 1, 0)
    except (OSError, IndexError, ValueError):
        return None


def load_average() -> float:
    """Runnable processes over the last minute (none known: as if the cores were free)."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return 0.0


class Contention:
    """How many processes want the cores, averaged over about ``CONTENTION_SECONDS``
    of samples (one a frame), so the frame rate follows a class within a second or
    two; the load average where the instant count is not known."""

    def __init__(
        self,
        sample: Callable[[], float | None] = runnable_now,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._sample, self._clock = sample, clock
        self._value: float | None = None
        self._at = 0.0

    def load(self) -> float:
        now, count = self._clock(), self._sample()
        if count is None:
            return load_average()
        if self._value is None:
            self._value = float(count)
        else:  # an average whose weights fade over CONTENTION_SECONDS, whatever the rate
            weight = 1.0 - math.exp(-(now - self._at) / CONTENTION_SECONDS)
            self._value += weight * (count - self._value)
        self._at = now
        return self._value


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
