"""Exercise checkers: pure functions of landmark frames that count reps, time holds and cue form.

    list_exercises() -> list[ExerciseSpec]
    get_exercise(name_or_alias) -> ExerciseSpec          (UnknownExerciseError lists the valid ids)
    make_checker(name_or_alias, **settings) -> Checker   (Checker.update(frame) -> Feedback; finish(); reset();
                                                          checker.sample -> SignalSample of the last frame)
    report_dict(result, *, frames, fps, duration, facts) -> dict   (facts: checker.facts, the effective targets)
    load_exercise_file(path) -> ExerciseSpec; add_exercise_file(path) adds it to the catalogue

No OpenCV, no mediapipe, no I/O in here.
"""
from __future__ import annotations

from .engine import Checker
from .facts import ExerciseFacts, Reading
from .files import ExerciseFileError, load_exercise_file
from .events import Cue, Feedback, FormFault, Hold, JointReading, Rep, SessionResult
from .key_signal import SignalSample
from .registry import UnknownExerciseError, add_exercise_file, get_exercise, list_exercises
from .report import report_dict
from .spec import ExerciseSpec, FaultRule, Zone
from .tuning import CheckerTuning


def make_checker(name_or_alias: str | ExerciseSpec, **settings) -> Checker:
    """A fresh checker for one exercise (an id, an alias or an ``ExerciseSpec``, e.g. from
    ``load_exercise_file``); ``checker.facts`` are its effective facts. ``settings``: ``vis_min`` (default 0.5),
    ``tuning`` (a ``CheckerTuning``), ``counting`` ("fused", the default; "rules" or "periodicity" alone, for
    comparison) or any ExerciseSpec field (e.g. ``leave``, ``full``, ``target_reps``) to override the spec's
    value."""
    spec = name_or_alias if isinstance(name_or_alias, ExerciseSpec) else get_exercise(name_or_alias)
    return Checker(spec, **settings)


__all__ = [
    "Checker", "CheckerTuning", "Cue", "ExerciseFacts", "ExerciseFileError", "ExerciseSpec", "FaultRule", "Feedback",
    "FormFault", "Hold", "JointReading", "Reading", "Rep", "SessionResult", "SignalSample", "UnknownExerciseError",
    "Zone", "add_exercise_file", "get_exercise", "list_exercises", "load_exercise_file", "make_checker",
    "report_dict",
]
