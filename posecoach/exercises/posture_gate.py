"""Is the person in the exercise's position? The spec's posture test, filtered, with hysteresis.

A posture test answers per frame from noisy landmarks; one bad frame must not throw a person out of position,
and a person half-way into position must not flicker in and out. The yes/no answers go through an exponential
filter and the gate opens above ``posture_enter`` and closes below ``posture_exit``.
"""
from __future__ import annotations

import math

from .body import Body
from .guards import safe_call
from .spec import ExerciseSpec
from .tuning import DEFAULT_TUNING, CheckerTuning


class PostureGate:
    """``update(body, dt) -> in_position`` for one spec's posture test."""

    def __init__(self, spec: ExerciseSpec, tuning: CheckerTuning = DEFAULT_TUNING):
        self.spec = spec
        self.tuning = tuning
        self.reset()

    def reset(self) -> None:
        self.in_position = False
        self._ema = 0.0
        self._seen = False

    def update(self, body: Body, dt: float) -> bool:
        # a posture test may answer None ("can't tell from what is visible"): the last answer then stands
        ok = True if self.spec.posture is None else safe_call(self.spec.posture, body)
        return self.step(ok, dt)

    def step(self, ok: bool | None, dt: float) -> bool:
        """Feed one answer of the posture test (None: no answer) ``dt`` seconds after the last."""
        tu = self.tuning
        a = 1.0 - math.exp(-dt / tu.posture_tau) if dt > 0 else 1.0
        if ok is not None:
            if not self._seen:  # the first answer is taken as it is, not eased in from "no"
                self._ema = 1.0 if ok else 0.0
                self._seen = True
            self._ema += a * ((1.0 if ok else 0.0) - self._ema)
        self.in_position = self._ema > (tu.posture_exit if self.in_position else tu.posture_enter)
        return self.in_position
