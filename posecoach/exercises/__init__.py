"""Exercise checkers: pure functions of landmark frames that count reps, time holds and cue form.

    list_exercises() -> list[ExerciseSpec]
    get_exercise(name_or_alias) -> ExerciseSpec          (UnknownExerciseError lists the valid ids)
    make_checker(name_or_alias, **settings) -> Checker   (Checker.update(frame) -> Feedback; finish(); reset())
    report_dict(result, *, frames, fps, duration) -> dict

No OpenCV, no mediapipe, no I/O in here.
"""
from __future__ import annotations

from .engine import Checker
from .events import Cue, Feedback, FormFault, Hold, JointReading, Rep, SessionResult
from .registry import UnknownExerciseError, get_exercise, list_exercises
from .report import report_dict
from .spec import ExerciseSpec, FaultRule, Zone


def make_checker(name_or_alias: str, **settings) -> Checker:
    """A fresh checker for one exercise. ``settings``: ``vis_min`` (default 0.5) or any ExerciseSpec field
    (e.g. ``leave``, ``full``, ``target_reps``) to override the spec's value."""
    return Checker(get_exercise(name_or_alias), **settings)


__all__ = [
    "Checker", "Cue", "ExerciseSpec", "FaultRule", "Feedback", "FormFault", "Hold", "JointReading", "Rep",
    "SessionResult", "UnknownExerciseError", "Zone", "get_exercise", "list_exercises", "make_checker",
    "report_dict",
]
