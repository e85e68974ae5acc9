"""Standing exercises seen end-on, read in depth (``measure_fns.bend_lean``), checked against the synthetic
exerciser's exact truth."""
from __future__ import annotations

import pytest

from posecoach.exercises import make_checker
from posecoach.frame_step import FrameStep
from posecoach.synth.landmarks import LandmarkNoise, generate


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


def test_the_end_on_decision_holds_steady_through_an_oblique_view():
    """Decided pose by pose, the shoulder width of an oblique hip stretch crosses the end-on threshold back and
    forth (44 switches between image and depth readings in 457 frames here); the view monitor decides on the
    filtered width with a band, so the measures keep one reading."""
    from posecoach.exercises.body import END_ON_WIDTH, Body

    frames, _ = generate("hip_stretch", view="oblique", camera_height="low", noise=LandmarkNoise.realistic(),
                         fps=15.0, seed=5)
    step = FrameStep(make_checker("hip_stretch"), smoothing="one_euro")
    per_pose, decided = [], []
    for f in frames:
        step(f)
        if f.pose is not None:
            per_pose.append(Body(f.pose).shoulder_width_ratio() >= END_ON_WIDTH)
            decided.append(step.checker.view.end_on)
    switches = lambda xs: sum(a != b for a, b in zip(xs, xs[1:]))  # noqa: E731
    assert switches(per_pose) > 20  # the case is a real test of the band
    assert switches(decided) <= 1
    # and the decision is the view's: the one most single poses give (not whatever the first pose read)
    assert decided[-1] == (sum(per_pose) > len(per_pose) / 2)
