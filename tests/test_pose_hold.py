"""Holds timed from the whole pose where the key measure cannot be trusted (exercises/pose_hold.py): an end-on
plank whose ankles MediaPipe cannot see, or seen from a view outside the exercise's, is timed from a settled stay
away from the start pose; getting into position and resting back in it time nothing; a key measure that can be
read from a supported view is believed. Synthetic landmark sequences with exact truth, no MediaPipe."""
from __future__ import annotations

import dataclasses
import math

import pytest

from posecoach.exercises import make_checker
from posecoach.exercises.body import Body
from posecoach.exercises.pose_hold import PoseHold
from posecoach.exercises.registry import get_exercise
from posecoach.frame_step import FrameStep
from posecoach.pose import Landmark
from posecoach.synth import generate

ANKLES = (int(Landmark.LEFT_ANKLE), int(Landmark.RIGHT_ANKLE))


def _plank(view: str, hide_ankles: bool):
    """Two 8 s planks with a 5 s rest between, after 2 s of set-up on the knees."""
    frames, truth = generate("plank", hold=8.0, seed=3, fps=15.0, view=view, setup=2.0, sets=2, rest=5.0)
    if hide_ankles:  # what MediaPipe does end-on: the feet behind the body get a low visibility
        out = []
        for f in frames:
            if f.pose is not None:
                vis = f.pose.visibility.copy()
                vis[list(ANKLES)] = 0.2
                f = dataclasses.replace(f, pose=dataclasses.replace(f.pose, visibility=vis))
            out.append(f)
        frames = out
    return frames, [(h["start"], h["end"]) for h in truth.holds]


def _run(frames, counting: str = "fused"):
    step = FrameStep(make_checker("plank", counting=counting), "one_euro")
    for f in frames:
        step(f)
    return step.finish()


@pytest.mark.parametrize("view,hide", [("head", True), ("side", True), ("feet", False), ("feet", True)])
def test_a_plank_the_key_measure_cannot_judge_is_timed_from_the_pose(view, hide):
    frames, truth = _plank(view, hide)
    res = _run(frames)
    total = sum(e - s for s, e in truth)
    assert res.holds and all(h.grade == "pose" for h in res.holds)
    assert abs(res.hold_seconds - total) <= 0.15 * total, (res.hold_seconds, total)
    # each timed hold lies on a true one: getting into position and the rest between the sets time nothing
    assert len(res.holds) == len(truth)
    for h, (s, e) in zip(res.holds, truth):
        assert s - 0.3 <= h.start and h.end <= e + 0.6, (h, (s, e))
    assert any("timed it from your stillness" in c.text for c in res.cues)
    assert _run(frames, counting="rules").hold_seconds == 0.0  # the spec's zone alone: the silent zero it fixes


def test_a_readable_plank_from_the_side_keeps_the_specs_hold():
    frames, truth = _plank("side", hide_ankles=False)
    res = _run(frames)
    assert res.holds and all(h.grade == "" for h in res.holds)


def _feed(hold: PoseHold, frames, raw, view_fits: bool):
    events = []
    for f in frames:
        if f.pose is not None:
            events += hold.step(f.timestamp, Body(f.pose), raw, view_fits=view_fits, broken=False, spec_holds=[],
                                spec_open=False)
    return events + hold.close([])


def test_a_trusted_key_measure_is_believed_over_the_pose():
    frames, _ = _plank("head", hide_ankles=False)
    spec = get_exercise("plank")
    # a steady, readable key measure from a supported view that saw no hold: the pose's stay is not a hold
    assert _feed(PoseHold(spec), frames, 150.0, view_fits=True) == []
    # the same stays with the measure unreadable, or read from a view the exercise does not support: timed
    assert len([e for e in _feed(PoseHold(spec), frames, math.nan, view_fits=True) if hasattr(e, "grade")]) == 2
    assert len([e for e in _feed(PoseHold(spec), frames, 150.0, view_fits=False) if hasattr(e, "grade")]) == 2


def test_a_still_person_in_the_start_pose_times_nothing():
    frames, _ = _plank("head", hide_ankles=True)
    still = [dataclasses.replace(frames[0], timestamp=i / 15.0,
                                 pose=dataclasses.replace(frames[0].pose, timestamp=i / 15.0))
             for i in range(15 * 12)]
    assert _feed(PoseHold(get_exercise("plank")), still, math.nan, view_fits=False) == []


def _posed(frame, image, t):
    pose = dataclasses.replace(frame.pose, image=image, timestamp=t)
    return dataclasses.replace(frame, pose=pose, timestamp=t)


def test_a_rest_short_of_the_start_pose_is_learned_not_timed():
    """Start pose 2 s, 1 s into the hold, 6 s held, 1 s back to a rest half-way to the start (where MediaPipe may
    put a person standing up again end-on), 6 s of rest: one hold, the rest is not a second one."""
    frames, truth = _plank("head", hide_ankles=True)
    start = next(f for f in frames if f.pose is not None)
    held = next(f for f in frames if f.pose is not None and f.timestamp >= truth[0][0] + 2.0)
    a = start.pose.image
    b = a + 2.0 * (held.pose.image - a)  # twice the change from knees to plank: a posture far from the start
    rest = 0.5 * (a + b)  # the rest: the knees-to-plank change, still half a posture from the start
    plan = [(2.0, a, a), (1.0, a, b), (6.0, b, b), (1.0, b, rest), (6.0, rest, rest)]
    seq, t = [], 0.0
    for secs, p0, p1 in plan:
        n = int(secs * 15)
        for i in range(n):
            seq.append(_posed(start, p0 + (p1 - p0) * (i + 1) / n, t))
            t += 1 / 15
    holds = [e for e in _feed(PoseHold(get_exercise("plank")), seq, math.nan, view_fits=False)
             if hasattr(e, "grade")]
    assert len(holds) == 1, holds
    # both edges lag the pose by about a second (the distance is filtered, and the hold starts once it is still)
    assert 2.5 <= holds[0].start <= 4.3 and 8.5 <= holds[0].end <= 10.0, holds[0]


def test_while_a_pose_hold_runs_the_person_is_not_told_to_get_into_position():
    # the posture gate cannot see a plank from the head; the screen must not say "get into position" (the
    # overlay's guide card shows when ``in_position`` is false) while the clock runs
    frames, _ = _plank("head", True)
    step = FrameStep(make_checker("plank"), "one_euro")
    holding = [fb for fb in (step(f).feedback for f in frames) if fb.hold_seconds > 0]
    assert holding, "no hold timed"
    assert all(fb.in_position and fb.phase == "holding" for fb in holding)
    assert all(e.kind != "position" for fb in holding for e in fb.events if hasattr(e, "kind"))
