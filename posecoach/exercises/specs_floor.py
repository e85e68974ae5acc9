"""Exercises on hands and knees or on the front: bird dog, cat-cow, child's pose, cobra, plank, push-up."""
from __future__ import annotations

import math

import numpy as np

from . import postures as P
from .body import Body, other
from .measures import Angle, Custom, Height, LineOffset, Rise
from .spec import ExerciseSpec, FaultRule, Zone
from .specs_lying import SAFETY


def _rise(body: Body, side: str, a: str, b: str) -> float:
    d = body.p(side, b) - body.p(side, a)
    return math.degrees(math.atan2(-d[1], abs(d[0]) + 1e-9))


def _bird_dog(body: Body, side: str) -> float:
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


def _head_drop(body: Body, side: str) -> float:
    """Cat-cow: how far the head hangs below the line of the back (shoulder to hip), in torso lengths."""
    ear = body.p(side, "ear")
    return -body.up_offset(ear, body.p(side, "hip"), body.p(side, "shoulder"))


def _childs_fold(body: Body, side: str) -> float:
    """Child's pose depth, 0 = on all fours, 1 = folded with the forehead down.

    Two things must both be true, so the smaller of the two decides: the hips folded (shoulder-hip-knee angle
    from about 110 deg on all fours to 40 deg folded) and the head lowered to the floor (the nose's height above
    the knee, from about 0.9 torso lengths on all fours to 0.1 with the forehead down).
    """
    from ..geometry import joint_angle
    hip = joint_angle(body.p(side, "shoulder"), body.p(side, "hip"), body.p(side, "knee"))
    p_hip = (110.0 - hip) / 70.0
    knee_side = side if body.v(side, "knee") >= body.v(other(side), "knee") else other(side)
    nose = body.xy[0]
    p_head = (0.9 - body.height_above(nose, body.p(knee_side, "knee"))) / 0.8
    if body.vis[0] < body.vis_min:
        return p_hip
    return min(p_hip, p_head)


def _arm_support(body: Body, side: str) -> float:
    """Push-up depth: height of the shoulder above the wrist, in torso lengths (arms straight ~1.0)."""
    return body.height_above(body.p(side, "shoulder"), body.p(side, "wrist"))


SPECS = [
    ExerciseSpec(
        id="bird_dog", name="Bird dog", kind="mixed", aliases=("birddog", "quadruped_arm_leg_raise"),
        description="On hands and knees, reach one arm forward and the opposite leg back until level, hold, return; then switch.",
        measure=Custom(name="reach", fn=_bird_dog, needs=("shoulder", "hip")), start=0.1, top=0.85,
        side_mode="active", one_sided=True, target_reps=10, target_hold=5.0,
        guidance=("On hands and knees, hands under shoulders, knees under hips, back flat. Slowly reach one arm "
                  "forward and the opposite leg back until both are level with your body; hold 3-5 seconds "
                  "without letting your back sag or twist, return, switch sides. 5-10 each side."),
        safety=SAFETY, posture=P.quadruped, posture_cue="Get on your hands and knees, hands under shoulders, knees under hips.",
        top_cue="Hold: keep your back flat and your hips level.",
        faults=(
            FaultRule("leg_too_high", "Lift your leg only to hip height; don't arch your back.",
                      Rise(a="hip", b="ankle"), Zone(lo=25.0), phases=("top",), min_seconds=0.5, side="both"),
            FaultRule("arm_too_high", "Reach forward, not up: your arm level with your shoulder.",
                      Rise(a="shoulder", b="wrist"), Zone(lo=30.0), phases=("top",), min_seconds=0.5, side="both"),
        ),
        min_rep_seconds=1.5, leave=0.4, back=0.3,
    ),
    ExerciseSpec(
        id="cat_cow", name="Cat-cow", kind="mixed", aliases=("cat_camel", "cat_cow_stretch", "cat_and_cow"),
        description="On hands and knees, round your back up (cat), then let it dip with the head up (cow), slowly.",
        measure=Custom(name="spine", fn=_head_drop, needs=("ear", "shoulder", "hip")), start=-0.3, top=0.15,
        target_reps=10, target_hold=3.0,
        guidance=("On hands and knees, back flat. Breathing out, round your back up toward the ceiling and let "
                  "your head drop (cat); breathing in, let your back dip gently and lift your head (cow). Move "
                  "slowly through a comfortable range, 8-10 times."),
        safety=SAFETY, posture=P.quadruped, posture_cue="Get on your hands and knees, back flat.",
        min_rep_seconds=2.0, leave=0.5, back=0.3, full=0.85, partial_min=0.6,
    ),
    ExerciseSpec(
        id="childs_pose", name="Child's pose", kind="hold", aliases=("child_pose", "balasana", "childs_pose_stretch"),
        description="Kneeling, sit back onto your heels and fold forward, arms reaching ahead, forehead toward the floor; hold.",
        measure=Custom(name="fold", fn=_childs_fold, needs=("shoulder", "hip", "knee")), start=0.0, top=1.0,
        target_hold=30.0, setup_needs_start=False, hold_from=0.9, hold_exit=0.5, min_hold=1.0, hold_grace=0.8,
        guidance=("Kneel, sit back toward your heels and walk your hands forward until your forehead rests on the "
                  "floor (or a cushion). Let your back relax and breathe slowly; hold 20-60 seconds."),
        safety=SAFETY, posture=P.kneeling_folded, posture_cue="Kneel and sit back toward your heels.",
        faults=(
            FaultRule("hips_high", "Sit your hips back toward your heels.",
                      Height(point="hip", ref="ankle"), Zone(lo=0.9), phases=("hold",), min_seconds=1.0),
        ),
    ),
    ExerciseSpec(
        id="cobra", name="Cobra (prone press-up)", kind="mixed",
        aliases=("cobra_pose", "prone_press_up", "press_up_extension", "sphinx", "mckenzie_press_up"),
        description="Lying on your front, press your chest up with your hands, hips on the floor; hold, lower slowly.",
        measure=Rise(name="chest_lift", a="hip", b="shoulder"), start=14.0, top=34.0,
        target_reps=10, target_hold=10.0, hold_from=0.65, min_hold=0.8, hold_grace=0.6,
        guidance=("Lie on your front, hands under your shoulders. Keeping your hips on the floor, slowly push your "
                  "chest up as far as is comfortable, relaxing your back and buttocks; hold 5-10 seconds and lower "
                  "slowly. 8-10 times."),
        safety=SAFETY, posture=P.prone_legs_down, posture_cue="Lie on your front, hands under your shoulders.",
        faults=(
            # lo 0.2 (was 0.35): hips clearly off the floor (synthetic truth: 15 degrees of hip flexion, trunk
            # pitched 10) read 0.3; hips down read 0.0.
            FaultRule("hips_lifting", "Keep your hips on the floor; let your back bend gently.",
                      Height(point="hip", ref="knee"), Zone(lo=0.2), phases=("top",), min_seconds=0.8),
            FaultRule("shrugging", "Relax your shoulders down, away from your ears.",
                      Angle(a="ear", b="shoulder", c="hip"), Zone(hi=115.0), phases=("hold",), min_seconds=1.0),
        ),
        min_rep_seconds=1.5,
    ),
    ExerciseSpec(
        id="plank", name="Plank", kind="hold", aliases=("forearm_plank", "front_plank", "high_plank"),
        description="Hold a straight line from shoulders to heels, supported on forearms (or hands) and toes.",
        measure=Angle(name="body_line", a="shoulder", b="hip", c="ankle"), start=130.0, top=172.0,
        target_hold=30.0, setup_needs_start=False, hold_from=0.62, min_hold=1.0, hold_grace=0.8,
        guidance=("On forearms and toes (or knees to make it easier), elbows under shoulders, body straight from "
                  "head to heels, tummy gently tight. Hold 10-30 seconds breathing normally, rest, repeat 3 times; "
                  "build up to 60 seconds over weeks."),
        safety=SAFETY, posture=P.prone_supported, posture_cue="Get on your forearms and toes, elbows under shoulders.",
        faults=(
            FaultRule("hips_sagging", "Lift your hips a little: keep a straight line from shoulders to heels.",
                      LineOffset(point="hip", a="shoulder", b="ankle"), Zone(hi=-0.12), phases=("any",),
                      min_seconds=0.8, breaks_hold=True),
            # sagging this far is out of tolerance: the hold stops until the line is back
            FaultRule("hips_collapsed", "Your hips have dropped: lift them back into line, or rest on your knees.",
                      LineOffset(point="hip", a="shoulder", b="ankle"), Zone(hi=-0.25), phases=("any",),
                      min_seconds=0.5, severity="bad", breaks_hold=True),
            FaultRule("hips_piking", "Lower your hips into line with your shoulders and heels.",
                      LineOffset(point="hip", a="shoulder", b="ankle"), Zone(lo=0.18), phases=("any",),
                      min_seconds=0.8),
            # down on the knees the shoulder-hip-ankle line can still look straight (the shins lie along it), but
            # the plank is over: the hold stops until the knees come up again
            FaultRule("knees_down", "Knees down: that's a rest. Lift your knees to hold the plank again.",
                      Angle(a="hip", b="knee", c="ankle"), Zone(hi=135.0), phases=("any",),
                      min_seconds=0.3, severity="info", breaks_hold=True, side="near"),
        ),
    ),
    ExerciseSpec(
        id="pushup", name="Push-up", kind="reps", aliases=("push_up", "pushups", "press_up", "knee_pushup"),
        description="From a straight-arm plank (or knees), lower your chest toward the floor and push back up.",
        measure=Custom(name="shoulder_height", fn=_arm_support, needs=("shoulder", "wrist")), start=1.0, top=0.5,
        side_mode="mean", target_reps=10,
        guidance=("Hands a little wider than shoulders, body straight from head to heels (or knees). Lower your "
                  "chest slowly until your elbows are about 90 degrees, push back up without locking the elbows. "
                  "8-12 times; use a wall or bench to make it easier."),
        safety=SAFETY, posture=P.prone_level, posture_cue="Get into a plank on your hands, arms straight.",
        faults=(
            # hi -0.08 (was -0.15): a clear sag (synthetic truth: hips 14 degrees extended, spine 10) reads -0.10
            # on the shoulder-knee line; straight reps read 0.0, with realistic noise too.
            FaultRule("hips_sagging", "Keep your hips up in line with your shoulders: tighten your tummy.",
                      LineOffset(point="hip", a="shoulder", b="knee"), Zone(hi=-0.08), phases=("moving",),
                      min_seconds=0.4),
        ),
        min_rep_seconds=1.0, full=0.65,
    ),
]
