"""Standing exercises (forward bend, back extension, hip stretch, squat, lunge) and the hamstring stretch."""
from __future__ import annotations

import math

import numpy as np

from ..geometry import joint_angle, segment_angle
from . import postures as P
from .body import SIDES, Body
from .measures import Angle, Custom
from .spec import ExerciseSpec, FaultRule, Zone
from .specs_lying import SAFETY


def _hip_over_knee(body: Body, side: str) -> float:
    """Height of the hip above the knee, in torso lengths: ~0.8 standing, ~0 with the thigh level."""
    return body.height_above(body.p(side, "hip"), body.p(side, "knee"))


def _thigh_back(body: Body, side: str) -> float:
    """Hip stretch: how far the thigh points away from the vertical (degrees), behind or in front.

    In the split stance the back thigh is behind the vertical and the front one ahead of it by about as much.
    From the side MediaPipe loses the far leg, and it is the back leg for one side's block; then only the near,
    front, thigh is seen (synthetic truth with realistic noise: it read -44 degrees, "not stretching", for
    the whole hold). Either leg's angle from the vertical reads the stance."""
    d = body.p(side, "knee") - body.p(side, "hip")
    return abs(math.degrees(math.atan2(d[0], d[1])))  # 0 = straight down


def _lean(body: Body, side: str) -> float:
    d = body.mid("shoulder") - body.mid("hip")
    ang = math.degrees(math.atan2(d[0], -d[1]))
    return ang * body.facing()


def hamstring_variant(body: Body) -> str:
    s = max(SIDES, key=lambda q: body.v(q, "hip") + body.v(q, "knee") + body.v(q, "ankle"))
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


def _hamstring_depth(body: Body, side: str) -> float:
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
        return max((_lean(body, side) - 20.0) / 60.0, _reach(body))
    return float("nan")


def _reach(body: Body) -> float:
    """Hands toward the feet: (1.4 - nearest wrist-to-ankle distance in torso lengths), 1 = hands at the shins.

    Reads the stretch even when the fold angle is lost (a leg pointing at the camera, the head hiding the hip)."""
    d = min(float(np.linalg.norm(body.p(s, "wrist") - body.p(q, "ankle"))) for s in SIDES for q in SIDES)
    return 1.4 - d / body.scale


SPECS = [
    ExerciseSpec(
        id="hamstring_stretch", name="Hamstring stretch (lying with strap, seated, or standing toe touch)", kind="hold",
        aliases=("toe_touch", "seated_forward_bend", "strap_hamstring_stretch", "seated_hamstring_stretch",
                 "standing_toe_touch", "lying_hamstring_stretch"),
        description="Stretch the back of the thigh: one leg raised straight with a strap lying down, or folding forward over straight legs seated or standing.",
        measure=Custom(name="stretch", fn=_hamstring_depth, needs=("hip", "knee")), start=0.0, top=1.0,
        target_hold=30.0, required_view="side", setup_needs_start=False, hold_from=0.8, hold_exit=0.6, min_hold=1.0,
        hold_grace=0.8, variant_of=hamstring_variant,
        guidance=("Lying: loop a towel or strap round one foot and raise the straight leg until you feel a stretch "
                  "behind the thigh. Seated: legs straight, hinge forward from the hips, back long. Standing: bend "
                  "forward from the hips with soft knees. Hold 20-30 seconds, breathe, never bounce; 2-3 times each leg."),
        safety=SAFETY, posture=P.any_posture,
        faults=(
            FaultRule("knee_bent", "Keep the stretching leg straight (a soft knee is fine).",
                      Angle(a="hip", b="knee", c="ankle"), Zone(hi=140.0), phases=("hold",), min_seconds=1.0),
        ),
    ),
    ExerciseSpec(
        id="forward_bend", name="Standing forward bend", kind="mixed",
        aliases=("forward_fold", "standing_forward_bend", "jefferson_curl", "toe_touch_bend"),
        description="Standing, bend forward slowly from the hips as far as comfortable, hold, and roll back up.",
        measure=Custom(name="trunk_lean", fn=_lean, needs=("shoulder", "hip")), start=20.0, top=70.0,
        target_reps=5, target_hold=20.0, min_hold=1.0, hold_grace=0.8,
        guidance=("Stand with feet hip-width apart and knees soft. Breathe out and bend forward slowly from the hips, "
                  "letting your arms hang, only as far as is comfortable; hold 10-30 seconds, then roll up slowly, "
                  "one vertebra at a time. 3-5 times."),
        safety=SAFETY, posture=P.standing, posture_cue="Stand tall, feet hip-width apart, knees soft.",
        faults=(
            FaultRule("knees_locked", "Keep a soft bend in your knees.",
                      Angle(a="hip", b="knee", c="ankle"), Zone(lo=178.5), phases=("top",), min_seconds=1.5),
        ),
        min_rep_seconds=3.0,
    ),
    ExerciseSpec(
        id="back_extension", name="Standing back extension", kind="reps",
        aliases=("standing_extension", "standing_back_bend", "back_bend"),
        description="Standing, hands on your lower back, lean back gently from the hips, return upright.",
        measure=Custom(name="lean_back", fn=lambda b, s: -_lean(b, s), needs=("shoulder", "hip")), start=2.0, top=14.0,
        target_reps=10, target_hold=3.0,
        guidance=("Stand up straight, feet apart, hands on the small of your back. Gently lean backward, keeping "
                  "your knees straight and looking up a little; hold 2-3 seconds and come back upright. 5-10 times, "
                  "slowly."),
        safety=SAFETY, posture=P.standing, posture_cue="Stand tall, hands on your lower back.",
        faults=(
            FaultRule("knees_bending", "Keep your knees straight and bend back from the hips.",
                      Angle(a="hip", b="knee", c="ankle"), Zone(hi=155.0), phases=("top",), min_seconds=0.5),
        ),
        min_rep_seconds=1.5,
    ),
    ExerciseSpec(
        id="hip_stretch", name="Standing hip (flexor) stretch", kind="hold",
        aliases=("hip_flexor_stretch", "standing_hip_flexor_stretch", "standing_hip_stretch"),
        description="In a split stance, bend the front knee and ease the hips forward to stretch the front of the back hip.",
        measure=Custom(name="thigh_back", fn=_thigh_back, needs=("hip", "knee")), start=8.0, top=30.0,
        side_mode="active", one_sided=True, target_hold=30.0, setup_needs_start=False, hold_from=0.6,
        min_hold=1.0, hold_grace=0.8,
        guidance=("Stand with one foot a stride in front of the other, hold a chair if you need to. Bend the front "
                  "knee, keep the back leg straight and tuck your tailbone under, easing your hips forward until you "
                  "feel a stretch at the front of the back hip. Hold 20-30 seconds, 2-3 times each side."),
        safety=SAFETY, posture=P.standing_upright, posture_cue="Stand tall in a split stance, one foot forward.",
        faults=(
            FaultRule("leaning_forward", "Keep your trunk upright; move the hips forward, not the shoulders.",
                      Custom(fn=_lean, needs=("shoulder", "hip")), Zone(lo=20.0), phases=("hold",), min_seconds=1.0),
        ),
    ),
    ExerciseSpec(
        id="squat", name="Squat", kind="reps", aliases=("squats", "bodyweight_squat", "chair_squat", "goblet_squat"),
        description="Standing, bend hips and knees to lower as if sitting on a chair, then stand back up.",
        measure=Custom(name="hip_height", fn=_hip_over_knee, needs=("hip", "knee")), start=0.75, top=0.3,
        side_mode="mean", required_view="any", target_reps=10, target_hold=20.0, min_hold=1.5, hold_grace=0.8,
        guidance=("Feet shoulder-width apart, toes slightly out. Push your hips back and bend your knees as if "
                  "sitting on a chair, chest up, knees over toes; go only as low as is comfortable, then stand up "
                  "slowly. 8-12 times."),
        safety=SAFETY, posture=P.standing, posture_cue="Stand tall, feet shoulder-width apart.",
        faults=(
            FaultRule("leaning_forward", "Keep your chest up; don't fold forward.",
                      Custom(fn=_lean, needs=("shoulder", "hip")), Zone(lo=55.0), phases=("top",), min_seconds=0.4),
        ),
        min_rep_seconds=1.2, full=0.65,
    ),
    ExerciseSpec(
        id="lunge", name="Lunge", kind="reps", aliases=("lunges", "reverse_lunge", "forward_lunge", "split_squat", "static_lunge"),
        description="From a split stance, lower the back knee toward the floor with the front knee over the ankle, then rise.",
        measure=Custom(name="hip_height", fn=_hip_over_knee, needs=("hip", "knee")), start=0.7, top=0.25,
        side_mode="active", one_sided=True, required_view="any", target_reps=10,
        guidance=("Take a long step, keep your trunk upright, and lower your back knee toward the floor until the "
                  "front thigh is near level, front knee above the ankle; push back up slowly. 8-10 each leg."),
        safety=SAFETY, posture=P.standing, posture_cue="Stand tall, then step into a split stance.",
        faults=(
            FaultRule("leaning_forward", "Keep your trunk upright as you lower.",
                      Custom(fn=_lean, needs=("shoulder", "hip")), Zone(lo=30.0), phases=("top",), min_seconds=0.4),
        ),
        min_rep_seconds=1.2, full=0.65,
    ),
]
