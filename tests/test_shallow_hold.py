"""Holds at the person's own, smaller depth (exercises/shallow_hold.py): counted and told as such, never on top
of a full hold, never for a stay too shallow to be a stretch. Synthetic landmark sequences, no MediaPipe."""
from __future__ import annotations

import pytest

from posecoach.exercises import make_checker
from posecoach.exercises.registry import get_exercise
from posecoach.exercises.shallow_hold import shallow_spec
from posecoach.frame_step import FrameStep
from posecoach.synth import generate


def _run(exercise: str, range_scale: float, counting: str = "fused", seed: int = 4):
    frames, truth = generate(exercise, hold=10.0, seed=seed, fps=15.0, range_scale=range_scale)
    step = FrameStep(make_checker(exercise, counting=counting), "one_euro")
    for f in frames:
        step(f)
    return step.finish(), sum(h["end"] - h["start"] for h in truth.holds)


@pytest.mark.parametrize("exercise,range_scale", [("childs_pose", 0.6), ("hamstring_stretch", 0.7)])
def test_a_shallow_stay_is_timed_and_told(exercise, range_scale):
    res, truth = _run(exercise, range_scale)
    assert res.holds and all(h.grade == "shallow" for h in res.holds)
    assert abs(res.hold_seconds - truth) <= 0.2 * truth, (res.hold_seconds, truth)
    assert any("not as deep as this stretch asks" in c.text for c in res.cues)
    rules, _ = _run(exercise, range_scale, counting="rules")  # the spec's zone alone: the silent zero it fixes
    assert rules.hold_seconds == 0.0


def test_a_full_hold_is_not_counted_twice():
    fused, truth = _run("childs_pose", 1.0)
    rules, _ = _run("childs_pose", 1.0, counting="rules")
    assert fused.holds == rules.holds and all(h.grade == "" for h in fused.holds)
    assert abs(fused.hold_seconds - truth) <= 0.15 * truth


def test_too_shallow_to_be_a_stretch_counts_nothing():
    res, _ = _run("childs_pose", 0.3)
    assert res.hold_seconds == 0.0


def test_the_shallow_zone_keeps_the_specs_exit_ratio():
    spec = get_exercise("childs_pose")
    low = shallow_spec(spec)
    assert low.hold_threshold == pytest.approx(0.4)
    assert low.hold_exit_threshold / low.hold_threshold == pytest.approx(spec.hold_exit_threshold
                                                                         / spec.hold_threshold)
    assert shallow_spec(spec, min_range=2.0).hold_threshold == spec.hold_threshold  # never above the spec's zone


def test_the_clock_on_screen_runs_during_a_shallow_hold():
    frames, _ = generate("childs_pose", hold=10.0, seed=4, fps=15.0, range_scale=0.6)
    step = FrameStep(make_checker("childs_pose"), "one_euro")
    shown = [step(f).feedback for f in frames]
    shown = [fb for fb in shown if fb is not None]
    assert any(fb.holding and fb.phase == "holding" for fb in shown)
    assert max(fb.hold_seconds for fb in shown) > 8.0  # the 10 s stay, as it is timed


def test_a_shallower_stay_just_after_a_full_hold_of_the_same_side_is_a_rest():
    from posecoach.exercises.events import Hold
    from posecoach.exercises.shallow_hold import rest_after_full

    full = [Hold(2.0, 10.0)]
    assert rest_after_full(Hold(11.6, 19.0), full)  # synth_dev 063: sitting up 1.6 s after the stretch
    assert not rest_after_full(Hold(11.6, 19.0), [])  # no full hold yet: the person's own depth
    assert not rest_after_full(Hold(30.0, 40.0), full)  # a later, shallower round still counts as shallow
    sided = [Hold(2.0, 10.0, side="left")]  # hip stretch: the other side may be the stiffer one
    assert not rest_after_full(Hold(11.0, 19.0, side="right"), sided)
    assert rest_after_full(Hold(11.0, 19.0, side="left"), sided)
