"""Replay a stretch of a recording through one exercise's checker, exactly as ``analyze --exercise`` runs it.

The routine's second opinions (``routine.py``) and the look-alike rules (``lookalikes.py``) ask a checker what it
makes of a stretch of raw poses: a fresh ``FrameStep`` (smoother, cut detector, checker) over the frames in it.
"""
from __future__ import annotations

from posecoach.pose import PoseFrame


def run_checker(raw: list[PoseFrame], exercise: str, lo: float, hi: float, smoothing: str,
                checker_settings: dict | None):
    """(the checker's result, frames) of that exercise's checker on the raw frames in [lo, hi)."""
    result, n, _ = run_checker_frames(raw, exercise, lo, hi, smoothing, checker_settings)
    return result, n


def run_checker_frames(raw: list[PoseFrame], exercise: str, lo: float, hi: float, smoothing: str,
                       checker_settings: dict | None):
    """``run_checker`` with every frame's ``FrameResult`` too: (result, frames, results)."""
    result, steps, _ = _replay(raw, exercise, lo, hi, smoothing, checker_settings)
    return result, len(steps), steps


def in_position_share(raw: list[PoseFrame], exercise: str, lo: float, hi: float, smoothing: str,
                      checker_settings: dict | None):
    """(the checker's result, the share of the stretch's readable time it spent in the exercise's position)."""
    result, _, checker = _replay(raw, exercise, lo, hi, smoothing, checker_settings)
    return result, checker.why.in_position / max(checker.why.readable, 1e-9)


def _replay(raw, exercise, lo, hi, smoothing, checker_settings):
    from posecoach.exercises import make_checker
    from posecoach.frame_step import FrameStep

    st = FrameStep(make_checker(exercise, **(checker_settings or {})), smoothing)
    steps = [st(f) for f in raw if lo <= f.timestamp < hi]
    return st.finish(), steps, st.checker


def own_zone(hold) -> bool:
    """A hold timed in the exercise's own zone (not from the whole pose, whose form was not judged)."""
    return hold.grade in ("", "full")
