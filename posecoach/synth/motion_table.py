"""The motion scripts, one per exercise id (with its faults: the exercise file's codes), and the postures they
are made of. Angles are in degrees (see ``body`` for their meaning); sided exercises list the *left* version."""
from __future__ import annotations

from posecoach.synth.motion_types import Fault, Motion, Pose

# --- postures -------------------------------------------------------------------------------------------------

_ARMS_SIDE = {"shoulder_flex_l": 8.0, "shoulder_flex_r": 8.0, "shoulder_abd_l": 12.0, "shoulder_abd_r": 12.0,
              "elbow_flex_l": 5.0, "elbow_flex_r": 5.0}
_KNEES_BENT = {"knee_flex_l": 95.0, "knee_flex_r": 95.0, "foot_flat_l": 1.0, "foot_flat_r": 1.0}
SUPINE = Pose({"pitch": 180.0, **_ARMS_SIDE, **_KNEES_BENT}, ("back", "feet"), ("hip_flex_l", "hip_flex_r"),
              10.0, 85.0)
SUPINE_FLAT = Pose({"pitch": 180.0, **_ARMS_SIDE, "ankle_l": -5.0, "ankle_r": -5.0}, ("back",))
# Arms are longer than thighs, so the solved trunk tilts head-up ~15 degrees; hips at 82 and knees at 100 keep
# the thighs vertical and the shins on the floor at that tilt.
ALL_FOURS = Pose({"pitch": 0.0, "shoulder_flex_l": 80.0, "shoulder_flex_r": 80.0, "shoulder_abd_l": 0.0,
                  "shoulder_abd_r": 0.0, "elbow_flex_l": 0.0, "elbow_flex_r": 0.0, "hip_flex_l": 82.0,
                  "hip_flex_r": 82.0, "knee_flex_l": 100.0, "knee_flex_r": 100.0, "ankle_l": 75.0,
                  "ankle_r": 75.0, "neck_flex": -10.0}, ("hands", "knees"), ("pitch",), -25.0, 25.0)
STANDING = Pose({"pitch": 90.0, "foot_flat_l": 1.0, "foot_flat_r": 1.0, "hip_abd_l": 3.0, "hip_abd_r": 3.0},
                ("feet",))
PRONE = Pose({"pitch": 0.0, "ankle_l": 85.0, "ankle_r": 85.0, "shoulder_flex_l": 30.0, "shoulder_flex_r": 30.0,
              "shoulder_abd_l": 20.0, "shoulder_abd_r": 20.0, "elbow_flex_l": 110.0, "elbow_flex_r": 110.0,
              "neck_flex": 10.0}, ("pelvis_front", "forearms"), ("shoulder_flex_l", "shoulder_flex_r"), -60.0, 120.0)
FOREARM_PLANK = Pose({"pitch": 8.0, "shoulder_flex_l": 90.0, "shoulder_flex_r": 90.0, "shoulder_abd_l": 0.0,
                      "shoulder_abd_r": 0.0, "elbow_flex_l": 90.0, "elbow_flex_r": 90.0, "hip_abd_l": 2.0,
                      "hip_abd_r": 2.0, "ankle_l": 0.0, "ankle_r": 0.0, "neck_flex": -5.0},
                     ("forearms", "toes"), ("pitch",), -10.0, 40.0)
HIGH_PLANK = FOREARM_PLANK.but(elbow_flex_l=0.0, elbow_flex_r=0.0, contacts=("hands", "toes"), lo=-5.0, hi=45.0)

MOTIONS: dict[str, Motion] = {}


def _add(m: Motion) -> None:
    MOTIONS[m.id] = m


_add(Motion(
    "knee_to_chest", "reps", SUPINE,
    SUPINE.but(hip_flex_l=118.0, knee_flex_l=125.0, foot_flat_l=0.0, ankle_l=10.0, shoulder_flex_l=55.0,
               shoulder_flex_r=50.0, elbow_flex_l=95.0, elbow_flex_r=100.0, shoulder_abd_l=5.0,
               shoulder_abd_r=-5.0, contacts=("back", "foot_r"), solve=("hip_flex_r",)),
    tempo=(1.6, 3.0, 1.6, 1.2), sided="alternate", side_meaning="the leg pulled to the chest",
    default_reps=4, anchor="heel_r",
    faults=(Fault("head_lifting", "Keep your head down on the floor.", {"neck_flex": 35.0}),),
))
_add(Motion(
    "double_knee_to_chest", "reps", SUPINE,
    SUPINE.but(hip_flex_l=118.0, hip_flex_r=118.0, knee_flex_l=125.0, knee_flex_r=125.0, foot_flat_l=0.0,
               foot_flat_r=0.0, ankle_l=10.0, ankle_r=10.0, shoulder_flex_l=55.0, shoulder_flex_r=55.0,
               elbow_flex_l=95.0, elbow_flex_r=95.0, contacts=("back",), solve=()),
    tempo=(1.8, 3.0, 1.8, 1.2), default_reps=4, anchor="pelvis",
    faults=(Fault("head_lifting", "Keep your head down on the floor.", {"neck_flex": 35.0}),),
))
# Both knees hugged to the chest, hands behind the knees (double knee to chest's peak, the back roll's start).
_KNEES_HUGGED = SUPINE.but(hip_flex_l=118.0, hip_flex_r=118.0, knee_flex_l=125.0, knee_flex_r=125.0,
                           foot_flat_l=0.0, foot_flat_r=0.0, ankle_l=10.0, ankle_r=10.0, shoulder_flex_l=55.0,
                           shoulder_flex_r=55.0, elbow_flex_l=95.0, elbow_flex_r=95.0, contacts=("back",), solve=())
_add(Motion(
    # The guides' ball position: knees to the chest *and* the head tucked toward them (the back rounds a little).
    "ball_position", "reps", SUPINE,
    _KNEES_HUGGED.but(neck_flex=50.0, spine_flex=15.0),
    tempo=(2.0, 5.0, 2.0, 1.5), default_reps=3, anchor="pelvis",
    faults=(Fault("head_not_tucked", "Tuck your head toward your knees.", {"neck_flex": -50.0}),),
))
_add(Motion(
    # Rolling on the back, knees hugged: the whole body rolls about the spine to one side and back (one rep),
    # then to the other. Rolled 35 degrees; the back's contact points keep it on the floor.
    "back_roll", "reps", _KNEES_HUGGED, _KNEES_HUGGED.but(roll=35.0),
    tempo=(1.6, 0.4, 1.6, 0.4), sided="alternate", side_meaning="the side the body rolls to", default_reps=6,
    anchor="pelvis",
    faults=(Fault("knees_not_hugged", "Keep your knees hugged to your chest as you roll.",
                  {"hip_flex_l": -45.0, "hip_flex_r": -45.0, "knee_flex_l": -35.0, "knee_flex_r": -35.0}),),
))
# A self-hug lying on the back, knees bent: each hand on the opposite shoulder, the right forearm over the left.
_HUG = {"shoulder_flex_l": 30.0, "shoulder_abd_l": -30.0, "shoulder_rot_l": 90.0, "elbow_flex_l": 105.0,
        "shoulder_flex_r": 45.0, "shoulder_abd_r": -30.0, "shoulder_rot_r": 90.0, "elbow_flex_r": 100.0}
_add(Motion(
    # A deep breath: the chest lifts and the shoulders rise toward the ears (4 cm, a full slow breath), carrying
    # the hugging arms; one rep is one breath in and out, about 7 s (the guides: slow, deep breaths).
    "deep_breathing", "reps", SUPINE.but(**_HUG), SUPINE.but(**_HUG, shrug=4.0, spine_flex=-4.0),
    tempo=(2.8, 0.6, 3.2, 0.6), default_reps=4, anchor="heel_l",
))
_add(Motion(
    "pelvic_tilt", "reps", SUPINE,
    SUPINE.but(pitch=190.0, spine_flex=10.0),
    tempo=(1.2, 2.0, 1.2, 1.0), default_reps=6, anchor="heel_l",
    faults=(Fault("bridging", "Keep your buttocks on the floor: only tilt the pelvis.",
                  {"pitch": 15.0}),),
))
_add(Motion(
    "glute_bridge", "reps", SUPINE.but(knee_flex_l=100.0, knee_flex_r=100.0),
    SUPINE.but(knee_flex_l=85.0, knee_flex_r=85.0, hip_flex_l=-4.0, hip_flex_r=-4.0,
               contacts=("upper_back", "feet"), solve=("pitch",), lo=180.0, hi=260.0, arms_down=True),
    tempo=(1.5, 1.5, 1.8, 1.0), default_reps=5, anchor="heel_l", front_azimuth=0.0,
    faults=(Fault("over_arching", "Don't arch your back at the top: ribs down, squeeze the glutes.",
                  {"hip_flex_l": -14.0, "hip_flex_r": -14.0, "spine_flex": -14.0}),),
))
_add(Motion(
    # Starts on forearms and knees with the knees under the hips (clearly not yet a plank), then steps back.
    "plank", "hold", FOREARM_PLANK.but(knee_flex_l=95.0, knee_flex_r=95.0, ankle_l=75.0, ankle_r=75.0,
                                       hip_flex_l=80.0, hip_flex_r=80.0, contacts=("forearms", "knees"),
                                       lo=-40.0, hi=40.0),
    FOREARM_PLANK, tempo=(1.2, 0.0, 1.0, 1.5), default_hold=8.0, default_reps=1, anchor="elbow_l",
    faults=(Fault("hips_sagging", "Lift your hips: keep a straight line from shoulders to heels.",
                  {"hip_flex_l": -13.0, "hip_flex_r": -13.0, "spine_flex": -12.0}),
            Fault("hips_piking", "Lower your hips into a straight line.",
                  {"hip_flex_l": 28.0, "hip_flex_r": 28.0, "spine_flex": 4.0})),
))
_add(Motion(
    "pushup", "reps", HIGH_PLANK,
    HIGH_PLANK.but(shoulder_flex_l=38.0, shoulder_flex_r=38.0, elbow_flex_l=108.0, elbow_flex_r=108.0,
                   shoulder_abd_l=15.0, shoulder_abd_r=15.0, lo=-10.0, hi=30.0),
    tempo=(1.3, 0.3, 1.0, 0.6), default_reps=6, anchor="wrist_l",
    faults=(Fault("hips_sagging", "Keep your body straight: don't let the hips sag.",
                  {"hip_flex_l": -14.0, "hip_flex_r": -14.0, "spine_flex": -10.0}),),
))
_add(Motion(
    "bird_dog", "reps", ALL_FOURS,
    ALL_FOURS.but(shoulder_flex_l=172.0, hip_flex_r=5.0, knee_flex_r=3.0, ankle_r=5.0,
                  contacts=("hand_r", "knee_l")),
    tempo=(1.6, 2.5, 1.6, 1.0), sided="alternate", side_meaning="the arm reaching forward (the opposite leg "
    "extends back)", default_reps=4, anchor="knee_l",
    # The checker's bird-dog faults are what a side camera sees: the leg or the arm lifted above level
    # (a sagging back or a hiked hip, the earlier script's faults, have no rule and hardly show in 2D).
    faults=(Fault("leg_too_high", "Lift your leg only to hip height; don't arch your back.",
                  {"hip_flex_r": -45.0, "spine_flex": -10.0}),
            Fault("arm_too_high", "Reach forward, not up: your arm level with your shoulder.",
                  {"shoulder_flex_l": 45.0})),
))
_add(Motion(
    "cat_cow", "reps", ALL_FOURS,
    ALL_FOURS.but(spine_flex=35.0, neck_flex=55.0),  # cat: head hangs right down
    peak2=ALL_FOURS.but(spine_flex=-30.0, neck_flex=-50.0),  # cow: people lift the head well up
    tempo=(1.8, 1.0, 1.8, 0.4), default_reps=4, anchor="knee_l",
))
_add(Motion(
    "hamstring_stretch", "hold", SUPINE,
    SUPINE.but(hip_flex_l=82.0, knee_flex_l=3.0, foot_flat_l=0.0, ankle_l=-8.0, shoulder_flex_l=95.0,
               shoulder_flex_r=95.0, elbow_flex_l=15.0, elbow_flex_r=15.0, shoulder_abd_l=-4.0,
               shoulder_abd_r=4.0, contacts=("back", "foot_r"), solve=("hip_flex_r",)),
    tempo=(2.0, 0.0, 2.0, 2.0), sided="blocks", side_meaning="the leg being stretched", default_hold=8.0,
    default_reps=1, anchor="heel_r", variant="lying",
    faults=(Fault("knee_bent", "Straighten the knee to stretch the back of the thigh.", {"knee_flex_l": 40.0}),),
))
_HAM_SEATED = Pose({"pitch": 95.0, "hip_flex_l": 88.0, "hip_flex_r": 88.0, "ankle_l": -5.0, "ankle_r": -5.0,
                    "shoulder_flex_l": 10.0, "shoulder_flex_r": 10.0}, ("buttocks", "feet"),
                   ("hip_flex_l", "hip_flex_r"), 60.0, 140.0)
_HAM_STAND = STANDING
MOTION_VARIANTS: dict[tuple[str, str], Motion] = {
    ("hamstring_stretch", "seated"): Motion(
        "hamstring_stretch", "hold", _HAM_SEATED,
        _HAM_SEATED.but(pitch=55.0, spine_flex=30.0, neck_flex=10.0, shoulder_flex_l=135.0, shoulder_flex_r=135.0,
                        lo=80.0, hi=170.0),
        tempo=(2.5, 0.0, 2.0, 2.0), default_hold=8.0, default_reps=1, anchor="heel_l", variant="seated"),
    ("hamstring_stretch", "standing"): Motion(
        "hamstring_stretch", "hold", _HAM_STAND,
        _HAM_STAND.but(pitch=22.0, hip_flex_l=68.0, hip_flex_r=68.0, spine_flex=35.0, neck_flex=15.0,
                       shoulder_flex_l=95.0, shoulder_flex_r=95.0),
        tempo=(2.5, 0.0, 2.5, 2.0), default_hold=8.0, default_reps=1, anchor="heel_l", variant="standing"),
}
# The bridge with the arms pointing at the ceiling (the guides' harder bridge): counted like the bridge.
_ARMS_UP = {"shoulder_flex_l": 90.0, "shoulder_flex_r": 90.0, "shoulder_abd_l": 4.0, "shoulder_abd_r": 4.0,
            "elbow_flex_l": 3.0, "elbow_flex_r": 3.0}
MOTION_VARIANTS[("glute_bridge", "arms_raised")] = Motion(
    "glute_bridge", "reps", SUPINE.but(knee_flex_l=100.0, knee_flex_r=100.0, **_ARMS_UP),
    SUPINE.but(knee_flex_l=85.0, knee_flex_r=85.0, hip_flex_l=-4.0, hip_flex_r=-4.0, **_ARMS_UP,
               contacts=("upper_back", "feet"), solve=("pitch",), lo=180.0, hi=260.0),
    tempo=(1.5, 1.5, 1.8, 1.0), default_reps=5, anchor="heel_l", variant="arms_raised",
    faults=MOTIONS["glute_bridge"].faults,
)
_add(Motion(
    "childs_pose", "hold", ALL_FOURS,
    ALL_FOURS.but(pitch=-25.0, hip_flex_l=145.0, hip_flex_r=145.0, knee_flex_l=150.0, knee_flex_r=150.0,
                  ankle_l=75.0, ankle_r=75.0, shoulder_flex_l=165.0, shoulder_flex_r=165.0, spine_flex=15.0,
                  neck_flex=15.0, contacts=("hands", "shins"), lo=-70.0, hi=20.0),
    tempo=(2.5, 0.0, 2.5, 2.0), default_hold=10.0, default_reps=1, anchor="knee_l",
))
_add(Motion(
    "cobra", "reps", PRONE,
    PRONE.but(spine_flex=-45.0, neck_flex=-12.0, elbow_flex_l=25.0, elbow_flex_r=25.0,
              contacts=("pelvis_front", "hands")),
    tempo=(1.8, 2.0, 1.8, 1.2), default_reps=4, anchor="pelvis",
    faults=(Fault("hips_lifting", "Keep your hips on the floor.", {"hip_flex_l": 15.0, "hip_flex_r": 15.0,
                                                                    "pitch": 10.0}),),
))
_add(Motion(
    "supine_twist", "reps", SUPINE.but(shoulder_abd_l=85.0, shoulder_abd_r=85.0, shoulder_flex_l=0.0,
                                       shoulder_flex_r=0.0),
    SUPINE.but(shoulder_abd_l=85.0, shoulder_abd_r=85.0, shoulder_flex_l=0.0, shoulder_flex_r=0.0,
               roll=60.0, spine_twist=-60.0, foot_flat_l=0.0, foot_flat_r=0.0, contacts=("upper_back",),
               solve=()),
    tempo=(2.0, 3.0, 2.0, 1.0), sided="alternate", side_meaning="the side the knees drop to", default_reps=4,
    anchor="neck_base",
    faults=(Fault("shoulder_lifting", "Keep both shoulders on the floor.", {"spine_twist": 25.0}),),
))
_add(Motion(
    "forward_bend", "reps", STANDING,
    # The guides bend with soft knees (a few degrees); the fault the checker names is the opposite, knees
    # locked straight at the bottom, so that is the scripted fault.
    STANDING.but(pitch=35.0, hip_flex_l=55.0, hip_flex_r=55.0, spine_flex=35.0, neck_flex=10.0,
                 shoulder_flex_l=85.0, shoulder_flex_r=85.0, knee_flex_l=10.0, knee_flex_r=10.0),
    tempo=(2.2, 1.5, 2.2, 1.0), default_reps=4, anchor="heel_l", front_azimuth=0.0,
    faults=(Fault("knees_locked", "Keep a soft bend in your knees.",
                  {"knee_flex_l": -10.0, "knee_flex_r": -10.0}),),
))
_add(Motion(
    "back_extension", "reps", STANDING.but(shoulder_flex_l=-35.0, shoulder_flex_r=-35.0, shoulder_abd_l=22.0,
                                           shoulder_abd_r=22.0, elbow_flex_l=115.0, elbow_flex_r=115.0),
    STANDING.but(shoulder_flex_l=-35.0, shoulder_flex_r=-35.0, shoulder_abd_l=22.0, shoulder_abd_r=22.0,
                 elbow_flex_l=115.0, elbow_flex_r=115.0, pitch=100.0, hip_flex_l=-10.0, hip_flex_r=-10.0,
                 spine_flex=-28.0, neck_flex=-10.0),
    tempo=(1.5, 1.5, 1.5, 1.0), default_reps=5, anchor="heel_l",
    faults=(Fault("knees_bending", "Keep your knees straight; lean back from the lower back.",
                  {"knee_flex_l": 25.0, "knee_flex_r": 25.0}),),
))
# The checker's hip stretch is the guides' *standing* hip flexor stretch (split stance, front knee bends, hips
# ease forward until the back thigh is well behind the vertical), not a lying figure four: that script gave
# 0 s held of 16 s, because the checker never saw a standing body.
_HIP_STRETCH_START = STANDING.but(hip_flex_l=6.0, knee_flex_l=3.0, hip_flex_r=-6.0, knee_flex_r=3.0,
                                  foot_flat_r=0.0, ankle_r=10.0, contacts=("foot_l", "toe_r"), solve=("hip_flex_r",),
                                  lo=-60.0, hi=20.0)
_add(Motion(
    "hip_stretch", "hold", _HIP_STRETCH_START,
    _HIP_STRETCH_START.but(hip_flex_l=35.0, knee_flex_l=40.0, knee_flex_r=5.0, ankle_r=40.0),
    tempo=(2.0, 0.0, 2.0, 2.0), sided="blocks", side_meaning="the back leg (whose hip is stretched)",
    default_hold=8.0, default_reps=1, anchor="heel_l",
    faults=(Fault("leaning_forward", "Keep your trunk upright; move the hips forward, not the shoulders.",
                  {"pitch": -28.0, "hip_flex_l": 28.0}),),
))
# The guides' standing hip stretch: feet apart, one foot half a step back; the front knee bends and the weight
# shifts back onto the straight back leg's hip while the trunk bends forward down that leg (the stretch is on
# the outside of the back hip). The same stance as above with a shorter step; the left version has the right leg
# back, like the hip flexor stretch's.
_OUTER_HIP_START = STANDING.but(hip_flex_l=8.0, knee_flex_l=2.0, hip_flex_r=-10.0, knee_flex_r=2.0,
                                contacts=("foot_l", "foot_r"), solve=("hip_flex_r",), lo=-40.0, hi=20.0)
MOTION_VARIANTS[("hip_stretch", "outer_hip")] = Motion(
    "hip_stretch", "hold", _OUTER_HIP_START,
    _OUTER_HIP_START.but(pitch=58.0, hip_flex_l=70.0, knee_flex_l=40.0, knee_flex_r=2.0, spine_flex=12.0,
                         neck_flex=10.0, shoulder_flex_l=55.0, shoulder_flex_r=55.0, lo=0.0, hi=80.0),
    tempo=(2.0, 0.0, 2.0, 2.0), sided="blocks", side_meaning="the back leg (whose outer hip is stretched)",
    default_hold=8.0, default_reps=1, anchor="heel_l", variant="outer_hip",
)
_add(Motion(
    "squat", "reps", STANDING,
    STANDING.but(pitch=55.0, hip_flex_l=125.0, hip_flex_r=125.0, knee_flex_l=112.0, knee_flex_r=112.0,
                 shoulder_flex_l=80.0, shoulder_flex_r=80.0, elbow_flex_l=5.0, elbow_flex_r=5.0,
                 shoulder_abd_l=5.0, shoulder_abd_r=5.0),
    tempo=(1.6, 0.5, 1.4, 0.8), default_reps=5, anchor="heel_l",
    # 30 degrees more lean (65 from upright): the checker's rule starts at 55; 22 more read just under it
    faults=(Fault("leaning_forward", "Keep your chest up.", {"pitch": -30.0, "hip_flex_l": 30.0, "hip_flex_r": 30.0}),),
))
_LUNGE_START = STANDING.but(hip_flex_l=25.0, knee_flex_l=3.0, hip_flex_r=-18.0, foot_flat_r=0.0, ankle_r=30.0,
                            contacts=("foot_l", "toe_r"), solve=("hip_flex_r",), lo=-60.0, hi=20.0)
_add(Motion(
    "lunge", "reps", _LUNGE_START,
    _LUNGE_START.but(hip_flex_l=80.0, knee_flex_l=88.0, knee_flex_r=92.0, ankle_r=30.0, pitch=92.0),
    tempo=(1.5, 0.5, 1.4, 0.8), sided="blocks", side_meaning="the front leg", default_reps=3, anchor="heel_l",
    # a lean of 35 degrees: the checker's rule starts at 30 (25 was within normal)
    faults=(Fault("leaning_forward", "Keep your trunk upright.", {"pitch": -35.0, "hip_flex_l": 35.0,
                                                                    "hip_flex_r": 35.0}),),
))
_add(Motion(
    "situp", "reps", SUPINE.but(shoulder_flex_l=20.0, shoulder_flex_r=20.0, contacts=("back", "feet")),
    SUPINE.but(shoulder_flex_l=45.0, shoulder_flex_r=45.0, pitch=120.0, spine_flex=25.0, neck_flex=10.0,
               contacts=("buttocks", "feet"), lo=40.0, hi=160.0),
    tempo=(1.4, 0.4, 1.4, 0.8), default_reps=5, anchor="heel_l",
    faults=(Fault("pulling_neck", "Don't pull on your neck.", {"neck_flex": 30.0}),),
))

EXERCISES: tuple[str, ...] = tuple(MOTIONS)


# Exercise ids the synthesiser cannot script, with the reason (every other exercise id has a motion above).
NOT_SYNTHESISED: dict[str, str] = {}
