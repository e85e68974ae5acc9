"""What an offline analysis produced (``session.analyze``'s result): per-frame log, the checker's result and facts,
timings, and the report's fields. A record with a few views of it; the pass that fills it is in ``session.py``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from posecoach.frame_step import FrameResult, replay
from posecoach.outputs.frame_log import FrameLog
from posecoach.pose import PoseFrame


@dataclass
class Timings:
    """Where the wall time of an analysis went (seconds)."""

    wall: float = 0.0
    decode: float = 0.0  # decoding and making the model's input, on the decoder thread (overlaps the rest)
    inference: float = 0.0
    checking: float = 0.0  # smoothing and the checker (FrameStep), on the main thread
    drawing: float = 0.0  # overlay + encoding, on the writers' threads (overlaps the rest)
    waiting_for_frames: float = 0.0  # main thread blocked on the decoder
    waiting_for_writer: float = 0.0  # main thread blocked on a full queue of frames to draw and encode
    finishing_video: float = 0.0  # after the last frame: waiting for the videos to be drawn, encoded and closed

    def as_dict(self, frames: int) -> dict:
        d = {k: round(v, 3) for k, v in self.__dict__.items()}
        d["fps"] = round(frames / self.wall, 2) if self.wall > 0 else None
        return d


@dataclass
class Analysis:
    video: Path
    exercise: str | None
    fps: float
    size: tuple[int, int]
    log: FrameLog  # a few numbers per analysed frame: time, person found, key measure, joints out of range
    video_frames: int = 0  # frames the video had (decoded); the analysed ones are len(log)
    analysis_fps: float | None = None  # the model's rate when it skipped frames; None: every frame
    result: object | None = None  # exercises.events.SessionResult
    facts: object | None = None  # exercises.facts.ExerciseFacts of the checker that ran (targets after overrides)
    timings: Timings = field(default_factory=Timings)
    cached: bool = False
    notes: dict = field(default_factory=dict)  # quality.notes(): warnings, and the report fields behind them
    kept: list[FrameResult] | None = None  # every frame's result, when analyze(keep_frames=True)
    failed: dict = field(default_factory=dict)  # output path -> OutputError, for outputs the pass could not write
    _raw: object = None  # callable -> iterator of the raw PoseFrames again (for replay)
    _make_step: object = None

    @property
    def frames(self) -> list[PoseFrame]:
        """Every frame's smoothed pose (needs ``analyze(keep_frames=True)``, the default for library use)."""
        return [r.frame for r in self._kept()]

    @property
    def feedback(self) -> list:
        """Every frame's checker ``Feedback`` (or None), matching ``frames``."""
        return [r.feedback for r in self._kept()]

    def _kept(self) -> list[FrameResult]:
        if self.kept is None:
            raise RuntimeError("this analysis kept no per-frame results (analyze(..., keep_frames=False)); use "
                               ".log for per-frame series or .replay(indices) for a few frames")
        return self.kept

    def replay(self, indices) -> dict[int, FrameResult]:
        """The results of the frames at ``indices``, recomputed from the raw poses (see ``frame_step.replay``)."""
        if self.kept is not None:
            return {i: self.kept[i] for i in indices if 0 <= i < len(self.kept)}
        if self._raw is None:
            return {}
        return replay(self._raw(), self._make_step, indices)

    @property
    def duration(self) -> float:
        return self.video_frames / self.fps if self.fps else 0.0

    def report(self) -> dict:
        n = len(self.log)
        found = self.log.found
        frames = self.video_frames
        rep: dict = {}
        if self.result is not None:
            from posecoach.exercises import report_dict

            rep.update(report_dict(self.result, frames=frames, fps=self.fps, duration=self.duration,
                                   facts=self.facts))
        rep.update({
            "video": str(self.video),
            "exercise": self.exercise,
            "frames": frames,
            "fps": round(self.fps, 3),
            "duration": round(self.duration, 3),
            "frames_analysed": n,
            "analysis_fps": round(self.analysis_fps, 3) if self.analysis_fps else round(self.fps, 3),
            "frames_with_person": found,
            "detection_rate": round(found / n, 4) if n else 0.0,  # of the frames analysed
            "landmarks_from_cache": self.cached,
            "timings": self.timings.as_dict(frames),
            **self.notes,
        })
        return rep
