"""The overlay draws what the Feedback says, where it should, at 640x480 and 1080p, mirrored or not.

Checks are on pixels of frames rendered from hand-made poses and Feedback (no model, no checker needed).
"""
from __future__ import annotations

import numpy as np
import pytest

from posecoach.exercises.events import Cue, Feedback, JointReading
from posecoach.pose import Landmark as L
from posecoach.pose import Pose
from posecoach.render import style
from posecoach.render.hud import BannerAnnotator, CueAnnotator, SummaryAnnotator
from posecoach.render.joints import JointHighlightAnnotator, ReadingStyle
from posecoach.render.overlay import CoachOverlay, cue_text, hold_display

BG = 40
SIZES = [(640, 480), (1920, 1080)]


def frame(w, h):
    return np.full((h, w, 3), BG, np.uint8)


def lying_pose(w, h) -> Pose:
    """A side view of someone lying with the right knee bent (hip at 0.5, 0.7)."""
    img = np.zeros((33, 3))
    img[:, :2] = [0.3, 0.72]
    pts = {L.RIGHT_SHOULDER: (0.30, 0.70), L.RIGHT_HIP: (0.50, 0.70), L.RIGHT_KNEE: (0.62, 0.50),
           L.RIGHT_ANKLE: (0.74, 0.70), L.LEFT_SHOULDER: (0.31, 0.71), L.LEFT_HIP: (0.51, 0.71),
           L.LEFT_KNEE: (0.63, 0.51), L.LEFT_ANKLE: (0.75, 0.71), L.NOSE: (0.2, 0.66)}
    for k, (x, y) in pts.items():
        img[int(k), :2] = (x, y)
    return Pose(image=img, visibility=np.ones(33), timestamp=1.0, image_size=(w, h))


def fb(**kw) -> Feedback:
    base = dict(time=1.0, exercise="glute_bridge", phase="active", reps=3, target_reps=10, target_hold=5.0,
                in_position=True, side="right", progress=0.2,
                joints=(JointReading("hip", 120.0, "ok", (int(L.RIGHT_SHOULDER), int(L.RIGHT_HIP), int(L.RIGHT_KNEE))),))
    base.update(kw)
    if "facts" not in base:  # what a checker of that exercise would publish
        from posecoach.exercises import ExerciseFacts, get_exercise

        base["facts"] = ExerciseFacts.from_spec(get_exercise(base["exercise"]))
    return Feedback(**base)


def near(px, color, tol=40) -> bool:
    return int(np.abs(px.astype(int) - np.array(color)).max()) <= tol


def seg_mid(pose, a, b, w, h, mirrored=False):
    xy = (pose.image[int(a), :2] + pose.image[int(b), :2]) / 2
    if mirrored:
        xy[0] = 1 - xy[0]
    return int(round(xy[1] * h)), int(round(xy[0] * w))


@pytest.mark.parametrize("w,h", SIZES)
@pytest.mark.parametrize("status", ["ok", "warn", "bad"])
def test_checked_joint_is_drawn_in_its_status_colour(w, h, status):
    pose = lying_pose(w, h)
    joints = (JointReading("knee", 100.0, status, (int(L.RIGHT_HIP), int(L.RIGHT_KNEE), int(L.RIGHT_ANKLE))),)
    out = JointHighlightAnnotator(show_values=False).annotate(frame(w, h), pose, joints, {"knee": ReadingStyle("angle")})
    y, x = seg_mid(pose, L.RIGHT_HIP, L.RIGHT_KNEE, w, h)
    assert near(out[y, x], style.STATUS_COLORS[status]), out[y, x]


@pytest.mark.parametrize("w,h", SIZES)
def test_mirrored_view_draws_on_the_flipped_body(w, h):
    pose = lying_pose(w, h)
    joints = (JointReading("knee", 100.0, "bad", (int(L.RIGHT_HIP), int(L.RIGHT_KNEE), int(L.RIGHT_ANKLE))),)
    ann = JointHighlightAnnotator(show_values=False)
    out = ann.annotate(frame(w, h), pose, joints, {"knee": ReadingStyle("angle")}, mirrored=True)
    y, x = seg_mid(pose, L.RIGHT_HIP, L.RIGHT_KNEE, w, h, mirrored=True)
    assert near(out[y, x], style.RED)
    y2, x2 = seg_mid(pose, L.RIGHT_HIP, L.RIGHT_KNEE, w, h)
    assert near(out[y2, x2], (BG, BG, BG), tol=2), "nothing may be drawn at the un-flipped position"


@pytest.mark.parametrize("w,h", SIZES)
def test_overlay_shows_counter_cue_and_no_guide_when_in_position(w, h):
    pose = lying_pose(w, h)
    out = CoachOverlay().annotate(frame(w, h), pose, fb(cue=Cue(1.0, "Lift your hips higher", "form")), fps=20.0)
    assert out.shape == (h, w, 3)
    u = h / 480
    # Rep counter panel at the top right: its big digit is white.
    panel = out[int(10 * u):int(100 * u), w - int(160 * u):w - int(10 * u)]
    assert (panel.min(axis=2) > 230).sum() > 50 * u * u
    # Cue band at the bottom: amber stripe at the left edge for a form cue, white text in the band.
    assert near(out[h - 5, 2], style.AMBER)
    band = out[h - int(40 * u):h, int(30 * u):w // 2]
    assert (band.min(axis=2) > 230).sum() > 100 * u * u
    # No position guide (its frame is blue) when in position.
    mid = out[int(90 * u):int(300 * u), int(10 * u):w - int(170 * u)]
    assert not (np.abs(mid.astype(int) - style.BLUE).max(axis=2) < 30).any()


@pytest.mark.parametrize("w,h", SIZES)
def test_position_guide_when_out_of_position_or_nobody_there(w, h):
    for pose in (lying_pose(w, h), None):
        out = CoachOverlay().annotate(frame(w, h), pose, fb(in_position=False, phase="setup"))
        blue = (np.abs(out.astype(int) - style.BLUE).max(axis=2) < 30)
        assert blue.sum() > 200 * (h / 480), "the guide's blue frame and camera icon are drawn"


def test_text_scales_with_frame_height():
    heights = {}
    for w, h in SIZES:
        out = CueAnnotator().annotate(frame(w, h), "Keep your back flat", "form")
        rows = np.where((np.abs(out[:, 2].astype(int) - style.AMBER).max(axis=1) < 30))[0]
        heights[h] = len(rows)  # the stripe spans the band, whose height follows the text
    ratio = heights[1080] / heights[480]
    assert 1.9 < ratio < 2.6, heights


def test_long_cue_wraps_inside_the_frame():
    text = "Keep every movement slow and gentle; you should feel a stretch, never pain. " * 3
    out = CueAnnotator().annotate(frame(640, 480), text, "safety")
    # Band stays below the middle of the frame and text never touches the right edge.
    band_rows = np.where(near_rows(out[:, 2], style.RED))[0]
    assert band_rows.min() > 240
    assert not (out[band_rows.min():, 636:].min(axis=2) > 230).any()


def near_rows(col, color, tol=30):
    return np.abs(col.astype(int) - np.array(color)).max(axis=1) < tol


HOLD_CASES = [
    # (feedback fields, expected (seconds, state))
    (dict(target_reps=None, target_hold=30.0, holding=True, hold_total=12.0), (12.0, "holding")),
    (dict(target_reps=None, target_hold=30.0, holding=False, hold_total=12.0), (12.0, "paused")),
    (dict(target_reps=None, target_hold=30.0, holding=False, hold_total=0.0), (0.0, "idle")),
    (dict(target_reps=10, target_hold=5.0, holding=True, hold_seconds=2.0), (2.0, "holding")),
    (dict(target_reps=10, target_hold=5.0, holding=False, progress=0.9, cue=Cue(1, "Hips up", "form")), (0.0, "paused")),
    (dict(target_reps=10, target_hold=5.0, holding=False, progress=0.1, cue=Cue(1, "Hips up", "form")), (0.0, "idle")),
    (dict(target_reps=10, target_hold=None), None),
]


@pytest.mark.parametrize("fields,expected", HOLD_CASES)
def test_hold_display(fields, expected):
    assert hold_display(fb(**fields)) == expected


@pytest.mark.parametrize("w,h", SIZES)
def test_paused_hold_ring_is_amber(w, h):
    f = fb(exercise="plank", target_reps=None, target_hold=30.0, holding=False, hold_total=15.0)
    out = CoachOverlay().annotate(frame(w, h), lying_pose(w, h), f)
    u = h / 480
    col = out[int(10 * u):int(140 * u), w - int(160 * u):w - int(10 * u)]
    amber = (np.abs(col.astype(int) - style.AMBER).max(axis=2) < 40).sum()
    green = (np.abs(col.astype(int) - style.GREEN).max(axis=2) < 40).sum()
    assert amber > 100 * u * u and green < amber / 10
    f2 = fb(exercise="plank", target_reps=None, target_hold=30.0, holding=True, hold_total=15.0)
    out2 = CoachOverlay().annotate(frame(w, h), lying_pose(w, h), f2)
    col2 = out2[int(10 * u):int(140 * u), w - int(160 * u):w - int(10 * u)]
    assert (np.abs(col2.astype(int) - style.GREEN).max(axis=2) < 40).sum() > 100 * u * u


def test_side_chip_only_for_one_sided_exercises():
    w, h = 640, 480
    one = CoachOverlay().annotate(frame(w, h), lying_pose(w, h), fb(exercise="knee_to_chest", side="left"))
    both = CoachOverlay().annotate(frame(w, h), lying_pose(w, h), fb(exercise="glute_bridge", side="left"))
    top = slice(0, 40)
    chip = lambda img: (np.abs(img[top].astype(int) - style.BLUE).max(axis=2) < 30).sum()  # noqa: E731
    assert chip(one) > 200 and chip(both) == 0


@pytest.mark.parametrize("text,kind,expected", [
    ("3", "count", "Rep 3 of 10 - good"),
    ("Lift your hips", "form", "Lift your hips"),
])
def test_cue_text(text, kind, expected):
    assert cue_text(fb(cue=Cue(1.0, text, kind))) == (expected, kind)


def test_no_feedback_draws_only_skeleton_and_title():
    out = CoachOverlay().annotate(frame(640, 480), lying_pose(640, 480), None, title="posecoach")
    assert out[460:, :].max() == BG, "no cue band without feedback"


def test_banner_and_summary_draw_inside_the_frame():
    for w, h in SIZES:
        b = BannerAnnotator().annotate(frame(w, h), "REST 0:25", "Next: Plank", progress=0.4)
        assert b[h // 2, w // 2].max() > BG or (b != BG).any()
        s = SummaryAnnotator().annotate(frame(w, h), "Session summary",
                                        [("Glute bridge", "10/10 reps, good form")] * 30, footer="saved")
        assert (s[:, :, :] > 200).any() and s.shape == (h, w, 3)


def test_annotators_return_the_scene_they_were_given():
    img = frame(640, 480)
    assert CoachOverlay().annotate(img, lying_pose(640, 480), fb()) is img


@pytest.mark.parametrize("exercise,reading,unit", [
    ("knee_to_chest", "hip", "deg"),  # an angle measure
    ("squat", "hip_height", "torso"),  # a registered function that declares torso lengths
    ("supine_twist", "knee_drop", ""),  # a 0..1 share
    ("plank", "hips_sagging", "torso"),  # a fault rule's reading
])
def test_readings_carry_their_declared_units(exercise, reading, unit):
    """Units come from the measures' declarations (no guessing from the size of the values)."""
    from posecoach.exercises import make_checker

    assert make_checker(exercise).facts.reading(reading).unit == unit


def test_overlay_draws_a_new_family_without_an_id_list():
    """The position guide follows the exercise's family: a kneeling exercise draws the floor body."""
    from posecoach.render.overlay import exercise_look
    from posecoach.exercises import make_checker

    assert exercise_look(make_checker("childs_pose").facts).posture == "floor"
    assert exercise_look(make_checker("glute_bridge").facts).posture == "lying"
    assert exercise_look(make_checker("squat").facts).posture == "standing"


@pytest.mark.parametrize("scale,thick", [(0.45, 1), (0.6, 1), (1.0, 2), (2.2, 4)])
def test_outlined_text_stays_within_its_measured_width(scale, thick):
    """The outline must not run past the text (a thicker black pass did, with OpenCV 5's TrueType text)."""
    img = np.full((200, 1400, 3), 128, np.uint8)
    text = "Keep every movement slow and gentle; you should feel"
    style.put_text(img, text, (10, 120), scale, style.WHITE, thick)
    w = style.text_size(text, scale, thick)[0]
    r = max(1, int(round(scale * 1.6)))
    changed = np.where((img != 128).any(axis=2).any(axis=0))[0]
    assert changed.max() <= 10 + w + r + 3, (changed.max(), 10 + w)
