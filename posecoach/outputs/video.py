"""Annotated video output, written on a background thread so encoding overlaps inference.

The codec follows the file's suffix: .mp4 -> 'mp4v' (the opencv-python wheel has no H.264 encoder; players such
as VLC/ffmpeg play it, browsers do not), .webm -> 'VP80' (browsers play it, so HTML reports embed it; OpenCV's VP9 encoder managed ~1 fps at 720p here,
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
import numpy as np

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

    ``background=True`` (offline analysis) starts the writer thread at idle CPU priority (SCHED_IDLE on Linux), so
    it only gets the CPU the pose model leaves: MediaPipe's graph keeps more than one core busy part of the time,
    and an encoder at the same priority slows it (on the 2-core test machine `analyze -o` took 1.13x the time of
    a bare decode+model loop at normal priority, 0.93-1.0x at idle priority). But other programs starve an
    idle-priority thread, and an unprivileged thread cannot raise its priority again. So once the caller has
    spent ``promote_after`` seconds blocked on a full queue, the idle thread stops after its current frame and a
    new writer thread, started by the caller and so at the caller's priority, carries on (``promoted`` tells).
    ``close()`` promotes too: by then nothing is left for the writer to give way to.

    ``busy`` adds up the seconds spent rendering and encoding; ``waited`` the caller's seconds blocked on a full
    queue. ``what`` names the output in error messages ("cannot write the annotated video x.mp4: ...").
    """

    def __init__(self, path: str | Path, fps: float, size: tuple[int, int], depth: int = 16, render=None,
                 background: bool = False, promote_after: float = 0.2, keep_partial: bool = True,
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
        self._promote_after = promote_after
        self._keep_partial = keep_partial
        self._stop_idle = threading.Event()  # the idle-priority thread stops taking frames
        self.promoted = not background
        self.busy = 0.0
        self.waited = 0.0
        self.frames = 0  # queued
        self.encoded = 0  # handed to the encoder without an error
        self._thread = self._start(idle=background)

    def _start(self, idle: bool) -> threading.Thread:
        t = threading.Thread(target=self._run, args=(idle,), name="posecoach-encode", daemon=True)
        t.start()
        return t

    def _run(self, idle: bool) -> None:
        if idle:
            _lower_this_threads_priority()
        while not (idle and self._stop_idle.is_set()):
            try:
                item = self._q.get(timeout=0.05) if idle else self._q.get()
            except queue.Empty:
                continue
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

    def _promote(self) -> None:
        """Hand the queue from the idle-priority thread (after its current frame) to one at our priority."""
        if self.promoted:
            return
        self.promoted = True
        self._stop_idle.set()
        self._thread.join()
        self._thread = self._start(idle=False)

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
            self._q.put_nowait(img)
        except queue.Full:
            if self.promoted:
                self._q.put(img)
            else:
                try:
                    self._q.put(img, timeout=max(0.0, self._promote_after - self.waited))
                except queue.Full:
                    self._promote()
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
                self._promote()
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
        self._stop_idle.set()
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


def _lower_this_threads_priority() -> None:
    """Idle CPU priority for the calling thread (Linux: SCHED_IDLE applies per thread); elsewhere nothing."""
    try:
        os.sched_setscheduler(threading.get_native_id(), os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        pass
