"""Raw poses of one clip from several processes: the timeline cut into chunks, one spawned worker per chunk.

The model (~19 ms a frame at 720p on this project's machine) runs on one core per process, so one clip on one
process cannot go faster than the model. Here the clip's timeline is split into ``N`` chunks and each runs in its
own spawned process with its own landmarker, created inside the worker (MediaPipe hangs in a forked child). Only
raw poses come out: the parent stitches them in timestamp order, in the landmark cache's record layout, and the
one per-frame step (smoothing, cuts, the checker: ``frame_step.FrameStep``) runs over them in ``session.analyze``
exactly as on a cache hit. There is no second smoothing or counting path.

Seams. A chunk after the first starts ``LEAD_IN`` seconds before its boundary: a new landmarker first has to find
the person and its landmark filters need time to settle. Those lead-in poses are not kept; they are compared with
the previous chunk's poses of the same frames (``Seam``). When the two do not follow the same person at the
boundary (one sees somebody the other does not, or their landmarks are further apart than ``SEAM_TOLERANCE``
torso lengths: another person, or the limbs taken the other way round), the chunks disagree about who is tracked
and ``track_agreed`` returns None: the caller then tracks the clip in one pass, so a seam never changes whom the
report is about. Where they agree, MediaPipe's tracking still differs slightly after the seam (it never converges
exactly on another landmarker's), so a hold may start or end a frame or a few apart from one pass's
(bench/results/chunked_seams.md). Video files are never mirrored (only a webcam's
selfie view is), so every chunk un-mirrors alike: not at all.

Every worker reads the video from its start and only grabs (decodes without converting) the frames before its
lead-in, so frame indices and timestamps are the very ones a whole pass gives (a seek would land on the
container's idea of a frame, which differs on variable-frame-rate files). That costs ~0.3 s per 6 s of 720p.
"""
from __future__ import annotations

import multiprocessing
import os
import queue
import shutil
import signal
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np

from posecoach.errors import EXIT_WORKER, PosecoachError
from posecoach.pose import Landmark, PoseFrame

LEAD_IN = 1.0  # s before a chunk's boundary where its worker starts tracking (poses compared, then dropped)
# The shortest chunk worth a process (s of video). A second worker costs a second Python, OpenCV, MediaPipe import
# and landmarker, the 1 s lead-in tracked twice and the frames before it grabbed: ~2 CPU seconds in all (6.7
# against 4.5 for a 6.5 s 720p clip, bench/results/pipeline.md). On an idle machine most of that runs beside the
# first worker's own start, and halving the tracking of a clip of D s saves ~0.23 D s of wall time against
# ~0.9 s of added wall time: break-even near D = 4 s. On a busy machine the extra CPU is a loss. 4 s a chunk
# (clips of 8 s or more) takes the gain where it is clear; an estimate from those parts, since the shared machine
# was never idle enough to time short clips end to end.
MIN_CHUNK_SECONDS = 4.0
SEAM_FRAMES = 6  # analysed frames just before a boundary on which the two chunks must follow the same person
# The most two chunks' poses of one frame may differ (mean landmark distance, torso lengths) and still be the same
# person tracked alike; a left/right swap of the limbs or another person is well above it. On the 53 dev clips
# tracked in chunks (bench/results/chunked_seams.md): median 0.009, largest 0.078 where the chunks went on alike;
# the two seams that disagreed measured 0.85 and 2.4.
SEAM_TOLERANCE = 0.25


def default_workers() -> int:
    """One per core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class TrackingError(PosecoachError):
    """A pose tracking worker failed or died; one line says which chunk and why."""

    exit_code = EXIT_WORKER


@dataclass(frozen=True)
class Chunk:
    start: float  # s: poses from here are this chunk's
    end: float  # s: up to here (exclusive); inf for the last chunk
    lead_start: float  # s: where its worker starts tracking (start - LEAD_IN, or 0)

    def label(self) -> str:
        return f"{self.start:.1f} s to the end" if np.isinf(self.end) else f"{self.start:.1f}-{self.end:.1f} s"


def plan(duration: float, workers: int, min_chunk: float = MIN_CHUNK_SECONDS) -> list[Chunk]:
    """Chunks of the timeline, as many as ``workers`` but none shorter than ``min_chunk`` seconds, sized so that
    every worker has about the same work: a later chunk also tracks its lead-in and grabs the frames before it,
    so it is a little shorter (``_bounds``)."""
    n = max(1, min(int(workers), int(duration // min_chunk) if min_chunk > 0 else int(workers)))
    bounds = _bounds(duration, n) + [float("inf")]
    return [Chunk(bounds[k], bounds[k + 1], max(0.0, bounds[k] - LEAD_IN) if k else 0.0) for k in range(n)]


# Grabbing a frame (decoded, not converted, no model) costs about this much of tracking one: measured on the
# 720p30 bench clip at the default rate, 0.27 s to grab 6.5 s of video against ~3.3 s to track it.
GRAB_COST = 0.08


def _bounds(duration: float, n: int) -> list[float]:
    """Chunk starts giving each worker the same cost: (tracked seconds, lead-in included) + GRAB_COST x (grabbed
    seconds). Found by bisection on the common cost; n = 1 or a tiny clip: [0]."""
    if n <= 1 or duration <= 0:
        return [0.0]

    def starts(cost: float) -> list[float]:
        out, b = [0.0], 0.0
        for _ in range(n - 1):
            lead = min(LEAD_IN, b) if b > 0 else 0.0
            b = b - lead + (cost - GRAB_COST * (b - lead))  # where a chunk starting at b has spent ``cost``
            out.append(b)
        return out

    def last_cost(st: list[float]) -> float:
        b = st[-1]
        lead = min(LEAD_IN, b)
        return (duration - b + lead) + GRAB_COST * (b - lead)

    lo, hi = 0.0, duration
    for _ in range(60):
        mid = (lo + hi) / 2
        if last_cost(starts(mid)) > mid:
            lo = mid
        else:
            hi = mid
    return [round(b, 3) for b in starts((lo + hi) / 2)]


@dataclass
class Tracked:
    """The stitched raw poses of a clip tracked in chunks (read from the workers' files, which ``close`` removes)."""

    folder: Path
    chunks: list[Chunk]
    size: tuple[int, int]
    decoded: int  # frames the video had (the last chunk read to the end)
    inference: float  # s of model time, summed over the workers
    decode: float  # s of decoding and grabbing, summed over the workers
    seams: list["Seam"]
    workers: list[dict]  # per chunk: s from the start of ``track`` until its landmarker was ready / it was done

    def frames(self) -> Iterator[PoseFrame]:
        """Every kept raw pose in frame order: each chunk's own, its lead-in left out."""
        from posecoach.raw_log import read_frames

        for k, chunk in enumerate(self.chunks):
            for pf in read_frames(self.folder / f"{k}.raw", self.size):
                if pf.timestamp >= chunk.start:
                    yield pf

    @property
    def agreed(self) -> bool:
        """Every seam's two chunks followed the same person (else the stitched poses could switch people)."""
        return all(s.same_person for s in self.seams)

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


@dataclass(frozen=True)
class Seam:
    """How the two chunks at a boundary agreed on the frames both tracked (the last ``SEAM_FRAMES`` of the lead-in)."""

    at: float  # s, the boundary
    frames: int  # frames compared
    same_person: bool  # both saw the same person (or both nobody) on every compared frame
    max_offset: float  # largest mean landmark distance between the two, in torso lengths (nan: none compared)

    def as_dict(self) -> dict:
        return {"at": round(self.at, 3), "frames": self.frames, "same_person": self.same_person,
                "max_offset": None if np.isnan(self.max_offset) else round(self.max_offset, 4)}


def track(video: Path, options, rate: float | None, chunks: list[Chunk], *, progress=None,
          meanwhile=None) -> Tracked:
    """Track ``video``'s chunks in parallel, one spawned process each, and compare them at the seams (when
    ``Tracked.agreed`` is false, track the clip in one pass instead). Raises ``TrackingError`` (one line) when a
    worker fails or dies; on any exit the workers are stopped, and on failure their files removed.
    ``meanwhile()``: run in this process once the workers are started (work that would otherwise wait for them)."""
    folder = Path(tempfile.mkdtemp(prefix="posecoach-chunks-"))
    t_start = time.time()  # wall clock: the workers report when they were ready and done on the same clock
    ctx = multiprocessing.get_context("spawn")  # not fork: MediaPipe hangs in a forked child
    messages = ctx.Queue()
    procs = [ctx.Process(target=_track_chunk, name=f"posecoach-track-{k}", daemon=True,
                         args=(k, str(video), options, rate, c, str(folder / f"{k}.raw"), messages))
             for k, c in enumerate(chunks)]
    done: dict[int, dict] = {}
    reached = {}
    ok = False
    try:
        # Ctrl+C goes to the whole process group, workers too. The parent handles it (and stops them); so they are
        # started with SIGINT blocked, which they keep (a mask survives exec), and never print a traceback of
        # their own, not even while still importing. A Ctrl+C meanwhile waits, and reaches the parent after.
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            for p in procs:
                p.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        if meanwhile is not None:
            meanwhile()
        while len(done) < len(procs):
            try:
                msg = messages.get(timeout=0.2)
            except queue.Empty:
                for k, p in enumerate(procs):  # a worker that died without a word (a crash in native code, a kill)
                    if k not in done and p.exitcode is not None:
                        _drain(messages, done, video, chunks)
                        if k not in done:
                            raise TrackingError(f"the pose tracking worker for {chunks[k].label()} of {video.name} "
                                                f"died (exit code {p.exitcode})") from None
                continue
            kind, k, payload = msg
            if kind == "progress":
                if progress is not None:
                    before = sum(reached.values())
                    reached[k] = payload
                    progress.update(max(0, sum(reached.values()) - before))
            elif kind == "error":
                raise _failed(video, chunks[k], *payload)
            else:
                done[k] = payload
        # Not waiting for the workers to exit (MediaPipe's teardown, the interpreter's): their poses are on disk
        # once they said "done", and the ``finally`` below ends whatever is left of them.
        tracked = Tracked(folder, chunks, tuple(done[len(chunks) - 1]["size"]), done[len(chunks) - 1]["decoded"],
                          sum(d["inference"] for d in done.values()), sum(d["decode"] for d in done.values()), [],
                          [{"ready": round(d["ready"] - t_start, 3), "done": round(d["done"] - t_start, 3),
                            "inference": round(d["inference"], 3), "frames": d["frames"]}
                           for _, d in sorted(done.items())])
        tracked.seams = [_seam(tracked, k) for k in range(1, len(chunks))]
        ok = True
        return tracked
    finally:
        for p in procs:  # after a failure or Ctrl+C: stop them; after success: they are only exiting
            if p.is_alive():
                p.terminate()
        for p in procs:
            if p.pid is None:  # never started (the start of an earlier one failed)
                continue
            p.join(timeout=5)
            if p.is_alive():
                p.kill()
                p.join(timeout=1)
        messages.close()
        messages.join_thread()
        if not ok:
            shutil.rmtree(folder, ignore_errors=True)


def track_agreed(video: Path, options, rate: float | None, chunks: list[Chunk], progress=None,
                 meanwhile=None) -> tuple[Tracked | None, dict]:
    """``track``, and the report's account of it (``pose_tracking``: chunks, seams, workers' times). The poses are
    None when a seam disagreed (their files removed, the progress bar reset for the one pass that follows)."""
    t0 = time.perf_counter()
    tracked = track(video, options, rate, chunks, progress=progress, meanwhile=meanwhile)
    account = {"chunks": len(chunks), "used": tracked.agreed, "seams": [x.as_dict() for x in tracked.seams],
               "workers": tracked.workers, "wall": round(time.perf_counter() - t0, 3)}
    if tracked.agreed:
        return tracked, account
    tracked.close()
    if progress is not None and hasattr(progress, "reset"):
        progress.reset()
    return None, account


def _failed(video: Path, chunk: Chunk, message: str, exit_code: int) -> TrackingError:
    e = TrackingError(f"pose tracking of {video.name} ({chunk.label()}) failed in its worker: {message}")
    e.exit_code = exit_code  # a damaged model stays exit 3, an unreadable video 2, as in one process
    return e


def _drain(messages, done: dict, video: Path, chunks: list[Chunk]) -> None:
    """Take the messages a worker sent before it ended (its last one may arrive after is_alive() turns false)."""
    time.sleep(0.1)
    while True:
        try:
            kind, k, payload = messages.get_nowait()
        except queue.Empty:
            return
        if kind == "done":
            done[k] = payload
        elif kind == "error":
            raise _failed(video, chunks[k], *payload)


def _seam(tracked: Tracked, k: int) -> Seam:
    """Compare chunk k-1's last analysed frames before chunk k's boundary with chunk k's lead-in poses of them."""
    from posecoach.raw_log import read_frames

    at = tracked.chunks[k].start
    ours = {pf.index: pf.pose for pf in read_frames(tracked.folder / f"{k}.raw", tracked.size) if pf.timestamp < at}
    theirs = [pf for pf in read_frames(tracked.folder / f"{k - 1}.raw", tracked.size) if pf.index in ours]
    theirs = theirs[-SEAM_FRAMES:]
    same, worst = True, float("nan")
    for pf in theirs:
        a, b = pf.pose, ours[pf.index]
        if (a is None) != (b is None):
            same = False
            continue
        if a is None:
            continue
        offset = _offset(a, b)
        worst = offset if np.isnan(worst) else max(worst, offset)
        if offset > SEAM_TOLERANCE:
            same = False
    return Seam(at, len(theirs), same, worst)


def _offset(a, b) -> float:
    """Mean distance between two poses' image landmarks, in torso lengths (of ``a``)."""
    xa, xb = a.xy(), b.xy()
    sh = (xa[Landmark.LEFT_SHOULDER] + xa[Landmark.RIGHT_SHOULDER]) / 2
    hp = (xa[Landmark.LEFT_HIP] + xa[Landmark.RIGHT_HIP]) / 2
    torso = max(float(np.linalg.norm(sh - hp)), 1e-3)
    return float(np.nanmean(np.linalg.norm(xa - xb, axis=1))) / torso


# --- in the worker process --------------------------------------------------------------------------------------
class _Orphaned(Exception):
    """The parent process is gone."""


def _track_chunk(k: int, video: str, options, rate: float | None, chunk: Chunk, path: str, messages) -> None:
    """A spawned worker: track ``chunk`` of ``video`` with a landmarker of its own, raw poses to ``path``."""
    # Ctrl+C reaches the whole process group; the parent handles it and stops us (SIGTERM ends us at once: the
    # parent removes our file with its folder, so nothing is left half-written). SIGINT is blocked from our
    # start (see ``track``); ignored as well, should a platform not pass the mask on.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ.setdefault("OPENCV_LOG_LEVEL", "OFF")
    os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
    try:
        from posecoach.estimation import PoseEstimator
        from posecoach.raw_log import RawPoseLog
        from posecoach.sources import AnalysisRate, Prefetch, VideoFile

        source = VideoFile(video)
        select = AnalysisRate(rate) if rate else None
        before = [0]  # frames before this chunk's start: its progress counts the video's frames from there
        parent = os.getppid()

        def keep(t: float) -> bool:
            chosen = select(t) if select is not None else True  # every frame through the selector: same choice
            before[0] += t < chunk.start
            return chosen and t >= chunk.lead_start

        decode = [0.0]
        inference = 0.0
        with PoseEstimator.create_from_options(options) as est, RawPoseLog(path=path) as log:
            def prepare(fr):  # on the decoding thread, as in session.analyze
                t0 = time.perf_counter()
                made = est.model_input(fr)
                decode[0] += time.perf_counter() - t0
                return fr, made

            ready = time.time()  # landmarker made: what starting this worker cost is behind us
            prefetch = Prefetch(source.frames(keep, until=None if np.isinf(chunk.end) else chunk.end),
                                prepare=prepare)
            try:
                for n, (fr, made) in enumerate(prefetch):
                    t0 = time.perf_counter()
                    log.append(PoseFrame(fr.index, fr.timestamp, est.estimate(fr, made)))
                    inference += time.perf_counter() - t0
                    prefetch.dispose(made)
                    del made
                    if n % 8 == 7:
                        if os.getppid() != parent:  # the parent was killed outright (SIGKILL): nobody to report to
                            raise _Orphaned
                        messages.put(("progress", k, max(0, fr.index + 1 - before[0])))
            finally:
                prefetch.close()
            log.flush()
            done = time.time()
            messages.put(("progress", k, max(0, source.decoded - before[0])))
            messages.put(("done", k, {"decoded": source.decoded, "frames": len(log), "size": source.size,
                                      "inference": inference, "decode": decode[0], "ready": ready, "done": done}))
    except _Orphaned:  # our file, and the parent's folder once empty, are ours to remove then
        Path(path).unlink(missing_ok=True)
        try:
            Path(path).parent.rmdir()
        except OSError:
            pass
    except BaseException as e:  # noqa: BLE001 - reported to the parent as one line, then this process ends
        text = str(e).strip().splitlines()
        line = text[0] if text else type(e).__name__
        if not isinstance(e, PosecoachError):  # a domain error's message says it all; others need their kind
            line = f"{type(e).__name__}: {line}"
        messages.put(("error", k, (line, getattr(e, "exit_code", EXIT_WORKER))))
