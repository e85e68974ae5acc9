"""A whole recorded routine: recognise the segments, then count each one with its own checker.

Works on the raw poses of an analysis (from the landmark cache or the pass just made): they are smoothed once
for recognition, and each exercise segment is replayed through a fresh ``FrameStep`` with that exercise's
checker, exactly as ``analyze --exercise`` would run it on that stretch alone. Each segment is widened by
``PAD`` seconds into neighbouring rest (never into another exercise), so a boundary placed a little late does
not cut off the first rep.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from posecoach.pose import PoseFrame
from posecoach.recognition.model import RecognitionModel, load_model
from posecoach.recognition.stream import Segment, segment_frames

PAD = 1.5  # seconds


@dataclass
class RoutineSection:
    segment: Segment
    start: float  # the stretch the checker saw (the segment widened into neighbouring rest)
    end: float
    report: dict  # exercises.report_dict of that stretch


def recognise_routine(raw_frames: Iterable[PoseFrame], *, model: RecognitionModel | None = None,
                      smoothing: str = "one_euro", checker_settings: dict | None = None,
                      fps: float = 30.0) -> tuple[list[Segment], list[RoutineSection]]:
    """(every segment, including rest and other; one section per exercise segment, counted by its checker)."""
    from posecoach.exercises import make_checker, report_dict
    from posecoach.frame_step import FrameStep

    model = model or load_model()
    raw = list(raw_frames)
    step = FrameStep(None, smoothing)
    smoothed = [step(f).frame for f in raw]
    segments = segment_frames(smoothed, model)
    sections = []
    for i, seg in enumerate(segments):
        if not seg.is_exercise:
            continue
        lo = seg.start - (PAD if i > 0 and not segments[i - 1].is_exercise else 0.0)
        hi = seg.end + (PAD if i + 1 < len(segments) and not segments[i + 1].is_exercise else 0.0)
        part = [f for f in raw if lo <= f.timestamp < hi]
        st = FrameStep(make_checker(seg.label, **(checker_settings or {})), smoothing)
        for f in part:
            st(f)
        result = st.finish()
        rep = report_dict(result, frames=len(part), fps=fps, duration=hi - lo)
        rep.update(segment_start=round(seg.start, 2), segment_end=round(seg.end, 2),
                   confidence=round(seg.confidence, 3))
        sections.append(RoutineSection(seg, lo, hi, rep))
    return segments, sections
