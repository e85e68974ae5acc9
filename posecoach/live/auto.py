"""``live --auto``: which exercise is the person doing? The streaming recogniser (recognition/stream.py) watches
the smoothed poses; when it settles on an exercise other than the one being checked, the coach switches to it.

A switch needs the recogniser's own hysteresis (its label changes only after several decisions in a row) and a
confidence of at least ``min_confidence``; "rest" and "other" never switch (a person resting between sets keeps
their exercise). The recogniser alone is right on about 87 % of the real clips (bench/results/recognition.md,
before the look-alike rules of ``analyze``), so the exercise is shown as recognised, and ``--exercise`` always
wins over it. Of the look-alike rules (recognition/lookalikes.py) the push-up one needs only the last seconds of
pose, so it applies here too: a cobra whose hips rose and fell with the shoulders is a push-up. (The others
need a checker's replay of a whole segment.)
"""
from __future__ import annotations

from collections import deque

from posecoach.pose import PoseFrame
from posecoach.recognition.lookalikes import COBRA, PUSHUP, moves_as_one_board
from posecoach.recognition.model import OTHER, REST

RECENT = 18.0  # seconds of pose the push-up rule looks at: three of its 6 s windows, a few reps
RECHECK = 0.5  # seconds between push-up checks


class AutoExercise:
    def __init__(self, recogniser=None, min_confidence: float = 0.5):
        from posecoach.exercises import list_exercises
        from posecoach.recognition.stream import Recogniser

        self.recogniser = recogniser if recogniser is not None else Recogniser()
        self.min_confidence = min_confidence
        self.known = {s.id for s in list_exercises()}
        self.current: str | None = None
        self._recent: deque[PoseFrame] = deque()
        self._checked = (float("-inf"), False)  # (when, answer) of the last push-up check

    def __call__(self, frame: PoseFrame) -> str | None:
        """Feed one smoothed frame; returns an exercise id to switch to, or None to carry on."""
        self._recent.append(frame)
        while self._recent and self._recent[0].timestamp < frame.timestamp - RECENT:
            self._recent.popleft()
        rec = self.recogniser(frame)
        label = rec.label
        if label == COBRA and rec.confidence >= self.min_confidence and self._one_board(frame.timestamp):
            label = PUSHUP
        if (not label or label in (REST, OTHER) or label not in self.known or label == self.current
                or rec.confidence < self.min_confidence):
            return None
        self.current = label
        return label

    def _one_board(self, now: float) -> bool:
        """``moves_as_one_board`` over the recent poses, recomputed at most every ``RECHECK`` s (the live loop
        should not pay for it on every frame)."""
        if now - self._checked[0] >= RECHECK:
            self._checked = (now, moves_as_one_board([f.pose for f in self._recent if f.pose is not None]))
        return self._checked[1]
