"""Which way the movement is going, in the exercise's own words (deep breathing: "inhale" / "exhale").

A spec with ``movement_names`` (the way toward the top, the way back) gets the name of the current direction
each frame, so a pacing guide can say "breathe in" while the chest rises and "breathe out" while it falls. The
direction is the change of progress p over the last ``movement_window`` seconds, not the instantaneous speed:
a breath's 3-4 s of steady change stands out of the landmarks' frame-to-frame jitter, and a name changes only
when the other direction's change passes the dead band (hysteresis). In a pause (at the top, or at rest) the
last name stays. The checker only names the phase; drawing a guide is the overlay's job.
"""
from __future__ import annotations

import math
from collections import deque

from .spec import ExerciseSpec
from .tuning import DEFAULT_TUNING, CheckerTuning


class MovementPhase:
    """The current direction's name ("" until the first clear movement in position, or when none is named)."""

    def __init__(self, spec: ExerciseSpec, tuning: CheckerTuning = DEFAULT_TUNING):
        self.names = tuple(spec.movement_names)
        self.window = tuning.movement_window
        self.dead_band = tuning.movement_dead_band
        self.reset()

    def reset(self) -> None:
        self.current = ""
        self._hist: deque[tuple[float, float]] = deque()

    def step(self, t: float, p: float, in_position: bool) -> str:
        if len(self.names) != 2:
            return ""
        if not in_position:
            self.reset()
            return ""
        if math.isnan(p):
            return self.current
        self._hist.append((t, p))
        while len(self._hist) > 2 and self._hist[1][0] <= t - self.window:
            self._hist.popleft()
        t0, p0 = self._hist[0]
        if t - t0 < 0.5 * self.window:
            return self.current
        change = p - p0
        if change > self.dead_band:
            self.current = self.names[0]
        elif change < -self.dead_band:
            self.current = self.names[1]
        return self.current
