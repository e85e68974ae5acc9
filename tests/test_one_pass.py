"""The one per-frame step and its sinks: raw poses on disk, a linear cache, a streamed CSV, replayed thumbnails.

These pin what keeps ``analyze``'s memory flat without changing any result: every output made from the
``FrameLog``, the spooled raw poses or the streamed CSV must equal what the kept per-frame results give.
"""
from __future__ import annotations

import csv
import json
import subprocess
import sys

import numpy as np
import pytest

from posecoach import landmark_cache
from posecoach.exercises import make_checker
from posecoach.frame_step import FrameStep, replay
from posecoach.outputs.csv import AnglesCsv, angle_rows
from posecoach.outputs.frame_log import FrameLog
from posecoach.pose import Pose, PoseFrame
from posecoach.raw_log import RawPoseLog
from posecoach.synth.landmarks import generate

from conftest import SAMPLES


def noisy_frames(n=400, seed=3):
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        if i % 17 == 5:
            out.append(PoseFrame(i, i / 15, None))
            continue
        world = rng.normal(size=(33, 3)).astype(np.float32) if i % 4 else None
        out.append(PoseFrame(i, i / 15, Pose(image=rng.random((33, 3)).astype(np.float32),
                                             visibility=rng.random(33).astype(np.float32), timestamp=i / 15,
                                             image_size=(480, 360), world=world)))
    return out


def same_pose(a, b):
    assert (a is None) == (b is None)
    if a is not None:
        assert np.array_equal(a.image, b.image) and np.array_equal(a.visibility, b.visibility)
        assert (a.world is None) == (b.world is None)
        assert a.image_size == b.image_size


def test_raw_log_gives_back_every_frame_and_saves_the_caches_layout(tmp_path):
    frames = noisy_frames()
    with RawPoseLog(buffer_frames=32) as log:
        for f in frames:
            log.append(f)
        assert len(log) == len(frames)
        for f, g in zip(frames, log.frames()):
            assert (f.index, f.timestamp) == (g.index, g.timestamp)
            same_pose(f.pose, g.pose)
        landmark_cache.save(tmp_path / "a.npz", log)
    landmark_cache.save(tmp_path / "b.npz", frames)  # the list path writes the same layout
    assert landmark_cache.check(tmp_path / "a.npz")
    for name in ("a.npz", "b.npz"):
        for f, g in zip(frames, landmark_cache.iter_raw(tmp_path / name, chunk=50)):
            same_pose(f.pose, g.pose)
        assert len(landmark_cache.read(tmp_path / name, "none")) == len(frames)


def test_a_damaged_cache_entry_is_a_miss_and_is_removed(tmp_path):
    p = tmp_path / "e.npz"
    landmark_cache.save(p, noisy_frames(50))
    p.write_bytes(p.read_bytes()[:300])
    assert not landmark_cache.check(p) and not p.exists()


def test_replay_gives_the_same_results_as_the_pass():
    frames, _ = generate("glute_bridge", reps=3, seed=2)
    make = lambda: FrameStep(make_checker("glute_bridge"), "one_euro")  # noqa: E731
    step = make()
    results = [step(f) for f in frames]
    got = replay(iter(frames), make, [5, 60, len(frames) - 1])
    for i in (5, 60, len(frames) - 1):
        assert got[i].feedback == results[i].feedback
        assert np.array_equal(got[i].pose.image, results[i].pose.image)
    assert step.finish().complete_reps == 3


def test_streamed_csv_equals_the_rows_of_the_whole_list(tmp_path):
    frames, _ = generate("glute_bridge", reps=2, seed=1)
    step = FrameStep(make_checker("glute_bridge"))
    results = [step(f) for f in frames]
    sink = AnglesCsv(tmp_path / "a.csv")
    for r in results:
        sink.add(r)
    sink.commit()
    header, rows = angle_rows([r.frame for r in results], [r.feedback for r in results])
    with open(tmp_path / "a.csv", newline="") as f:
        got = list(csv.reader(f))
    assert got[0] == header and got[1:] == rows


def test_frame_log_matches_the_kept_results():
    frames = noisy_frames(300)
    step = FrameStep(make_checker("plank"))
    results = [step(f) for f in frames]
    log = FrameLog.of(results)
    assert len(log) == 300 and log.found == sum(f.pose is not None for f in frames)
    kv = np.array([r.feedback.key_value if r.pose is not None else np.nan for r in results], dtype=np.float32)
    assert np.array_equal(np.isnan(log.key_values), np.isnan(kv))
    assert np.allclose(log.key_values[~np.isnan(kv)], kv[~np.isnan(kv)])


def test_analyze_without_kept_frames_reports_the_same(tmp_path):
    from posecoach.session import analyze

    clip = SAMPLES / "glute_bridge_side.mp4"
    kept = analyze(clip, "glute_bridge")  # fills the (per-test) cache
    lean = analyze(clip, "glute_bridge", keep_frames=False)
    assert lean.cached and kept.report()["reps"] == lean.report()["reps"] == 3
    a, b = kept.report(), lean.report()
    for k in ("frames", "frames_with_person", "reps", "holds", "faults", "warnings"):
        assert a.get(k) == b.get(k), k
    with pytest.raises(RuntimeError, match="keep_frames"):
        _ = lean.frames
    i = len(lean.log) // 2
    assert lean.replay([i])[i].feedback == kept.feedback[i]


def test_cli_csv_and_report_come_from_one_pass(tmp_path):
    clip = SAMPLES / "glute_bridge_side.mp4"
    r = subprocess.run([sys.executable, "-m", "posecoach.cli", "analyze", str(clip), "-e", "glute_bridge", "-q",
                        "--no-cache", "-r", str(tmp_path / "r.json"), "--csv", str(tmp_path / "a.csv")],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    rep = json.loads((tmp_path / "r.json").read_text())
    rows = list(csv.DictReader(open(tmp_path / "a.csv")))
    assert len(rows) == rep["frames"] and int(rows[-1]["reps"]) == rep["reps"] == 3
    assert "angles CSV" in r.stdout


def test_analyze_with_video_clip_and_csv_decodes_the_video_once(tmp_path, monkeypatch):
    from posecoach import sources
    from posecoach.outputs.report import write_analysis_outputs
    from posecoach.session import analyze

    decoded = []
    original = sources.VideoFile.frames

    def counting(self, keep=None):
        for f in original(self, keep):
            decoded.append(f.index)
            yield f

    monkeypatch.setattr(sources.VideoFile, "frames", counting)
    clip = SAMPLES / "glute_bridge_side.mp4"
    an = analyze(clip, "glute_bridge", out=tmp_path / "a.mp4", clip=tmp_path / "r.webm", csv=tmp_path / "a.csv",
                 keep_frames=False)
    write_analysis_outputs(an, clip, html=tmp_path / "r.html", clip=tmp_path / "r.webm", out=tmp_path / "a.mp4")
    assert decoded == list(range(len(an.log))), "every frame decoded exactly once, in order"
    assert {p.name for p in tmp_path.iterdir()} == {"a.mp4", "r.webm", "a.csv", "r.html"}
