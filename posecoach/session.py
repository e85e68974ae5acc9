"""Wiring: source -> estimator -> smoother -> exercise checker -> annotators -> outputs.

Plain functions that the CLI (and tests) call; none of them parse arguments or print, except through the
``progress`` object they are given.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from posecoach.estimation import EstimatorOptions, PoseEstimator
from posecoach.pose import PoseFrame
from posecoach.sources import Prefetch, VideoFile


@dataclass
class Timings:
    """Where the wall time of an analysis went (seconds)."""

    wall: float = 0.0
    decode: float = 0.0  # decoding and making the model's input, on the decoder thread (overlaps the rest)
    inference: float = 0.0
    checking: float = 0.0
    drawing: float = 0.0  # overlay + encoding, on the writer thread (overlaps the rest)
    # with an output video, smoothing and checking also run on the writer thread
    waiting_for_frames: float = 0.0  # main thread blocked on the decoder
    waiting_for_writer: float = 0.0  # main thread blocked on a full queue of frames to draw and encode
    finishing_video: float = 0.0  # after the last frame: waiting for the video to be drawn, encoded and closed

    def as_dict(self, frames: int) -> dict:
        d = {k: round(v, 3) for k, v in self.__dict__.items()}
        d["fps"] = round(frames / self.wall, 2) if self.wall > 0 else None
        return d


@dataclass
class Analysis:
    video: Path
    exercise: str | None
    frames: list[PoseFrame]
    fps: float
    size: tuple[int, int]
    feedback: list = field(default_factory=list)  # one exercises.events.Feedback per frame (when checking)
    result: object | None = None  # exercises.events.SessionResult
    timings: Timings = field(default_factory=Timings)
    cached: bool = False
    notes: dict = field(default_factory=dict)  # quality.notes(): warnings, and the report fields behind them

    @property
    def duration(self) -> float:
        return len(self.frames) / self.fps if self.fps else 0.0

    def report(self) -> dict:
        found = sum(f.pose is not None for f in self.frames)
        rep: dict = {}
        if self.result is not None:
            from posecoach.exercises import report_dict

            rep.update(report_dict(self.result, frames=len(self.frames), fps=self.fps, duration=self.duration))
        rep.update({
            "video": str(self.video),
            "exercise": self.exercise,
            "frames": len(self.frames),
            "fps": round(self.fps, 3),
            "duration": round(self.duration, 3),
            "frames_with_person": found,
            "detection_rate": round(found / len(self.frames), 4) if self.frames else 0.0,
            "landmarks_from_cache": self.cached,
            "timings": self.timings.as_dict(len(self.frames)),
            **self.notes,
        })
        return rep


class _TimedSource:
    """Wraps a source to add up the time its iterator spends producing frames (runs in the decode thread)."""

    def __init__(self, source):
        self.source, self.seconds = source, 0.0

    def __iter__(self):
        it = iter(self.source)
        while True:
            t0 = time.perf_counter()
            try:
                f = next(it)
            except StopIteration:
                return
            finally:
                self.seconds += time.perf_counter() - t0
            yield f


def analyze(video: str | Path, exercise: str | None = None, *, out: str | Path | None = None,
            estimator_options: EstimatorOptions | None = None, checker_settings: dict | None = None,
            use_cache: bool = True, progress=None, annotate=None) -> Analysis:
    """Run the whole offline pipeline over a video file.

    With ``use_cache`` the raw landmarks are read from (or written to) the landmark cache, so a second analysis
    of the same clip skips the model. ``annotate(frame_image, pose, feedback) -> image`` draws each output frame;
    by default the coaching overlay.
    """
    from posecoach import landmark_cache

    video = Path(video)
    source = VideoFile(video)
    opts = estimator_options or EstimatorOptions()
    checker = None
    if exercise is not None:
        from posecoach.exercises import make_checker

        checker = make_checker(exercise, **(checker_settings or {}))

    tm = Timings()
    t_start = time.perf_counter()
    cached_frames = None
    cache_path = None
    if use_cache:
        from posecoach.models import resolve_model

        cache_path = landmark_cache.cache_path(video, resolve_model(opts.model), opts)
        cached_frames = landmark_cache.read(cache_path, opts.smoothing)

    frames: list[PoseFrame] = []
    raw: list[PoseFrame] = []
    feedback = []
    writer = None
    prefetch = None
    estimator = None
    completed = False
    smoother = None

    def follow(pf: PoseFrame):
        """Smoothing and the checker, in frame order; returns the smoothed frame and the checker's feedback."""
        t0 = time.perf_counter()
        if smoother is not None and pf.pose is not None:
            pf = PoseFrame(pf.index, pf.timestamp, smoother(pf.pose))
        fb = checker.update(pf) if checker else None
        tm.checking += time.perf_counter() - t0
        frames.append(pf)
        feedback.append(fb)
        return pf, fb

    try:
        if out is not None:
            from posecoach.outputs.video import VideoWriter

            draw = annotate or default_annotator(exercise)

            def render(item):
                image, pf = item
                pf, fb = follow(pf)
                return draw(image, pf.pose, fb)

            # Smoothing, checking, drawing and encoding all happen on the writer's thread, at idle priority: the
            # thread that waits for the model does nothing else (see VideoWriter's ``background``).
            writer = VideoWriter(out, source.fps, source.size, render=render, background=True, keep_partial=False)
        if cached_frames is not None and writer is None:
            # Everything we need is in the cache: no decoding at all.
            for pf in cached_frames:
                follow(pf)
                if progress:
                    progress.update()
        else:
            from posecoach.smoothing import make_smoother

            timed = _TimedSource(source)
            if cached_frames is None:
                estimator = PoseEstimator.create_from_options(replace(opts, smoothing="none"))
                smoother = make_smoother(opts.smoothing)  # cached landmarks come smoothed already

            def prepare(fr):
                # On the decoding thread: the model's input (an RGB copy in MediaPipe's buffer) is made ahead.
                if estimator is None:
                    return fr, None
                t0 = time.perf_counter()
                made = estimator.model_input(fr)
                timed.seconds += time.perf_counter() - t0
                return fr, made

            prefetch = Prefetch(timed, prepare=prepare)
            it = iter(prefetch)
            while True:
                t0 = time.perf_counter()
                item = next(it, None)
                tm.waiting_for_frames += time.perf_counter() - t0
                if item is None:
                    break
                frame, model_input = item
                item = None  # so that the model input's last reference is the one handed to dispose()
                t0 = time.perf_counter()
                if cached_frames is not None:
                    pf = cached_frames[frame.index] if frame.index < len(cached_frames) else \
                        PoseFrame(frame.index, frame.timestamp, None)
                else:
                    # The raw pose goes to the cache; the smoothed one to the checker and the overlay.
                    pf = PoseFrame(frame.index, frame.timestamp, estimator.estimate(frame, model_input))
                    prefetch.dispose(model_input)
                    del model_input
                    raw.append(pf)
                tm.inference += time.perf_counter() - t0
                if writer is not None:
                    writer.write((frame.image, pf))
                else:
                    follow(pf)
                if progress:
                    progress.update()
            tm.decode = timed.seconds
        completed = True
    finally:
        # Stop the decoder thread and the model even when an exception (or Ctrl+C) ends the loop early.
        if prefetch is not None:
            prefetch.close()
        if estimator is not None:
            estimator.close()
        if writer is not None:
            t0 = time.perf_counter()
            writer.close(keep=completed)  # an unfinished analysis leaves no truncated video behind
            tm.finishing_video = time.perf_counter() - t0
            tm.drawing = writer.busy - tm.checking
            tm.waiting_for_writer = writer.waited
    cache_warning = landmark_cache.try_save(cache_path, raw) if raw and cache_path is not None and completed else None
    result = checker.finish() if checker else None
    tm.wall = time.perf_counter() - t_start
    from posecoach.quality import notes

    return Analysis(video=video, exercise=exercise, frames=frames, fps=source.fps, size=source.size,
                    feedback=feedback, result=result, timings=tm, cached=cached_frames is not None,
                    notes=notes(frames, source.fps, source.frame_count, [cache_warning] if cache_warning else []))


def default_annotator(exercise: str | None = None):
    """The coaching overlay (skeleton, checked joints, counter, hold timer, cues) as ``f(img, pose, feedback)``."""
    from posecoach.render.overlay import CoachOverlay

    overlay = CoachOverlay()
    return lambda img, pose, fb: overlay.annotate(img, pose, fb)
