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
    there as well as encoding keeps both off the thread that runs the model.

    ``background=True`` (offline analysis) runs the writer thread at idle CPU priority (SCHED_IDLE on Linux), so
    it only gets the CPU the pose model leaves: MediaPipe's graph keeps more than one core busy part of the time,
    and an encoder at the same priority slows it (on the 2-core test machine `analyze -o` took 1.13x the time of
    a bare decode+model loop at normal priority, ~1.0x at idle priority). An idle-priority thread can be starved
    by other programs, and an unprivileged thread cannot raise its priority again; so when the caller has been
    blocked on a full queue with no frame finished for ``takeover_after`` seconds, the caller takes over and draws
    and encodes the rest itself, at its own priority (``took_over`` tells).

    ``busy`` adds up the seconds spent rendering and encoding; ``waited`` the caller's seconds blocked on a full
    queue.
    """

    def __init__(self, path: str | Path, fps: float, size: tuple[int, int], depth: int = 16, render=None,
                 background: bool = False, takeover_after: float = 0.5):
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
        self._background = background
        self._takeover_after = takeover_after
        self._hand_over = threading.Event()  # set by the caller: the writer thread stops taking frames
        self.took_over = False
        self.busy = 0.0
        self.waited = 0.0
        self.done = 0  # frames drawn and encoded so far
        self.frames = 0  # frames queued so far
        self._thread = threading.Thread(target=self._run, name="posecoach-encode", daemon=True)
        self._thread.start()

    def _encode(self, item) -> None:
        t0 = time.perf_counter()
        try:
            img = self._render(item) if self._render is not None else item
            if (img.shape[1], img.shape[0]) != self.size:
                img = cv2.resize(img, self.size)
            self._w.write(img)
        except BaseException as e:  # re-raised in the caller's thread on the next write/close
            self._error = self._error or e
        self.busy += time.perf_counter() - t0
        self.done += 1

    def _run(self) -> None:
        if self._background:
            _lower_this_threads_priority()
        while not self._hand_over.is_set():
            try:
                item = self._q.get(timeout=0.1)
            except queue.Empty:
                continue
            if item is None:
                return
            self._encode(item)

    def _take_over(self) -> None:
        """Stop the (starved) writer thread after its current frame and do the rest on the caller's thread."""
        self._hand_over.set()
        self._thread.join()
        self.took_over = True
        while True:
            try:
                item = self._q.get_nowait()
            except queue.Empty:
                return
            if item is not None:
                self._encode(item)

    def _raise_error(self) -> None:
        e = self._error
        if isinstance(e, (OSError, cv2.error)):
            raise OutputError(f"writing {self.path} failed: {e}") from e
        raise e  # a bug in drawing: keep its type and traceback

    def write(self, img) -> None:
        if self._error:
            self._raise_error()
        self.frames += 1
        if self.took_over:
            self._encode(img)
            return
        t0 = time.perf_counter()
        try:
            while True:
                done_before = self.done
                try:
                    self._q.put(img, timeout=self._takeover_after if self._background else None)
                    return
                except queue.Full:
                    if self.done == done_before:  # nothing finished while we waited: the thread is starved
                        self._take_over()
                        self._encode(img)
                        return
        finally:
            self.waited += time.perf_counter() - t0

    def _finish_queue(self) -> None:
        """Let the writer thread draw what is queued and stop; take over if it makes no progress."""
        wait = self._takeover_after if self._background else None
        while True:
            done_before = self.done
            try:
                self._q.put(None, timeout=wait)
                break
            except queue.Full:
                if self.done == done_before:
                    self._take_over()
                    return
        while self._thread.is_alive():
            done_before = self.done
            self._thread.join(wait)
            if self._thread.is_alive() and self.done == done_before:
                self._take_over()
                return

    def close(self, keep: bool = True) -> None:
        """Finish the file. ``keep=False`` (an analysis that failed or was interrupted) deletes it instead, so no
        truncated video is left under the real name; a live recording is always kept."""
        if self._closed:
            return
        self._closed = True
        if not keep:
            self._hand_over.set()  # don't draw what nobody will see
            self._thread.join()
        elif self._thread.is_alive():
            self._finish_queue()
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


def _lower_this_threads_priority() -> None:
    """Idle CPU priority for the calling thread (Linux: SCHED_IDLE applies per thread); elsewhere nothing."""
    try:
        os.sched_setscheduler(threading.get_native_id(), os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        pass
