"""What a live session came to: the result ``run_live`` returns, the ``summary.json`` it saves, and the rows of
the summary card shown at the end."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class LiveResult:
    session_dir: Path
    frames: int = 0
    seconds: float = 0.0
    fps: float = 0.0
    # end of source | quit key | window closed | interrupted | camera dropped | time limit | routine done | error
    ended_by: str = "end of source"
    summary: dict = field(default_factory=dict)
    sets: list = field(default_factory=list)  # one dict per set (exercise, set, reps, hold_seconds, ...)


def session_summary(res: LiveResult, exercises: list[str], sets_per_exercise: int, recording) -> dict:
    """The ``summary.json`` of a session: totals over its sets, how it ended, and the sets themselves."""
    return {
        "frames": res.frames, "seconds": round(res.seconds, 2), "fps": round(res.fps, 2),
        "ended_by": res.ended_by, "exercise": exercises[0] if len(exercises) == 1 else None,
        "exercises": exercises, "sets_per_exercise": sets_per_exercise,
        "recording": str(recording) if recording else None,
        "reps": sum(s["reps"] for s in res.sets), "partial_reps": sum(s["partial_reps"] for s in res.sets),
        "hold_seconds": round(sum(s["hold_seconds"] for s in res.sets), 2),
        "faults": [f for s in res.sets for f in s["faults"]],
        "sets": res.sets,
    }


def summary_rows(summary: dict) -> list[tuple[str, str]]:
    """Rows for the on-screen summary card."""
    rows = []
    for s in summary.get("sets", []):
        several = s.get("set", 1) > 1 or summary.get("sets_per_exercise", 1) > 1
        label = s["name"] + (f" set {s['set']}" if several else "")
        parts = []
        if s.get("target_reps") is not None or s["reps"]:
            parts.append(f"{s['reps']}" + (f"/{s['target_reps']}" if s.get("target_reps") else "") + " reps")
            if s["partial_reps"]:
                parts.append(f"+{s['partial_reps']} partial")
        if s.get("hold_seconds"):
            parts.append(f"{s['hold_seconds']:.0f} s held")
        nf = len({f["code"] for f in s.get("faults", []) if f.get("severity") != "info"})
        parts.append("good form" if nf == 0 else f"{nf} fault{'s' if nf > 1 else ''}")
        if s.get("ended") in ("reset", "switched"):
            parts.append(f"({s['ended']})")
        rows.append((label, ", ".join(parts)))
    m, sec = divmod(int(summary.get("seconds", 0)), 60)
    rows.append(("Time", f"{m}:{sec:02d}  ({summary.get('fps', 0):.0f} fps)"))
    return rows
