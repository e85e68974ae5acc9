"""The synthetic exerciser as the checkers' oracle: every checker on scripted landmark sequences with exact truth.

No model and no rendering: ``posecoach.synth.landmarks.generate`` gives the landmarks a pose estimator would
report (clean, or with ``LandmarkNoise.realistic()``: jitter, per-joint bias, dropouts, far-side limbs with low
visibility and drifting error) and the truth (reps, holds, faults). Each sequence goes through the same per-frame
step as ``analyze`` (one-euro smoothing, then the checker). Expected: reps exact, hold time within 15 %, no reps
on hold-only exercises, the synth's fault codes among the checker's, and an injected fault reported.

Known disagreements that need the general counting machinery (rep_tally / periodicity / hold_timer, being
rewritten elsewhere) are ``xfail(strict=True)`` with the reason, so a fix there shows up as XPASS.
"""
from __future__ import annotations

from functools import lru_cache

import pytest

from posecoach.exercises import get_exercise, list_exercises, make_checker
from posecoach.frame_step import FrameStep
from posecoach.synth.landmarks import LandmarkNoise, generate
from posecoach.synth.motions import GENERIC_FAULTS, MOTIONS

FPS = 15
SEEDS = (1, 3)
NOISES = {"clean": LandmarkNoise(), "realistic": LandmarkNoise.realistic()}
HOLD_TOLERANCE = 0.15
# Views besides side and oblique where the checker claims to work (its spec's required_view is "any").
# The standing hip stretch from the front is read from world landmarks (measure_fns.hip_stretch_depth_3d).
EXTRA_VIEWS = {"squat": ("front",), "lunge": ("front",), "supine_twist": ("feet",), "hip_stretch": ("front",)}
# Generic synth faults and how the checker shows them: a rushed rep as either tempo code (too short overall,
# or too fast on the way); a partial range not as a code but as a rep that does not count as complete.
GENERIC_AS = {"too_fast": {"too_fast", "jerky"}, "partial_range": None}

EXERCISES = sorted(set(MOTIONS) & {s.id for s in list_exercises()})

# Disagreements not fixed here, each with its cause (see the branch's report). Keys: (exercise, view, noise, seed).
FAR_LIMB = ("realistic noise reports far-side limbs at visibility 0.02-0.4 with 10-50 px drift (as MediaPipe does "
            "from the side). A one-sided rep's far limb is now read below the visibility floor while the near one "
            "rests (key_signal far_vis_min), so its reps count; its holds are not timed on such a reading (the "
            "drift ran the clock through a set-up), so the far leg's holds are missed. Bird dog obliquely: the "
            "far limb's drift makes the reach jump during set-up and between reps (two extra reps)")
PAUSE_EDGES = ("a pause at the top of a rep starts where the smoothed speed falls under still_speed and ends where it "
               "rises over 1.5 x still_speed; the one-euro and EMA lag is larger at the slow start of the way out "
               "(heavy smoothing at rest) than at the end of a braking approach, so a 1.5 s pause reads ~0.2 s long "
               "(forward bend: start +0.2, end +0.4 s). Ending the pause at its last frame at the level held fixes "
               "these, but on the tune clips real bridge and bird-dog pauses also start ~0.5 s late, and the trim "
               "then loses real pause time; needs both edges from the level (start from the approach) with a band "
               "that tells sway from the way out")
TWIST_2D = ("knee_drop is a 2D height: with the camera looking down, knees dropping toward it read 0.8, away 0.6, "
            "for the same 60 degree roll (truth symmetric: mid-knee 0.30 -> 0.15 m above the hips). The top is now "
            "0.6, which counts both from the side; obliquely the asymmetry is larger (rest 0.14, one way 0.45, the "
            "other 0.7), and from the feet the rule counter reads no rep (the periodicity counter counts them), so "
            "holds are timed one way only; needs depth, which MediaPipe's world landmarks of a person lying down do "
            "not give steadily")
PUSHUP_DEPTH = ("push-up top 0.5 (shoulder height in torso lengths) needs elbows at ~72 degrees, deeper than the "
                "guides' 'about 90'; the synth's reps go to 68-79 degrees (truth) and the shallower ones are missed. "
                "top 0.6 fixes the side view and leaves the tune/check clips unchanged, but makes "
                "tests/test_exercises_synthetic.py's 85 % partial count as full: the lead's call. Obliquely the "
                "level torso is foreshortened (straight arms read 1.45); depth per arm length fixed that but lost "
                "reps on two tune clips")
LUNGE_FAR = ("lunge: from the side the far leg's reps are now seen (a split_stance posture accepts the near back leg, "
             "the far front leg is read below the visibility floor once it reaches the top). Left: side realistic "
             "seed 3 merges two far-leg reps (5 of 6); obliquely, clean seed 3's first rep reads 0.62, short of the "
             "top, and with realistic noise the far leg is visible enough to be read and its drift makes extra "
             "short reps in the near leg's block; front seed 3 and front realistic 1: the "
             "periodicity counter adds a rep in the rest between the two legs' blocks")
PELVIC = ("pelvic tilt reads 2.5-4 (hip + knee angle sum) for the synth's 10 degree pelvic roll against top 6 and full "
          "0.7 (side clean 1, 2nd pause: p 0.43, then 0.64 while the pause's level creeps up), so the pauses of most "
          "reps never reach hold_from 0.7 although the reps are counted (on the person's own range); the realistic "
          "jitter is as large as the signal. The pause judged at each counted rep's own top (exercises/top_pause.py) "
          "times the clean oblique ones; from the side it finds 7.6-9.6 s of 12: the level creeps through the pause")
PARTIAL = ("a rep the zones call complete is a partial when it travels under half of the person's usual (rep_tally "
           "short_ratio 0.5, chosen on tune, where a real rep travels at least 0.60 of the usual). The synth's "
           "45 % reps still pass here: a sit-up's head lift is not linear in the curl (45 % of the curl is 65 % of "
           "the lift); a cat-cow's short rep stops short at both ends and the rule rep runs from the previous "
           "rep's cow; pelvic tilt and push-up: see their own reasons. (The bridge passes since the synth shrinks a "
           "partial rep from the solved start: before, its 45 % rep reached a full one's hip extension)")
DEPTH_PAUSE = ("seen obliquely (filtered shoulder width past 0.45 +- 0.05 of the torso's image length) the forward "
               "bend's lean is read in depth (measure_fns.bend_lean, which fixed this view's rep count: the image "
               "lean flipped sign over a rep); its pauses then read long as from the side (7.5 s for 6.2; see the "
               "side view's reason). The view monitor now decides end-on on the filtered width with a band, so the "
               "reading no longer switches frame to frame; the pauses still read long")


def _known(table: dict[str, tuple[str, list[str]]]) -> dict[tuple[str, str, str, int], str]:
    """{reason: [\"exercise view noise seed\", ...]} -> {(exercise, view, noise, seed): reason}."""
    out = {}
    for reason, cases in table.values():
        for c in cases:
            ex, view, noise, seed = c.split()
            out[(ex, view, noise, int(seed))] = reason
    return out


KNOWN_REPS = _known({
    "twist": (TWIST_2D, ["supine_twist oblique clean 1", "supine_twist oblique realistic 1",
                         "supine_twist oblique realistic 3"]),
    "lunge": (LUNGE_FAR, ["lunge side realistic 3", "lunge oblique clean 3",
                          "lunge oblique realistic 3", "lunge front clean 3", "lunge front realistic 1"]),
    "far": (FAR_LIMB, ["bird_dog oblique realistic 1"]),
})
KNOWN_HOLD = _known({
    "pause": (PAUSE_EDGES, ["forward_bend side clean 1", "forward_bend side clean 3", "forward_bend side realistic 1",
                            "forward_bend side realistic 3"]),
    "far": (FAR_LIMB, ["bird_dog side realistic 3", "knee_to_chest side realistic 1", "knee_to_chest side realistic 3"]),
    "twist": (TWIST_2D, [f"supine_twist {v} {n} {s}" for v in ("oblique", "feet") for n in ("clean", "realistic")
                         for s in (1, 3)]),
    "pelvic": (PELVIC, ["pelvic_tilt side clean 1", "pelvic_tilt side clean 3", "pelvic_tilt side realistic 1",
                        "pelvic_tilt side realistic 3", "pelvic_tilt oblique realistic 1"]),
    "depth": (DEPTH_PAUSE, [f"forward_bend oblique {n} {s}" for n in ("clean", "realistic") for s in (1, 3)]),
})
NO_RULE = "the checker has no rule for knee width, which needs a front view (a view-aware fault rule)"
# exercise -> reason, for synth faults the checker has no rule for.
# (glute bridge's knees falling out and the squat's knees caving in left the synth: no checker judges them yet)
KNOWN_FAULT_CODES: dict[str, str] = {}
KNOWN_INJECTED: dict[tuple[str, str], str] = {
    **{(ex, "partial_range"): PARTIAL for ex in ("cat_cow", "pelvic_tilt", "pushup", "situp")},
    ("pelvic_tilt", "too_fast"): PELVIC + " (the rushed reps are not counted, so not judged)",
    ("pushup", "too_fast"): PUSHUP_DEPTH + " (the rushed reps are not counted, so not judged)",
    ("supine_twist", "shoulder_lifting"): TWIST_2D, ("supine_twist", "too_fast"): TWIST_2D,
}


@lru_cache(maxsize=None)
def run(exercise: str, view: str, noise: str, seed: int, faults: tuple[str, ...] = (), variant: str | None = None):
    """The checker's session result and the truth for one synthetic clip (cached: several tests share it)."""
    result, truth, _ = run_frames(exercise, view, noise, seed, faults, variant)
    return result, truth


@lru_cache(maxsize=None)
def run_frames(exercise: str, view: str, noise: str, seed: int, faults: tuple[str, ...] = (),
               variant: str | None = None):
    """``run`` with every frame's Feedback too."""
    frames, truth = generate(exercise, view=view, seed=seed, noise=NOISES[noise], fps=FPS, faults=faults,
                             variant=variant)
    step = FrameStep(make_checker(exercise), "one_euro")
    feedback = [step(f).feedback for f in frames]
    return step.finish(), truth, feedback


def _cases(known: dict) -> list:
    out = []
    for ex in EXERCISES:
        for view in ("side", "oblique") + EXTRA_VIEWS.get(ex, ()):
            for noise in NOISES:
                for seed in SEEDS:
                    key = (ex, view, noise, seed)
                    marks = [pytest.mark.xfail(strict=True, reason=known[key])] if key in known else []
                    out.append(pytest.param(*key, marks=marks, id="-".join(map(str, key))))
    return out


HOLD_ONLY = {ex for ex in EXERCISES if get_exercise(ex).kind == "hold"}


@pytest.mark.parametrize("exercise,view,noise,seed",
                         [c for c in _cases(KNOWN_REPS) if c.values[0] not in HOLD_ONLY])
def test_reps_exact(exercise, view, noise, seed):
    res, truth = run(exercise, view, noise, seed)
    assert res.complete_reps == truth.complete_reps, f"{res.complete_reps} reps counted, truth {truth.complete_reps}"


@pytest.mark.parametrize("exercise", sorted(HOLD_ONLY))
def test_a_hold_only_exercise_counts_no_reps(exercise):
    """A hold-only checker has no rep counting at all (its rule counter stops before reps and the rhythm does not
    listen), so one case each guards that design; run on every view and seed it could not fail."""
    res, truth = run(exercise, "side", "realistic", 1)
    assert truth.holds, "the script held nothing"
    assert res.complete_reps == 0, f"{res.complete_reps} reps counted in a hold-only exercise"


def _truth_hold(truth) -> float:
    return sum(h["end"] - h["start"] for h in truth.holds)


@pytest.mark.parametrize("exercise,view,noise,seed", _cases(KNOWN_HOLD))
def test_hold_time_within_15_percent(exercise, view, noise, seed):
    res, truth = run(exercise, view, noise, seed)
    want = _truth_hold(truth)
    if want == 0.0:
        pytest.skip("no hold in the script (a brief top is not a hold)")
    got = res.hold_seconds
    assert abs(got - want) <= HOLD_TOLERANCE * want, f"held {got:.1f} s, truth {want:.1f} s"


def _fault_params() -> list:
    out = []
    for ex in EXERCISES:
        for code in MOTIONS[ex].fault_codes():
            key = (ex, code)
            marks = [pytest.mark.xfail(strict=True, reason=KNOWN_INJECTED[key])] if key in KNOWN_INJECTED else []
            out.append(pytest.param(ex, code, marks=marks, id=f"{ex}-{code}"))
    return out


@pytest.mark.parametrize("exercise", [
    pytest.param(ex, marks=[pytest.mark.xfail(strict=True, reason=KNOWN_FAULT_CODES[ex])]
                 if ex in KNOWN_FAULT_CODES else []) for ex in EXERCISES])
def test_synth_fault_codes_are_checker_codes(exercise):
    """The synth speaks the checker's vocabulary: a script's fault is one the checker can name."""
    checker_codes = {f.code for f in get_exercise(exercise).faults}
    own = [f.code for f in MOTIONS[exercise].faults]
    missing = [c for c in own if c not in checker_codes]
    assert not missing, f"synth faults {missing} not among the checker's {sorted(checker_codes)}"


def test_generic_synth_faults_are_mapped():
    codes = {f.code for kind in GENERIC_FAULTS.values() for f in kind}
    assert codes == set(GENERIC_AS)


@pytest.mark.parametrize("exercise,code", _fault_params())
def test_injected_fault_is_reported(exercise, code):
    """A clip with the fault injected (side view, clean landmarks) makes the checker report it."""
    res, truth = run(exercise, "side", "clean", 1, (code,))
    assert truth.faults, "the script injected nothing"
    reported = sorted({f.code for f in res.faults})
    if code in GENERIC_AS:
        if GENERIC_AS[code] is None:  # partial range: that rep is not counted as a complete one
            assert res.complete_reps == truth.complete_reps, f"{res.complete_reps} complete, truth {truth.complete_reps}"
            return
        assert GENERIC_AS[code] & set(reported), f"no tempo fault reported; got {reported}"
        return
    assert code in reported, f"{code!r} not reported; got {reported}"


UNREPORTED_PARTIAL = ("a rep at 45 % of the motion is an attempt when its key measure travels at least 0.3 of the "
                      "person's usual rep (attempts.AttemptFinder); the squat's and twist's measures are not linear in "
                      "the synth's motion (hip height and a 2D knee height), so their 45 % reps travel 0.15-0.2 of a "
                      "full one. 0.15 would find them, and on the tune clips also finds 4 attempts that are not there. "
                      "Lunge: the finder looks only between two reps of one side, on that side's readings (the idle "
                      "leg's own reading rises and falls between reps); of the synth's three attempts one is the first "
                      "of the right leg's (after the left's reps) and one is read on the other side by the key "
                      "signal's side choice, so only the last is found")
KNOWN_PARTIAL = {**{ex: PARTIAL for ex in ("cat_cow", "pelvic_tilt", "pushup", "situp")},
                 **{ex: UNREPORTED_PARTIAL for ex in ("squat", "supine_twist", "lunge")}}


@pytest.mark.parametrize("exercise", [
    pytest.param(ex, marks=[pytest.mark.xfail(strict=True, reason=KNOWN_PARTIAL[ex])] if ex in KNOWN_PARTIAL else [])
    for ex in EXERCISES if "partial_range" in MOTIONS[ex].fault_codes()])
def test_a_partial_rep_is_reported_as_an_attempt(exercise):
    """The partial-range fault's short reps are attempts in the result (not only "not complete": also seen)."""
    res, truth = run(exercise, "side", "clean", 1, ("partial_range",))
    want = sum(1 for r in truth.reps if not r["complete"])
    assert want, "the script made no partial rep"
    assert (res.complete_reps, res.partial_reps) == (truth.complete_reps, want), \
        f"{res.complete_reps} complete and {res.partial_reps} attempts, truth {truth.complete_reps} and {want}"


# Variants of an exercise the checker tells from the pose and counts like the exercise: (exercise, variant).
VARIANT_CASES = [("glute_bridge", "arms_raised"), ("hip_stretch", "outer_hip")]


def _variant_cases() -> list:
    return [pytest.param(ex, var, view, noise, seed, id=f"{ex}-{var}-{view}-{noise}-{seed}")
            for ex, var in VARIANT_CASES for view in ("side", "oblique") for noise in NOISES for seed in SEEDS]


@pytest.mark.parametrize("exercise,variant,view,noise,seed", _variant_cases())
def test_variant_counted_and_named(exercise, variant, view, noise, seed):
    res, truth = run(exercise, view, noise, seed, variant=variant)
    assert truth.variant == variant
    assert res.variant == variant, f"variant {res.variant!r}"
    expected = truth.complete_reps if truth.kind == "reps" else 0
    assert res.complete_reps == expected, f"{res.complete_reps} reps counted, truth {expected}"
    want = _truth_hold(truth)
    if want:
        assert abs(res.hold_seconds - want) <= HOLD_TOLERANCE * want, f"held {res.hold_seconds:.1f} s, truth {want:.1f} s"


@pytest.mark.parametrize("view", ["side", "oblique"])
@pytest.mark.parametrize("noise", list(NOISES))
def test_deep_breathing_publishes_inhale_and_exhale(view, noise):
    """The pacing guide's phase against the script: "inhale" on the way in (from a third of the way to the top
    of the breath), "exhale" on the way out (the same share of the way back), for every breath."""
    res, truth, feedback = run_frames("deep_breathing", view, noise, 1)
    assert res.complete_reps == truth.complete_reps

    def at(t):
        return min(feedback, key=lambda fb: abs(fb.time - t)).movement
    for r in truth.reps:
        assert at(r["start"] + (r["peak"] - r["start"]) * 0.6) == "inhale", r
        assert at(r["peak"] + (r["end"] - r["peak"]) * 0.6) == "exhale", r
