"""Whole-body arrangements an exercise needs before it can count: lying, on all fours, standing, kneeling.

Loose on purpose: MediaPipe is at its weakest on lying and kneeling bodies, so each test uses the few
segments it needs, from whichever side is better seen, and tolerates a tilted camera.
"""
from __future__ import annotations

import math

import numpy as np

from ..geometry import joint_angle, segment_angle
from .body import SIDES, Body, lm
from .named import posture_fn

_TRUNK = ("both.shoulder", "both.hip")
_LEGS = ("both.hip", "both.knee", "both.ankle")


def _best_side(body: Body, *parts) -> str:
    return max(SIDES, key=lambda s: sum(body.v(s, p) for p in parts))


def torso_incline(body: Body) -> float:
    s = _best_side(body, "shoulder", "hip")
    return segment_angle(body.p(s, "hip"), body.p(s, "shoulder"))


def leg_incline(body: Body) -> float:
    s = _best_side(body, "hip", "ankle")
    return segment_angle(body.p(s, "hip"), body.p(s, "ankle"))


@posture_fn("lying", reads=_TRUNK)
def lying(body: Body, max_torso: float = 40.0) -> bool:
    """Back or front on the floor: the torso is near level in the image."""
    return torso_incline(body) < max_torso


@posture_fn("lying_knees_up", reads=("both.hip", "both.ankle"))
def lying_knees_up(body: Body) -> bool:
    """On the back, or sitting up from it, with the feet near hip level (sit-ups, crunches): the hips are on
    the floor whatever the trunk does."""
    s = _best_side(body, "hip", "ankle")
    hip, ankle = body.p(s, "hip"), body.p(s, "ankle")
    return abs(hip[1] - ankle[1]) / body.scale < 0.6


@posture_fn("quadruped", reads=(*_TRUNK, "both.knee"))
def quadruped(body: Body) -> bool:
    """On hands and knees: torso near level, hips above knees."""
    if torso_incline(body) > 45:
        return False
    # either knee under its hip (bird dog lifts the other leg)
    return any(body.height_above(body.p(s, "hip"), body.p(s, "knee")) > 0.3 for s in SIDES
               if body.v(s, "knee") > 0.2)


@posture_fn("kneeling_folded", reads=(*_TRUNK, "both.knee", "both.ankle"))
def kneeling_folded(body: Body) -> bool:
    """Child's pose: knees deeply bent, torso forward over the thighs.

    Seen from the front, the head or the feet the torso points at the camera, and the image reads it upright;
    there its incline comes from MediaPipe's world landmarks. The knee angle stays the image's: the knee is
    hidden under the folded body, and the world estimate of a hidden knee reads it open (130-150 degrees where
    the image reads 30-90)."""
    s = _best_side(body, "hip", "knee", "ankle")
    knee = joint_angle(body.p(s, "hip"), body.p(s, "knee"), body.p(s, "ankle"))
    return knee < 95 and _torso_incline_seen(body) < 60


def _torso_incline_seen(body: Body) -> float:
    """The torso's incline to the floor: from the image, or from the world landmarks (their y axis is the
    camera's vertical) when the torso points at the camera and its image incline means nothing."""
    if body.world is None or not body.torso_foreshortened():
        return torso_incline(body)
    w = body.world
    mid = {part: (w[lm("left", part)] + w[lm("right", part)]) / 2 for part in ("shoulder", "hip")}
    d = mid["shoulder"] - mid["hip"]
    return math.degrees(math.atan2(abs(float(d[1])), float(np.hypot(d[0], d[2])) + 1e-9))


@posture_fn("standing", reads=_LEGS)
def standing(body: Body) -> bool:
    """On the feet: on at least one leg, hip above knee above ankle with the shin near upright (the torso may
    bend; in a lunge the back shin is near level)."""
    for s in SIDES:
        if min(body.v(s, "hip"), body.v(s, "knee"), body.v(s, "ankle")) < 0.3:
            continue
        hip, knee, ankle = body.p(s, "hip"), body.p(s, "knee"), body.p(s, "ankle")
        if hip[1] < knee[1] < ankle[1] and segment_angle(knee, ankle) > 50:
            return True
    return False


@posture_fn("split_stance", reads=(*_LEGS, "both.shoulder"))
def split_stance(body: Body) -> bool:
    """Standing, or down in a lunge seen from the back leg's side: from the side the front leg is the far one
    the pose model barely sees (visibility under 0.3), and the near leg is the back leg, its shin near level,
    so ``standing`` fails all the way down. A near leg with the knee under the hip and the trunk upright is a
    lunge's back leg (kneeling upright reads the same: the lunge's own measure tells the two apart)."""
    if standing(body):
        return True
    if torso_incline(body) <= 55:
        return False
    for s in SIDES:
        if min(body.v(s, "hip"), body.v(s, "knee"), body.v(s, "ankle")) < 0.3:
            continue
        hip, knee = body.p(s, "hip"), body.p(s, "knee")
        if body.height_above(hip, knee) > 0.3:
            return True
    return False


@posture_fn("standing_upright", reads=(*_LEGS, "both.shoulder"))
def standing_upright(body: Body) -> bool:
    return standing(body) and torso_incline(body) > 55


@posture_fn("prone_supported", reads=(*_TRUNK, "both.elbow", "both.wrist"))
def prone_supported(body: Body) -> bool:
    """Plank / push-up: body near level, held up on hands or forearms.

    Seen head-on the torso is foreshortened and its incline means nothing; then arms under the shoulders
    are the test."""
    s = _best_side(body, "shoulder", "elbow", "wrist")
    sh, wr = body.p(s, "shoulder"), body.p(s, "wrist")
    if body.height_above(sh, wr) <= 0.25:
        return False
    return body.torso_foreshortened() or torso_incline(body) <= 50


@posture_fn("prone_level", reads=_TRUNK)
def prone_level(body: Body) -> bool:
    """Push-up: body near level (or seen head-on), on the hands or down on the floor at the bottom of a rep."""
    return body.torso_foreshortened() or torso_incline(body) <= 50


@posture_fn("prone_legs_down", reads=_LEGS)
def prone_legs_down(body: Body) -> bool:
    """Cobra: lying on the front, legs on the mat (the chest may be lifted).

    None (can't tell) when neither leg is visible, as when a camera at the head sees the legs hidden behind
    the lifted chest."""
    if max(body.v(s, p) for s in SIDES for p in ("knee", "ankle")) < 0.5:
        return None
    s = _best_side(body, "hip", "knee", "ankle")
    return segment_angle(body.p(s, "hip"), body.p(s, "ankle")) < 30


@posture_fn("seated_legs_long", reads=(*_LEGS, "both.shoulder"))
def seated_legs_long(body: Body) -> bool:
    s = _best_side(body, "hip", "knee", "ankle")
    return segment_angle(body.p(s, "hip"), body.p(s, "ankle")) < 30 and not lying(body, 25)


@posture_fn("lying_or_seated", reads=(*_LEGS, "both.shoulder"))
def lying_or_seated(body: Body) -> bool:
    """Deep breathing: lying on the back, or sitting tall (trunk upright, thigh near level, or pointing at the
    camera and so foreshortened); not standing."""
    if lying(body):
        return True
    s = _best_side(body, "hip", "knee")
    hip, knee = body.p(s, "hip"), body.p(s, "knee")
    thigh_level = segment_angle(hip, knee) < 40 or float(np.linalg.norm(knee - hip)) < 0.5 * body.scale
    return torso_incline(body) > 55 and thigh_level


@posture_fn("any_posture", reads=())
def any_posture(body: Body) -> bool:
    return True


def nan_safe(x: float) -> float:
    return -1e9 if x is None or math.isnan(x) else x


def mean(*xs) -> float:
    vals = [x for x in xs if not math.isnan(x)]
    return float(np.mean(vals)) if vals else float("nan")
