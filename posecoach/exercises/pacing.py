"""Which way the movement is going, in the exercise's own words (deep breathing: "inhale" / "exhale").

A spec with ``movement_names`` (the way toward the top, the way back) gets the name of the current direction
each frame, from the speed of progress p with a dead band, so a pacing guide can say "breathe in" while the
chest rises and "breathe out" while it falls. Between the two (a pause at the top or at rest) the last name
stays: a breath held after the inhale is still the inhale's end. The checker only names the phase; drawing a
guide is the overlay's job.
"""
from __future__ import annotations

import math

from .spec import ExerciseSpec
from .tuning import DEFAULT_TUNING, CheckerTuning


class MovementPhase:
    """The current direction's name ("" until the first clear movement, or when the spec names none)."""

    def __init__(self, spec: ExerciseSpec, tuning: CheckerTuning = DEFAULT_TUNING):
        self.names = tuple(spec.movement_names)
        self.dead_band = tuning.movement_dead_band
        self.reset()

    def reset(self) -> None:
        self.current = ""

    def step(self, p: float, speed: float, in_position: bool) -> str:
        if len(self.names) != 2 or not in_position or math.isnan(p) or math.isnan(speed):
            if not in_position:
                self.current = ""
            return self.current
        if speed > self.dead_band:
            self.current = self.names[0]
        elif speed < -self.dead_band:
            self.current = self.names[1]
        return self.current
