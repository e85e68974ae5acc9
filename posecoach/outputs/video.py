"""Annotated video output, written on a background thread so encoding overlaps inference.

The codec follows the file's suffix: .mp4 -> 'mp4v' (the opencv-python wheel has no H.264 encoder; players such
as VLC/ffmpeg play it, browsers do not), .webm -> 'VP80' (browsers play it, so HTML reports embed it; OpenCV's VP9
encoder managed ~1 fps at 720p here,
VP8 about 7x that), .avi -> 'MJPG' (survives a hard kill best: every frame stands alone).

The file is written under a unique temporary name (posecoach.atomic) and read back (outputs.verify) before it
gets its final name, because OpenCV reports no write errors: a full disk would otherwise leave a truncated video
and no error. A device or ``-`` gets the finished file copied into it (as .mp4 when its name has no suffix).
"""
from __future__ import annotations

import contextlib
import os
import queue
import threading
import time
from pathlib import Path

import cv2

from posecoach.atomic import AtomicFile, OutputError, Target
from posecoach.outputs.verify import check_video

__all__ = ["CODECS", "OutputError", "VideoWriter", "quiet_native_stderr"]

CODECS = {".mp4": "mp4v", ".m4v": "mp4v", ".mov": "mp4v", ".webm": "VP80", ".avi": "MJPG", ".mkv": "MJPG"}


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


class VideoWriter:
    """``write(frame)`` queues a BGR frame; ``close()`` drains the queue and finalises the file (idempotent).

    ``render``, when given, turns whatever is queued into the BGR frame on the writer's thread: drawing the overlay
    there as well as encoding keeps both off the thread that runs the model.

    The writer thread runs at normal priority: an idle-priority thread (tried before) let the encoder give way to
    the model on 2 cores, but any other program could starve it, and a thread that cannot raise its priority again
    needed a hand-over scheme to recover (the design review counted it among the fragile speed tricks).

    ``busy`` adds up the seconds spent rendering and encoding; ``waited`` the caller's seconds blocked on a full
    queue. ``what`` names the output in error messages ("cannot write the annotated video x.mp4: ...").
    """

    def __init__(self, path: str | Path, fps: float, size: tuple[int, int], depth: int = 16, render=None,
                 keep_partial: bool = True,
                 what: str = "annotated video"):
        self.path = Path(path)
        self.what = what
        suffix = self.path.suffix.lower()
        if suffix not in CODECS and not Target(path, what).is_file:
            suffix = ".mp4"  # /dev/null, a pipe, -: no suffix to go by
        codec = CODECS.get(suffix)
        if codec is None:
            raise OutputError(f"cannot write '{self.path.suffix}' video; use one of: {', '.join(sorted(CODECS))}")
        self.size = size
        self._file = AtomicFile(path, suffix=suffix, what=what)
        self._tmp = self._file.path
        with quiet_native_stderr():
            self._w = cv2.VideoWriter(str(self._tmp), cv2.VideoWriter_fourcc(*codec), float(fps), size)
        if not self._w.isOpened():
            self._file.discard()
            raise OutputError(f"cannot write the {what} {path}: OpenCV could not open it with codec {codec}")
        self._closed = False
        self._q: queue.Queue = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._render = render
        self._keep_partial = keep_partial
        self._stop = threading.Event()  # the thread stops taking frames (an interrupted close)
        self.busy = 0.0
        self.waited = 0.0
        self.frames = 0  # queued
        self.encoded = 0  # handed to the encoder without an error
        self._thread = threading.Thread(target=self._run, name="posecoach-encode", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            item = self._q.get()
            if item is None:
                return
            if self._error is not None:
                continue  # after a failure, drain without drawing: the file will not be kept
            t0 = time.perf_counter()
            try:
                img = self._render(item) if self._render is not None else item
                if (img.shape[1], img.shape[0]) != self.size:
                    img = cv2.resize(img, self.size)
                self._w.write(img)
                self.encoded += 1
            except BaseException as e:  # re-raised in the caller's thread on the next write/close
                self._error = self._error or e
            self.busy += time.perf_counter() - t0

    def _raise_error(self) -> None:
        e = self._error
        if isinstance(e, (OSError, cv2.error)):
            raise OutputError(f"cannot write the {self.what} {self.path}: {e}") from e
        raise e  # a bug in drawing: keep its type and traceback

    def write(self, img) -> None:
        if self._error:
            self._raise_error()
        t0 = time.perf_counter()
        try:
            self._q.put(img)
        finally:
            self.waited += time.perf_counter() - t0
        self.frames += 1

    def close(self, keep: bool = True) -> None:
        """Finish the file. ``keep=False`` (an analysis that failed or was interrupted) deletes it instead, so no
        truncated video is left under the real name. A drawing or encoding error also deletes it, and is raised.
        If close itself is interrupted (Ctrl+C while the last frames are drawn), what was written is kept when
        ``keep_partial`` (a live recording), else deleted."""
        if self._closed:
            return
        self._closed = True
        finished = False
        try:
            if keep and self._error is None:
                self._q.put(None)
                self._thread.join()
                finished = True
        finally:
            if self._thread.is_alive():
                self._stop_thread()
            self._w.release()
            if keep and self.frames and self._error is None and (finished or self._keep_partial):
                try:
                    check_video(self._tmp, self.encoded, name=str(self.path), what=self.what)
                    self._file.commit()
                except BaseException:
                    self._file.discard()
                    raise
            else:
                self._file.discard()
        if self._error is not None and keep:
            self._raise_error()

    def _stop_thread(self) -> None:
        """Stop the writer thread after its current frame, dropping what is queued."""
        self._stop.set()
        while True:
            try:
                self._q.get_nowait()
            except queue.Empty:
                break
        try:
            self._q.put_nowait(None)
        except queue.Full:
            pass
        self._thread.join(timeout=10)

    def __enter__(self) -> "VideoWriter":
        return self

    def __exit__(self, exc_type, *exc) -> None:
        self.close(keep=exc_type is None)
