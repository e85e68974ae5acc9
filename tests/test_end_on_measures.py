"""Two things that decide counts seen end-on (``measure_fns.bend_lean``, ``tally_rules.is_glitch``), checked
against the synthetic exerciser's exact truth or on a hand-made case whose answer is plain."""
from __future__ import annotations

import math

import pytest

from posecoach.exercises import make_checker
from posecoach.exercises.events import Rep
from posecoach.exercises.rep_tally import RepTally
from posecoach.exercises.tally_rules import TallyOptions, is_glitch
from posecoach.frame_step import FrameStep
from posecoach.synth.landmarks import LandmarkNoise, generate

from parts_helpers import spec


def _count(exercise: str, view: str, height: str, seed: int) -> tuple[int, int]:
    frames, truth = generate(exercise, view=view, camera_height=height, noise=LandmarkNoise.realistic(),
                             fps=15.0, seed=seed)
    step = FrameStep(make_checker(exercise), smoothing="one_euro")
    for f in frames:
        step(f)
    return step.finish().complete_reps, sum(1 for r in truth.reps if r["complete"])


@pytest.mark.parametrize("view,height", [("front", "mid"), ("feet", "low"), ("head", "high")])
def test_a_forward_bend_seen_end_on_counts_its_reps(view, height):
    """From the front the image's trunk lean runs backwards at times; the rhythm's sign followed it and counted
    the rests between the reps (3 or 5 of 4 before ``bend_lean`` read the hips' flexion in depth)."""
    counted, true = _count("forward_bend", view, height, seed=5)
    assert counted == true


def test_a_rule_rep_faster_than_half_a_rushed_one_without_a_rhythm_is_a_glitch():
    o = TallyOptions()
    fast = Rep(index=0, start=4.7, peak=4.9, end=5.1, complete=True, range_share=5.3, range_of_motion=265.0)
    slow = Rep(index=0, start=4.0, peak=5.5, end=7.0, complete=True, range_share=1.0, range_of_motion=50.0)
    assert is_glitch(fast, 3.0, o) and not is_glitch(slow, 3.0, o)
    assert not is_glitch(fast, 3.0, TallyOptions(glitch_share=0.0))
    tally = RepTally(spec(min_rep_seconds=3.0))
    assert tally.rule_rep(fast) == [] and tally.count == 0 and tally.reps == []
    assert [r.complete for r in tally.rule_rep(slow)] == [True]
    assert math.isfinite(tally.reps[0].range_share)
