"""Frame sources: a webcam by index, a video file, or a folder of images -> Frame(image, index, timestamp).

Decoding runs ahead on its own thread (``Prefetch``), so the pose model never waits for the decoder: on 2 cores
decode of a 720p H.264 frame (~2-4 ms) then overlaps inference (~10-15 ms).
"""
from __future__ import annotations

from posecoach.errors import EXIT_DEVICE, PosecoachError

import os
import queue
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import cv2
import numpy as np

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp"}


class SourceError(PosecoachError, RuntimeError):
    """A source cannot be opened or read (missing file, not a video, no camera)."""


class CameraError(SourceError):
    exit_code = EXIT_DEVICE
    """No camera at that index, or it cannot be opened."""


@dataclass(frozen=True)
class Frame:
    image: np.ndarray  # BGR uint8, HxWx3, already rotated upright and (for a selfie view) mirrored
    index: int
    timestamp: float  # seconds from the start of the source
    mirrored: bool = False  # the image is a mirror view: landmarks must be un-mirrored before checking


class VideoFile:
    """Frames of a video file with their real timestamps; rotation metadata honoured (OpenCV applies it)."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        if not self.path.exists():
            raise SourceError(f"no such file: {self.path}")
        if self.path.is_dir():
            raise SourceError(f"{self.path} is a folder, not a video")
        if self.path.suffix.lower() in IMAGE_SUFFIXES:
            raise SourceError(f"{self.path} is an image, not a video")
        cap = cv2.VideoCapture(str(self.path))
        ok = cap.isOpened()
        first = cap.read()[0] if ok else False
        cap.release()
        if not ok or not first:
            raise SourceError(f"{self.path} is not a video OpenCV can read")
        self.fps, self.frame_count, self.size = probe(self.path)
        self.decoded = 0  # frames read by the last iteration (kept or not)

    def __iter__(self) -> Iterator[Frame]:
        return self.frames()

    def frames(self, keep: Callable[[float], bool] | None = None, until: float | None = None) -> Iterator[Frame]:
        """Every frame, or with ``keep(timestamp) -> bool`` only the frames it keeps: the others are grabbed
        (demuxed and decoded, which a codec with inter-frame prediction needs) but never converted to BGR, which
        is most of a frame's cost at high resolutions. ``decoded`` counts every frame read, kept or not.
        ``until``: stop before the first frame at or after this time (a chunk of the timeline, parallel_tracking);
        frames are still read from the start, so indices and timestamps are the same as a whole pass's."""
        cap = self._open()
        # OpenCV >= 4.5 rotates by the container's rotation tag when this is on (the default); set it explicitly
        # so a phone clip shot upright is analysed upright.
        cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
        fps = self.fps or 30.0
        index = 0
        last_t = -1.0
        self.decoded = 0
        try:
            while True:
                if not cap.grab():
                    break
                t = cap.get(cv2.CAP_PROP_POS_MSEC) / 1000.0
                # Some containers report 0 or repeat a time; step on by one frame then (never backwards, which
                # index / fps could do on a variable-frame-rate file).
                if not np.isfinite(t) or t <= last_t or (index > 0 and t == 0.0):
                    t = last_t + 1.0 / fps if index > 0 else 0.0
                last_t = t
                if until is not None and t >= until:
                    break
                self.decoded += 1
                if keep is None or keep(t):
                    ok, img = cap.retrieve()
                    if not ok:
                        break
                    yield Frame(img, index, t)
                index += 1
        finally:
            cap.release()

    def _open(self) -> cv2.VideoCapture:
        # Up to 1080p, one decoding thread: frames are read ahead on their own thread anyway and the pose model
        # is the slower stage, so FFmpeg's extra frame threads only add CPU (0.68 -> 0.51 s for a 13 s 720p clip)
        # that the model, sharing the cores, then misses. Larger frames keep FFmpeg's default.
        if self.size[0] * self.size[1] <= 1920 * 1080:
            cap = cv2.VideoCapture(str(self.path), cv2.CAP_ANY, [cv2.CAP_PROP_N_THREADS, 1])
            if cap.isOpened():
                return cap
            cap.release()
        return cv2.VideoCapture(str(self.path))

    @property
    def duration(self) -> float:
        return self.frame_count / self.fps if self.fps else 0.0


# The model's default rate in analyze and batch: the lowest rate whose counts and holds on the dev clips' tune half
# are no worse than every frame's (bench/bench_analysis_rate.py; 20 and 15 each lost a clip within one; results in
# bench/results/analysis_rate.md). Videos at 24-30 fps lose little; 50-60 fps ones run the model on under half.
DEFAULT_ANALYSIS_FPS = 24.0


class AnalysisRate:
    """Keeps at most ``fps`` frames a second, by their timestamps: ``keep(t)`` is true for the first frame of each
    1/fps slot. A 30 fps video at 15 keeps every other frame; 25 fps at 15 keeps 3 of every 5, spaced as
    evenly as the frames allow; a video at or below the rate keeps every frame. Timestamps stay the frames' own.
    """

    def __init__(self, fps: float):
        if not fps > 0:
            raise ValueError(f"the analysis rate must be positive, got {fps}")
        self.fps = float(fps)
        self._slot = -1

    def __call__(self, t: float) -> bool:
        slot = int(np.floor(t * self.fps + 1e-6))
        if slot > self._slot:
            self._slot = slot
            return True
        return False


def probe(path: Path) -> tuple[float, int, tuple[int, int]]:
    cap = cv2.VideoCapture(str(path))
    cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
    fps = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
    n = int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
    ok, img = cap.read()
    size = (img.shape[1], img.shape[0]) if ok else (0, 0)
    cap.release()
    if not (0 < fps < 1000):
        fps = 30.0
    return fps, n, size


class ImageFolder:
    """The images of a folder, sorted by name, as frames at a fixed rate."""

    def __init__(self, path: str | os.PathLike, fps: float = 10.0):
        self.path = Path(path)
        if not self.path.is_dir():
            raise SourceError(f"{self.path} is not a folder")
        self.files = sorted(p for p in self.path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        if not self.files:
            raise SourceError(f"{self.path} has no images ({', '.join(sorted(IMAGE_SUFFIXES))})")
        self.fps = fps
        self.frame_count = len(self.files)

    def __iter__(self) -> Iterator[Frame]:
        for i, p in enumerate(self.files):
            img = cv2.imread(str(p), cv2.IMREAD_COLOR)
            if img is None:
                continue  # one unreadable image should not end the session
            yield Frame(img, i, i / self.fps)


class Camera:
    """A webcam by index. Timestamps are wall-clock seconds since the first frame.

    ``mirror=True`` flips each image so the person sees a mirror (what people expect on a selfie screen); the
    frame says so, and the estimator un-mirrors the landmarks so the body's left stays 'left'.
    A camera that stops delivering frames ends the iteration (after ``drop_timeout`` s) instead of hanging.
    """

    def __init__(self, index: int = 0, *, mirror: bool = True, width: int | None = None,
                 height: int | None = None, drop_timeout: float = 2.0):
        self.index, self.mirror, self.drop_timeout = index, mirror, drop_timeout
        self.cap = cv2.VideoCapture(index)
        if width:
            self.cap.set(cv2.CAP_PROP_FRAME_WIDTH, width)
        if height:
            self.cap.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        if not self.cap.isOpened():
            self.cap.release()
            raise CameraError(f"no camera at index {index} (is one connected, and free?)")
        self.fps = float(self.cap.get(cv2.CAP_PROP_FPS) or 30.0)
        self.frame_count = 0
        self.dropped = False

    def __iter__(self) -> Iterator[Frame]:
        t0 = None
        index = 0
        last_ok = time.monotonic()
        try:
            while True:
                ok, img = self.cap.read()
                now = time.monotonic()
                if not ok or img is None:
                    if now - last_ok > self.drop_timeout:
                        self.dropped = True
                        return
                    time.sleep(0.01)
                    continue
                last_ok = now
                if t0 is None:
                    t0 = now
                if self.mirror:
                    img = cv2.flip(img, 1)
                yield Frame(img, index, now - t0, mirrored=self.mirror)
                index += 1
        finally:
            self.cap.release()


class GeneratedStream:
    """A stand-in for a webcam in tests: frames from any iterable of images at a given rate, optionally mirrored."""

    def __init__(self, images, fps: float = 30.0, mirror: bool = False):
        self.images, self.fps, self.mirror = images, fps, mirror
        self.frame_count = len(images) if hasattr(images, "__len__") else 0

    def __iter__(self) -> Iterator[Frame]:
        for i, img in enumerate(self.images):
            if self.mirror:
                img = cv2.flip(img, 1)
            yield Frame(img, i, i / self.fps, mirrored=self.mirror)


class Prefetch:
    """Iterate a source on a background thread, ``depth`` frames ahead.

    For a file, back-pressure keeps every frame (the decoder waits when the queue is full). For a live camera
    ``drop_old=True`` keeps only the newest frames, because coaching on a stale frame is worse than skipping one.
    Exceptions in the reader are re-raised in the consumer.
    """

    _END = object()

    def __init__(self, source, depth: int = 8, drop_old: bool = False, prepare=None):
        self.source, self.depth, self.drop_old = source, depth, drop_old
        self.prepare = prepare  # f(frame) -> item, run on the reader thread; items are then what is yielded
        self._spent: list = []
        self._q: queue.Queue = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _run(self) -> None:
        try:
            for frame in self.source:
                if self._stop.is_set():
                    break
                self._spent.clear()  # last references dropped here, on this thread (see dispose)
                if self.prepare is not None:
                    frame = self.prepare(frame)
                while True:
                    try:
                        self._q.put(frame, timeout=0.1)
                        break
                    except queue.Full:
                        if self._stop.is_set():
                            return
                        if self.drop_old:
                            try:
                                self._q.get_nowait()
                            except queue.Empty:
                                pass
            self._put_end(self._END)
        except BaseException as e:  # surfaced in the consuming thread
            self._put_end(e)

    def _put_end(self, item) -> None:
        while not self._stop.is_set():
            try:
                self._q.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def __iter__(self) -> Iterator:
        self._thread = threading.Thread(target=self._run, name="posecoach-decode", daemon=True)
        self._thread.start()
        try:
            while True:
                item = self._q.get()
                if item is self._END:
                    return
                if isinstance(item, BaseException):
                    raise item
                # Yield without a local keeping the item alive while the consumer works on it: whatever the
                # consumer hands to dispose() must be released on the reader thread, not when we resume here.
                box = [item]
                del item
                yield box.pop()
        finally:
            self.close()

    def dispose(self, obj) -> None:
        """Hand back an object the consumer no longer needs, to be released on the reader thread: freeing a
        frame-sized MediaPipe image takes ~0.5 ms at 720p, time the consumer (waiting for the model) can use."""
        self._spent.append(obj)

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2.0)


def open_source(spec: str | int | os.PathLike, *, mirror: bool | None = None):
    """A source from a CLI-style spec: an integer (camera index), a video path, or an image folder."""
    s = str(spec)
    if s.isdigit():
        return Camera(int(s), mirror=True if mirror is None else mirror)
    p = Path(s)
    if p.is_dir():
        return ImageFolder(p)
    return VideoFile(p)
