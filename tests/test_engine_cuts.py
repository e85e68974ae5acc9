"""Camera cuts in edited videos: found in the raw landmarks before smoothing (a one-frame glitch is not a cut),
and handled by the checker without losing a rep the next shot goes on with; plus a posture test that fails
at the far end of a rep does not throw the rep away."""
from __future__ import annotations

import numpy as np

from posecoach.exercises import make_checker
from posecoach.pose import Pose, PoseFrame
from posecoach.frame_step import FrameStep

from synthetic import Script, render


def _moved(frame: PoseFrame, dx: float, zoom: float = 1.0) -> PoseFrame:
    """The same pose seen by another camera: shifted across the picture (and zoomed about its centre)."""
    img = frame.pose.image.copy()
    c = img[:, :2].mean(axis=0)
    img[:, :2] = c + (img[:, :2] - c) * zoom
    img[:, 0] += dx
    return PoseFrame(frame.index, frame.timestamp,
                     Pose(img, frame.pose.visibility, frame.timestamp, frame.pose.image_size))


def _cut_at(frames, t_cut: float, dx: float = 0.3, zoom: float = 0.8):
    return [_moved(f, dx, zoom) if f.pose is not None and f.timestamp >= t_cut else f for f in frames]


def _smoothed(frames, smoothing="one_euro"):
    step = FrameStep(None, smoothing)  # cuts are found on the raw poses, then smoothed: the analysis' own step
    return [step(f).frame for f in frames]


def _run(exercise: str, frames, **settings):
    c = make_checker(exercise, **settings) if settings else make_checker(exercise)
    fbs = [c.update(f) for f in frames]
    return c.finish(), fbs


def _squats(n: int, pause: float = 0.6) -> Script:
    s = Script("stand").hold(1.5)
    for _ in range(n):
        s.rep("squat", up=1.2, pause=pause, down=1.2, rest=1.0)
    return s


# ------------------------------------------------------------------------------------------------ smoother
def test_smoother_flags_a_cut_on_the_confirming_frame_and_snaps_to_the_new_shot():
    frames = render(_squats(1), noise=0.0, jitter=0.0, dropouts=0, vis_dips=0)
    t_cut = frames[60].timestamp
    out = _smoothed(_cut_at(frames, t_cut))
    flagged = [f.timestamp for f in out if f.pose.extra.get("cut")]
    assert flagged == [frames[61].timestamp]
    # from the confirming frame on the output is the new shot, not a blend dragged over from the old one
    raw = _cut_at(frames, t_cut)
    assert np.abs(out[61].pose.image[:, :2] - raw[61].pose.image[:, :2]).max() < 1e-9


def test_smoother_does_not_flag_a_one_frame_glitch():
    frames = render(_squats(1), noise=0.0, jitter=0.0, dropouts=0, vis_dips=0)
    glitched = list(frames)
    glitched[60] = _moved(frames[60], 0.3, 0.8)  # the model jumps away for one frame and comes back
    out = _smoothed(glitched)
    assert not any(f.pose.extra.get("cut") for f in out)


def test_cuts_are_found_whatever_the_smoothing():
    frames = render(_squats(1), noise=0.0, jitter=0.0, dropouts=0, vis_dips=0)
    cut = _cut_at(frames, frames[60].timestamp)
    for smoothing in ("none", "ema", "one_euro"):
        flagged = [f.timestamp for f in _smoothed(cut, smoothing) if f.pose.extra.get("cut")]
        assert flagged == [frames[61].timestamp], smoothing


def _guessed_knees(frame: PoseFrame) -> PoseFrame:
    """A close-up: the knees are outside the picture, and the model guesses them at low visibility, far off."""
    img, vis = frame.pose.image.copy(), frame.pose.visibility.copy()
    for hip, knee in ((23, 25), (24, 26)):
        img[knee, :2] = img[hip, :2] + 3.0 * (img[knee, :2] - img[hip, :2])
        vis[knee] = 0.1
    return PoseFrame(frame.index, frame.timestamp, Pose(img, vis, frame.timestamp, frame.pose.image_size))


def test_a_cut_is_measured_in_the_body_the_model_sees():
    """Knees guessed outside a close-up must not make the body look bigger than it is: a cut that moves the person
    by 0.9 torso lengths (1.5 of the threshold at 30 fps) is found with the thighs left out of the body's size, and
    was missed (0.5 of the threshold) while the guessed thighs counted."""
    frames = [_guessed_knees(f) for f in render(_squats(1), noise=0.0, jitter=0.0, dropouts=0, vis_dips=0)]
    xy = frames[60].pose.xy()
    torso = float(np.linalg.norm(xy[[11, 12]].mean(axis=0) - xy[[23, 24]].mean(axis=0)))
    w, h = frames[60].pose.image_size
    cut = _cut_at(frames, frames[60].timestamp, dx=0.9 * torso * h / w, zoom=1.0)
    flagged = [f.timestamp for f in _smoothed(cut, "none") if f.pose.extra.get("cut")]
    assert flagged == [frames[61].timestamp]


def test_a_torso_pointing_at_the_camera_is_not_read_as_cuts():
    """A bird dog seen from the front: the torso is a tenth of the shoulder width in the image, and jumps measured
    in torso lengths made a false cut in the middle of the set (the counting restarted: 1 of 4 reps). Measured
    in the body's size (shoulder width, thigh), ordinary jitter is no cut, and a real one still is."""
    from posecoach.synth.landmarks import LandmarkNoise, generate

    frames, _ = generate("bird_dog", view="front", camera_height="mid", noise=LandmarkNoise.realistic(), fps=15.0,
                         seed=5)
    assert not any(f.pose.extra.get("cut") for f in _smoothed(frames) if f.pose is not None)
    posed = [f for f in frames if f.pose is not None]
    t_cut = posed[len(posed) // 2].timestamp
    # a shot moved by 0.26 of the picture width, 1.5 of this body's sizes (0.23: 1.3 shoulder widths; the detector's
    # threshold at 15 fps is 1.0 size): found only if the size is not overestimated by half or more
    flagged = [f.timestamp for f in _smoothed(_cut_at(frames, t_cut, dx=0.26, zoom=1.0))
               if f.pose is not None and f.pose.extra.get("cut")]
    assert len(flagged) == 1 and t_cut <= flagged[0] < t_cut + 0.2


def test_one_displaced_frame_does_not_split_a_hold():
    # the review's case: a single frame where the model jumped elsewhere split a 16 s plank hold in two, because
    # the checker ran its own unconfirmed cut test besides the smoother's; now there is one, confirmed, test
    s = Script("plank").hold(16.0)
    frames = render(s, noise=0.0, jitter=0.0, dropouts=0, vis_dips=0)
    glitched = list(frames)
    mid = len(frames) // 2
    glitched[mid] = _moved(frames[mid], 0.3, 0.8)
    result, _ = _run("plank", _smoothed(glitched))
    assert len(result.holds) == 1, [(h.start, h.end) for h in result.holds]


# ---------------------------------------------------------------------------------------------- checker
def test_a_cut_in_the_middle_of_a_rep_keeps_the_rep():
    # the shot changes while the person holds the bottom of the second squat; the next shot shows the hold
    # and the way back up, so the rep is complete (the old rule abandoned it)
    s = _squats(3, pause=2.0)
    frames = render(s, noise=0.0, jitter=0.0, dropouts=0, vis_dips=0)
    peak2 = s.truth.reps[1]["peak"]
    out = _smoothed(_cut_at(frames, peak2))
    assert any(f.pose.extra.get("cut") for f in out)
    result, _ = _run("squat", out)
    assert result.complete_reps == 3, [(r.start, r.end, r.complete) for r in result.reps]


def test_a_cut_from_the_top_of_a_rep_to_the_start_is_a_partial():
    # the shot changes at the bottom of the second squat to a shot of the person standing: the way back up
    # was not seen, so that rep is a partial attempt; the following rep still counts
    s = Script("stand").hold(1.5)
    s.rep("squat", up=1.2, pause=0.6, down=1.2, rest=1.0)
    s.move("squat", 1.2).hold(0.6)
    t_cut = s.t
    s.move("stand", 0.04).hold(1.5)  # (the 'move' is the cut: standing in the next shot)
    s.rep("squat", up=1.2, pause=0.6, down=1.2, rest=1.0)
    frames = render(s, noise=0.0, jitter=0.0, dropouts=0, vis_dips=0)
    out = _smoothed(_cut_at(frames, t_cut))
    assert any(f.pose.extra.get("cut") for f in out)
    result, _ = _run("squat", out)
    assert result.complete_reps == 2, [(r.start, r.end, r.complete) for r in result.reps]
    assert result.partial_reps == 1


def _not_deep(body):
    """A posture test that, like some real ones, fails at the far end of the movement (hips near knee height)."""
    hip, knee = body.mid("hip"), body.mid("knee")
    return body.height_above(hip, knee) > 0.35


def test_failing_the_posture_test_at_the_top_of_a_rep_does_not_abandon_it():
    # a long pause at the bottom of a squat where the posture test fails: the rep goes on and counts when
    # the person comes back up
    s = Script("stand").hold(1.5)
    s.rep("squat", up=1.2, pause=4.0, down=1.2, rest=1.5)
    s.rep("squat", up=1.2, pause=0.6, down=1.2, rest=1.5)
    frames = render(s, noise=0.0, jitter=0.0, dropouts=0, vis_dips=0)
    result, fbs = _run("squat", frames, posture=_not_deep)
    assert not all(fb.in_position for fb in fbs)  # the posture test did fail
    assert result.complete_reps == 2, [(r.start, r.end, r.complete) for r in result.reps]
