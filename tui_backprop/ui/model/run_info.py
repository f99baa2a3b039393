"""What the status line says besides the view: the experiment in words and whether the
run is playing."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RunInfo:
    """The experiment in words, set once per experiment."""

    dataset: str  # "seed · 10 rows · 2 features · 2 classes"
    model: str  # "2-4-1 · sigmoid → sigmoid · SGD · lr 0.1 · full batch"
    brief: str = ""  # both in a few words, for a narrow terminal


@dataclass(frozen=True)
class PlayState:
    """Whether the run plays on its own, at which chosen speed, and how fast it went."""

    running: bool = False
    rate: float = 10.0  # the chosen speed, epochs per second
    measured: float = 0.0  # what the last second achieved, shown at max speed
    stopped: str = ""  # why a stop rule paused the run (see engine.stopping)
    training: bool = False  # paused, a slow step trains in a thread (keys that change the run wait)
    lost: str = ""  # the training process was lost, and where the run went on from
    until: int | None = None  # playing to this epoch count, for a lesson's step
