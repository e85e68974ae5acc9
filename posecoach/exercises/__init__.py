"""Exercise checkers: pure functions of landmark frames that count reps, time holds and cue form.

    list_exercises() -> list[ExerciseSpec]
    get_exercise(name_or_alias) -> ExerciseSpec          (UnknownExerciseError lists the valid ids)
    make_checker(name_or_alias, **settings) -> Checker   (Checker.update(frame) -> Feedback; finish(); reset();
                                                          checker.sample -> SignalSample of the last frame)
    report_dict(result, *, frames, fps, duration) -> dict

No OpenCV, no mediapipe, no I/O in here.
"""
from __future__ import annotations

from .engine import Checker
from .events import Cue, Feedback, FormFault, Hold, JointReading, Rep, SessionResult
from .key_signal import SignalSample
from .registry import UnknownExerciseError, get_exercise, list_exercises
from .report import report_dict
from .spec import ExerciseSpec, FaultRule, Zone
from .tuning import CheckerTuning


def make_checker(name_or_alias: str, **settings) -> Checker:
    """A fresh checker for one exercise. ``settings``: ``vis_min`` (default 0.5), ``tuning`` (a
    ``CheckerTuning``), ``counting`` ("fused", the default; "rules" or "periodicity" alone, for comparison) or any
    ExerciseSpec field (e.g. ``leave``, ``full``, ``target_reps``) to override the spec's value."""
    return Checker(get_exercise(name_or_alias), **settings)


__all__ = [
    "Checker", "CheckerTuning", "Cue", "ExerciseSpec", "FaultRule", "Feedback", "FormFault", "Hold",
    "JointReading", "Rep", "SessionResult", "SignalSample", "UnknownExerciseError", "Zone", "get_exercise",
    "list_exercises", "make_checker", "report_dict",
]
