"""The analysis frame rate: which frames the model sees, true timestamps, and the same counts at a lower rate."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from posecoach.sources import AnalysisRate, VideoFile

SAMPLES = Path(__file__).resolve().parents[1] / "sample_videos"


def kept(fps: float, rate: float, seconds: float = 2.0) -> list[float]:
    keep = AnalysisRate(rate)
    ts = [i / fps for i in range(int(fps * seconds))]
    return [t for t in ts if keep(t)]


def test_rate_keeps_every_other_frame_of_30_fps_at_15():
    k = kept(30, 15)
    assert len(k) == 30
    assert np.allclose(np.diff(k), 1 / 15)


def test_rate_spaces_25_fps_at_15_evenly_and_keeps_all_of_a_slower_video():
    k = kept(25, 15)
    assert len(k) == 30
    assert max(np.diff(k)) <= 2 / 25 + 1e-9  # never two skipped frames in a row
    assert len(kept(10, 15)) == 20


def test_rate_must_be_positive():
    with pytest.raises(ValueError):
        AnalysisRate(0)


def double_rate_copy(src: Path, dst: Path) -> int:
    """The clip at twice its frame rate (each frame twice): same motion, same duration."""
    cap = cv2.VideoCapture(str(src))
    fps = cap.get(cv2.CAP_PROP_FPS)
    w, h = int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))
    out = cv2.VideoWriter(str(dst), cv2.VideoWriter_fourcc(*"mp4v"), 2 * fps, (w, h))
    n = 0
    while True:
        ok, img = cap.read()
        if not ok:
            break
        out.write(img)
        out.write(img)
        n += 2
    out.release()
    cap.release()
    return n


def test_video_file_converts_only_the_kept_frames_and_keeps_their_own_index_and_time(tmp_path):
    clip = tmp_path / "double.mp4"
    n = double_rate_copy(SAMPLES / "plank_side.mp4", clip)
    src = VideoFile(clip)
    frames = list(src.frames(AnalysisRate(src.fps / 2)))
    assert src.decoded == n
    assert len(frames) == n // 2
    assert [f.index for f in frames] == list(range(0, n, 2))
    assert np.allclose([f.timestamp for f in frames], [i / src.fps for i in range(0, n, 2)], atol=1e-3)


@pytest.mark.model
def test_analyze_at_half_rate_counts_the_same_and_draws_every_frame(tmp_path):
    from posecoach.session import analyze

    clip = tmp_path / "double.mp4"
    n = double_rate_copy(SAMPLES / "glute_bridge_side.mp4", clip)
    truth = json.loads((SAMPLES / "glute_bridge_side.truth.json").read_text())
    true_reps = len(truth["reps"]) if isinstance(truth["reps"], list) else truth["reps"]
    an = analyze(clip, "glute_bridge", out=tmp_path / "a.mp4", keep_frames=False, analysis_fps=15)
    assert not an.cached
    rep = an.report()
    assert rep["frames"] == n and rep["frames_analysed"] == n // 2 and rep["analysis_fps"] == 15
    assert rep["reps"] == true_reps
    cap = cv2.VideoCapture(str(tmp_path / "a.mp4"))
    assert int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) == n, "the annotated video keeps every frame"
    cap.release()
    # The same rate again: from the cache (no video to draw, so no decoding), same result.
    again = analyze(clip, "glute_bridge", keep_frames=False, analysis_fps=15)
    assert again.cached and again.report()["reps"] == true_reps and again.report()["frames"] == n


@pytest.mark.model
def test_cli_analysis_fps_option(tmp_path):
    clip = tmp_path / "double.mp4"
    n = double_rate_copy(SAMPLES / "plank_side.mp4", clip)
    run = [sys.executable, "-m", "posecoach.cli", "analyze", str(clip), "-e", "plank", "-q", "--no-cache"]
    r = subprocess.run(run + ["-r", str(tmp_path / "all.json"), "--analysis-fps", "all"],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    assert json.loads((tmp_path / "all.json").read_text())["frames_analysed"] == n
    r = subprocess.run(run + ["--analysis-fps", "-3"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "must be a positive number" in r.stderr and "Traceback" not in r.stderr
