"""The periodicity counter and its fusion with the rule counter, on landmark sequences with exact truth."""
from __future__ import annotations

import math

import numpy as np
import pytest

from posecoach.exercises import make_checker
from posecoach.exercises.periodic_signal import autocorrelation_period
from posecoach.exercises.periodicity import PeriodicityCounter, PeriodicityOptions, choose_channel
from posecoach.pose import Pose, PoseFrame
from posecoach.synth.landmarks import generate


def _pose(t: float, lift: float, rng=None) -> Pose:
    """A lying stick figure whose hips rise by ``lift`` (image units): a bridge seen from the side."""
    img = np.zeros((33, 3))
    img[:, 0], img[:, 1] = 0.5, 0.7
    pts = {11: (0.30, 0.70), 12: (0.30, 0.70), 13: (0.30, 0.60), 14: (0.30, 0.60), 15: (0.32, 0.70),
           16: (0.32, 0.70), 23: (0.50, 0.70 - lift), 24: (0.50, 0.70 - lift), 25: (0.62, 0.58),
           26: (0.62, 0.58), 27: (0.70, 0.72), 28: (0.70, 0.72), 0: (0.22, 0.68)}
    for i, (x, y) in pts.items():
        img[i, :2] = (x, y)
    if rng is not None:
        img[:, :2] += rng.normal(0, 0.002, (33, 2))
    return Pose(image=img, visibility=np.full(33, 0.95), timestamp=t, image_size=(640, 480))


def _run(counter, lifts, fps=30.0, rng=None):
    for i, lift in enumerate(lifts):
        counter.update(i / fps, _pose(i / fps, lift, rng))
    counter.finish()
    return counter


def test_autocorrelation_finds_the_period_inside_the_band():
    rate = 10.0
    t = np.arange(0, 30, 1 / rate)
    period, strength = autocorrelation_period(np.sin(2 * np.pi * t / 4.0), rate, 1.2, 12.0)
    assert period == pytest.approx(4.0, abs=0.15) and strength > 0.9
    # a slow drift has high autocorrelation at every short lag but no peak: not periodic
    period, strength = autocorrelation_period(t * 0.1, rate, 1.2, 12.0)
    assert strength < 0.35 or math.isnan(period)


def test_autocorrelation_prefers_the_period_over_its_octave():
    """Reps whose depth alternates (a deeper one, a shallower one) match themselves best two reps apart; the
    period is still one rep, or only every other rep is counted. A truly alternating signal (one side large, the
    other barely moving) keeps the long period."""
    rate = 10.0
    t = np.arange(0, 24, 1 / rate)
    for shallower, expected in ((0.8, 3.0), (0.3, 6.0)):
        depth = np.where((t // 3) % 2 == 0, 1.0, shallower)
        sig = depth * (1 - np.cos(2 * np.pi * t / 3.0)) / 2
        assert autocorrelation_period(sig, rate, 1.2, 12.0, shortest_within=1.0)[0] == pytest.approx(6.0, abs=0.15)
        period, strength = autocorrelation_period(sig, rate, 1.2, 12.0, shortest_within=0.85)
        assert period == pytest.approx(expected, abs=0.15) and strength > 0.85


@pytest.mark.parametrize("period", [1.5, 2.0, 3.0])
@pytest.mark.parametrize("seed", [0, 2])
def test_a_little_noise_does_not_make_the_period_several_reps_long(period, seed):
    """With a little noise the unbiased autocorrelation at 4 or 5 periods edges past the one at one period (the
    fewer, later products): without the guard these read 6-12 s."""
    rate = 10.0
    t = np.arange(0, 36, 1 / rate)
    sig = np.sin(2 * np.pi * t / period) + 0.03 * np.random.default_rng(seed).standard_normal(len(t))
    assert autocorrelation_period(sig, rate, 1.2, 12.0, shortest_within=0.85)[0] == pytest.approx(period, abs=0.15)


def test_the_channel_at_half_the_period_counts_every_rep_but_never_overrules_the_key_measure():
    o = PeriodicityOptions()
    # the whole-body axis reads one side then the other as one period; the distance from rest sees each rep
    assert choose_channel({"pose": (6.0, 0.9), "excursion": (3.1, 0.6)}, o) == "excursion"
    assert choose_channel({"pose": (6.0, 0.9), "excursion": (3.1, 0.5)}, o) == "pose"  # too weak to be the rhythm
    assert choose_channel({"pose": (6.0, 0.9), "excursion": (4.0, 0.9)}, o) == "pose"  # not half the period
    # the exercise's own measure follows the working side: a whole-body channel at half its period is noise
    assert choose_channel({"key": (4.0, 0.9), "pose": (2.0, 0.85)}, o) == "key"
    # the strongest of several candidates, whatever the order
    assert choose_channel({"pose": (6.0, 0.9), "key": (3.0, 0.6), "excursion": (3.0, 0.8)}, o) == "excursion"
    assert choose_channel({}, o) is None


@pytest.mark.parametrize("period,n", [(3.0, 6), (5.0, 5), (8.0, 4)])
def test_counts_periodic_whole_body_motion(period, n):
    fps = 30.0
    t = np.arange(0, 2.0 + n * period + 2.0, 1 / fps)
    phase = np.clip((t - 2.0) / period, 0, n)
    lifts = 0.08 * (1 - np.cos(2 * np.pi * phase)) / 2  # rests, n reps, rests
    c = _run(PeriodicityCounter(), lifts, fps, np.random.default_rng(1))
    assert c.count == n
    peaks = [r.peak for r in c.reps]
    expected = [2.0 + (k + 0.5) * period for k in range(n)]
    assert np.allclose(peaks, expected, atol=0.25 * period)


def test_small_but_real_range_counts_and_fidgeting_does_not():
    fps, period, n = 30.0, 4.0, 5
    t = np.arange(0, n * period, 1 / fps)
    small = 0.02 * (1 - np.cos(2 * np.pi * t / period)) / 2  # a fifth of a torso's worth of movement
    assert _run(PeriodicityCounter(), small, fps, np.random.default_rng(2)).count == n
    rng = np.random.default_rng(3)
    fidget = np.cumsum(rng.normal(0, 0.0008, len(t)))  # drifting, aperiodic: hips wander ~0.1 torso lengths
    # alone, the periodicity counter may see weak cycles in a wander; the fused count must not
    checker = make_checker("glute_bridge", posture=lambda body: False)
    for ti, lift in zip(t, fidget):
        checker.update(PoseFrame(index=int(ti * fps), timestamp=ti, pose=_pose(ti, lift, rng)))
    assert checker.finish().complete_reps == 0


def test_reps_are_committed_within_about_one_period():
    fps, period, n = 30.0, 4.0, 6
    c = PeriodicityCounter()
    t = np.arange(0, n * period, 1 / fps)
    lifts = 0.08 * (1 - np.cos(2 * np.pi * t / period)) / 2
    committed_at = {}
    for ti, lift in zip(t, lifts):
        for rep in c.update(ti, _pose(ti, lift)):
            committed_at[rep.peak] = ti
    lags = [committed_at[p] - p for p in sorted(committed_at)][1:]  # the first waits for a second peak
    assert lags and max(lags) <= 1.0 * period


def test_periodicity_rescues_reps_a_shut_gate_refuses():
    """A posture test the person's variant never passes: the rules count nothing; the reps still count, from
    periodic motion, and say so."""
    frames, truth = generate("glute_bridge", reps=5, seed=3)
    shut = make_checker("glute_bridge", posture=lambda body: False)
    rules_only = make_checker("glute_bridge", posture=lambda body: False, counting="rules")
    for f in frames:
        shut.update(f)
        rules_only.update(f)
    assert rules_only.finish().complete_reps == 0
    result = shut.finish()
    assert result.complete_reps == len(truth.reps)
    # periodic motion counted them (alone, or with the zones on the person's own range, which a shut gate lets
    # count only with periodic support), and the person is told why once
    assert {r.source for r in result.reps if r.complete} <= {"periodicity", "both"}
    assert all(0.0 < r.confidence <= 1.0 for r in result.reps)
    said = [c.text for c in result.cues if c.text.startswith("Counting your reps from your own movement")]
    assert len(said) == 1 and "could not recognise the position" in said[0]


def test_fused_counts_agree_with_rules_and_name_both():
    frames, truth = generate("squat", reps=5, seed=4)
    checker = make_checker("squat")
    for f in frames:
        checker.update(f)
    result = checker.finish()
    assert result.complete_reps == len(truth.reps)
    assert sum(r.source == "both" for r in result.reps) >= len(truth.reps) - 1
    assert all(r.range_share >= 0.7 for r in result.reps if r.complete)


def test_set_up_and_a_single_stretch_are_not_counted():
    """Getting onto the mat and one slow stretch: neither is a periodic run, so nothing counts."""
    fps = 30.0
    t = np.arange(0, 20, 1 / fps)
    lifts = np.where(t < 3, 0.3 * (1 - t / 3), 0.0) + np.where((t > 8) & (t < 14), 0.08, 0.0)
    checker = make_checker("glute_bridge", posture=lambda body: False)
    for ti, lift in zip(t, lifts):
        checker.update(PoseFrame(index=int(ti * fps), timestamp=ti, pose=_pose(ti, lift)))
    assert checker.finish().complete_reps == 0


def test_counting_modes_are_validated():
    with pytest.raises(ValueError, match="counting must be one of"):
        make_checker("squat", counting="magic")


def test_options_window_is_bounded():
    assert 12.0 <= PeriodicityOptions(max_period=2.0).window <= 36.0
    assert PeriodicityOptions(max_period=30.0).window == 36.0


def _run_with_key(lifts, key, fps=30.0):
    c = PeriodicityCounter()
    rng = np.random.default_rng(4)
    for i, (lift, k) in enumerate(zip(lifts, key)):
        c.update(i / fps, _pose(i / fps, lift, rng), float(k))
    c.finish()
    return c


def test_a_key_measure_the_view_distorts_does_not_turn_the_rests_into_reps():
    # five bridges between rests; the exercise's progress follows the hips in one case and, in the other, reads
    # six at rest and falls to four at the top (a measure seen from a view that distorts it: a sit-up's head
    # height from above the feet). Following its direction would count the four rests between the reps.
    fps, period, n = 30.0, 4.0, 5
    t = np.arange(0, 2.0 + n * period + 2.0, 1 / fps)
    phase = np.clip((t - 2.0) / period, 0, n)
    lifts = 0.08 * (1 - np.cos(2 * np.pi * phase)) / 2
    sound = lifts / 0.08
    assert _run_with_key(lifts, sound, fps).count == n
    distorted = 6.0 - 2.0 * sound
    c = _run_with_key(lifts, distorted, fps)
    assert c.count == n
    expected = [2.0 + (k + 0.5) * period for k in range(n)]
    assert np.allclose([r.peak for r in c.reps], expected, atol=0.25 * period)


@pytest.mark.parametrize("view,seed", [("front", 5), ("head", 6)])  # (feet gives front's landmarks here)
def test_a_knee_held_to_the_chest_does_not_make_its_rests_reps(view, seed):
    """Knee to chest, one leg then the other, each held at the chest: early on the window's median pose (the
    rest the distance is measured from) is the held top, so the distance from it peaked at the rests, at half the
    period, and the first two reps were three (5 of 4 on every front and feet view of the generator grid before
    ``excursion_cycles``)."""
    from posecoach.frame_step import FrameStep
    from posecoach.synth.landmarks import LandmarkNoise

    frames, truth = generate("knee_to_chest", view=view, camera_height="mid", noise=LandmarkNoise.realistic(),
                             fps=15.0, seed=seed)
    step = FrameStep(make_checker("knee_to_chest"), smoothing="one_euro")
    for f in frames:
        step(f)
    assert step.finish().complete_reps == truth.complete_reps == 4
