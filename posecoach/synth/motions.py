"""Motion scripts: one per exercise id the checkers know, each a setup, then reps or holds, with faults.

A script is data (start, peak, optional second peak, tempo, faults) plus one generic builder, so adding an
exercise means adding a table entry, not a function. Angles are in degrees (see ``body`` for their meaning).
Sided exercises list the *left* version; the right one is its mirror.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from posecoach.synth.body import BodyState, Proportions, mirror_params, pose_body
from posecoach.synth.timeline import Key, Timeline, make_key, solve_stage


@dataclass(frozen=True)
class Fault:
    """A typical mistake: extra angles on the peak (or on the held posture), or a tempo/range change."""

    code: str
    message: str
    delta: dict[str, float] = field(default_factory=dict)
    tempo: float = 1.0  # < 1: rushed
    range_scale: float = 1.0  # < 1: partial range of motion
    complete: bool = True  # whether a rep with this fault still counts as a full rep


@dataclass(frozen=True)
class Pose:
    """A posture with its floor contacts and which angles to solve so both contact groups touch."""

    params: dict[str, float]
    contacts: tuple[str, ...]
    solve: tuple[str, ...] = ()
    lo: float = 0.0
    hi: float = 0.0
    arms_down: bool = False  # after solving, lower the arms (shoulder flexion) until the hands touch the floor

    def key(self, props: Proportions, extra: dict[str, float] | None = None, mirror: bool = False,
            label: str = "", inherit: dict[str, float] | None = None) -> Key:
        """Solve this posture. ``inherit``: angles (e.g. the solved start) used where this posture sets none."""
        p = {**(inherit or {}), **self.params}
        for k, v in (extra or {}).items():
            p[k] = p.get(k, _neutral(k)) + v
        contacts = self.contacts
        solve = self.solve
        if mirror:
            p = mirror_params(p)
            contacts = tuple(_mirror_name(c) for c in contacts)
            solve = tuple(_mirror_name(s) for s in solve)
        key = make_key(p, contacts, props, solve, self.lo, self.hi, label, mirror)
        if self.arms_down:
            q = solve_stage(key.params, ("upper_back", "hands"), props, ("shoulder_flex_l", "shoulder_flex_r"),
                            -90.0, 60.0)
            key = Key(q, key.contacts, key.label, key.mirrored)
        return key

    def but(self, **changes) -> "Pose":
        """A copy with some angles changed (keyword ``contacts``/``solve``/``lo``/``hi`` replace those)."""
        meta = {k: changes.pop(k) for k in ("contacts", "solve", "lo", "hi", "arms_down") if k in changes}
        return replace(self, params={**self.params, **changes}, **meta)


def _neutral(k: str) -> float:
    from posecoach.synth.body import NEUTRAL
    return NEUTRAL.get(k, 0.0)


def _mirror_name(name: str) -> str:
    if name.endswith("_l"):
        return name[:-2] + "_r"
    if name.endswith("_r"):
        return name[:-2] + "_l"
    return name


@dataclass(frozen=True)
class Motion:
    """How one exercise moves.

    kind: "reps" (move to the peak and back, counted) or "hold" (get into the posture and stay).
    tempo: seconds (up, top, down, rest) for a rep; for a hold, (in, -, out, rest).
    sided: "alternate" (left, right, left...), "blocks" (all left, then all right) or "none".
    side_meaning: what "left" means for this exercise (which limb moves), written into the truth.
    """

    id: str
    kind: str
    start: Pose
    peak: Pose
    peak2: Pose | None = None  # cat-cow: the rep goes start -> peak -> peak2 -> start
    setup: Pose | None = None  # a posture before the start one (plank: on the knees first)
    tempo: tuple[float, float, float, float] = (1.5, 1.0, 1.5, 1.0)
    sided: str = "none"
    side_meaning: str = ""
    default_reps: int = 5
    default_hold: float = 10.0
    anchor: str = "pelvis"
    front_azimuth: float = 0.0  # degrees about Y where the "front" camera stands (0 = on the +X side)
    faults: tuple[Fault, ...] = ()
    variant: str = ""

    def fault(self, code: str) -> Fault:
        for f in self.faults + GENERIC_FAULTS[self.kind]:
            if f.code == code:
                return f
        raise ValueError(f"unknown fault {code!r} for {self.id}; choose from {self.fault_codes()}")

    def fault_codes(self) -> list[str]:
        return [f.code for f in self.faults + GENERIC_FAULTS[self.kind]]


GENERIC_FAULTS: dict[str, tuple[Fault, ...]] = {
    "reps": (
        Fault("too_fast", "Slow down: control the movement both ways.", tempo=0.35),
        Fault("partial_range", "Go further: that rep was short of the full range.", range_scale=0.45,
              complete=False),
    ),
    "hold": (),
}

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
                  {"hip_flex_l": -14.0, "hip_flex_r": -14.0, "spine_flex": -14.0}),
            Fault("knees_falling_out", "Keep your knees in line with your hips.",
                  {"hip_abd_l": 18.0, "hip_abd_r": 18.0})),
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
    # locked straight at the bottom, so that is the scripted fault (it was a squat-like bend the checker
    # has no rule for, and its clean reps already looked "locked").
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
_add(Motion(
    "squat", "reps", STANDING,
    STANDING.but(pitch=55.0, hip_flex_l=125.0, hip_flex_r=125.0, knee_flex_l=112.0, knee_flex_r=112.0,
                 shoulder_flex_l=80.0, shoulder_flex_r=80.0, elbow_flex_l=5.0, elbow_flex_r=5.0,
                 shoulder_abd_l=5.0, shoulder_abd_r=5.0),
    tempo=(1.6, 0.5, 1.4, 0.8), default_reps=5, anchor="heel_l",
    faults=(Fault("knees_caving", "Push your knees out over your toes.", {"hip_abd_l": -12.0, "hip_abd_r": -12.0}),
            # 30 degrees more lean (65 from upright): the checker's rule starts at 55; 22 more read just under it
            Fault("leaning_forward", "Keep your chest up.", {"pitch": -30.0, "hip_flex_l": 30.0, "hip_flex_r": 30.0})),
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


def get_motion(exercise: str, variant: str | None = None) -> Motion:
    """The motion for an exercise id (and optional variant); unknown ids raise listing the valid ones."""
    if exercise not in MOTIONS:
        raise ValueError(f"unknown exercise {exercise!r}; choose from {', '.join(EXERCISES)}")
    if variant and (exercise, variant) in MOTION_VARIANTS:
        return MOTION_VARIANTS[(exercise, variant)]
    m = MOTIONS[exercise]
    if variant and variant != m.variant:
        known = [m.variant] + [v for (e, v) in MOTION_VARIANTS if e == exercise]
        raise ValueError(f"unknown variant {variant!r} for {exercise}; choose from {known}")
    return m


@dataclass(frozen=True)
class ScriptOptions:
    reps: int | None = None  # reps (or holds per side) ; None: the exercise's default
    hold: float | None = None  # seconds at the top of each rep / of each hold; None: default
    faults: tuple[str, ...] = ()
    variant: str | None = None
    first_side: str = "left"
    tempo: float = 1.0  # > 1 slower
    setup_seconds: float = 1.5
    props: Proportions = Proportions()
    range_scale: float = 1.0  # every rep's (and hold's) excursion from the start posture x this
    sets: int = 1  # the reps (or holds per side) repeated this many times, with rest between
    rest: float = 0.0  # seconds of rest after each set (in the setup posture if there is one, else the start)


def build_timeline(exercise: str, opts: ScriptOptions, rng: np.random.Generator) -> tuple[Motion, Timeline]:
    """Script the whole clip: setup, then reps or holds with natural variation, with faults injected.

    A fault affects reps 2, 4, ... (rep 1 if there is only one), or the middle of each hold; the truth names
    exactly which reps and spans. Rep truth: start = leaving the start posture, peak = middle of the top
    (for cat-cow: the cat), end = back in the start posture. ``range_scale`` shrinks or stretches every
    excursion, yet each rep stays a complete rep (a person's own small range is still their rep); rest spans
    are phases named "rest", and with several sets each rep says its "set".
    """
    m = get_motion(exercise, opts.variant)
    props = opts.props
    faults = [m.fault(c) for c in opts.faults]
    n = opts.reps if opts.reps is not None else (m.default_reps if m.kind == "reps" else m.default_reps)
    start = m.start.key(props, label="start")
    # A peak keeps the angles the start *solved* for (e.g. the hip flexion that plants the feet) unless it sets
    # them itself; angles the start merely states are not inherited (a plank's straight knees stay straight).
    base = {k: start.params[k] for k in m.start.solve}
    tl = Timeline(start=m.setup.key(props, label="setup") if m.setup else start)
    jitter = lambda: float(rng.uniform(0.88, 1.12)) * opts.tempo  # noqa: E731
    up_s, top_s, down_s, rest_s = m.tempo
    if opts.hold is not None:
        top_s = opts.hold
    hold_s = opts.hold if opts.hold is not None else m.default_hold
    # The top of a rep counts as a hold when the exercise (or --hold) means it to be held, >= 1.5 s nominal;
    # decided before tempo jitter so the truth does not depend on the random draw.
    top_is_hold = top_s >= 1.5

    t0 = tl.hold(opts.setup_seconds * jitter())
    if m.setup is not None:
        t0 = tl.move(start, 1.2 * jitter())
        t0 = tl.hold(0.6)
    tl.phase("setup", 0.0, t0)

    sides = _side_order(m, n, opts.first_side)
    # One set is the historical script; later sets repeat it after a rest (the rng keeps drawing, so set 2
    # varies like any other reps).
    plan = [(k, i, side) for k in range(opts.sets) for i, side in enumerate(sides)]
    set_start = t0
    for j, (k, i, side) in enumerate(plan):
        if k > 0 and i == 0:
            _rest(tl, m, props, opts.rest, jitter, set_start)
            set_start = tl.t
        mirror = side == "right"
        rep_faults = [f for f in faults if _fault_applies(i, len(sides), m.kind)]
        scale = float(rng.uniform(0.92, 1.04))
        if m.kind == "hold":
            scale = 1.0  # a held posture is the target itself; variation comes from sway
        tempo_k = 1.0
        complete = True
        delta: dict[str, float] = {}
        for f in rep_faults:
            scale *= f.range_scale
            tempo_k *= f.tempo
            complete = complete and f.complete
            for k, v in f.delta.items():
                delta[k] = delta.get(k, 0.0) + v
        mstart = m.start.key(props, mirror=mirror, label="start")
        if mirror and m.sided == "blocks" and i > 0 and sides[i - 1] != side:
            tl.move(mstart, 1.5 * jitter())
            tl.hold(0.8)
        peak = _ranged(_scaled(m.peak, m.start, scale), start.params, base, opts.range_scale)
        if m.kind == "reps":
            rep_delta = delta if delta else None
            peak_key = peak.key(props, extra=rep_delta, mirror=mirror, label="peak", inherit=base)
            r0 = tl.t
            tl.move(peak_key, up_s * jitter() * tempo_k)
            a = tl.t
            tl.hold(max(top_s * jitter() * tempo_k, 0.05))
            b = tl.t
            phases = {}
            if m.peak2 is not None:
                phases["cat"] = round(0.5 * (a + b), 4)
                p2 = _ranged(_scaled(m.peak2, m.start, scale), start.params, base, opts.range_scale).key(
                    props, extra=rep_delta, mirror=mirror, label="peak2", inherit=base)
                tl.move(p2, (up_s + down_s) / 2 * jitter() * tempo_k)
                c = tl.t
                tl.hold(max(top_s * jitter() * tempo_k, 0.05))
                phases["cow"] = round(0.5 * (c + tl.t), 4)
            tl.move(mstart, down_s * jitter() * tempo_k)
            r1 = tl.t
            rep = {"index": j + 1, "start": round(r0, 4), "peak": round(0.5 * (a + b), 4), "end": round(r1, 4),
                   "side": side if m.sided != "none" else "n/a", "complete": complete,
                   "faults": [f.code for f in rep_faults], "range_scale": round(scale * opts.range_scale, 4)}
            if phases:
                rep["phases"] = phases
            if opts.sets > 1:
                rep["set"] = k + 1
            tl.reps.append(rep)
            if top_is_hold and m.peak2 is None:
                tl.holds.append({"start": round(a, 4), "end": round(b, 4), "side": rep["side"]})
            for f in rep_faults:
                tl.faults.append({"code": f.code, "message": f.message, "start": round(r0, 4),
                                  "end": round(r1, 4), "rep": j + 1})
            tl.hold(rest_s * jitter())
        else:
            peak_key = peak.key(props, mirror=mirror, label="hold", inherit=base)
            tl.move(peak_key, up_s * jitter())
            h0 = tl.t
            if rep_faults:
                bad = peak.key(props, extra=delta, mirror=mirror, label="fault", inherit=base)
                tl.hold(hold_s * 0.3)
                f0 = tl.t
                tl.move(bad, 1.0)
                tl.hold(max(hold_s * 0.4 - 2.0, 0.5))
                tl.move(peak_key, 1.0)
                f1 = tl.t
                tl.hold(max(hold_s - (tl.t - h0), 0.5))
                for f in rep_faults:
                    tl.faults.append({"code": f.code, "message": f.message, "start": round(f0 + 0.5, 4),
                                      "end": round(f1 - 0.5, 4), "rep": None})
                # A hold is time inside tolerance (events.Hold): the faulty stretch splits it in two.
                spans = [(h0, f0 + 0.5), (f1 - 0.5, tl.t)]
            else:
                tl.hold(hold_s)
                spans = [(h0, tl.t)]
            for a, b in spans:
                tl.holds.append({"start": round(a, 4), "end": round(b, 4),
                                 "side": side if m.sided != "none" else "n/a"})
            tl.move(mstart, down_s * jitter())
            tl.hold(rest_s * jitter())
    if opts.rest > 0:
        _rest(tl, m, props, opts.rest, jitter, set_start, back=False)
    else:
        tl.phase("exercise", set_start, tl.t)
    return m, tl


def _rest(tl: Timeline, m: Motion, props: Proportions, seconds: float, jitter, set_start: float,
          back: bool = True) -> None:
    """Close the set's "exercise" phase and rest: in the setup posture if the exercise has one, else still in
    the start posture (a plank's start is already on the knees); then, before another set, back to the start."""
    tl.phase("exercise", set_start, tl.t)
    r0 = tl.t
    start = m.start.key(props, label="start")
    if m.setup is not None:
        tl.move(m.setup.key(props, label="setup"), 1.2 * jitter())
    tl.hold(max(seconds, 0.5))
    if not back:
        pass
    elif m.setup is not None:
        tl.move(start, 1.2 * jitter())
    elif tl.current.mirrored:  # a sided block ended on the right: come back to the unmirrored start
        tl.move(start, 1.0 * jitter())
    tl.phase("rest", r0, tl.t)


def _side_order(m: Motion, n: int, first: str) -> list[str]:
    other = "right" if first == "left" else "left"
    if m.sided == "alternate":
        return [first if i % 2 == 0 else other for i in range(n)]
    if m.sided == "blocks":
        return [first] * n + [other] * n
    return ["left"] * n  # "left" only selects the unmirrored script; the truth says "n/a"


def _fault_applies(i: int, n: int, kind: str) -> bool:
    if n == 1:
        return True
    return i % 2 == 1


def _scaled(peak: Pose, start: Pose, scale: float) -> Pose:
    """The peak moved a fraction of the way from the start (range of motion variation / partial reps)."""
    if abs(scale - 1.0) < 1e-9:
        return peak
    from posecoach.synth.body import NEUTRAL
    params = {}
    for k in set(peak.params) | set(start.params):
        a = start.params.get(k, NEUTRAL.get(k, 0.0))
        b = peak.params.get(k, NEUTRAL.get(k, 0.0))
        params[k] = b if k.startswith("foot_flat") else a + (b - a) * scale
    if peak.solve and peak.solve != start.solve:
        for k in peak.solve:  # solved angles are found again, not scaled
            params[k] = peak.params.get(k, 0.0)
    return replace(peak, params=params)


def _ranged(peak: Pose, start: dict[str, float], base: dict[str, float], scale: float) -> Pose:
    """The peak moved ``scale`` of the way from the *solved* start posture (``start``: its angles; ``base``: the
    ones it solved, which the peak inherits). Unlike ``_scaled`` (whose unsolved base the historical clips keep),
    this shrinks a bridge or a knee-to-chest too, where the start's hip angle comes from solving the feet onto the
    floor. Angles the peak solves are found again, so contacts stay on the floor at any range."""
    if abs(scale - 1.0) < 1e-9:
        return peak
    from posecoach.synth.body import NEUTRAL
    params = {}
    for k in set(peak.params) | set(start):
        if k not in peak.params and k in base:
            continue  # inherited from the start: no excursion
        a = start.get(k, NEUTRAL.get(k, 0.0))
        b = peak.params.get(k, NEUTRAL.get(k, 0.0))
        params[k] = b if k.startswith("foot_flat") or k in peak.solve else a + (b - a) * scale
    return replace(peak, params=params)


class Performer:
    """Plays a timeline: the grounded, anchored body at increasing times.

    Grounding puts the lowest current contact point on the floor. Anchoring keeps one joint (the motion's
    anchor, or its mirror on right-side moves) fixed horizontally, so a supporting foot or knee never skates;
    when the anchor joint changes, its target is where it stands at that moment. Call in time order.
    """

    def __init__(self, tl: Timeline, motion: Motion, props: Proportions):
        self.tl, self.props = tl, props
        self.anchor = motion.anchor
        self.targets: dict[str, np.ndarray] = {}
        self._last_shift: np.ndarray | None = None

    def at(self, t: float, sway: dict[str, float] | None = None) -> BodyState:
        p, contacts, mirrored = self.tl.params_at(t)
        if sway:
            for k, v in sway.items():
                p[k] = p.get(k, _neutral(k)) + v
        s = pose_body(p, self.props)
        low = min(float(s.contacts[c][:, 1].min()) for c in contacts)
        name = _mirror_name(self.anchor) if mirrored else self.anchor
        a = s.joints[name]
        if name not in self.targets:
            # First use of this anchor: keep the body where the previous anchor put it.
            shift = self._last_shift if self._last_shift is not None else -a[[0, 2]]
            self.targets[name] = a[[0, 2]] + shift
        tx, tz = self.targets[name]
        off = np.array([tx - a[0], -low, tz - a[2]])
        self._last_shift = off[[0, 2]]
        return s.translated(off)
