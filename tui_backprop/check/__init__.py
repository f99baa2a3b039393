"""Checking a student's own backprop against the engine's (``--check FILE.py``).

The student's file runs in a process of its own (``student_process``); each of its
functions gets the engine's inputs for its phase (``contract``), and what it returns is
compared with the engine's arrays layer by layer (``grading``, ``comparison``), with a
likely cause for the typical mistakes (``pointers``). The verdicts are frozen records
(``verdicts``) that the command line prints (``check_report``) and the app shows.

The engine never runs student code: this package stands above it, beside the UI.
"""

from tui_backprop.check.contract import FUNCTIONS, Call, calls_of
from tui_backprop.check.grading import check_step, function_of, judge_step
from tui_backprop.check.student_process import CallResult, LoadError, StudentCode
from tui_backprop.check.verdicts import Difference, LayerCheck, PhaseCheck, Status, StepCheck

__all__ = [
    "FUNCTIONS",
    "Call",
    "CallResult",
    "Difference",
    "LayerCheck",
    "LoadError",
    "PhaseCheck",
    "Status",
    "StepCheck",
    "StudentCode",
    "calls_of",
    "check_step",
    "function_of",
    "judge_step",
]
