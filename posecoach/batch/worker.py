"""One clip -> one record, in a worker process (a pool worker or a Ray actor).

A worker lives for the whole batch, so Python, OpenCV and MediaPipe are loaded once per worker (about 0.5 s of CPU
and 1.5 s of wall time each, which a loop of `posecoach analyze` calls pays per clip); each clip gets a new
landmarker, which then costs only about 0.08 s of CPU. Not one landmarker reused for every clip: MediaPipe's
landmark filters keep state across clips that no public API resets, and a reused landmarker changed the results of
7 of 40 real clips (one rep count) against `posecoach analyze`, depending on which clip the worker had done
before; so a clip's result would depend on the order of the batch, and on where an interrupted batch resumed.

``analyze_clip`` never raises for a bad clip: the failure (a corrupt file, nobody in view, a model error) goes into
the record, and the batch goes on. Only an interruption (Ctrl+C, a stop) propagates.
"""
from __future__ import annotations

import os
import signal
import time
from dataclasses import asdict, dataclass

os.environ.setdefault("OPENCV_LOG_LEVEL", "OFF")  # OpenCV's own lines about a broken file: we record one line
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")

from posecoach.batch.inputs import ClipJob  # noqa: E402
from posecoach.estimation import EstimatorOptions  # noqa: E402
from posecoach.sources import DEFAULT_ANALYSIS_FPS  # noqa: E402

NOBODY = "nobody was found in the video"


@dataclass(frozen=True)
class BatchSettings:
    """What changes a clip's result (a record made with other settings is redone)."""

    analysis_fps: float | None = DEFAULT_ANALYSIS_FPS  # as in analyze, so a batch record equals its analyze
    model: str | None = None
    smoothing: str = "one_euro"
    people: int = 1
    use_cache: bool = True  # not part of the result: left out of ``as_dict``

    def as_dict(self) -> dict:
        d = asdict(self)
        d.pop("use_cache")
        return d

    def estimator_options(self) -> EstimatorOptions:
        return EstimatorOptions(model=self.model, smoothing=self.smoothing, num_poses=self.people)


def record(job: ClipJob, settings: BatchSettings, *, report: dict | None = None, error: str | None = None,
           wall: float = 0.0) -> dict:
    return {"id": job.id, "clip": str(job.path), "sha256": job.sha256, "exercise": job.exercise,
            "settings": settings.as_dict(), "error": error, "wall_seconds": round(wall, 3), "worker": os.getpid(),
            "report": report}


def one_line(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return text[0] if text else type(e).__name__


class ClipWorker:
    """A worker (also a Ray actor's class): runs clips one at a time, each with its own new landmarker."""

    def __init__(self):
        self.busy = False

    def run(self, job: ClipJob, settings: BatchSettings) -> dict:
        from posecoach.session import analyze
        from posecoach.sources import SourceError

        t0 = time.perf_counter()
        self.busy = True
        try:
            an = analyze(job.path, job.exercise, estimator_options=settings.estimator_options(),
                         use_cache=settings.use_cache, keep_frames=False, analysis_fps=settings.analysis_fps)
            rep = an.report()
            return record(job, settings, report=rep, error=NOBODY if rep.get("nobody_found") else None,
                          wall=time.perf_counter() - t0)
        except SourceError as e:  # missing, not a video, unreadable: analyze checks before any model work
            return record(job, settings, error=one_line(e), wall=time.perf_counter() - t0)
        except Exception as e:  # noqa: BLE001 - one clip's failure must not stop the batch; it is recorded
            return record(job, settings, error=f"{type(e).__name__}: {one_line(e)}", wall=time.perf_counter() - t0)
        finally:
            self.busy = False


# --- the local pool's worker processes --------------------------------------------------------------------------
_worker: ClipWorker | None = None


def init_process() -> None:
    """Pool initializer: Ctrl+C is the parent's to handle (it stops us with SIGTERM); SIGTERM unwinds the clip in
    progress (its decoder thread and the model are closed) and the process ends."""
    global _worker
    _worker = ClipWorker()
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def stop(signum, frame):
        if _worker is not None and _worker.busy:
            raise KeyboardInterrupt
        os._exit(0)  # idle: nothing to clean up

    signal.signal(signal.SIGTERM, stop)


def analyze_clip(job: ClipJob, settings: BatchSettings) -> dict:
    """The pool's task: this process's worker runs the clip."""
    global _worker
    if _worker is None:  # not started through init_process (e.g. called in the parent)
        _worker = ClipWorker()
    return _worker.run(job, settings)
