"""Annotated video output, written on a background thread so encoding overlaps inference.

The codec follows the file's suffix: .mp4 -> 'mp4v' (the opencv-python wheel has no H.264 encoder; players such
as VLC/ffmpeg play it, browsers do not), .webm -> 'VP80' (browsers play it, so HTML reports embed it; OpenCV's VP9 encoder managed ~1 fps at 720p here,
VP8 about 7x that), .avi -> 'MJPG' (survives a hard kill best: every frame stands alone).
"""
from __future__ import annotations

import contextlib
import os
import queue
import threading
import time
from pathlib import Path

import cv2
import numpy as np

CODECS = {".mp4": "mp4v", ".m4v": "mp4v", ".mov": "mp4v", ".webm": "VP80", ".avi": "MJPG", ".mkv": "MJPG"}


class OutputError(RuntimeError):
    pass


@contextlib.contextmanager
def quiet_native_stderr():
    """OpenCV's FFmpeg backend prints harmless lines (e.g. "tag 'VP80' is not supported") when a writer opens;
    keep them off the user's terminal."""
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def part_path(path: Path) -> Path:
    """Where a file is written until it is complete: ``name.part.mp4`` keeps the suffix, so the codec and
    container still follow it, and a half-written file never sits under the real name."""
    return path.with_name(path.stem + ".part" + path.suffix)


class VideoWriter:
    """``write(frame)`` queues a BGR frame; ``close()`` drains the queue and finalises the file (idempotent).

    ``render``, when given, turns whatever is queued into the BGR frame on the writer's thread: drawing the overlay
    there as well as encoding keeps both off the thread that runs the model (on 2 cores, MediaPipe uses about one).
    ``busy`` adds up the seconds the writer thread spent rendering and encoding.
    """

    def __init__(self, path: str | Path, fps: float, size: tuple[int, int], depth: int = 16, render=None):
        self.path = Path(path)
        codec = CODECS.get(self.path.suffix.lower())
        if codec is None:
            raise OutputError(f"cannot write '{self.path.suffix}' video; use one of: {', '.join(sorted(CODECS))}")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise OutputError(f"cannot create the folder for {self.path}: {e.strerror or e}") from None
        self.size = size
        self._tmp = part_path(self.path)
        with quiet_native_stderr():
            self._w = cv2.VideoWriter(str(self._tmp), cv2.VideoWriter_fourcc(*codec), float(fps), size)
        if not self._w.isOpened():
            raise OutputError(f"could not open {self.path} for writing with codec {codec}")
        self._closed = False
        self._q: queue.Queue = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._render = render
        self.busy = 0.0
        self._thread = threading.Thread(target=self._run, name="posecoach-encode", daemon=True)
        self._thread.start()
        self.frames = 0

    def _run(self) -> None:
        while True:
            img = self._q.get()
            if img is None:
                return
            t0 = time.perf_counter()
            try:
                if self._render is not None:
                    img = self._render(img)
                if (img.shape[1], img.shape[0]) != self.size:
                    img = cv2.resize(img, self.size)
                self._w.write(img)
            except BaseException as e:  # re-raised in the caller's thread on the next write/close
                self._error = e
            self.busy += time.perf_counter() - t0

    def _raise_error(self) -> None:
        e = self._error
        if isinstance(e, (OSError, cv2.error)):
            raise OutputError(f"writing {self.path} failed: {e}") from e
        raise e  # a bug in drawing: keep its type and traceback

    def write(self, img) -> None:
        if self._error:
            self._raise_error()
        self._q.put(img)
        self.frames += 1

    def close(self, keep: bool = True) -> None:
        """Finish the file. ``keep=False`` (an analysis that failed or was interrupted) deletes it instead, so no
        truncated video is left under the real name; a live recording is always kept."""
        if self._closed:
            return
        self._closed = True
        if self._thread.is_alive():
            self._q.put(None)
            self._thread.join()
        self._w.release()
        if keep and self.frames:
            self._tmp.replace(self.path)
        else:
            self._tmp.unlink(missing_ok=True)
        if self._error and keep:
            self._raise_error()

    def __enter__(self) -> "VideoWriter":
        return self

    def __exit__(self, exc_type, *exc) -> None:
        self.close(keep=exc_type is None)
