"""Per-frame angles as CSV: one row per frame, for a spreadsheet or a physiotherapist's own plots.

Columns: frame, time, person (1 when a pose was found), phase, reps, partial_reps, holding, hold_seconds, side,
in_position, key_value, progress; then the main joint angles of both sides (degrees, in the image plane;
empty where a landmark is not visible enough); then one ``<reading>`` and ``<reading>_status`` column per
measure the exercise checks (their union over the clip, in order of first appearance). The file is written
whole or not at all (posecoach.atomic), so a crash never leaves half a CSV under the final name.
"""
from __future__ import annotations

import csv
import math
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


def angle_rows(frames, feedback) -> tuple[list[str], list[list[str]]]:
    """(header, rows) for ``frames`` (PoseFrame) and the matching ``feedback`` (Feedback or None each)."""
    reading_names: list[str] = []
    for fb in feedback:
        for r in (getattr(fb, "joints", ()) or ()):
            if r.name not in reading_names:
                reading_names.append(r.name)
    angle_cols = [f"{s}_{n}" for s in SIDES for n in BODY_ANGLES]
    header = ["frame", "time", "person", "phase", "reps", "partial_reps", "holding", "hold_seconds", "side",
              "in_position", "key_value", "progress", *angle_cols]
    for n in reading_names:
        header += [n, f"{n}_status"]
    rows = []
    for i, pf in enumerate(frames):
        fb = feedback[i] if i < len(feedback) else None
        ang = body_angles(pf.pose)
        row = [str(pf.index), f"{pf.timestamp:.3f}", "1" if pf.pose is not None else "0"]
        if fb is not None:
            row += [fb.phase, str(fb.reps), str(fb.partial_reps), _fmt(bool(fb.holding)), _fmt(float(fb.hold_seconds)),
                    fb.side, _fmt(bool(fb.in_position)), _fmt(float(fb.key_value), 3), _fmt(float(fb.progress), 3)]
        else:
            row += [""] * 9
        row += [_fmt(ang[c], 1) for c in angle_cols]
        readings = {r.name: r for r in (getattr(fb, "joints", ()) or ())}
        for n in reading_names:
            r = readings.get(n)
            row += [_fmt(float(r.value), 3), r.status] if r is not None else ["", ""]
        rows.append(row)
    return header, rows


def write_angles_csv(path: str | Path, frames, feedback) -> Path:
    header, rows = angle_rows(frames, feedback)
    with atomic_open(path, "w", newline="", what="angles CSV") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return Path(path)
