"""Pose estimation: the only module that imports mediapipe.

``PoseEstimator`` follows the Tasks API's own shape: an options dataclass, construction from options, a context
manager whose ``close()`` is idempotent. It turns frames into ``Pose`` objects (or None when nobody is there),
keeping timestamps strictly increasing whatever the source reports, following one person when several are
visible and un-mirroring selfie views. Poses come out raw: smoothing is the per-frame step's job (frame_step.py).
"""
from __future__ import annotations

import contextlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from posecoach.interrupts import DeferredSignals
from posecoach.models import ModelError, resolve_model
from posecoach.pose import NUM_LANDMARKS, Landmark, Pose
from posecoach.sources import Frame

# MediaPipe's C++ side logs a few harmless warnings to fd 2 when a graph starts and on its first frame (XNNPACK
# delegate, feedback tensors, NORM_RECT) and, from 1.2.3, when it closes (LiteRT's DestroyAccelerator). They look
# like errors to a user; absl ignores GLOG_minloglevel before InitGoogle and LiteRT's logger has no setting that
# the Python API reaches, so we silence fd 2 around those three calls only. POSECOACH_DEBUG=1 keeps them.
_QUIET = not os.environ.get("POSECOACH_DEBUG")


@contextlib.contextmanager
def _quiet_native_stderr():
    if not _QUIET:
        yield
        return
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


@dataclass(frozen=True)
class EstimatorOptions:
    model: str | os.PathLike | None = None  # None = bundled full model; or lite/full/heavy; or a .task path
    mode: str = "video"  # "video" (tracking between frames) or "image" (every frame on its own)
    num_poses: int = 1  # >1 lets us pick the same person when several are visible (costs time per person)
    min_detection_confidence: float = 0.5
    min_presence_confidence: float = 0.5
    min_tracking_confidence: float = 0.5
    smoothing: str = "one_euro"  # none | ema | one_euro: read by frame_step.FrameStep; the estimator returns raw poses
    # With several people in view: how far (in torso lengths) the tracked person may move between frames, and how
    # long they may be missing before the largest person is taken instead.
    max_jump: float = 1.5
    lost_after: float = 0.5

    def __post_init__(self) -> None:
        if self.mode not in ("video", "image"):
            raise ValueError(f"mode must be 'video' or 'image', got '{self.mode}'")
        if self.num_poses < 1:
            raise ValueError("num_poses must be at least 1")


class _DirectVideoDetect:
    """``detect_for_video`` with the C calls made on the calling thread, returning numpy arrays.

    MediaPipe 1.x's Python API sends every call into its C library through a one-thread executor (its
    ``SerialDispatcher``) so that calls from several Python threads never overlap. That costs two thread hand-offs
    per frame (detect, then free the result), and each needs the GIL: with the decoder thread also running,
    analysing a 720p clip spent ~0.25 s of 4.5 s in them. A ``PoseEstimator`` is only ever driven from one
    thread at a time, so calling the same two C functions directly keeps MediaPipe's guarantee without the hops.
    The landmarks are read from the C result into arrays directly (see ``_arrays_from_c``).
    It leans on private names of mediapipe 1.x; ``create`` returns None when they are not there, and the public
    ``detect_for_video`` is used instead (tests check that both give the same landmarks).
    """

    def __init__(self, landmarker, raw, result_c, handle_status, image_dtype, world_dtype):
        self._landmarker, self._raw = landmarker, raw
        self._result_c, self._handle_status = result_c, handle_status
        self._image_dtype, self._world_dtype = image_dtype, world_dtype

    @classmethod
    def create(cls, landmarker) -> "_DirectVideoDetect | None":
        try:
            from mediapipe.tasks.python.core import mediapipe_c_utils
            from mediapipe.tasks.python.vision import pose_landmarker as pl

            raw = landmarker._lib._lib  # noqa: SLF001 - the SerialDispatcher's CDLL
            ready = all(getattr(raw, name).argtypes for name in
                        ("MpPoseLandmarkerDetectForVideo", "MpPoseLandmarkerCloseResult"))
            landmarker._handle  # noqa: B018, SLF001
            if not ready or not hasattr(raw, "MpErrorFree"):
                return None
            dtypes = (_landmark_dtype(pl.landmark_c_lib.MpNormalizedLandmarkC),
                      _landmark_dtype(pl.landmark_c_lib.MpLandmarkC))
            return cls(landmarker, raw, pl.MpPoseLandmarkerResultC, mediapipe_c_utils.handle_status, *dtypes)
        except (AttributeError, ImportError, KeyError, TypeError):  # not the mediapipe 1.x we know
            return None

    def __call__(self, image, timestamp_ms: int):
        import ctypes

        result_c = self._result_c()
        error = ctypes.c_char_p()
        status = self._raw.MpPoseLandmarkerDetectForVideo(
            self._landmarker._handle, image._image_ptr, None, timestamp_ms,  # noqa: SLF001
            ctypes.byref(result_c), ctypes.byref(error))
        try:
            self._handle_status(status, error)
        finally:
            if error.value is not None:
                self._raw.MpErrorFree(error)
        try:
            return _arrays_from_c(result_c, self._image_dtype, self._world_dtype)
        finally:
            self._raw.MpPoseLandmarkerCloseResult(ctypes.byref(result_c))


_LANDMARK_FIELDS = ("x", "y", "z", "has_visibility", "visibility", "has_presence", "presence")


def _landmark_dtype(struct) -> np.dtype:
    """A numpy view of MediaPipe's landmark struct (its ``name`` pointer left out: numpy cannot map it)."""
    import ctypes

    kinds = {ctypes.c_float: "<f4", ctypes.c_bool: "?"}
    types = dict(struct._fields_)  # noqa: SLF001
    return np.dtype({"names": list(_LANDMARK_FIELDS),
                     "formats": [kinds[types[n]] for n in _LANDMARK_FIELDS],
                     "offsets": [getattr(struct, n).offset for n in _LANDMARK_FIELDS],
                     "itemsize": ctypes.sizeof(struct)})


def _read_landmarks(lms, dtype: np.dtype) -> np.ndarray:
    import ctypes

    return np.frombuffer(ctypes.string_at(lms.landmarks, lms.landmarks_count * dtype.itemsize), dtype)


def _arrays_from_c(result_c, image_dtype: np.dtype, world_dtype: np.dtype) -> list[tuple]:
    """Per person (image xyz, visibility, presence, world xyz or None) as numpy arrays, read straight from the C
    result: the public API first builds 66 Python objects per person per frame."""
    people = []
    for i in range(result_c.pose_landmarks_count):
        a = _read_landmarks(result_c.pose_landmarks[i], image_dtype)
        img = np.stack([a["x"], a["y"], a["z"]], axis=1).astype(np.float64)
        vis = np.where(a["has_visibility"], a["visibility"], 0.0).astype(np.float64)
        pres = np.where(a["has_presence"], a["presence"], 0.0).astype(np.float64)
        world = None
        if i < result_c.pose_world_landmarks_count:
            b = _read_landmarks(result_c.pose_world_landmarks[i], world_dtype)
            world = np.stack([b["x"], b["y"], b["z"]], axis=1).astype(np.float64)
        people.append((img, vis, pres, world))
    return people


def _arrays_from_result(result) -> list[tuple]:
    """The same as ``_arrays_from_c`` from the public API's ``PoseLandmarkerResult``."""
    people = []
    for i, lms in enumerate(result.pose_landmarks):
        img = np.array([[p.x, p.y, p.z] for p in lms], dtype=np.float64)
        vis = np.array([p.visibility if p.visibility is not None else 0.0 for p in lms], dtype=np.float64)
        pres = np.array([p.presence if p.presence is not None else 0.0 for p in lms], dtype=np.float64)
        world = None
        if result.pose_world_landmarks and len(result.pose_world_landmarks) > i:
            world = np.array([[p.x, p.y, p.z] for p in result.pose_world_landmarks[i]], dtype=np.float64)
        people.append((img, vis, pres, world))
    return people


class PoseEstimator:
    """Frames in, ``Pose`` out. Use as a context manager (mediapipe 1.2 raises at exit if a task is left open)."""

    def __init__(self, options: EstimatorOptions | None = None, *, _landmarker=None, _model_path=None):
        # Construct through create() / create_from_options(); __init__ only stores what they made.
        self.options = options or EstimatorOptions()
        self._landmarker = _landmarker
        self.model_path: Path = _model_path
        self._last_ms = -1
        self._calls = 0
        self._person_seen = False
        self._last_center: np.ndarray | None = None
        self._last_scale: float | None = None
        self._last_seen: float | None = None
        self._detect_for_video = None
        # MediaPipe's public call by default; the direct C calls (private names, ~5 % of a 720p analysis) only when
        # asked for with POSECOACH_MP_DIRECT=1 (tests check both give identical landmarks).
        if _landmarker is not None and self.options.mode == "video" and os.environ.get("POSECOACH_MP_DIRECT") == "1":
            self._detect_for_video = _DirectVideoDetect.create(_landmarker)
        if self._detect_for_video is None and _landmarker is not None:
            self._detect_for_video = lambda image, ms: _arrays_from_result(_landmarker.detect_for_video(image, ms))

    @classmethod
    def create_from_options(cls, options: EstimatorOptions) -> "PoseEstimator":
        import mediapipe as mp  # noqa: F401  (imported here so `posecoach --help` stays fast)
        from mediapipe.tasks.python import BaseOptions, vision

        path = resolve_model(options.model)
        mode = vision.RunningMode.VIDEO if options.mode == "video" else vision.RunningMode.IMAGE
        mp_opts = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(path)),
            running_mode=mode,
            num_poses=options.num_poses,
            min_pose_detection_confidence=options.min_detection_confidence,
            min_pose_presence_confidence=options.min_presence_confidence,
            min_tracking_confidence=options.min_tracking_confidence,
            output_segmentation_masks=False,
        )
        made = []
        try:
            # a signal meanwhile waits until the model is made, with stderr quiet (see DeferredSignals), and acts
            # when the block ends; the model made is then closed again, quietly, before the interrupt goes on
            with DeferredSignals(), _quiet_native_stderr():
                made.append(vision.PoseLandmarker.create_from_options(mp_opts))
        except RuntimeError as e:  # not a .task bundle, or one MediaPipe cannot use
            raise ModelError(f"could not load the pose model {path}: {str(e).splitlines()[0]}") from None
        except BaseException:
            for landmarker in made:
                with DeferredSignals(), _quiet_native_stderr():
                    landmarker.close()
            raise
        return cls(options, _landmarker=made[0], _model_path=path)

    @classmethod
    def create(cls, **kwargs) -> "PoseEstimator":
        return cls.create_from_options(EstimatorOptions(**kwargs))

    # -- lifecycle -------------------------------------------------------------------------------------------
    def close(self) -> None:
        if self._landmarker is not None:
            self._detect_for_video = None
            landmarker, self._landmarker = self._landmarker, None  # closed once, even if a signal then acts
            # mediapipe >= 1.2.3 logs "INFO: ... DestroyAccelerator" twice when a landmarker closes.
            with DeferredSignals(), _quiet_native_stderr():
                landmarker.close()

    def __enter__(self) -> "PoseEstimator":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def reset(self) -> None:
        """Forget the tracked person (e.g. on a new exercise). Timestamps keep rising."""
        self._last_center = None
        self._last_scale = None
        self._last_seen = None

    # -- estimation ------------------------------------------------------------------------------------------
    def _timestamp_ms(self, t: float) -> int:
        # VIDEO mode demands strictly increasing integer milliseconds; sources may repeat or jump back
        # (variable frame rate files, camera clocks), so never hand MediaPipe anything but last + >= 1.
        ms = int(round(t * 1000.0))
        if ms <= self._last_ms:
            ms = self._last_ms + 1
        self._last_ms = ms
        return ms

    @staticmethod
    def model_input(frame: Frame):
        """The frame as the model takes it (an RGB ``mp.Image``). Stateless and thread-safe, so a decoding thread
        can make it ahead of time: the colour conversion and the copy into MediaPipe's buffer then stay off the
        thread that waits for the model (about 1 ms per 720p frame)."""
        import mediapipe as mp

        import cv2

        rgb = cv2.cvtColor(frame.image, cv2.COLOR_BGR2RGB)  # ~25x faster than a numpy channel flip at 1080p
        return mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb)

    def estimate(self, frame: Frame, model_input=None) -> Pose | None:
        """The pose of the tracked person in ``frame`` (BGR), or None when nobody is found. ``model_input``, when
        given, is ``model_input(frame)`` made earlier (e.g. on the decoding thread)."""
        if self._landmarker is None:
            raise RuntimeError("PoseEstimator is closed")
        image = model_input if model_input is not None else self.model_input(frame)
        # The first call starts the graph (and logs); so does the landmark model's first run, which only happens
        # once a person is first detected (the runner then logs a warning). Later calls are silent, so don't pay
        # for the fd swap after that.
        # (a signal during those calls waits for the call to end, as in ``create_from_options``: MediaPipe's graph
        # threads log the landmark model's first run while the call is under way)
        first = self._calls == 0 or not self._person_seen
        self._calls += 1
        with DeferredSignals() if first else contextlib.nullcontext(), \
                _quiet_native_stderr() if first else contextlib.nullcontext():
            if self.options.mode == "video":
                people = self._detect_for_video(image, self._timestamp_ms(frame.timestamp))
            else:
                people = _arrays_from_result(self._landmarker.detect(image))
        h, w = frame.image.shape[:2]
        poses = [self._to_pose(person, frame.timestamp, (w, h)) for person in people]
        if not poses:
            return None
        self._person_seen = True
        pose = self._choose(poses)
        if pose is None:
            return None
        if frame.mirrored:
            pose = pose.mirrored()
        return pose  # raw: smoothing (and cut detection) happen in the one per-frame step, frame_step.FrameStep

    @staticmethod
    def _to_pose(person: tuple, t: float, size: tuple[int, int]) -> Pose:
        img, vis, pres, world = person
        if img.shape[0] != NUM_LANDMARKS:
            raise RuntimeError(f"model returned {img.shape[0]} landmarks, expected {NUM_LANDMARKS}")
        return Pose(image=img, visibility=vis, timestamp=t, image_size=size, world=world, presence=pres)

    def _choose(self, poses: list[Pose]) -> Pose | None:
        """The person we follow: the one nearest last frame's torso centre (in torso lengths).

        With several people possible (num_poses > 1), a candidate further than ``max_jump`` torso lengths from the
        tracked person is someone else: for up to ``lost_after`` seconds we report nobody rather than switch, because
        the model often drops a person lying on the floor for a frame while a bystander stays detected. After that,
        or at the start, the largest person is taken. With num_poses = 1 MediaPipe tracks one person itself.
        """
        t = poses[0].timestamp
        centers, scales = [], []
        for p in poses:
            xy = p.xy()
            sh = (xy[Landmark.LEFT_SHOULDER] + xy[Landmark.RIGHT_SHOULDER]) / 2
            hp = (xy[Landmark.LEFT_HIP] + xy[Landmark.RIGHT_HIP]) / 2
            centers.append((sh + hp) / 2)
            scales.append(max(float(np.linalg.norm(sh - hp)), 1e-3))
        k = None
        tracking = self._last_center is not None and self._last_seen is not None
        if tracking and self.options.num_poses > 1:
            d = [float(np.linalg.norm(c - self._last_center)) / self._last_scale for c in centers]
            nearest = int(np.argmin(d))
            if d[nearest] <= self.options.max_jump:
                k = nearest
            elif t - self._last_seen <= self.options.lost_after:
                return None
        elif tracking:
            k = 0
        if k is None:
            k = int(np.argmax(scales))
        self._last_center, self._last_scale, self._last_seen = centers[k], scales[k], t
        return poses[k]
