"""The JSON report of an analysed source, built from a SessionResult."""
from __future__ import annotations

from .events import SessionResult
from .facts import ExerciseFacts


# a rep reaching this share of the exercise's nominal range is a full rep; below it, a smaller-range one
# (the person still did it, and it counts; the report says so, as VAY and Sency report "full rep" vs "attempt")
FULL_RANGE = 0.7


def _r(x: float, n: int = 3) -> float:
    return round(float(x), n)


def report_dict(result: SessionResult, *, frames: int, fps: float, duration: float,
                facts: ExerciseFacts | None = None) -> dict:
    """Report fields: exercise, reps (completed), partial_reps, rep_events, holds, hold_seconds, faults,
    frames, fps, duration (+ variant, cues). Times are seconds from the start of the video. ``facts``: the
    checker's (``checker.facts``), for the targets it ran with, the kind, guidance and safety."""
    targets = facts.targets() if facts is not None else {}
    reps = sorted(result.reps, key=lambda r: r.start)
    return {
        "exercise": result.exercise,
        "variant": getattr(result, "variant", "") or None,
        "reps": result.complete_reps,
        "partial_reps": result.partial_reps,
        "counted_by": {src: sum(1 for r in result.reps if r.complete and r.source == src)
                       for src in ("rules", "both", "periodicity")},
        "rep_events": [
            {"start": _r(r.start), "peak": _r(r.peak), "end": _r(r.end), "side": r.side, "complete": bool(r.complete),
             "faults": list(r.faults), "counted_by": r.source, "confidence": _r(r.confidence, 2),
             "range_of_motion": None if r.range_of_motion != r.range_of_motion else _r(r.range_of_motion, 1),
             "range_share": None if r.range_share != r.range_share else _r(r.range_share, 2),
             "full_range": None if r.range_share != r.range_share else bool(r.range_share >= FULL_RANGE),
             "grade": r.grade or ("full" if r.complete else "partial")}
            for r in reps
        ],
        "holds": [{"start": _r(h.start), "end": _r(h.end), "seconds": _r(h.seconds), "side": h.side,
                   "grade": h.grade or "full"}
                  for h in result.holds],
        "why_nothing": result.why_nothing,
        "hold_seconds": _r(result.hold_seconds),
        "faults": [{"time": _r(f.time), "code": f.code, "message": f.message, "severity": f.severity}
                   for f in result.faults],
        "cues": [{"time": _r(c.time), "text": c.text, "kind": c.kind} for c in result.cues if c.kind != "count"],
        "frames": int(frames),
        "fps": _r(fps, 3),
        "duration": _r(duration),
        **targets,
    }
