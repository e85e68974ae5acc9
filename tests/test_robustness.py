"""What happens when things go wrong: interrupts, damaged caches, signals, stale displays, mirrored views.

Runs on the bundled synthetic clips, so it needs nothing outside the repository.
"""
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

cv2 = pytest.importorskip("cv2")

from posecoach import landmark_cache  # noqa: E402
from posecoach.estimation import EstimatorOptions, PoseEstimator  # noqa: E402
from posecoach.models import resolve_model  # noqa: E402
from posecoach.pose import Landmark  # noqa: E402
from posecoach.session import analyze  # noqa: E402
from posecoach.sources import Frame, VideoFile  # noqa: E402

SAMPLES = Path(__file__).resolve().parents[1] / "sample_videos"
BRIDGE = SAMPLES / "glute_bridge_side.mp4"
BIRD_DOG = SAMPLES / "bird_dog_side.mp4"


class _StopAt:
    """A progress object that presses Ctrl+C at a given frame."""

    def __init__(self, n):
        self.n, self.seen = n, 0

    def update(self, k=1):
        self.seen += k
        if self.seen >= self.n:
            raise KeyboardInterrupt


def test_interrupted_analysis_leaves_no_half_video_and_no_thread(tmp_path):
    out = tmp_path / "annotated.mp4"
    out.write_bytes(b"an older result the user still has")
    with pytest.raises(KeyboardInterrupt):
        analyze(BRIDGE, "glute_bridge", out=out, progress=_StopAt(20), use_cache=False)
    assert out.read_bytes() == b"an older result the user still has"  # not overwritten by a truncated file
    assert not list(tmp_path.glob("*.part*"))
    time.sleep(0.3)
    assert not [t for t in threading.enumerate() if t.name in ("posecoach-decode", "posecoach-encode")]


def test_damaged_cache_entry_is_re_extracted(tmp_path, monkeypatch):
    monkeypatch.setenv("POSECOACH_CACHE", str(tmp_path / "cache"))  # an empty cache of its own
    first = analyze(BRIDGE, None, use_cache=True)
    assert not first.cached
    path = landmark_cache.cache_path(BRIDGE, resolve_model(), EstimatorOptions())
    assert path.exists()
    path.write_bytes(path.read_bytes()[:100])  # truncated by a crash or a full disk
    again = analyze(BRIDGE, None, use_cache=True)
    assert not again.cached and len(again.frames) == len(first.frames)
    assert analyze(BRIDGE, None, use_cache=True).cached  # and the entry is good again


def test_cache_key_follows_the_settings_that_change_landmarks():
    model = resolve_model()
    base = landmark_cache.cache_key(BRIDGE, model, EstimatorOptions())
    assert landmark_cache.cache_key(BRIDGE, model, EstimatorOptions(smoothing="none")) == base  # applied later
    assert landmark_cache.cache_key(BRIDGE, model, EstimatorOptions(num_poses=2)) != base
    assert landmark_cache.cache_key(BRIDGE, model, EstimatorOptions(min_detection_confidence=0.7)) != base


def test_mirrored_camera_view_keeps_the_bodys_left_and_right():
    # Bird dog: one arm and the opposite leg are extended, so left and right limbs are far apart in the picture.
    frames = [f for f in VideoFile(BIRD_DOG) if f.index in (130, 140, 150, 160)]
    with PoseEstimator.create(smoothing="none", mode="image") as est:
        plain = [est.estimate(f) for f in frames]
        seen = [est.estimate(Frame(cv2.flip(f.image, 1), f.index, f.timestamp, mirrored=True)) for f in frames]
    limbs = [Landmark.LEFT_WRIST, Landmark.RIGHT_WRIST, Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE,
             Landmark.LEFT_KNEE, Landmark.RIGHT_KNEE]
    errs, swapped = [], []
    for p, q in zip(plain, seen):
        assert p is not None and q is not None
        errs.append(np.linalg.norm(q.pixels()[limbs] - p.pixels()[limbs], axis=1).mean())
        # What a left/right mix-up would give: the same picture with the labels of each pair exchanged.
        swap = q.pixels()[[Landmark.RIGHT_WRIST, Landmark.LEFT_WRIST, Landmark.RIGHT_ANKLE, Landmark.LEFT_ANKLE,
                           Landmark.RIGHT_KNEE, Landmark.LEFT_KNEE]]
        swapped.append(np.linalg.norm(swap - p.pixels()[limbs], axis=1).mean())
    assert np.median(errs) < 15  # px at 480x360
    assert np.median(swapped) > 2 * np.median(errs)  # so the check above can tell a mix-up apart


def _run(*args, env=None, **kw):
    e = {**os.environ, **(env or {})}
    return subprocess.Popen([sys.executable, "-m", "posecoach", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=e, stdin=subprocess.DEVNULL, **kw)


def test_sigterm_ends_a_live_session_cleanly(tmp_path):
    sess, rec = tmp_path / "sess", tmp_path / "rec.mp4"
    p = _run("live", "--camera", str(BRIDGE), "-e", "glute_bridge", "--no-display", "--mute", "--loop",
             "--record", str(rec), "--session-dir", str(sess))
    deadline = time.time() + 60
    while time.time() < deadline and not (list(tmp_path.glob("rec.*.part.mp4")) or rec.exists()):
        time.sleep(0.2)
    time.sleep(1.0)
    p.send_signal(signal.SIGTERM)
    out, err = p.communicate(timeout=60)
    assert p.returncode == 130, (out, err)
    summary = json.loads((sess / "summary.json").read_text())
    assert summary["ended_by"] == "interrupted" and summary["frames"] > 0
    cap = cv2.VideoCapture(str(rec))
    ok, _ = cap.read()
    assert ok and cap.get(cv2.CAP_PROP_FRAME_COUNT) > 0  # finalised: playable
    cap.release()


def test_stale_display_is_one_line_not_a_qt_abort(tmp_path):
    p = _run("live", "--camera", str(BRIDGE), "-e", "glute_bridge", "--mute", "--session-dir", str(tmp_path),
             env={"DISPLAY": ":4242", "WAYLAND_DISPLAY": ""})
    out, err = p.communicate(timeout=60)
    assert p.returncode == 4
    assert err.strip().count("\n") == 0 and "display" in err
