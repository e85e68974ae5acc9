"""The landmark generator: its truth must match its own geometry, its scripts, and be reproducible."""
from __future__ import annotations

import numpy as np
import pytest

from posecoach import geometry
from posecoach.pose import Landmark
from posecoach.synth import EXERCISES, LandmarkNoise, generate, get_motion
from posecoach.synth.landmarks import side_landmarks
from posecoach.synth.truth import ANGLE_TRIPLETS, Truth, angles_2d

FPS = 10.0  # plenty for geometry checks, keeps the whole table fast


@pytest.fixture(scope="module")
def clips():
    return {e: generate(e, seed=7, fps=FPS) for e in EXERCISES}


@pytest.mark.parametrize("exercise", EXERCISES)
def test_truth_counts_match_script(clips, exercise):
    frames, truth = clips[exercise]
    m = get_motion(exercise)
    per_side = 2 if m.sided == "blocks" else 1
    if m.kind == "reps":
        assert truth.complete_reps == m.default_reps * per_side
        assert [r["index"] for r in truth.reps] == list(range(1, len(truth.reps) + 1))
        for r in truth.reps:
            assert r["start"] < r["peak"] < r["end"]
        ends = [r["end"] for r in truth.reps]
        starts = [r["start"] for r in truth.reps]
        assert all(s >= e for s, e in zip(starts[1:], ends[:-1]))  # reps do not overlap
    else:
        assert truth.complete_reps == 0
        assert len(truth.holds) == m.default_reps * per_side
        assert truth.hold_seconds == pytest.approx(m.default_hold * len(truth.holds), abs=0.01)
    assert len(frames) == truth.n_frames
    assert truth.times[-1] >= max([r["end"] for r in truth.reps] + [h["end"] for h in truth.holds])


@pytest.mark.parametrize("exercise", EXERCISES)
def test_truth_angles_equal_angles_of_emitted_landmarks(clips, exercise):
    frames, truth = clips[exercise]
    for i in range(0, len(frames), 7):
        pose = frames[i].pose
        a2 = angles_2d(pose.xy())
        for k, v in a2.items():
            assert v == pytest.approx(truth.angles2d[k][i], abs=1e-6)
        # World landmarks are in the camera frame, the truth's 3D angles in the world frame: same angles.
        for k, (a, b, c) in ANGLE_TRIPLETS.items():
            got = geometry.joint_angle(pose.world[a], pose.world[b], pose.world[c])
            assert got == pytest.approx(truth.angles3d[k][i], abs=1e-3)  # arccos is coarse near 180
        px = np.asarray(truth.landmarks_px[i])
        assert np.allclose(pose.pixels(), px, atol=1e-6)


@pytest.mark.parametrize("exercise", EXERCISES)
def test_body_stays_in_frame_and_on_the_floor(clips, exercise):
    frames, truth = clips[exercise]
    img = np.stack([f.pose.image for f in frames])
    assert img[..., 0].min() > 0.0 and img[..., 0].max() < 1.0
    assert img[..., 1].min() > 0.0 and img[..., 1].max() < 1.0
    # Plausible segment lengths: the model's thigh is 0.43 m whatever the pose.
    w = np.stack([f.pose.world for f in frames])
    thigh = np.linalg.norm(w[:, Landmark.LEFT_HIP] - w[:, Landmark.LEFT_KNEE], axis=1)
    assert np.allclose(thigh, 0.43, atol=1e-6)


def test_glute_bridge_hip_passes_straight_at_the_top(clips):
    """The signed hip angle must cross 180 at each peak (the unsigned one would fold back)."""
    _, truth = clips["glute_bridge"]
    t = np.asarray(truth.times)
    hip = np.asarray(truth.angles2d[f"hip_{truth.near_side}"])
    start = hip[0]
    for r in truth.reps:
        at_peak = hip[np.argmin(abs(t - r["peak"]))]
        # From the start (knees bent, ~45 degrees of hip flexion) the signed angle moves past 180.
        assert abs(at_peak - start) > 35
        assert (start - 180) * (at_peak - 180) < 0


def test_squat_knee_is_most_bent_at_each_peak(clips):
    _, truth = clips["squat"]
    t = np.asarray(truth.times)
    knee = np.asarray(truth.angles3d["knee_left"])
    for r in truth.reps:
        inside = (t >= r["start"]) & (t <= r["end"])
        assert abs(t[inside][np.argmin(knee[inside])] - r["peak"]) < 0.6
        assert knee[inside].min() < 80
    assert knee[0] > 170


def test_sided_exercises_alternate(clips):
    _, truth = clips["knee_to_chest"]
    assert [r["side"] for r in truth.reps] == ["left", "right", "left", "right"]
    t = np.asarray(truth.times)
    for r in truth.reps:
        i = int(np.argmin(abs(t - r["peak"])))
        moving, still = ("left", "right") if r["side"] == "left" else ("right", "left")
        assert truth.params[f"hip_flex_{moving[0]}"][i] > 100
        assert truth.params[f"hip_flex_{still[0]}"][i] < 70


def test_faults_are_injected_where_the_truth_says():
    _, clean = generate("plank", seed=3, fps=FPS, hold=8)
    _, bad = generate("plank", seed=3, fps=FPS, hold=8, faults=["hips_sagging"])
    assert clean.faults == [] and [f["code"] for f in bad.faults] == ["hips_sagging"]
    f = bad.faults[0]
    t = np.asarray(bad.times)
    inside = (t > f["start"]) & (t < f["end"])
    hip_bad = np.asarray(bad.params["hip_flex_l"])[inside]
    hip_ok = np.asarray(clean.params["hip_flex_l"])[inside]
    assert np.all(hip_bad < hip_ok - 6)  # the span starts half-way into the sag (13 degrees)
    # The hold is time inside tolerance: the sag splits it, and the two spans leave the fault out.
    assert len(clean.holds) == 1 and len(bad.holds) == 2
    assert bad.holds[0]["end"] == f["start"] and bad.holds[1]["start"] == f["end"]

    _, r = generate("squat", seed=3, fps=FPS, reps=4, faults=["partial_range"])
    assert [x["complete"] for x in r.reps] == [True, False, True, False]
    assert [x["rep"] for x in r.faults] == [2, 4]


def test_same_seed_same_clip_other_seed_other_clip():
    a = generate("bird_dog", seed=5, fps=FPS, noise=LandmarkNoise.realistic())
    b = generate("bird_dog", seed=5, fps=FPS, noise=LandmarkNoise.realistic())
    c = generate("bird_dog", seed=6, fps=FPS, noise=LandmarkNoise.realistic())
    assert a[1].to_dict() == b[1].to_dict()
    pa = [f.pose.image for f in a[0] if f.pose is not None]
    pb = [f.pose.image for f in b[0] if f.pose is not None]
    assert all(np.array_equal(x, y) for x, y in zip(pa, pb))
    assert a[1].reps != c[1].reps


def test_realistic_noise_hides_far_limbs_and_drops_frames():
    frames, truth = generate("glute_bridge", seed=2, fps=30, noise=LandmarkNoise(
        jitter_px=1.0, dropout=0.05, far_side=True))
    assert truth.near_side == "left"
    poses = [f.pose for f in frames if f.pose is not None]
    assert 0 < len(frames) - len(poses) < 0.4 * len(frames)
    vis = np.stack([p.visibility for p in poses])
    far, near = side_landmarks("right"), side_landmarks("left")
    assert vis[:, far].max() <= 0.4 and vis[:, near].min() >= 0.9
    err = np.stack([np.linalg.norm(f.pose.pixels() - np.asarray(truth.landmarks_px[f.index]), axis=1)
                    for f in frames if f.pose is not None])
    assert np.median(err[:, near]) < 3.0
    assert np.median(err[:, far]) > 5.0


def test_truth_json_round_trip(tmp_path):
    _, truth = generate("cat_cow", seed=1, fps=FPS, reps=2)
    p = truth.to_json(tmp_path / "t.json")
    back = Truth.from_json(p)
    assert back.summary() == truth.summary()
    assert back.reps == truth.reps and "cat" in back.reps[0]["phases"]


def test_unknown_names_are_refused():
    with pytest.raises(ValueError, match="choose from"):
        generate("yoga", seed=0)
    with pytest.raises(ValueError, match="choose from"):
        generate("plank", faults=["wobbly"], seed=0)
    with pytest.raises(ValueError, match="choose from"):
        generate("plank", view="top", seed=0)


def test_swapped_runs_exchange_left_and_right():
    exact, truth = generate("squat", seed=4, fps=FPS)
    noisy, _ = generate("squat", seed=4, fps=FPS, noise=LandmarkNoise(swap=0.1, swap_frames=4))
    from posecoach.pose import mirror_index
    swapped = [np.allclose(n.pose.image[:, :2], e.pose.image[mirror_index(), :2])
               for n, e in zip(noisy, exact)]
    same = [np.allclose(n.pose.image[:, :2], e.pose.image[:, :2]) for n, e in zip(noisy, exact)]
    assert 0 < sum(swapped) < len(exact) // 2
    assert all(a or b for a, b in zip(swapped, same))


def test_faults_with_several_sets_number_the_sets():
    """A fault's joint deltas once shadowed the set number (a TypeError with faults and sets > 1)."""
    from posecoach.synth.landmarks import generate

    _, truth = generate("glute_bridge", reps=2, view="side", seed=1, faults=("over_arching",), sets=2, rest=1)
    assert sorted({r["set"] for r in truth.reps}) == [1, 2]
