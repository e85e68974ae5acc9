"""The pieces that keep `analyze -o` as fast as a bare decode+model loop: the estimator's direct C calls, the
model input made on the decoding thread, and the video writer on its own thread."""
from __future__ import annotations

import os
import threading
import time

import cv2
import numpy as np
import pytest

from conftest import SAMPLES
from posecoach.estimation import PoseEstimator, _DirectVideoDetect
from posecoach.outputs.video import VideoWriter
from posecoach.sources import Prefetch, VideoFile

DEMO = SAMPLES / "glute_bridge_side.mp4"


def test_direct_detect_gives_the_same_landmarks_as_mediapipes_public_call(monkeypatch):
    frames = list(VideoFile(DEMO))[:40]
    monkeypatch.setenv("POSECOACH_MP_DIRECT", "1")
    with PoseEstimator.create(smoothing="none") as est:
        assert isinstance(est._detect_for_video, _DirectVideoDetect)
        direct = [est.estimate(f) for f in frames]
    monkeypatch.delenv("POSECOACH_MP_DIRECT")
    with PoseEstimator.create(smoothing="none") as est:  # the default
        assert not isinstance(est._detect_for_video, _DirectVideoDetect)
        public = [est.estimate(f) for f in frames]
    assert sum(p is not None for p in direct) >= 35
    for a, b in zip(direct, public):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_array_equal(a.image, b.image)
            np.testing.assert_array_equal(a.visibility, b.visibility)
            np.testing.assert_array_equal(a.presence, b.presence)
            np.testing.assert_array_equal(a.world, b.world)


def test_direct_detect_falls_back_when_mediapipe_internals_differ():
    class Landmarker:  # what a future mediapipe without the private dispatcher might look like
        def detect_for_video(self, image, ts):
            return None

    assert _DirectVideoDetect.create(Landmarker()) is None


def test_model_input_made_on_the_decoding_thread_matches_the_inline_one():
    frames = list(VideoFile(DEMO))[:30]
    with PoseEstimator.create(smoothing="none") as est:
        inline = [est.estimate(f) for f in frames]
    with PoseEstimator.create(smoothing="none") as est:
        made_on = []

        def prepare(f):
            made_on.append(threading.current_thread().name)
            return f, est.model_input(f)

        pre = Prefetch(VideoFile(DEMO), prepare=prepare)
        ahead = []
        for frame, image in pre:
            ahead.append(est.estimate(frame, image))
            pre.dispose(image)
            if len(ahead) == len(frames):
                break
        pre.close()
    assert set(made_on) == {"posecoach-decode"}
    for a, b in zip(inline, ahead):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_array_equal(a.image, b.image)


def _frame(i: int, size=(96, 64)) -> np.ndarray:
    img = np.zeros((size[1], size[0], 3), np.uint8)
    img[:, :] = (i * 20 % 256, 128, 255 - i * 20 % 256)
    return img


def _read_all(path) -> list[np.ndarray]:
    cap = cv2.VideoCapture(str(path))
    out = []
    while True:
        ok, img = cap.read()
        if not ok:
            return out
        out.append(img)


def test_writer_keeps_every_frame_in_order(tmp_path):
    out = tmp_path / "a.avi"
    with VideoWriter(out, 10, (96, 64)) as w:
        for i in range(12):
            w.write(_frame(i))
    got = _read_all(out)
    assert len(got) == 12
    for i, img in enumerate(got):  # MJPG is lossy: compare the flat colour loosely
        assert np.abs(img.reshape(-1, 3).mean(0) - _frame(i)[0, 0]).max() < 6


def test_a_slow_writer_makes_the_caller_wait_and_loses_no_frame(tmp_path):
    """A writer that cannot keep up (here: slow drawing) blocks the caller on its bounded queue; every frame
    still arrives, in order."""
    def render(i):
        time.sleep(0.02)
        return _frame(i)

    out = tmp_path / "b.avi"
    w = VideoWriter(out, 10, (96, 64), depth=2, render=render)
    for i in range(12):
        w.write(i)
    assert w.waited > 0
    w.close()
    got = _read_all(out)
    assert len(got) == 12
    for i, img in enumerate(got):
        assert np.abs(img.reshape(-1, 3).mean(0) - _frame(i)[0, 0]).max() < 6


def test_a_drawing_error_on_the_writer_thread_reaches_the_caller(tmp_path):
    def render(i):
        if i == 3:
            raise ZeroDivisionError("bug in an annotator")
        return _frame(i)

    w = VideoWriter(tmp_path / "c.avi", 10, (96, 64), render=render)
    try:
        with pytest.raises(ZeroDivisionError):
            for i in range(40):
                w.write(i)
                time.sleep(0.01)
    finally:
        w.close(keep=False)
    assert not w._thread.is_alive()
    assert not (tmp_path / "c.avi").exists() and not list(tmp_path.glob("c.*.part.avi"))


def test_an_error_in_the_last_frames_leaves_no_video_under_the_real_name(tmp_path):
    def render(i):
        if i == 9:
            raise ValueError("bug in a checker")
        return _frame(i)

    out = tmp_path / "e.avi"
    w = VideoWriter(out, 10, (96, 64), render=render)
    for i in range(10):
        w.write(i)
    with pytest.raises(ValueError):
        w.close()
    assert not out.exists() and not list(tmp_path.glob("e.*.part.avi"))


def test_analyze_with_a_failing_annotator_raises_and_leaves_no_video(tmp_path):
    from posecoach.session import analyze

    n = len(list(VideoFile(DEMO)))

    seen = [0]

    def boom(img, pose, fb):
        seen[0] += 1
        if seen[0] == n:  # the very last frame: drawn after the model loop has ended
            raise RuntimeError("annotator bug")
        return img

    out = tmp_path / "a.mp4"
    with pytest.raises(RuntimeError, match="annotator bug"):
        analyze(DEMO, "glute_bridge", out=out, annotate=boom)
    assert not out.exists() and not list(tmp_path.glob("*.part*"))


@pytest.mark.parametrize("keep_partial", [True, False])
def test_ctrl_c_while_closing_keeps_a_recording_but_not_an_analysis(tmp_path, keep_partial):
    import signal

    def render(i):
        time.sleep(0.25)  # 3 s of rendering left when close() starts: the Ctrl+C lands inside it even under load
        return _frame(i)

    out = tmp_path / "r.avi"
    w = VideoWriter(out, 10, (96, 64), depth=16, render=render, keep_partial=keep_partial)
    for i in range(12):
        w.write(i)
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))  # Ctrl+C while close() waits
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            w.close()
    finally:
        timer.cancel()
    assert not w._thread.is_alive()
    assert not list(tmp_path.glob("r.*.part.avi"))
    if keep_partial:
        assert 1 <= len(_read_all(out)) < 12  # what was written before the interrupt
    else:
        assert not out.exists()
