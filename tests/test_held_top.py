"""A rep held at the top is one rep: the breathing of a long hold is not counted as more (``held_through``)."""
from __future__ import annotations

import pytest

from posecoach.exercises import make_checker
from posecoach.exercises.tally_rules import held_through
from posecoach.frame_step import FrameStep
from posecoach.synth.landmarks import LandmarkNoise, generate


def test_a_top_in_the_same_hold_as_a_counted_rep_is_no_second_rep():
    holds = [(2.0, 40.0), (50.0, float("inf"))]
    assert held_through(20.0, [10.0], holds)  # both inside the first hold
    assert not held_through(45.0, [10.0], holds)  # between two holds: the person came down
    assert not held_through(55.0, [10.0], holds)  # the hold under way holds no counted rep yet
    assert held_through(60.0, [10.0, 52.0], holds)
    assert not held_through(20.0, [10.0], [])  # no hold timed (a view the key measure cannot read): no say


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
