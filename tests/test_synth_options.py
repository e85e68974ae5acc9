"""The stress-set options of the synthesiser: range of motion, views along the body, camera height, sets and
rest, clothing, and the command line that sets them (bad values: one line, exit code 2)."""
from __future__ import annotations

import numpy as np
import pytest

from posecoach.cli import main
from posecoach.synth import SceneOptions, make_scene, scene_truth


def _excursion(truth, key: str, kind: str) -> float:
    a = np.asarray(getattr(truth, kind)[key])
    return float(a.max() - a.min())


# The bridge's hip passes straight at the top, where the unsigned 3D angle folds back at 180: use the signed
# image-plane angle there (side view), the 3D angle elsewhere.
@pytest.mark.parametrize("exercise,key,kind", [("squat", "knee_left", "angles3d"), ("pushup", "elbow_left", "angles3d"),
                                               ("knee_to_chest", "hip_left", "angles3d"),
                                               ("glute_bridge", "hip_left", "angles2d")])
def test_range_scale_scales_the_key_angle_excursion(exercise, key, kind):
    full = scene_truth(make_scene(SceneOptions(exercise, reps=3, seed=4, sway=False)))
    half = scene_truth(make_scene(SceneOptions(exercise, reps=3, seed=4, sway=False, range_scale=0.5)))
    more = scene_truth(make_scene(SceneOptions(exercise, reps=3, seed=4, sway=False, range_scale=1.2)))
    ratio_half = _excursion(half, key, kind) / _excursion(full, key, kind)
    ratio_more = _excursion(more, key, kind) / _excursion(full, key, kind)
    assert 0.45 < ratio_half < 0.55, ratio_half  # measured 0.49-0.50: joint angles are nearly linear here
    assert 1.15 < ratio_more < 1.25, ratio_more
    # Every rep is still a complete rep, and the truth says how far it went.
    assert half.complete_reps == full.complete_reps == 3
    assert all(0.5 * 0.92 - 1e-6 <= r["range_scale"] <= 0.5 * 1.04 + 1e-6 for r in half.reps)
    assert half.options["range_scale"] == 0.5


def test_range_scale_on_a_hold_is_recorded_and_holds_stay_holds():
    t = scene_truth(make_scene(SceneOptions("childs_pose", hold=5.0, seed=2, range_scale=0.7)))
    assert t.kind == "hold" and t.hold_seconds == pytest.approx(5.0, abs=0.01)
    assert t.options["range_scale"] == 0.7


def _horizontal(v):
    v = np.asarray(v, float)[[0, 2]]
    return v / np.linalg.norm(v)


@pytest.mark.parametrize("exercise", ["glute_bridge", "cobra", "bird_dog", "hamstring_stretch"])
def test_feet_and_head_views_look_along_the_body(exercise):
    """Feet view: the camera stands beyond the feet, looking toward the head; head view: the reverse."""
    for view, toward in (("feet", 1.0), ("head", -1.0)):
        scene = make_scene(SceneOptions(exercise, reps=1, seed=1, view=view))
        w = scene.world[0]
        hips, feet = w[[23, 24]].mean(0), w[[27, 28]].mean(0)
        axis = _horizontal(feet - hips)  # the way the feet point from the hips
        cam = _horizontal(scene.camera.position - hips)
        assert float(axis @ cam) * toward > 0.95, (view, axis, cam)
        assert scene_truth(scene).near_side == "n/a"  # both sides equally in view
        # The camera frames the person: every truth landmark inside the image.
        px = np.asarray(scene_truth(scene).landmarks_px)
        assert px.min() > -1 and px[..., 0].max() < scene.options.width + 1


def test_feet_view_of_a_standing_exercise_is_the_front_and_head_is_behind():
    front = make_scene(SceneOptions("squat", reps=1, seed=1, view="front")).camera.position
    feet = make_scene(SceneOptions("squat", reps=1, seed=1, view="feet")).camera.position
    head = make_scene(SceneOptions("squat", reps=1, seed=1, view="head")).camera.position
    assert np.allclose(front, feet)
    assert head[0] < 0 < front[0]  # the person faces +X: behind them is -X


def test_camera_height_orders_the_elevation():
    ys = [make_scene(SceneOptions("glute_bridge", reps=1, seed=1, camera_height=h)).camera.position[1]
          for h in ("low", "mid", "high")]
    assert ys[0] < ys[1] < ys[2] and ys[0] > 0.0  # never under the floor


def test_default_options_leave_the_clip_unchanged():
    a = scene_truth(make_scene(SceneOptions("squat", reps=2, seed=3)))
    b = scene_truth(make_scene(SceneOptions("squat", reps=2, seed=3, camera_height="mid", range_scale=1.0,
                                            setup=1.5, sets=1, rest=0.0)))
    assert a.reps == b.reps and a.camera == b.camera and a.phases == b.phases


def test_sets_and_rest_add_rest_phases_and_number_every_rep():
    t = scene_truth(make_scene(SceneOptions("squat", reps=3, sets=2, rest=4.0, seed=5)))
    assert t.complete_reps == 6 and [r["index"] for r in t.reps] == [1, 2, 3, 4, 5, 6]
    assert [r["set"] for r in t.reps] == [1, 1, 1, 2, 2, 2]
    rests = [p for p in t.phases if p["name"] == "rest"]
    assert len(rests) == 2 and all(p["end"] - p["start"] >= 4.0 for p in rests)
    for p in rests:  # nothing counted while resting
        assert not any(p["start"] < r["peak"] < p["end"] for r in t.reps)


def test_clothing_colours_reach_the_look():
    from posecoach.synth.clip import scene_look
    from posecoach.synth.look import CLOTHING

    look = scene_look(SceneOptions("squat", shirt="white", trousers="#102030"))
    assert look.shirt == CLOTHING["white"]
    assert look.trousers == pytest.approx((16 / 255, 32 / 255, 48 / 255))


@pytest.mark.parametrize("args,message", [
    (["--range", "2"], "range scale must be between 0.3 and 1.5, got 2"),
    (["--range", "x"], "invalid float value"),
    (["--tempo", "0"], "tempo must be between 0.3 and 3, got 0"),
    (["--camera-height", "middle"], "unknown camera height 'middle'"),
    (["--camera-height", "95"], "elevation must be between -30 and 80 degrees, got 95"),
    (["--clothing", "teal"], "unknown clothing colour 'teal'"),
    (["--build", "3"], "build must be between 0.7 and 1.4, got 3"),
    (["--body-height", "0.5"], "body height must be between 1.3 and 2.1, got 0.5"),
    (["--rest", "-1"], "rest must be between 0 and 120, got -1"),
    (["--view", "top"], "invalid choice: 'top'"),
])
def test_bad_synth_options_give_one_line_and_exit_2(args, message, tmp_path, capsys):
    with pytest.raises(SystemExit) if message.startswith("invalid") else _no_raise():
        rc = main(["synth", "squat", "--out", str(tmp_path / "x.mp4"), *args])
        assert rc == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert message in err[-1], err
    assert not (tmp_path / "x.mp4").exists()


class _no_raise:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_recorded_command_carries_the_new_options(tmp_path):
    from posecoach.commands.synth import scene_flags, scene_options

    opts = scene_options("squat", reps=2, view="feet", camera_height="high", range_scale=0.65, tempo=0.5,
                         shirt="black", trousers="beige", sets=2, rest=3.0, elevation=None)
    flags = scene_flags(opts)
    assert "--camera-height high" in flags and "--range 0.65" in flags and "--tempo 0.5" in flags
    assert "--clothing black,beige" in flags and "--sets 2" in flags and "--rest 3" in flags
    # The flags parse back to the same options.
    from posecoach.cli import build_parser

    ns = build_parser().parse_args(["synth", "squat", "--out", "x.mp4", *flags.split()])
    assert (ns.camera_height, ns.range, ns.tempo, ns.clothing, ns.sets, ns.rest) == \
        ("high", 0.65, 0.5, "black,beige", 2, 3.0)
