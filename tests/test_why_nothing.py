"""A zero gets a reason (exercises/why_nothing.py): the first gate that refused most of the session is named,
in the report and as a cue; nothing is said when something was counted or the person was barely seen."""
from __future__ import annotations

import math

from posecoach.exercises import make_checker
from posecoach.exercises.registry import get_exercise
from posecoach.exercises.why_nothing import WhyNothing
from posecoach.frame_step import FrameStep
from posecoach.synth import generate


def _session(spec_id: str, frames: list[dict], dt: float = 0.1) -> WhyNothing:
    w = WhyNothing(get_exercise(spec_id))
    for f in frames:
        w.frame(dt, **f)
    return w


def test_unreadable_measure_names_the_camera():
    w = _session("pushup", [{"pose": True}] * 100)
    why = w.reason(counted=False)
    assert why.startswith("No rep was counted: from this camera angle") and "to your side" in why


def test_position_not_recognised_gives_the_posture_cue():
    w = _session("situp", [{"pose": True, "readable": True, "in_position": False, "p_nom": 0.5}] * 100)
    why = w.reason(counted=False)
    assert "did not recognise the position" in why and get_exercise("situp").posture_cue in why


def test_too_small_a_movement_says_how_much():
    frames = [{"pose": True, "readable": True, "in_position": True, "p_nom": 0.1 + 0.2 * math.sin(k / 5) ** 2}
              for k in range(100)]
    why = _session("squat", frames).reason(counted=False)
    assert "reached about 19% of this exercise's usual range" in why


def test_nothing_said_when_counted_or_barely_seen():
    frames = [{"pose": True}] * 100
    assert _session("pushup", frames).reason(counted=True) == ""
    assert _session("pushup", frames[:40]).reason(counted=False) == ""  # 4 s: maybe walking past
    assert _session("pushup", [{"pose": False}] * 100).reason(counted=False) == ""  # nobody: quality.py says so


def test_the_checker_reports_it_only_for_a_zero():
    # a third of a squat, counted by the zones alone (the fused counter counts these 4 from periodic motion)
    frames, _ = generate("squat", reps=4, seed=2, fps=15.0, range_scale=0.3)
    step = FrameStep(make_checker("squat", counting="rules"), "one_euro")
    for f in frames:
        step(f)
    res = step.finish()
    assert res.complete_reps == 0 and "usual range" in res.why_nothing
    assert any(c.text == res.why_nothing for c in res.cues)
    frames, _ = generate("squat", reps=4, seed=2, fps=15.0)
    step = FrameStep(make_checker("squat"), "one_euro")
    for f in frames:
        step(f)
    res = step.finish()
    assert res.complete_reps == 4 and res.why_nothing == ""
