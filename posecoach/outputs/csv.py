"""Per-frame angles as CSV: one row per frame, for a spreadsheet or a physiotherapist's own plots.

Columns: frame, time, person (1 when a pose was found), phase, reps, partial_reps, holding, hold_seconds, side,
in_position, key_value, progress; then the main joint angles of both sides (degrees, in the image plane;
empty where a landmark is not visible enough); then one ``<reading>`` and ``<reading>_status`` column per
measure the exercise checks (their union over the clip, in order of first appearance). The file is written
whole or not at all (posecoach.atomic), so a crash never leaves half a CSV under the final name.

``AnglesCsv`` is a sink of the analysis pass: each frame's row goes to an anonymous temporary file as the frame is
checked (memory stays flat over any length of video), and ``commit`` writes the final file once the reading
columns, known only at the end, are.
"""
from __future__ import annotations

import csv
import json
import math
import tempfile
from pathlib import Path

from posecoach.atomic import atomic_open
from posecoach.geometry import joint_angle
from posecoach.pose import Landmark as L

# name -> (a, vertex, c) for both sides
BODY_ANGLES = {
    "knee": ("HIP", "KNEE", "ANKLE"),
    "hip": ("SHOULDER", "HIP", "KNEE"),
    "elbow": ("SHOULDER", "ELBOW", "WRIST"),
    "shoulder": ("HIP", "SHOULDER", "ELBOW"),
}
SIDES = ("left", "right")


def body_angles(pose, min_visibility: float = 0.5) -> dict[str, float]:
    """The main joint angles of both sides, degrees; NaN where a landmark is below ``min_visibility``."""
    out = {}
    for side in SIDES:
        for name, parts in BODY_ANGLES.items():
            key = f"{side}_{name}"
            if pose is None:
                out[key] = math.nan
                continue
            idx = [int(L[f"{side.upper()}_{p}"]) for p in parts]
            if min(pose.visibility[i] for i in idx) < min_visibility:
                out[key] = math.nan
                continue
            xy = pose.xy()
            out[key] = joint_angle(xy[idx[0]], xy[idx[1]], xy[idx[2]])
    return out


def _fmt(v, nd: int = 2) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, float):
        return "" if not math.isfinite(v) else f"{v:.{nd}f}"
    return str(v)


FIXED = ["frame", "time", "person", "phase", "reps", "partial_reps", "holding", "hold_seconds", "side",
         "in_position", "key_value", "progress", *[f"{s}_{n}" for s in SIDES for n in BODY_ANGLES]]


def _row(index: int, timestamp: float, pose, fb) -> tuple[list[str], list[list[str]]]:
    """The fixed columns of one frame, and its readings as [name, value, status]."""
    ang = body_angles(pose)
    row = [str(index), f"{timestamp:.3f}", "1" if pose is not None else "0"]
    if fb is not None:
        row += [fb.phase, str(fb.reps), str(fb.partial_reps), _fmt(bool(fb.holding)), _fmt(float(fb.hold_seconds)),
                fb.side, _fmt(bool(fb.in_position)), _fmt(float(fb.key_value), 3), _fmt(float(fb.progress), 3)]
    else:
        row += [""] * 9
    row += [_fmt(ang[c], 1) for c in FIXED[12:]]
    readings = [[r.name, _fmt(float(r.value), 3), r.status] for r in (getattr(fb, "joints", ()) or ())]
    return row, readings


class AnglesCsv:
    """``add(frame_result)`` per frame, then ``commit()`` (writes ``path`` atomically) or ``discard()``."""

    def __init__(self, path: str | Path):
        self.path = path
        self._spool = tempfile.TemporaryFile("w+", encoding="utf-8", newline="", prefix="posecoach-csv-")
        self._out = csv.writer(self._spool)
        self._names: dict[str, None] = {}  # reading names in order of first appearance

    def add(self, result) -> None:
        row, readings = _row(result.index, result.timestamp, result.pose, result.feedback)
        for name, _, _ in readings:
            self._names.setdefault(name, None)
        self._out.writerow([*row, json.dumps(readings, separators=(",", ":")) if readings else ""])

    def commit(self) -> Path:
        names = list(self._names)
        self._spool.seek(0)
        with atomic_open(self.path, "w", newline="", what="angles CSV") as f:
            w = csv.writer(f)
            w.writerow(FIXED + [c for n in names for c in (n, f"{n}_status")])
            for rec in csv.reader(self._spool):
                got = {n: (v, st) for n, v, st in json.loads(rec[-1])} if rec[-1] else {}
                w.writerow(rec[:-1] + [c for n in names for c in got.get(n, ("", ""))])
        self.discard()
        return Path(self.path)

    def discard(self) -> None:
        self._spool.close()


def angle_rows(frames, feedback) -> tuple[list[str], list[list[str]]]:
    """(header, rows) for ``frames`` (PoseFrame) and the matching ``feedback`` (Feedback or None each)."""
    names: dict[str, None] = {}
    out = []
    for i, pf in enumerate(frames):
        fb = feedback[i] if i < len(feedback) else None
        row, readings = _row(pf.index, pf.timestamp, pf.pose, fb)
        got = {}
        for n, v, st in readings:
            names.setdefault(n, None)
            got[n] = (v, st)
        out.append((row, got))
    header = FIXED + [c for n in names for c in (n, f"{n}_status")]
    return header, [row + [c for n in names for c in got.get(n, ("", ""))] for row, got in out]


def write_angles_csv(path: str | Path, frames, feedback) -> Path:
    """The CSV of a list of frames and their feedback (the analysis pass uses ``AnglesCsv`` directly)."""
    from posecoach.frame_step import FrameResult

    sink = AnglesCsv(path)
    try:
        for i, pf in enumerate(frames):
            sink.add(FrameResult(pf.index, pf.timestamp, pf.pose, pf.pose, feedback[i] if i < len(feedback) else None))
        return sink.commit()
    finally:
        sink.discard()
