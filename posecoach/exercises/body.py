"""Per-frame body geometry for the checkers: sides, body scale, visibility gating, posture tests.

Pure numpy. Everything 2D is measured in the isotropic image frame (``Pose.xy()``: pixels / frame height,
y down). Distances are normalised by the torso length (shoulder to hip) so they do not depend on how far
the person is from the camera.
"""
from __future__ import annotations

import copy
import math

import numpy as np

from ..geometry import joint_angle, segment_angle
from ..pose import Landmark, Pose

SIDES = ("left", "right")
NAN = float("nan")

# The joints whose visibility decides which side of the body is nearest the camera.
SIDE_SCORE_PARTS = ("shoulder", "elbow", "wrist", "hip", "knee", "ankle")

# Long segments whose image/world length ratio gives the image scale ("other": across the body).
_SEGMENTS = (("shoulder", "hip"), ("hip", "knee"), ("knee", "ankle"), ("shoulder", "elbow"), ("elbow", "wrist"),
             ("shoulder", "other"), ("hip", "other"))
# A limb showing less than this share of its length in the image points at the camera by more than 60 degrees.
FORESHORTENED = 0.5
# A joint's plane turned more than 60 degrees from facing the camera shows its angle distorted in the image.
FACING = 0.5


def lm(side: str, part: str) -> int:
    """Landmark index of a side-relative part: lm('left', 'knee') -> Landmark.LEFT_KNEE."""
    if part in ("nose",):
        return int(Landmark.NOSE)
    return int(Landmark[f"{side.upper()}_{part.upper()}"])


def other(side: str) -> str:
    return "right" if side == "left" else "left"


# Seen from the front, the feet or the head (shoulders at least this wide for the torso's image length), a
# standing stretch or bend moves in depth: the image shows neither the split of the thighs nor a forward lean.
END_ON_WIDTH = 0.45


class Body:
    """Derived geometry of one pose, with visibility-gated accessors.

    ``vis_min`` is the visibility below which a landmark may not drive a measurement: accessors that take
    ``gate=True`` return NaN for it, and NaN never counts a rep or a hold.
    """

    def __init__(self, pose: Pose, vis_min: float = 0.5):
        self.pose = pose
        self.t = pose.timestamp
        self.xy = pose.xy()
        self.vis = pose.visibility
        self.world = pose.world
        self.vis_min = vis_min
        self._scale: float | None = None
        self._ipm: float | None = None
        # seen end-on (front or back), as the checker's view monitor decided over time; None: decide from this
        # pose alone (``measure_fns.end_on``)
        self.end_on_view: bool | None = None

    def relaxed(self, vis_min: float) -> Body:
        """The same pose, read with a lower visibility floor (the far limb in a side view)."""
        out = copy.copy(self)
        out.vis_min = vis_min
        return out

    # -- points -------------------------------------------------------------------------------------------
    def p(self, side: str, part: str) -> np.ndarray:
        return self.xy[lm(side, part)]

    def v(self, side: str, part: str) -> float:
        return float(self.vis[lm(side, part)])

    def ok(self, side: str, *parts: str, vis_min: float | None = None) -> bool:
        thr = self.vis_min if vis_min is None else vis_min
        return all(self.v(side, part) >= thr for part in parts)

    def mid(self, part: str) -> np.ndarray:
        return (self.p("left", part) + self.p("right", part)) / 2.0

    def mid_vis(self, part: str) -> float:
        return max(self.v("left", part), self.v("right", part))

    # -- scale --------------------------------------------------------------------------------------------
    @property
    def scale(self) -> float:
        """Body size: the longer visible shoulder-hip distance (torso length), in isotropic units."""
        if self._scale is None:
            vals = []
            for s in SIDES:
                vals.append(float(np.linalg.norm(self.p(s, "shoulder") - self.p(s, "hip"))))
            # thigh + shank as a fallback floor: a torso seen end-on (foreshortened) must not blow up ratios
            legs = max(float(np.linalg.norm(self.p(s, "hip") - self.p(s, "knee"))) for s in SIDES)
            # shoulder width (about 0.75 of the torso length on an adult) keeps the scale when the torso points
            # at the camera (push-up or plank seen head-on)
            shoulders = float(np.linalg.norm(self.p("left", "shoulder") - self.p("right", "shoulder")))
            self._scale = max(max(vals), 0.6 * legs, 1.3 * shoulders, 1e-3)
        return self._scale

    # -- sides --------------------------------------------------------------------------------------------
    def side_score(self, side: str) -> float:
        """How well the camera sees this side: mean visibility of its main joints, nudged by depth."""
        vis = float(np.mean([self.v(side, p) for p in SIDE_SCORE_PARTS]))
        z = self.pose.image[[lm(side, p) for p in ("shoulder", "hip")], 2].mean()
        zo = self.pose.image[[lm(other(side), p) for p in ("shoulder", "hip")], 2].mean()
        return vis + (0.05 if z < zo else 0.0)

    # -- depth --------------------------------------------------------------------------------------------
    @property
    def image_per_metre(self) -> float:
        """Image units per world metre, from the body's least foreshortened segments; NaN without world
        landmarks. A segment's image length over its world length is this at most, less the more it points at
        the camera; the upper quartile over the well-seen segments resists MediaPipe's odd short limb."""
        if self._ipm is None:
            self._ipm = NAN
            if self.world is not None:
                ratios = []
                for a, b in _SEGMENTS:
                    for s in SIDES:
                        ia, ib = lm(s, a), lm(s if b != "other" else other(s), b if b != "other" else a)
                        if min(self.vis[ia], self.vis[ib]) < 0.5:
                            continue
                        w = float(np.linalg.norm(self.world[ia] - self.world[ib]))
                        if w > 0.05:
                            ratios.append(float(np.linalg.norm(self.xy[ia] - self.xy[ib])) / w)
                if len(ratios) >= 3:
                    self._ipm = float(np.percentile(ratios, 75))
        return self._ipm

    def in_image_plane(self, side: str, a: str, b: str) -> float:
        """How much of segment a-b the image shows (1 = across the view, 0 = pointing at the camera)."""
        ipm = self.image_per_metre
        if self.world is None or not ipm > 0:
            return 1.0
        ia, ib = lm(side, a), lm(side, b)
        w = float(np.linalg.norm(self.world[ia] - self.world[ib]))
        if w <= 1e-6:
            return 1.0
        return float(np.linalg.norm(self.xy[ia] - self.xy[ib])) / (w * ipm)

    def plane_faces_camera(self, side: str, a: str, b: str, c: str) -> bool:
        """Does the image show joint a-b-c's angle truly: its plane within 60 degrees of facing the camera
        (for a near-straight joint, whose plane is unknown: both limbs mostly across the view)?"""
        if self.world is None:
            return True
        w = self.world
        u, v = w[lm(side, a)] - w[lm(side, b)], w[lm(side, c)] - w[lm(side, b)]
        n = np.cross(u, v)
        nn, uv = float(np.linalg.norm(n)), float(np.linalg.norm(u) * np.linalg.norm(v))
        if uv > 1e-9 and nn > 0.2 * uv:  # bent more than about 12 degrees: the plane is defined
            return abs(float(n[2])) / nn >= FACING
        return min(self.in_image_plane(side, a, b), self.in_image_plane(side, c, b)) >= FORESHORTENED

    # -- generic measures ---------------------------------------------------------------------------------
    def angle(self, side: str, a: str, b: str, c: str, gate: bool = True, world: bool = False) -> float:
        if gate and not self.ok(side, a, b, c):
            return NAN
        # An image angle is the true one only when the joint's plane faces the camera. Seen edge-on (a knee
        # bending in a squat filmed from the front) or with a limb pointing at the camera (a straight body seen
        # from the head reads as folded) it means little: MediaPipe's world estimate, noisier but view-invariant,
        # is then the better one.
        if not world and self.world is not None and not self.plane_faces_camera(side, a, b, c):
            world = True
        if world and self.world is not None:
            w = self.world
            return joint_angle(w[lm(side, a)], w[lm(side, b)], w[lm(side, c)])
        return joint_angle(self.p(side, a), self.p(side, b), self.p(side, c))

    def incline(self, a: np.ndarray, b: np.ndarray) -> float:
        """Inclination of segment a-b to the image horizontal, 0..90 degrees."""
        return segment_angle(a, b)

    def torso_foreshortened(self) -> bool:
        """The torso points at (or away from) the camera: its image length is short for the body's size."""
        torso = max(float(np.linalg.norm(self.p(s, "shoulder") - self.p(s, "hip"))) for s in SIDES)
        shoulders = float(np.linalg.norm(self.p("left", "shoulder") - self.p("right", "shoulder")))
        return torso < 0.8 * shoulders

    def torso_incline(self) -> float:
        return segment_angle(self.mid("hip"), self.mid("shoulder"))

    def facing(self) -> float:
        """+1 if the person faces image-right (+x), -1 if image-left, judged from toes, nose and knees."""
        votes = 0.0
        for s in SIDES:
            w = min(self.v(s, "heel"), self.v(s, "foot_index"))
            votes += w * np.sign(self.p(s, "foot_index")[0] - self.p(s, "heel")[0])
        nose = self.xy[int(Landmark.NOSE)]
        ears = self.mid("ear")
        votes += 0.7 * np.sign(nose[0] - ears[0])
        return 1.0 if votes >= 0 else -1.0

    def up_offset(self, point: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
        """Signed distance of point from line a-b, positive when point is ABOVE the line in the image,
        divided by the body scale. Independent of which way the person faces."""
        d = b - a
        n = np.linalg.norm(d)
        if n < 1e-9:
            return NAN
        normal = np.array([-d[1], d[0]]) / n
        if normal[1] > 0:  # make the normal point up (y down in the image)
            normal = -normal
        return float(np.dot(point - a, normal)) / self.scale

    def height_above(self, point: np.ndarray, ref: np.ndarray) -> float:
        """(ref.y - point.y) / scale: how far point is above ref in the image, in torso lengths."""
        return float(ref[1] - point[1]) / self.scale

    def in_frame(self, parts=("shoulder", "hip", "knee", "ankle"), margin: float = 0.0) -> bool:
        img = self.pose.image
        for s in SIDES:
            for part in parts:
                x, y = img[lm(s, part), 0], img[lm(s, part), 1]
                if not (-margin <= x <= 1 + margin and -margin <= y <= 1 + margin):
                    return False
        return True

    def torso_length(self) -> float:
        return max(max(float(np.linalg.norm(self.p(s, "shoulder") - self.p(s, "hip"))) for s in SIDES), 1e-3)

    def shoulder_width_ratio(self) -> float:
        """Shoulder width / torso length in the image: ~0 in a pure side view, ~0.8 facing the camera."""
        return float(np.linalg.norm(self.p("left", "shoulder") - self.p("right", "shoulder"))) / self.torso_length()

    def hip_width_ratio(self) -> float:
        return float(np.linalg.norm(self.p("left", "hip") - self.p("right", "hip"))) / self.torso_length()


def nanmean(values) -> float:
    vals = [v for v in values if v is not None and not math.isnan(v)]
    return float(np.mean(vals)) if vals else NAN
