"""Ground truth of a synthetic clip: reps, holds, sides, faults, and per-frame joints and angles, as JSON.

Reps are {index, start, peak, end, side, complete, faults} and holds {start, end, side}, in seconds, so they
compare directly with ``exercises.events.SessionResult``. Angles come in three kinds, each named
``<joint>_<side>`` (hip, knee, elbow, shoulder, ankle):

- ``angles3d``: unsigned 3D angles between the true world joints (what a goniometer would read);
- ``angles2d``: ``geometry.signed_joint_angle`` on the projected truth landmarks in isotropic image
  coordinates (what a checker computes from a perfect estimate; signed, so a bridge past straight reads > 180
  or < 180 depending on which way the person faces);
- ``params``: the model's own joint angles (``body`` module), e.g. spine_flex, hip_flex_l.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from posecoach import geometry
from posecoach.pose import Landmark

TRUTH_VERSION = 1

# name -> (a, vertex, c) landmark names without side prefix
ANGLE_JOINTS: dict[str, tuple[str, str, str]] = {
    "hip": ("SHOULDER", "HIP", "KNEE"),
    "knee": ("HIP", "KNEE", "ANKLE"),
    "elbow": ("SHOULDER", "ELBOW", "WRIST"),
    "shoulder": ("HIP", "SHOULDER", "ELBOW"),
    "ankle": ("KNEE", "ANKLE", "FOOT_INDEX"),
}
PARAM_KEYS = ("pitch", "roll", "spine_flex", "spine_twist", "neck_flex", "hip_flex_l", "hip_flex_r", "knee_flex_l",
              "knee_flex_r", "shoulder_flex_l", "shoulder_flex_r", "elbow_flex_l", "elbow_flex_r", "hip_abd_l",
              "hip_abd_r")


def _triplets(side: str) -> dict[str, tuple[int, int, int]]:
    s = "LEFT_" if side == "left" else "RIGHT_"
    return {f"{name}_{side}": tuple(int(Landmark[s + p]) for p in parts) for name, parts in ANGLE_JOINTS.items()}


ANGLE_TRIPLETS: dict[str, tuple[int, int, int]] = {**_triplets("left"), **_triplets("right")}


def angles_3d(world: np.ndarray) -> dict[str, float]:
    """Unsigned 3D joint angles (degrees) of one frame's (33, 3) world landmarks."""
    return {k: geometry.joint_angle(world[a], world[b], world[c]) for k, (a, b, c) in ANGLE_TRIPLETS.items()}


def angles_2d(xy: np.ndarray) -> dict[str, float]:
    """Signed image-plane joint angles (degrees) of one frame's (33, 2) isotropic image points (Pose.xy())."""
    return {k: geometry.signed_joint_angle(xy[a], xy[b], xy[c]) for k, (a, b, c) in ANGLE_TRIPLETS.items()}


@dataclass
class Truth:
    """Everything known about a synthetic clip. ``to_json`` / ``from_json`` round-trip it."""

    exercise: str
    variant: str
    kind: str  # "reps" | "hold"
    side_meaning: str
    options: dict
    fps: float
    image_size: tuple[int, int]
    camera: dict
    near_side: str  # side of the body nearer the camera ("n/a" in a front view)
    reps: list[dict]
    holds: list[dict]
    faults: list[dict]
    phases: list[dict]
    times: list[float]
    landmarks_px: list  # (N, 33, 2) exact projected landmarks, pixels
    depth: list  # (N, 33) metres from the camera
    angles3d: dict[str, list[float]]
    angles2d: dict[str, list[float]]
    params: dict[str, list[float]]
    command: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def complete_reps(self) -> int:
        return sum(1 for r in self.reps if r["complete"])

    @property
    def hold_seconds(self) -> float:
        return float(sum(h["end"] - h["start"] for h in self.holds))

    @property
    def n_frames(self) -> int:
        return len(self.times)

    def summary(self) -> dict:
        by_side: dict[str, int] = {}
        for r in self.reps:
            if r["complete"]:
                by_side[r["side"]] = by_side.get(r["side"], 0) + 1
        return {"complete_reps": self.complete_reps, "partial_reps": len(self.reps) - self.complete_reps,
                "reps_by_side": by_side, "hold_seconds": round(self.hold_seconds, 3),
                "holds": len(self.holds), "fault_codes": sorted({f["code"] for f in self.faults}),
                "duration": round(len(self.times) / self.fps, 3)}

    def to_dict(self) -> dict:
        r = lambda a, n: np.round(np.asarray(a, float), n).tolist()  # noqa: E731
        return {
            "version": TRUTH_VERSION, "generator": "posecoach.synth", "exercise": self.exercise,
            "variant": self.variant, "kind": self.kind, "side_meaning": self.side_meaning,
            "command": self.command, "options": self.options, "fps": self.fps,
            "image_size": list(self.image_size), "n_frames": self.n_frames, "camera": self.camera,
            "near_side": self.near_side, "summary": self.summary(), "reps": self.reps, "holds": self.holds,
            "faults": self.faults, "phases": self.phases,
            "frames": {
                "t": r(self.times, 4),
                "landmarks_px": r(self.landmarks_px, 2),
                "depth": r(self.depth, 4),
                "angles3d": {k: r(v, 2) for k, v in self.angles3d.items()},
                "angles2d": {k: r(v, 2) for k, v in self.angles2d.items()},
                "params": {k: r(v, 2) for k, v in self.params.items()},
            },
            **({"extra": self.extra} if self.extra else {}),
        }

    def to_json(self, path: str | Path) -> Path:
        from posecoach.atomic import write_text

        path = Path(path)
        write_text(path, json.dumps(self.to_dict(), separators=(",", ":")), what="ground truth")
        return path

    @classmethod
    def from_dict(cls, d: dict) -> "Truth":
        fr = d["frames"]
        return cls(exercise=d["exercise"], variant=d["variant"], kind=d["kind"], side_meaning=d["side_meaning"],
                   options=d["options"], fps=d["fps"], image_size=tuple(d["image_size"]), camera=d["camera"],
                   near_side=d["near_side"], reps=d["reps"], holds=d["holds"], faults=d["faults"],
                   phases=d["phases"], times=fr["t"], landmarks_px=fr["landmarks_px"], depth=fr["depth"],
                   angles3d=fr["angles3d"], angles2d=fr["angles2d"], params=fr["params"],
                   command=d.get("command", ""), extra=d.get("extra", {}))

    @classmethod
    def from_json(cls, path: str | Path) -> "Truth":
        return cls.from_dict(json.loads(Path(path).read_text()))


def truth_path(video_path: str | Path) -> Path:
    """Where a clip's truth lives: ``clip.mp4`` -> ``clip.truth.json``."""
    p = Path(video_path)
    return p.with_name(p.stem + ".truth.json")
