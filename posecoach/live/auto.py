"""``live --auto``: which exercise is the person doing? The streaming recogniser (recognition/stream.py) watches
the smoothed poses; when it settles on an exercise other than the one being checked, the coach switches to it.

A switch needs the recogniser's own hysteresis (its label changes only after several decisions in a row) and a
confidence of at least ``min_confidence``; "rest" and "other" never switch (a person resting between sets keeps
their exercise). Recognition is 77 % right on real clips (bench/results/recognition.md), so the exercise is shown
as recognised, and ``--exercise`` always wins over it.
"""
from __future__ import annotations

from posecoach.pose import PoseFrame
from posecoach.recognition.model import OTHER, REST


class AutoExercise:
    def __init__(self, recogniser=None, min_confidence: float = 0.5):
        from posecoach.exercises import list_exercises
        from posecoach.recognition.stream import Recogniser

        self.recogniser = recogniser if recogniser is not None else Recogniser()
        self.min_confidence = min_confidence
        self.known = {s.id for s in list_exercises()}
        self.current: str | None = None

    def __call__(self, frame: PoseFrame) -> str | None:
        """Feed one smoothed frame; returns an exercise id to switch to, or None to carry on."""
        rec = self.recogniser(frame)
        label = rec.label
        if (not label or label in (REST, OTHER) or label not in self.known or label == self.current
                or rec.confidence < self.min_confidence):
            return None
        self.current = label
        return label
