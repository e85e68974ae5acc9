"""The one per-frame step every path shares: raw pose -> smoother -> exercise checker -> ``FrameResult``.

``analyze`` and the benchmarks drive it; the outputs (annotated video, report clip, CSV, frame log) are sinks fed
with its results, so a frame is smoothed and checked once, in one place, whatever is written. The landmark cache
stores raw poses only, and smoothing happens here and nowhere else, so a cached clip and a fresh one go through
exactly the same step.

    step = FrameStep(make_checker("glute_bridge"), smoothing="one_euro")
    for raw in raw_frames:            # PoseFrame, pose as the model gave it (None: nobody)
        r = step(raw)                 # FrameResult: raw, smoothed pose, the checker's Feedback
    result = step.finish()            # SessionResult (None without a checker)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from posecoach.pose import Pose, PoseFrame
from posecoach.smoothing import make_smoother


@dataclass(frozen=True)
class FrameResult:
    """What the pipeline concluded about one frame."""

    index: int
    timestamp: float
    raw: Pose | None  # as the model gave it (what the landmark cache stores)
    pose: Pose | None  # smoothed: what the checker judged and the overlay draws
    feedback: object | None = None  # exercises.events.Feedback, when an exercise is checked

    @property
    def frame(self) -> PoseFrame:
        """The smoothed pose as a ``PoseFrame`` (what checkers and reports take)."""
        return PoseFrame(self.index, self.timestamp, self.pose)


class FrameStep:
    """Smooth then check one raw frame at a time, in frame order (the smoother and the checker keep state)."""

    def __init__(self, checker=None, smoothing: str | Callable = "one_euro"):
        self.checker = checker  # may be swapped between frames (live: the current set's checker), or None
        self._smooth = make_smoother(smoothing)
        self._finished = None

    def reset(self) -> None:
        """Start smoothing (and looking for cuts) afresh, e.g. when the camera restarts."""
        self._smooth.reset()

    def __call__(self, raw: PoseFrame) -> FrameResult:
        pose = self._smooth(raw.pose) if raw.pose is not None else None
        fb = self.checker.update(PoseFrame(raw.index, raw.timestamp, pose)) if self.checker is not None else None
        return FrameResult(raw.index, raw.timestamp, raw.pose, pose, fb)

    def finish(self):
        """The checker's ``SessionResult`` (None without a checker); safe to call more than once."""
        if self._finished is None and self.checker is not None:
            self._finished = self.checker.finish()
        return self._finished

    def run(self, raw_frames: Iterable[PoseFrame]) -> Iterator[FrameResult]:
        for raw in raw_frames:
            yield self(raw)


def replay(raw_frames: Iterable[PoseFrame], make_step: Callable[[], FrameStep], indices) -> dict[int, FrameResult]:
    """The results of the frames at ``indices``, recomputed by a fresh step from the raw poses.

    Smoothing and checking are deterministic, so this gives the very results the pass gave, without keeping every
    frame's result in memory for the few that a report shows (stops after the last index wanted).
    """
    want = set(int(i) for i in indices)
    out: dict[int, FrameResult] = {}
    if not want:
        return out
    last = max(want)
    step = make_step()
    for raw in raw_frames:
        r = step(raw)
        if raw.index in want:
            out[raw.index] = r
        if raw.index >= last:
            break
    return out
