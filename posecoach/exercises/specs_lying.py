"""Exercises lying on the back: knee-to-chest (one leg and both), pelvic tilt, glute bridge, lying twist, sit-up."""
from __future__ import annotations

import math

from ..geometry import joint_angle
from . import postures as P
from .body import Body, other
from .measures import Angle, Custom, Height, LineOffset
from .spec import ExerciseSpec, FaultRule, Zone

SAFETY = ("Keep every movement slow and gentle; you should feel a stretch, never pain. Stop if it hurts, "
          "or if you feel numbness or tingling in your legs, and check with your doctor or physiotherapist.")


def _both_hips(body: Body, side: str) -> float:
    vals = [Angle(a="shoulder", b="hip", c="knee")(body, s) for s in ("left", "right")]
    good = [v for v in vals if not math.isnan(v)]
    return max(good) if good else float("nan")  # both knees must come up: the less-flexed one decides


def _knee_drop(body: Body, side: str) -> float:
    """Lying twist: how far the bent knees have dropped toward the floor, 0 = knees up, 1 = on the floor.

    Seen from the side, the knees' height above the hip line shrinks as they fall to either side. Seen from
    above/the feet, they move sideways off the hip-shoulder line. The larger of the two signals wins.
    """
    s = side
    if body.v(other(s), "knee") < 0.4:  # knees are together in this stretch: both must be seen
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


def _head_lift(body: Body, side: str) -> float:
    """Sit-up / crunch: height of the nose above the middle of the hips, in torso lengths.

    A crunch curls the upper back, so the hip-shoulder line hardly moves; the head always rises. This reads the
    same from the side, obliquely, and from the head end looking down the body (where the trunk is
    foreshortened), and the resting value each view gives is learned as the start (adaptive baseline)."""
    return body.height_above(body.xy[0], body.mid("hip"))


def _pelvic_roll(body: Body, side: str) -> float:
    return (joint_angle(body.p(side, "shoulder"), body.p(side, "hip"), body.p(side, "knee"))
            + joint_angle(body.p(side, "hip"), body.p(side, "knee"), body.p(side, "ankle")))


SPECS = [
    ExerciseSpec(
        id="knee_to_chest", name="Knee to chest (one leg, alternating)", kind="mixed",
        aliases=("knee_to_chest_stretch", "single_knee_to_chest", "knee_hug"),
        description="Lying on your back, bring one knee up toward your chest, hold it, lower it; then the other.",
        measure=Angle(name="hip", a="shoulder", b="hip", c="knee"), start=125.0, top=70.0,
        side_mode="active", one_sided=True, target_reps=10, target_hold=20.0,
        guidance=("Lie on your back with knees bent and feet flat. Gently pull one knee toward your chest with both "
                  "hands, keep the other foot on the floor, hold 5-30 seconds, breathing normally, then lower it "
                  "slowly. Alternate legs, 5-10 times each side, and build up over a few weeks."),
        safety=SAFETY, posture=P.lying, posture_cue="Lie on your back, knees bent, feet flat on the floor.",
        top_cue="Hold the knee gently and breathe.",
        faults=(
            # side "near" (was the key measure's side): the head is one, whichever leg comes up; on the pulled
            # leg's side it was read on the far ear and shoulder, which MediaPipe loses from the side.
            FaultRule("head_lifting", "Keep your head and shoulders relaxed on the mat.",
                      Angle(a="ear", b="shoulder", c="hip"), Zone(hi=135.0), phases=("top",), min_seconds=0.8,
                      side="near"),
        ),
        min_hold=0.5, min_rep_seconds=1.5,
    ),
    ExerciseSpec(
        id="double_knee_to_chest", name="Double knee to chest", kind="mixed",
        aliases=("both_knees_to_chest", "knees_to_chest", "ball_position", "double_knee_hug"),
        description="Lying on your back, bring both knees up toward your chest (ball position), hold, lower.",
        measure=Custom(name="hip", fn=_both_hips, needs=("shoulder", "hip", "knee")), start=125.0, top=70.0,
        target_reps=10, target_hold=20.0,
        guidance=("Lie on your back, bend your knees and bring both up toward your chest, hands behind the knees. "
                  "Pull gently until you feel a stretch in the lower back, hold 10-30 seconds, breathe, lower one "
                  "foot at a time. Repeat 5-10 times."),
        safety=SAFETY, posture=P.lying, posture_cue="Lie on your back with your knees bent.",
        faults=(
            FaultRule("head_lifting", "Keep your head resting on the mat; let your arms do the pulling.",
                      Angle(a="ear", b="shoulder", c="hip"), Zone(hi=135.0), phases=("top",), min_seconds=0.8),
        ),
        min_rep_seconds=1.5,
    ),
    ExerciseSpec(
        id="pelvic_tilt", name="Pelvic tilt", kind="reps", aliases=("pelvic_tilts", "posterior_pelvic_tilt"),
        description="Lying on your back with knees bent, flatten your lower back into the floor by tilting the pelvis, then relax.",
        # as the pelvis rolls back the thigh rotates with it: the hip (shoulder-hip-knee) and knee angles both
        # open by a few degrees. Their sum, against the person's own resting value (adaptive start).
        measure=Custom(name="pelvis_roll", fn=_pelvic_roll, needs=("shoulder", "hip", "knee", "ankle")),
        start=0.0, top=6.0,
        target_reps=10, target_hold=5.0,
        guidance=("Lie on your back, knees bent, feet flat. Tighten your tummy and gently flatten the small of your "
                  "back into the floor, tilting your pelvis up a little; hold 5 seconds, then relax. Repeat 10 "
                  "times, slowly, breathing throughout."),
        safety=SAFETY, posture=P.lying, posture_cue="Lie on your back, knees bent, feet flat on the floor.",
        faults=(
            FaultRule("bridging", "That's a bridge: keep your bottom on the floor and just tilt the pelvis.",
                      LineOffset(point="hip", a="shoulder", b="knee"), Zone(lo=-0.12), phases=("moving",),
                      min_seconds=0.5),
        ),
        min_rep_seconds=1.5, adaptive_window=6.0, setup_seconds=0.25, min_rep_seconds_count=0.8,
    ),
    ExerciseSpec(
        id="glute_bridge", name="Glute bridge", kind="mixed", aliases=("bridge", "hip_bridge", "bridge_pose"),
        description="Lying on your back, knees bent, lift your hips until shoulders, hips and knees line up; lower slowly.",
        measure=LineOffset(name="hip_lift", point="hip", a="shoulder", b="knee"), start=-0.36, top=-0.08,
        target_reps=10, target_hold=5.0,
        guidance=("Lie on your back, knees bent, feet hip-width apart. Squeeze your buttocks and lift your hips "
                  "until your body is a straight line from shoulders to knees; hold 3-5 seconds, lower slowly. "
                  "10-15 times, resting between sets."),
        safety=SAFETY, posture=lambda b: P.lying(b, 50), posture_cue="Lie on your back, knees bent, feet flat.",
        top_cue="Squeeze your buttocks and hold.",
        faults=(
            FaultRule("over_arching", "Don't arch your back: lift only until shoulders, hips and knees are in line.",
                      LineOffset(point="hip", a="shoulder", b="knee"), Zone(lo=0.15), phases=("top",),
                      min_seconds=0.5),
            FaultRule("feet_too_far", "Bring your heels a little closer to your bottom.",
                      Angle(a="hip", b="knee", c="ankle"), Zone(lo=125.0), phases=("top",), min_seconds=0.8),
        ),
        # 2.0 s (was 1.2): the guides lift, hold 3-5 s and lower slowly; a synthetic rushed rep (1.7 s, a third of
        # the normal tempo) was not called too fast. Only the tempo cue reads this, never the count.
        min_rep_seconds=2.0,
    ),
    ExerciseSpec(
        id="supine_twist", name="Lying spinal twist", kind="mixed",
        aliases=("lying_twist", "lower_back_rotation", "spinal_twist", "supine_spinal_twist", "knee_rolls"),
        description="Lying on your back, knees bent together, let both knees fall slowly to one side, hold, return, then the other side.",
        measure=Custom(name="knee_drop", fn=_knee_drop, needs=("shoulder", "hip", "knee")), start=0.3, top=0.8,
        one_sided=True, target_reps=10, target_hold=20.0, required_view="any",
        guidance=("Lie on your back, knees bent and together, arms out to the sides. Keeping your shoulders on the "
                  "floor, let both knees roll slowly to one side, hold 5-20 seconds, come back and go to the other "
                  "side. 5-10 times each side."),
        safety=SAFETY, posture=P.lying, posture_cue="Lie on your back, knees bent and together.",
        faults=(
            FaultRule("shoulder_lifting", "Keep both shoulders on the floor as your knees go over.",
                      Height(point="shoulder", ref="hip"), Zone(lo=0.45), phases=("top",), min_seconds=0.8,
                      side="both"),
        ),
        min_rep_seconds=1.5, min_rep_seconds_count=1.0,
    ),
    ExerciseSpec(
        id="situp", name="Sit-up / crunch", kind="reps", aliases=("crunch", "crunches", "sit_up", "situps", "curl_up"),
        description="Lying on your back, knees bent, curl your head and shoulders (crunch) or trunk (sit-up) up, then lower.",
        measure=Custom(name="head_lift", fn=_head_lift, needs=("nose", "hip")), start=0.15, top=0.35,
        target_reps=10, baseline_limits=(-3.0, 1.5),
        guidance=("Lie on your back, knees bent, feet flat. Tighten your tummy and curl your head and shoulders up "
                  "slowly, hands resting on your thighs or across your chest (not pulling the neck); lower slowly. "
                  "8-12 times. With back pain, a partial curl-up is enough."),
        safety=SAFETY, posture=P.lying_knees_up, posture_cue="Lie on your back with your knees bent, feet flat.",
        faults=(
            # hi 140 (was 120): curling with the neck held reads 153-160; the neck flexed 30 degrees more (chin past
            # a fist's gap, synthetic truth) read 133, never 120.
            FaultRule("pulling_neck", "Don't pull on your neck: keep a fist's gap between chin and chest.",
                      Angle(a="ear", b="shoulder", c="hip"), Zone(hi=140.0), phases=("moving",), min_seconds=0.5),
        ),
        min_rep_seconds=1.0, full=0.6, partial_min=0.4,
    ),
]
