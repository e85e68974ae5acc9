"""A rep held at the top is one rep: the breathing of a long hold is not counted as more (``held_through``)."""
from __future__ import annotations

import pytest

from posecoach.exercises import make_checker
from posecoach.exercises.tally_rules import held_through
from posecoach.frame_step import FrameStep
from posecoach.synth.landmarks import LandmarkNoise, generate


def test_a_top_in_the_same_hold_as_a_counted_rep_is_no_second_rep():
    holds = [(2.0, 40.0), (50.0, float("inf"))]
    rep = (1.0, 10.0, 41.0)  # (start, top, end) of a counted rep held through the first hold
    assert held_through(20.0, [rep], holds)  # both inside the first hold
    assert not held_through(45.0, [rep], holds)  # between two holds: the person came down
    assert not held_through(55.0, [rep], holds)  # the hold under way holds no counted rep yet
    assert held_through(60.0, [rep, (49.0, 52.0, 70.0)], holds)
    assert not held_through(20.0, [rep], [])  # no hold timed (a view the key measure cannot read): no say


def test_two_reps_the_rules_merged_are_not_one_held_rep():
    """The return between two reps left the top (each top has its own hold) but missed the start zone, so the
    rules closed one rep over both, its top in the second hold: the second rep's peak is a rep, not a breath."""
    holds = [(2.0, 4.0), (6.0, 8.0)]
    merged = (1.0, 7.0, 9.0)
    assert not held_through(7.2, [merged], holds)
    assert held_through(7.2, [(5.5, 7.0, 9.0)], holds)  # a rep of its own in that hold: this is a breath


@pytest.mark.parametrize("exercise, view", [("glute_bridge", "side"), ("knee_to_chest", "oblique"),
                                            ("bird_dog", "side"), ("cobra", "side")])
def test_one_rep_held_forty_seconds_with_breathing_is_one_rep(exercise, view):
    """The synthetic exerciser breathes (a 4 s rise and fall of the spine) while it holds; the whole-body axis finds
    that rhythm, and before this rule these counted 6 reps for 1."""
    frames, truth = generate(exercise, reps=1, hold=40.0, view=view, noise=LandmarkNoise.realistic(), fps=15.0,
                             seed=1)
    checker = make_checker(exercise)
    step = FrameStep(checker, smoothing="one_euro")
    for f in frames:
        step(f)
    result = step.finish()
    assert len(truth.reps) == 1
    assert result.complete_reps == 1
    assert result.hold_seconds == pytest.approx(sum(h["end"] - h["start"] for h in truth.holds), rel=0.15)


def _count(exercise, view, reps, hold, seed, holding=None):
    frames, truth = generate(exercise, reps=reps, hold=hold, view=view, noise=LandmarkNoise.realistic(), fps=15.0,
                             seed=seed)
    checker = make_checker(exercise)
    if holding is not None:
        checker.tally.holding = holding
    step = FrameStep(checker, smoothing="one_euro")
    for f in frames:
        step(f)
    return step.finish().complete_reps, len(truth.reps)


def test_without_the_hold_spans_the_breaths_count_again():
    """The rule is what keeps the held bridge at one rep (its hold spans withheld, the breaths count)."""
    counted, true = _count("glute_bridge", "side", 1, 40.0, 1, holding=list)
    assert true == 1 and counted > 1


@pytest.mark.parametrize("exercise, view", [("glute_bridge", "side"), ("knee_to_chest", "side"),
                                            ("bird_dog", "oblique")])
def test_reps_with_a_pause_at_the_top_all_count(exercise, view):
    """Each rep's own hold is a hold of its own: the rule never takes a real rep."""
    counted, true = _count(exercise, view, 4, 5.0, 2)
    assert true == 4 and counted == 4


@pytest.mark.parametrize("exercise, view", [("plank", "side"), ("hamstring_stretch", "front"),
                                            ("childs_pose", "head")])
def test_a_hold_exercise_counts_no_reps_from_its_breathing(exercise, view):
    """A 40 s hold breathes every 4 s; before, the rhythm counted 1-10 reps in a hold exercise (bench_long_holds)."""
    counted, true = _count(exercise, view, None, 40.0, 0)
    assert true == 0 and counted == 0
