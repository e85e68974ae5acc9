"""Wiring: source -> pose tracking -> the per-frame step -> sinks (annotated video, report clip, CSV, frame log).

One driver loop for every case (landmarks from the model or from the cache, with or without videos to draw): the
decoder thread is the source, the model runs here, ``FrameStep`` smooths and checks each frame once, and each
``FrameResult`` fans out to the sinks; drawing and encoding happen on the video writers' threads. Nothing grows
with the video's length but the ``FrameLog`` (~20 bytes a frame): raw poses go to a temporary file on disk (for
the cache and for the report's thumbnails), CSV rows to another.

Plain functions that the CLI (and tests) call; none of them parse arguments or print, except through the
``progress`` object they are given. What they return, ``Analysis``, is in ``analysis.py``.
"""
from __future__ import annotations

import time
from pathlib import Path

from posecoach.analysis import Analysis, Timings
from posecoach.estimation import EstimatorOptions, PoseEstimator
from posecoach.atomic import OutputError
from posecoach.frame_step import FrameResult, FrameStep
from posecoach.outputs.frame_log import FrameLog
from posecoach.pose import PoseFrame
from posecoach.sources import AnalysisRate, Prefetch, VideoFile

__all__ = ["Analysis", "Timings", "analyze", "default_annotator"]  # Analysis and Timings live in analysis.py


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


class _VideoSink:
    """A video output fed with (image, FrameResult): drawn and encoded on the writer's idle-priority thread."""

    def __init__(self, path, fps: float, size: tuple[int, int], draw, *, max_width: int | None = None,
                 what: str = "annotated video"):
        import cv2

        from posecoach.outputs.video import VideoWriter

        w, h = size
        if max_width and w > max_width:  # the report's clip: scaled before drawing, so the text suits its size
            size = (max_width, int(round(h * max_width / w / 2)) * 2)

        def render(item):
            image, r = item
            if (image.shape[1], image.shape[0]) != size:
                image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
            return draw(image, r.pose, r.feedback)

        self.path = Path(path)
        self.writer = VideoWriter(path, fps, size, render=render, keep_partial=False, what=what)

    def add(self, result: FrameResult, image) -> None:
        self.writer.write((image, result))

    def close(self, keep: bool) -> None:
        self.writer.close(keep=keep)


def analyze(video: str | Path, exercise: str | None = None, *, out: str | Path | None = None,
            clip: str | Path | None = None, csv: str | Path | None = None,
            estimator_options: EstimatorOptions | None = None, checker_settings: dict | None = None,
            use_cache: bool = True, progress=None, annotate=None, keep_frames: bool = True,
            analysis_fps: float | None = None, workers: int = 1) -> Analysis:
    """Run the whole offline pipeline over a video file, in one pass.

    Outputs written during the pass: ``out`` (the annotated video), ``clip`` (the browser-playable .webm the HTML
    report embeds, at most 960 px wide), ``csv`` (per-frame angles); each is complete under its name or absent.
    One that cannot be written (a full disk) is dropped and named in ``Analysis.failed``; the analysis and the
    other outputs go on, so what could be written is.
    With ``use_cache`` the raw landmarks are read from (or written to) the landmark cache, so a second analysis
    of the same clip skips the model. ``annotate(frame_image, pose, feedback) -> image`` draws each output frame;
    by default the coaching overlay. ``keep_frames`` keeps every frame's result in memory (``Analysis.frames``,
    ``.feedback``); the CLI turns it off, so memory stays flat over long videos.

    ``analysis_fps``: run the model (and the checker) on at most this many frames a second, with their own
    timestamps; the frames in between are only grabbed from the decoder, never converted, unless a video is
    being written, where they are drawn with the latest analysed pose. None, or a rate at or above the video's,
    analyses every frame.

    ``workers`` > 1: when the model has to run (no cache entry) and no video is written, the clip's timeline is
    tracked in up to that many chunks in parallel processes (``parallel_tracking``; clips too short to pay for a
    process stay in one); the stitched raw poses then go through the same per-frame step as a cache hit. With a
    video to draw, the frames are decoded once for the model and the drawing together, in one process.
    """
    from posecoach import landmark_cache
    from posecoach.raw_log import RawPoseLog

    video = Path(video)
    source = VideoFile(video)
    opts = estimator_options or EstimatorOptions()
    rate = analysis_fps if analysis_fps and analysis_fps < source.fps * 0.999 else None
    settings = dict(checker_settings or {})

    def make_step() -> FrameStep:
        checker = None
        if exercise is not None:
            from posecoach.exercises import make_checker

            checker = make_checker(exercise, **settings)
        return FrameStep(checker, opts.smoothing)

    step = make_step()
    tm = Timings()
    t_start = time.perf_counter()
    cache_path = None
    cached = False
    if use_cache:
        from posecoach.models import resolve_model

        cache_path = landmark_cache.cache_path(video, resolve_model(opts.model), opts, rate)
        cached = landmark_cache.check(cache_path)

    from posecoach import parallel_tracking

    chunks = parallel_tracking.plan(source.duration, workers) if not (cached or out or clip) else []
    log = FrameLog()
    kept: list[FrameResult] | None = [] if keep_frames else None
    raw_log = None if cached else RawPoseLog()
    sinks: list = []
    csv_sink = None
    prefetch = None
    estimator = None
    tracked = None
    tracking = None  # the report's account of a parallel tracking: chunks, seams, and whether it was used
    completed = False

    failed: dict = {}

    def drop(sink, error) -> None:
        """An output that cannot be written (a full disk...) is removed and reported; the others go on."""
        failed[sink.path] = error
        sinks.remove(sink)
        try:
            sink.close(keep=False)
        except OutputError:
            pass

    def feed(r: FrameResult, image) -> None:
        for s in list(sinks):
            try:
                s.add(r, image)
            except OutputError as e:
                drop(s, e)

    last = [None, -1]  # the latest FrameResult (drawn on frames in between analysed ones), the last frame index

    def advance(index: int) -> None:
        if progress and tracked is None:  # parallel tracking reported its own progress
            progress.update(index - last[1])
        last[1] = index

    def between(index: int, timestamp: float, image) -> None:
        """A frame the model skipped: the videos show it with the latest analysed pose and feedback."""
        feed(last[0] or FrameResult(index, timestamp, None, None, None), image)
        advance(index)

    def follow(raw: PoseFrame, image) -> None:
        t0 = time.perf_counter()
        r = step(raw)
        last[0] = r
        tm.checking += time.perf_counter() - t0
        log.add(r)
        if kept is not None:
            kept.append(r)
        if csv_sink is not None:
            csv_sink.add(r)
        feed(r, image)
        advance(raw.index)

    try:
        if out is not None:
            sinks.append(_VideoSink(out, source.fps, source.size, annotate or default_annotator(exercise)))
        if clip is not None and (out is None or Path(clip).resolve() != Path(out).resolve()):
            sinks.append(_VideoSink(clip, source.fps or 30.0, source.size, annotate or default_annotator(exercise,
                                    show_fps=False), max_width=960, what="report's clip"))
        if csv is not None:
            from posecoach.outputs.csv import AnglesCsv

            csv_sink = AnglesCsv(csv)
        video_frames = None
        if len(chunks) > 1:  # tracked comes back None when a seam disagreed about who is tracked: one pass below
            from posecoach.exercises.periodicity import preload  # the checker's imports, while the workers start

            tracked, tracking = parallel_tracking.track_agreed(video, opts, rate, chunks, progress, preload)
        if tracked is not None:  # raw poses from the chunks' workers, then the one step, as from the cache
            for raw in tracked.frames():
                raw_log.append(raw)
                follow(raw, None)
            video_frames = tracked.decoded
            tm.inference, tm.decode = tracked.inference, tracked.decode
        elif cached and not sinks:
            # Everything we need is in the cache: no decoding at all.
            for raw in landmark_cache.iter_raw(cache_path):
                follow(raw, None)
            video_frames = landmark_cache.decoded_frames(cache_path)
        else:
            # With a video to draw every frame is converted, and the selection happens here; without one the
            # decoder only converts the frames kept (VideoFile.frames).
            select = AnalysisRate(rate) if rate and sinks else None
            timed = _TimedSource(source.frames(AnalysisRate(rate) if rate and not sinks else None))
            cached_raw = landmark_cache.iter_raw(cache_path) if cached else None
            if not cached:
                estimator = PoseEstimator.create_from_options(opts)

            def prepare(fr):
                # On the decoding thread: the model's input (an RGB copy in MediaPipe's buffer) is made ahead.
                chosen = select is None or select(fr.timestamp)
                if estimator is None or not chosen:
                    return fr, None, chosen
                t0 = time.perf_counter()
                made = estimator.model_input(fr)
                timed.seconds += time.perf_counter() - t0
                return fr, made, chosen

            prefetch = Prefetch(timed, prepare=prepare)
            it = iter(prefetch)
            while True:
                t0 = time.perf_counter()
                item = next(it, None)
                tm.waiting_for_frames += time.perf_counter() - t0
                if item is None:
                    break
                frame, model_input, chosen = item
                item = None  # so that the model input's last reference is the one handed to dispose()
                if not chosen:
                    between(frame.index, frame.timestamp, frame.image)
                    continue
                t0 = time.perf_counter()
                if cached_raw is not None:
                    raw = next(cached_raw, None) or PoseFrame(frame.index, frame.timestamp, None)
                else:
                    raw = PoseFrame(frame.index, frame.timestamp, estimator.estimate(frame, model_input))
                    prefetch.dispose(model_input)
                    del model_input
                    raw_log.append(raw)
                tm.inference += time.perf_counter() - t0
                w0 = sum(s.writer.waited for s in sinks)
                follow(raw, frame.image)
                tm.waiting_for_writer += sum(s.writer.waited for s in sinks) - w0
            tm.decode = timed.seconds
            video_frames = source.decoded
        completed = True
    finally:
        # Stop the decoder thread and the model even when an exception (or Ctrl+C) ends the loop early.
        if tracked is not None:
            tracked.close()
        if prefetch is not None:
            prefetch.close()
        if estimator is not None:
            estimator.close()
        t0 = time.perf_counter()
        busy = sum(s.writer.busy for s in sinks)
        try:
            for s in list(sinks):  # an unfinished analysis leaves no truncated video behind
                try:
                    s.close(keep=completed)
                except OutputError as e:
                    if not completed:
                        raise
                    failed[s.path] = e
            if csv_sink is not None and completed:
                try:
                    csv_sink.commit()
                except OutputError as e:
                    failed[Path(csv)] = e
        finally:
            if csv_sink is not None:
                csv_sink.discard()
            tm.finishing_video = time.perf_counter() - t0
            tm.drawing = max(busy, sum(s.writer.busy for s in sinks))
    cache_warning = None
    if raw_log is not None and len(raw_log) and cache_path is not None and completed:
        raw_log.decoded = video_frames
        cache_warning = landmark_cache.try_save(cache_path, raw_log)
    result = step.finish()
    tm.wall = time.perf_counter() - t_start
    from posecoach.quality import notes

    raw_again = (raw_log.frames if raw_log is not None else (lambda: landmark_cache.iter_raw(cache_path)))
    facts = step.checker.facts if step.checker is not None else None
    said = notes(log, source.fps, source.frame_count, [cache_warning] if cache_warning else [], decoded=video_frames)
    if tracking is not None:
        said["pose_tracking"] = tracking
    return Analysis(video=video, exercise=exercise, fps=source.fps, size=source.size, log=log, result=result,
                    facts=facts, video_frames=video_frames, analysis_fps=rate, timings=tm, cached=cached, kept=kept,
                    failed=failed, _raw=raw_again, _make_step=make_step, notes=said)


def default_annotator(exercise: str | None = None, show_fps: bool = True):
    """The coaching overlay (skeleton, checked joints, counter, hold timer, cues) as ``f(img, pose, feedback)``."""
    from posecoach.render.overlay import CoachOverlay

    overlay = CoachOverlay() if show_fps else CoachOverlay(show_fps=False)
    return lambda img, pose, fb: overlay.annotate(img, pose, fb)
