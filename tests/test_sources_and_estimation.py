"""Frame sources, timestamps, mirroring and the estimator (the real-clip part skips when clips are absent)."""
import numpy as np
import pytest

from posecoach.frame_step import FrameStep

cv2 = pytest.importorskip("cv2")

from conftest import shared_clip  # noqa: E402
from posecoach.estimation import EstimatorOptions, PoseEstimator  # noqa: E402
from posecoach.pose import Landmark, Pose, PoseFrame  # noqa: E402
from posecoach.sources import (Frame, GeneratedStream, ImageFolder, Prefetch, SourceError, VideoFile,  # noqa: E402
                               open_source)


def _write_video(path, n=20, fps=10.0, size=(160, 120)):
    w = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, size)
    for i in range(n):
        img = np.full((size[1], size[0], 3), (i * 12) % 255, np.uint8)
        w.write(img)
    w.release()
    return path


def test_video_file_timestamps_rise_and_match_fps(tmp_path):
    src = VideoFile(_write_video(tmp_path / "a.avi", n=20, fps=10.0))
    frames = list(src)
    assert len(frames) == 20 and src.fps == pytest.approx(10.0)
    ts = np.array([f.timestamp for f in frames])
    assert np.all(np.diff(ts) > 0)
    assert ts[-1] == pytest.approx(1.9, abs=0.05)


def test_prefetch_keeps_every_frame_in_order_and_reraises(tmp_path):
    frames = list(Prefetch(VideoFile(_write_video(tmp_path / "b.avi", n=50)), depth=3))
    assert [f.index for f in frames] == list(range(50))

    def broken():
        yield Frame(np.zeros((4, 4, 3), np.uint8), 0, 0.0)
        raise OSError("camera unplugged")

    with pytest.raises(OSError, match="unplugged"):
        list(Prefetch(broken()))


def test_bad_sources_are_one_line_errors(tmp_path):
    with pytest.raises(SourceError, match="no such file"):
        VideoFile(tmp_path / "missing.mp4")
    (tmp_path / "notes.mp4").write_text("not a video")
    with pytest.raises(SourceError, match="not a video"):
        VideoFile(tmp_path / "notes.mp4")
    with pytest.raises(SourceError, match="no images"):
        ImageFolder(tmp_path)


def test_image_folder(tmp_path):
    for i in range(3):
        cv2.imwrite(str(tmp_path / f"{i:03d}.png"), np.zeros((20, 30, 3), np.uint8))
    frames = list(open_source(tmp_path))
    assert [f.index for f in frames] == [0, 1, 2] and frames[0].image.shape == (20, 30, 3)


def test_mirrored_pose_swaps_sides_and_flips_x():
    img = np.zeros((33, 3))
    img[Landmark.LEFT_WRIST] = [0.2, 0.5, 0]
    img[Landmark.RIGHT_WRIST] = [0.7, 0.5, 0]
    p = Pose(image=img, visibility=np.linspace(0, 1, 33), timestamp=0.0).mirrored()
    assert p.image[Landmark.LEFT_WRIST, 0] == pytest.approx(0.3)  # old right wrist, flipped
    assert p.image[Landmark.RIGHT_WRIST, 0] == pytest.approx(0.8)
    assert p.visibility[Landmark.LEFT_WRIST] == pytest.approx(np.linspace(0, 1, 33)[Landmark.RIGHT_WRIST])
    assert np.allclose(p.mirrored().image, img)


def test_timestamps_given_to_mediapipe_strictly_increase():
    est = PoseEstimator(EstimatorOptions())
    got = [est._timestamp_ms(t) for t in [0.0, 0.0, 0.033, 0.020, 0.021, 5.0]]
    assert all(b > a for a, b in zip(got, got[1:]))
    assert got[-1] == 5000


def test_estimator_refuses_use_after_close():
    with PoseEstimator.create() as est:
        pass
    est.close()  # idempotent
    with pytest.raises(RuntimeError, match="closed"):
        est.estimate(Frame(np.zeros((64, 64, 3), np.uint8), 0, 0.0))


def test_estimator_finds_nobody_in_an_empty_room():
    with PoseEstimator.create() as est:
        frames = GeneratedStream([np.full((240, 320, 3), 90, np.uint8)] * 5, fps=10)
        assert all(est.estimate(f) is None for f in frames)


@pytest.mark.realvideo
def test_estimator_on_a_real_clip_tracks_the_person_and_mirrors_correctly():
    clip = shared_clip("glute_bridge/my-guides__glute-bridge.mp4")
    src = VideoFile(clip)
    frames = [f for f in src][:90]  # 3 s
    with PoseEstimator.create(smoothing="none") as est:
        poses = [est.estimate(f) for f in frames]
    assert sum(p is not None for p in poses) >= 85
    p = poses[60]
    w, h = src.size
    # A lying person in a side view: hips and shoulders at about the same height, hip-to-shoulder length sane.
    hip, sh = p.pixels()[Landmark.LEFT_HIP], p.pixels()[Landmark.LEFT_SHOULDER]
    assert 0.1 * w < np.linalg.norm(hip - sh) < 0.6 * w

    # The same frames seen in a selfie mirror: after un-mirroring, the body's sides agree with the plain view.
    with PoseEstimator.create(smoothing="none") as est:
        mirrored = [est.estimate(Frame(cv2.flip(f.image, 1), f.index, f.timestamp, mirrored=True)) for f in frames]
    q = mirrored[60]
    assert q is not None
    near = [Landmark.LEFT_HIP, Landmark.LEFT_KNEE, Landmark.LEFT_SHOULDER, Landmark.RIGHT_HIP]
    err = np.linalg.norm(q.pixels()[near] - p.pixels()[near], axis=1)
    assert np.median(err) < 0.03 * w


@pytest.mark.realvideo
def test_smoothing_reduces_frame_to_frame_jitter_on_a_real_clip():
    clip = shared_clip("plank/kaiakol-computervision__plank_correct_007.mp4")
    frames = list(VideoFile(clip))
    with PoseEstimator.create() as est:  # raw poses: smoothing is the per-frame step's job
        raw = [PoseFrame(f.index, f.timestamp, est.estimate(f)) for f in frames]
    out = {}
    for name in ("none", "one_euro"):
        step = FrameStep(None, name)
        poses = [step(f).pose for f in raw]
        xy = np.array([p.pixels()[[11, 12, 23, 24]] for p in poses if p is not None])
        out[name] = np.abs(np.diff(np.diff(xy, axis=0), axis=0)).mean()  # acceleration = jitter
    assert out["one_euro"] < 0.6 * out["none"]


def _rotate_mp4_90(path):
    """Set an mp4's track matrix to 'rotate 90 degrees', as phones do, by patching the tkhd box in place."""
    import struct

    b = bytearray(path.read_bytes())
    i = b.find(b"tkhd")
    assert i > 0 and b[i + 4] == 0  # version 0 box, as OpenCV writes
    off = i + 4 + 4 + 20 + 8 + 8  # version/flags, times/track/reserved/duration, reserved, layer..volume
    b[off:off + 36] = struct.pack(">9i", 0, 0x10000, 0, -0x10000, 0, 0, 0, 0, 0x40000000)
    path.write_bytes(bytes(b))


def test_rotation_metadata_is_honoured(tmp_path):
    path = tmp_path / "phone.mp4"
    w = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 10.0, (160, 120))
    for _ in range(5):
        img = np.zeros((120, 160, 3), np.uint8)
        img[:, :40] = 255  # a white band on the left of the stored (landscape) picture
        w.write(img)
    w.release()
    _rotate_mp4_90(path)
    src = VideoFile(path)
    frames = list(src)
    assert src.size == (120, 160)
    assert frames[0].image.shape == (160, 120, 3)  # upright portrait
    # Rotated 90 degrees clockwise, the stored left band becomes the top band.
    assert frames[0].image[:20].mean() > 200 and frames[0].image[-20:].mean() < 30


def _person(cx, scale, t=0.0):
    img = np.zeros((33, 3))
    img[:, 0], img[:, 1] = cx, 0.5
    img[[Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER], 1] = 0.5 - scale / 2
    img[[Landmark.LEFT_HIP, Landmark.RIGHT_HIP], 1] = 0.5 + scale / 2
    return Pose(image=img, visibility=np.ones(33), timestamp=t)


def test_the_same_person_is_followed_when_several_are_in_view():
    est = PoseEstimator(EstimatorOptions(num_poses=2))
    near, far = _person(0.3, 0.3, 0.0), _person(0.7, 0.1, 0.0)
    assert est._choose([far, near]) is near  # first frame: the largest person
    # The tracked person moves a little; a larger stranger appears: stay with the tracked one.
    moved, stranger = _person(0.33, 0.3, 0.1), _person(0.8, 0.45, 0.1)
    assert est._choose([stranger, moved]) is moved
    # The model drops our person for a frame while the stranger stays: report nobody, do not switch...
    assert est._choose([_person(0.8, 0.45, 0.2)]) is None
    # ...so when our person is found again, we are still following them.
    back = _person(0.34, 0.3, 0.25)
    assert est._choose([_person(0.8, 0.45, 0.25), back]) is back
    # Gone for longer than lost_after: take the largest person.
    late = _person(0.8, 0.45, 1.0)
    assert est._choose([late]) is late
    est.reset()
    assert est._choose([moved, stranger]) is stranger  # after a reset, the largest again


class _FlakyCapture:
    """A webcam that delivers a few frames and then nothing (unplugged)."""

    def __init__(self, good):
        self.good, self.released = good, False

    def read(self):
        if self.good > 0:
            self.good -= 1
            img = np.zeros((48, 64, 3), np.uint8)
            img[:, :8] = 255  # a mark on the left of the raw camera picture
            return True, img
        return False, None

    def release(self):
        self.released = True


def test_camera_that_drops_out_ends_the_stream_and_is_mirrored():
    from posecoach.sources import Camera

    cam = Camera.__new__(Camera)
    cam.index, cam.mirror, cam.drop_timeout, cam.dropped = 0, True, 0.2, False
    cam.cap, cam.fps, cam.frame_count = _FlakyCapture(3), 30.0, 0
    frames = list(cam)
    assert len(frames) == 3 and cam.dropped and cam.cap.released
    assert all(f.mirrored for f in frames)
    assert frames[0].image[:, -8:].mean() == 255  # selfie view: the mark is now on the right
