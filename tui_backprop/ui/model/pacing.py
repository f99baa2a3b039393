"""How many epochs each frame trains while a run plays.

Training runs on the UI thread in time slices: a thread would hold the GIL and starve
the screen. Each frame trains the epochs its speed has earned since the last frame,
never for longer than ``BUDGET``, then the panes redraw from the latest record only.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

SPEEDS: tuple[float, ...] = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, math.inf)
DEFAULT_SPEED = 3  # 10 epochs/s: each step can still be followed by eye
FRAME = 1 / 30  # seconds between frame ticks while running
BUDGET = 0.020  # longest a frame may train, so keys are answered at once
MIN_BUDGET = 0.006
PERIOD = 1 / 20  # at max speed, training yields to drawing to keep this frame period


def speed_label(rate: float) -> str:
    return "max speed" if math.isinf(rate) else f"{rate:g} epochs/s"


class Pacer:
    """Turns a speed setting and the clock into a number of epochs per frame."""

    def __init__(
        self, speed: int = DEFAULT_SPEED, clock: Callable[[], float] = time.perf_counter
    ) -> None:
        self.speed = speed
        self._clock = clock
        self._last = clock()
        self._owed = 0.0
        self._end: float | None = None  # when the last frame's training stopped
        self._recent: deque[tuple[float, int]] = deque()

    @property
    def rate(self) -> float:
        return SPEEDS[self.speed]

    def faster(self) -> None:
        self.speed = min(self.speed + 1, len(SPEEDS) - 1)

    def slower(self) -> None:
        self.speed = max(self.speed - 1, 0)

    def start(self) -> None:
        """Begin owing epochs from now; the first one is due at once."""
        self._last = self._clock()
        self._owed = 1.0
        self._end = None
        self._recent.clear()

    def run(self, step: Callable[[], bool]) -> int:
        """Call ``step`` for the epochs due now (it returns False to stop early);
        returns how many ran."""
        now = self._clock()
        elapsed, self._last = now - self._last, now
        if math.isinf(self.rate):
            due = math.inf
        else:  # a stalled frame does not earn a burst later
            self._owed = min(self._owed + self.rate * elapsed, max(self.rate * FRAME * 2, 1.0))
            due = math.floor(self._owed)
        done = 0
        deadline = now + self.budget(now)
        while done < due and (done == 0 or self._clock() < deadline):
            if not step():
                break
            done += 1
        if not math.isinf(self.rate):
            self._owed = max(self._owed - done, 0.0) if done == due else min(self._owed - done, 1.0)
        self._note(now, done)
        self._end = self._clock()
        return done

    def budget(self, now: float) -> float:
        """Training time for this frame: what drawing the last frame left of ``PERIOD``
        (a slow terminal gets fewer epochs per frame, not fewer frames)."""
        if self._end is None:
            return BUDGET
        return min(BUDGET, max(MIN_BUDGET, PERIOD - (now - self._end)))

    def _note(self, now: float, done: int) -> None:
        self._recent.append((now, done))
        while self._recent and now - self._recent[0][0] > 1.0:
            self._recent.popleft()

    def measured(self) -> float:
        """Epochs per second over about the last second."""
        if len(self._recent) < 2:
            return 0.0
        span = self._recent[-1][0] - self._recent[0][0]
        return sum(n for _, n in list(self._recent)[1:]) / span if span > 0 else 0.0
