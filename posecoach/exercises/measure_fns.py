"""Key and fault measures that must stay code, registered by name for the exercise files (see ``named``).

Each declares the landmarks it reads (``reads``, held to by ``tests/test_exercise_files.py``) and, where it
differs, the ones that must be visible for its value to count (``gate``).
"""
from __future__ import annotations

import math

import numpy as np

from ..geometry import joint_angle, segment_angle
from . import postures as P
from .body import END_ON_WIDTH, SIDES, Body, lm, other
from .measures import Angle
from .named import measure_fn, variant_fn

_BOTH_LEGS = ("both.shoulder", "both.hip", "both.knee", "both.ankle")


def _rise(body: Body, side: str, a: str, b: str) -> float:
    d = body.p(side, b) - body.p(side, a)
    return math.degrees(math.atan2(-d[1], abs(d[0]) + 1e-9))


# --------------------------------------------------------------------------------------------- on the floor
# the limbs' visibility is the function's own choice (the better seen of the two, at a lower threshold); the
# overlay shows the arm
@measure_fn("bird_dog_reach", reads=("shoulder", "wrist", "other.hip", "other.ankle"), gate=("shoulder",),
            show=("shoulder", "wrist"))
def bird_dog_reach(body: Body, side: str) -> float:
    """Reach of the arm on ``side`` and of the opposite leg: 0 = on the floor, 1 = level with the body.

    Arm: elevation of shoulder->wrist (about -75 deg hanging, -15 reaching forward; the hand often leaves the
    frame). Leg: elevation of hip->ankle (about -45 deg kneeling, 0 level). The better of the two counts: in a
    side view one of them is the far limb, which MediaPipe tracks poorly; the form rules check the other.
    """
    vals = []
    if body.ok(side, "shoulder", "wrist", vis_min=body.vis_min * 0.6):
        vals.append(np.clip((_rise(body, side, "shoulder", "wrist") + 75.0) / 60.0, -0.2, 1.3))
    o = other(side)
    if body.ok(o, "hip", "ankle", vis_min=body.vis_min * 0.6):
        vals.append(np.clip((_rise(body, o, "hip", "ankle") + 45.0) / 45.0, -0.2, 1.3))
    if not vals:
        return float("nan")
    return float(max(vals))


@measure_fn("head_drop", reads=("ear", "shoulder", "hip"), unit="torso")
def head_drop(body: Body, side: str) -> float:
    """Cat-cow: how far the head hangs below the line of the back (shoulder to hip), in torso lengths."""
    ear = body.p(side, "ear")
    return -body.up_offset(ear, body.p(side, "hip"), body.p(side, "shoulder"))


# The knee is read but not gated: in the pose it is hidden under the folded body (MediaPipe reports it at
# visibility 0.1-0.2) and its image position still reads the fold; gated, the held pose went unmeasured.
@measure_fn("childs_fold", reads=("shoulder", "hip", "both.knee", "nose"), gate=("shoulder", "hip"))
def childs_fold(body: Body, side: str) -> float:
    """Child's pose depth, 0 = on all fours, 1 = folded with the forehead down.

    Two things must both be true, so the smaller of the two decides: the hips folded (shoulder-hip-knee angle
    from about 110 deg on all fours to 40 deg folded) and the head lowered to the floor (the nose's height above
    the knee, from about 0.9 torso lengths on all fours to 0.1 with the forehead down).
    """
    hip = joint_angle(body.p(side, "shoulder"), body.p(side, "hip"), body.p(side, "knee"))
    p_hip = (110.0 - hip) / 70.0
    knee_side = side if body.v(side, "knee") >= body.v(other(side), "knee") else other(side)
    nose = body.xy[0]
    p_head = (0.9 - body.height_above(nose, body.p(knee_side, "knee"))) / 0.8
    if body.vis[0] < body.vis_min:
        return p_hip
    return min(p_hip, p_head)


@measure_fn("arm_support", reads=("shoulder", "wrist"), unit="torso")
def arm_support(body: Body, side: str) -> float:
    """Push-up depth: height of the shoulder above the wrist, in torso lengths (arms straight ~1.0)."""
    return body.height_above(body.p(side, "shoulder"), body.p(side, "wrist"))


# ------------------------------------------------------------------------------------------ on the back
@measure_fn("both_hips", reads=("both.shoulder", "both.hip", "both.knee"), gate=("shoulder", "hip", "knee"),
            unit="deg")
def both_hips(body: Body, side: str) -> float:
    """Double knee to chest: the less-flexed hip's shoulder-hip-knee angle (both knees must come up)."""
    vals = [Angle(a="shoulder", b="hip", c="knee")(body, s) for s in ("left", "right")]
    good = [v for v in vals if not math.isnan(v)]
    return max(good) if good else float("nan")


@measure_fn("knee_drop", reads=_BOTH_LEGS, gate=("shoulder", "hip", "knee"))
def knee_drop(body: Body, side: str) -> float:
    """Lying twist: how far the bent knees have dropped toward the floor, 0 = knees up, 1 = on the floor.

    Seen from the side, the knees' height above the hip line shrinks as they fall to either side. Seen from
    above/the feet, they move sideways off the hip-shoulder line. The larger of the two signals wins.
    """
    s = side
    # knees are together in this stretch: both must be found, but from the side the far knee is reported at
    # visibility 0.1-0.4 though it follows the near one (at the usual 0.4 a side view read nothing)
    if body.v(other(s), "knee") < 0.1:
        return float("nan")
    hip, knee, sh = body.p(s, "hip"), body.p(s, "knee"), body.p(s, "shoulder")
    # legs out straight (lying in a T between twists) is the start, whatever the knee height reads
    straight = all(joint_angle(body.p(q, "shoulder"), body.p(q, "hip"), body.p(q, "knee")) > 155.0
                   and joint_angle(body.p(q, "hip"), body.p(q, "knee"), body.p(q, "ankle")) > 150.0
                   for q in ("left", "right"))
    if straight:
        return 0.0
    thigh = max(float(((knee - hip) ** 2).sum() ** 0.5), 1e-6)
    up = body.up_offset(knee, sh, hip) * body.scale / thigh  # knee height above the torso line, per thigh
    return 1.0 - max(min(up, 1.0), -0.2)


@measure_fn("head_lift", reads=("nose", "both.hip"), gate=("nose", "hip"), unit="torso")
def head_lift(body: Body, side: str) -> float:
    """Sit-up / crunch: height of the nose above the middle of the hips, in torso lengths.

    A crunch curls the upper back, so the hip-shoulder line hardly moves; the head always rises. This reads the
    same from the side, obliquely, and from the head end looking down the body (where the trunk is
    foreshortened), and the resting value each view gives is learned as the start (adaptive baseline)."""
    return body.height_above(body.xy[0], body.mid("hip"))


@measure_fn("pelvic_roll", reads=("shoulder", "hip", "knee", "ankle"), unit="deg")
def pelvic_roll(body: Body, side: str) -> float:
    """Pelvic tilt: hip (shoulder-hip-knee) plus knee (hip-knee-ankle) angle; both open as the pelvis rolls."""
    return (joint_angle(body.p(side, "shoulder"), body.p(side, "hip"), body.p(side, "knee"))
            + joint_angle(body.p(side, "hip"), body.p(side, "knee"), body.p(side, "ankle")))


@measure_fn("shoulder_rise", reads=("shoulder", "hip", "ear"))
def shoulder_rise(body: Body, side: str) -> float:
    """Deep breathing: where the shoulder sits along the hip-to-ear line (0 = at the hip, 1 = at the ear).

    A deep breath lifts the chest and draws the shoulders toward the ears, carrying arms folded in a self-hug;
    the hip and the ear hardly move, so the share grows on the way in and shrinks on the way out, lying or
    seated, from the side or obliquely (the three points stay near one line, foreshortened alike)."""
    hip, ear = body.p(side, "hip"), body.p(side, "ear")
    axis = ear - hip
    n2 = float(axis @ axis)
    if n2 < 1e-9:
        return float("nan")
    return float((body.p(side, "shoulder") - hip) @ axis / n2)


# gate: none. Rolling toward the far side hides that side's hip and shoulder a little; their reported positions
# still say which side is lower, and the pair, not one point, is the reading.
@measure_fn("roll_tilt", reads=("both.hip", "both.shoulder"), gate=(), unit="torso", show=("hip", "shoulder"))
def roll_tilt(body: Body, side: str) -> float:
    """Back roll: how far the body has rolled onto ``side``, in torso lengths (0 = flat on the back).

    Rolling about the spine drops one side's hip and shoulder and lifts the other's; in the image the pair
    separates vertically, the rolled-to side lower, whichever side the camera is on (the floor is always down).
    The mean of the hips' and the shoulders' separation, negative when rolled the other way."""
    o = other(side)
    dy = 0.5 * ((body.p(side, "hip")[1] - body.p(o, "hip")[1])
                + (body.p(side, "shoulder")[1] - body.p(o, "shoulder")[1]))
    return float(dy / body.scale)


# ---------------------------------------------------------------------------------------------- standing
@measure_fn("hip_over_knee", reads=("hip", "knee"), unit="torso")
def hip_over_knee(body: Body, side: str) -> float:
    """Height of the hip above the knee, in torso lengths: ~0.8 standing, ~0 with the thigh level."""
    return body.height_above(body.p(side, "hip"), body.p(side, "knee"))


def thigh_back(body: Body, side: str) -> float:
    """Hip stretch: how far the thigh points away from the vertical (degrees), behind or in front.

    In the split stance the back thigh is behind the vertical and the front one ahead of it by about as much.
    From the side MediaPipe loses the far leg, and it is the back leg for one side's block; then only the near,
    front, thigh is seen (synthetic truth with realistic noise: it read -44 degrees, "not stretching", for
    the whole hold). Either leg's angle from the vertical reads the stance."""
    d = body.p(side, "knee") - body.p(side, "hip")
    return abs(math.degrees(math.atan2(d[0], d[1])))  # 0 = straight down


@variant_fn("hip_stretch_variant", reads=("both.hip", "both.ankle"))
def hip_stretch_variant(body: Body) -> str:
    """Which standing hip stretch the pose shows, from where the hips are over the feet (along the way the
    person faces, in torso lengths from the mid-ankle): "hip_flexor" with the hips eased forward over a split
    stance (+0.3..0.45 on synthetic truth, leaning or not), "outer_hip" with the weight shifted back onto the
    back leg's hip (the guides' version: -0.45..-0.55), "" standing square or unsure."""
    off = (body.mid("hip")[0] - body.mid("ankle")[0]) * body.facing() / body.scale
    if off > 0.15:
        return "hip_flexor"
    if off < -0.25:
        return "outer_hip"
    return ""


def end_on(body: Body) -> bool:
    """Is a standing body seen from the front or the back (with world landmarks to read depth from)? As the
    checker's view monitor decided over time (``ViewMonitor.observe``: filtered, with a band), else from this
    pose alone: shoulders at least ``END_ON_WIDTH`` of the torso's image length wide."""
    if body.world is None:
        return False
    if body.end_on_view is not None:
        return body.end_on_view
    return body.shoulder_width_ratio() >= END_ON_WIDTH


def hip_flexion_3d(body: Body) -> float:
    """The hips' flexion from MediaPipe's world landmarks, degrees: the trunk against the thighs (mean of the two
    sides). An angle between body segments, not to the vertical, so the camera's tilt does not enter; MediaPipe's
    world skeleton of a person standing straight reads 17-30 degrees (synth_dev, rendered)."""
    w = body.world
    shoulders = 0.5 * (w[lm("left", "shoulder")] + w[lm("right", "shoulder")])
    return float(np.mean([180.0 - joint_angle(shoulders, w[lm(s, "hip")], w[lm(s, "knee")]) for s in SIDES]))


def thigh_split_3d(body: Body) -> float:
    """The angle between the two thighs from MediaPipe's world landmarks, degrees (a split stance's)."""
    w = body.world
    thighs = [w[lm(s, "knee")] - w[lm(s, "hip")] for s in SIDES]
    return joint_angle(thighs[0], np.zeros(3), thighs[1])


def hip_stretch_depth_3d(body: Body) -> float:
    """Standing hip stretch depth from world landmarks, for a camera in front or behind: the larger of the split
    between the thighs (hip flexor version: 8 deg -> 0, 30 deg -> 1, as ``thigh_back``) and the hips' flexion
    (outer hip version: 25 deg -> 0, 50 deg -> 1). Both sides at once: the side is not told apart.

    Chosen on synth_dev's six hip stretch clips (MediaPipe on rendered video) and generator landmarks; on the
    clips seen end-on, most holds timed 0 s before (the image reading never reached the stretch)."""
    return max((thigh_split_3d(body) - 8.0) / 22.0, (hip_flexion_3d(body) - 25.0) / 25.0)


@measure_fn("hip_stretch_depth", reads=("hip", "knee", "both.hip", "both.knee", "both.ankle", "both.shoulder"),
            gate=("hip", "knee"))
def hip_stretch_depth(body: Body, side: str) -> float:
    """Standing hip stretch depth, 0 = standing, 1 = in the stretch, for whichever version the pose shows.

    hip flexor (and unsure): the thigh's angle from the vertical, 8 deg -> 0, 30 deg -> 1 (``thigh_back``);
    outer hip (the guides': front knee bent, weight back on the straight back leg, trunk bending forward down
    it): the trunk's forward lean, 10 deg -> 0, 35 deg -> 1. The outer version reads the trunk, which both
    sides share, so its side is not told apart. Seen end-on, from world landmarks (``hip_stretch_depth_3d``)."""
    if end_on(body):
        return hip_stretch_depth_3d(body)
    if hip_stretch_variant(body) == "outer_hip":
        return (trunk_lean(body, side) - 10.0) / 25.0
    return (thigh_back(body, side) - 8.0) / 22.0


@measure_fn("upright_lean", reads=("both.shoulder", "both.hip", "both.ankle"), gate=("shoulder", "hip"),
            unit="deg")
def upright_lean(body: Body, side: str) -> float:
    """Forward lean of the trunk (``trunk_lean``) where the stretch asks for an upright trunk; NaN (no
    judgement) in the outer hip stretch, which bends forward on purpose, and seen end-on, where a lean toward the
    camera does not show and a sideways one would read as forward."""
    if hip_stretch_variant(body) == "outer_hip" or end_on(body):
        return float("nan")
    return trunk_lean(body, side)


@measure_fn("trunk_lean", reads=("both.shoulder", "both.hip"), gate=("shoulder", "hip"), unit="deg")
def trunk_lean(body: Body, side: str) -> float:
    """Forward lean of the trunk (mid-hip to mid-shoulder) from upright, degrees; negative leaning back."""
    d = body.mid("shoulder") - body.mid("hip")
    ang = math.degrees(math.atan2(d[0], -d[1]))
    return ang * body.facing()


@measure_fn("bend_lean", reads=("both.shoulder", "both.hip", "both.knee"), gate=("shoulder", "hip"), unit="deg")
def bend_lean(body: Body, side: str) -> float:
    """Standing forward bend: how far the trunk leans forward from upright, degrees. Side-on, the image's
    ``trunk_lean``. Seen end-on the bend goes toward or away from the camera, and the image's lean is noise that
    may even run backwards (generator landmarks from the front: the rhythm's sign followed it and counted the
    rests between reps); there, the hips' flexion from world landmarks (``hip_flexion_3d``), which is the lean
    while the legs stay upright, as they do in this bend."""
    if end_on(body):
        return hip_flexion_3d(body)
    return trunk_lean(body, side)


@measure_fn("lean_back", reads=("both.shoulder", "both.hip"), gate=("shoulder", "hip"), unit="deg")
def lean_back(body: Body, side: str) -> float:
    """Backward lean of the trunk from upright, degrees (``trunk_lean`` negated)."""
    return -trunk_lean(body, side)


@variant_fn("hamstring_variant", reads=_BOTH_LEGS)
def hamstring_variant(body: Body) -> str:
    """Which hamstring stretch the pose shows: "lying", "seated", "standing" or "" (can't tell)."""
    torso = P.torso_incline(body)
    legs = [segment_angle(body.p(q, "hip"), body.p(q, "ankle")) for q in SIDES]
    if P.standing(body):
        return "standing"
    hip, sh, ankle = body.mid("hip"), body.mid("shoulder"), body.mid("ankle")
    # folded forward over long legs, the shoulders are on the feet's side of the hips; lying, on the other side
    folded_over_legs = np.sign(sh[0] - hip[0]) == np.sign(ankle[0] - hip[0])
    if torso < 35 and not folded_over_legs:
        return "lying"
    if min(legs) < 35:
        return "seated"
    return ""


@variant_fn("bridge_arms", reads=("both.shoulder", "both.hip", "both.wrist"))
def bridge_arms(body: Body) -> str:
    """Glute bridge: "arms_raised" when a hand points at the ceiling (well above the shoulder-hip line), ""
    for the plain bridge (arms on the floor) or when unsure."""
    # the better-seen arm only: a far arm hidden behind the body is reported anywhere (tens of pixels astray)
    s = max(SIDES, key=lambda q: body.v(q, "wrist"))
    if body.v(s, "wrist") < body.vis_min:
        return ""
    up = body.up_offset(body.p(s, "wrist"), body.p(s, "hip"), body.p(s, "shoulder"))
    return "arms_raised" if up > 0.6 else ""


@measure_fn("hamstring_depth", reads=(*_BOTH_LEGS, "both.wrist"), gate=("hip", "knee"))
def hamstring_depth(body: Body, side: str) -> float:
    """Stretch depth 0..1 for whichever variant the pose shows.

    lying: the raised straight leg's elevation (20 deg -> 0, 70 deg -> 1);
    seated: fold of the trunk over long legs (shoulder-hip-knee 100 deg -> 0, 55 deg -> 1);
    standing: forward lean of the trunk from the hips (20 deg -> 0, 80 deg -> 1).
    """
    v = hamstring_variant(body)
    if v == "lying":
        best = -1.0
        for q in SIDES:
            hip, knee, ankle = body.p(q, "hip"), body.p(q, "knee"), body.p(q, "ankle")
            if joint_angle(hip, knee, ankle) < 130:
                continue
            d = ankle - hip
            rise = math.degrees(math.atan2(-d[1], abs(d[0]) + 1e-9))
            best = max(best, (rise - 20.0) / 50.0)
        return best
    if v == "seated":
        fold = min(joint_angle(body.p(q, "shoulder"), body.p(q, "hip"), body.p(q, "knee")) for q in SIDES
                   if body.v(q, "hip") > 0.2) if any(body.v(q, "hip") > 0.2 for q in SIDES) else float("nan")
        return max((100.0 - fold) / 45.0, _reach(body))
    if v == "standing":
        return max((trunk_lean(body, side) - 20.0) / 60.0, _reach(body))
    return float("nan")


def _reach(body: Body) -> float:
    """Hands toward the feet: (1.4 - nearest wrist-to-ankle distance in torso lengths), 1 = hands at the shins.

    Reads the stretch even when the fold angle is lost (a leg pointing at the camera, the head hiding the hip)."""
    d = min(float(np.linalg.norm(body.p(s, "wrist") - body.p(q, "ankle"))) for s in SIDES for q in SIDES)
    return 1.4 - d / body.scale
