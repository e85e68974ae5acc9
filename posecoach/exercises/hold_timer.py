"""Hold time: time in the target posture, inside tolerance and still.

A hold starts when the posture is reached (progress at least ``hold_threshold``) and still; it lasts while
progress stays above ``hold_exit_threshold`` (hysteresis). For a hold exercise small drift is allowed; a pause at
the top of a rep also ends when the movement resumes. A breaking fault or leaving the position stops the clock,
and a gap longer than the spec's ``hold_grace`` closes the hold. Only spans of at least ``min_hold`` count.
"""
from __future__ import annotations

from .events import Cue, Hold
from .spec import ExerciseSpec
from .tuning import DEFAULT_TUNING, CheckerTuning


class HoldTimer:
    def __init__(self, spec: ExerciseSpec, tuning: CheckerTuning = DEFAULT_TUNING):
        self.spec = spec
        self.tuning = tuning
        self.reset()

    def reset(self) -> None:
        self._start: float | None = None  # first and last frame inside the zone
        self._last: float | None = None
        self._announced = False
        self._side = "n/a"
        self.cue: Cue | None = None  # the hold's own cue, withdrawn from the screen when the hold ends

    @property
    def is_open(self) -> bool:
        """In the zone for at least ``min_hold``: the person is holding (and the clock shows it)."""
        return self._start is not None and self._last is not None and self._last - self._start >= self.spec.min_hold

    @property
    def seconds(self) -> float:
        """Length of the current hold (0 while none is open)."""
        return self._last - self._start if self.is_open else 0.0

    def step(self, t: float, side: str, *, in_position: bool, broken: bool, p_hold: float,
             speed: float) -> list[Cue | Hold]:
        """One frame with a valid key value. ``broken``: a fault that breaks holds is active. ``p_hold``:
        progress judged against the spec's tolerance. Returns the events of this frame."""
        sp = self.spec
        # hold time needs the posture, not a completed setup (a person may start a session in the stretch)
        allowed = in_position and not broken
        if self._start is None:
            in_zone = allowed and p_hold >= sp.hold_threshold and abs(speed) <= sp.still_speed
        elif sp.kind == "hold":
            in_zone = allowed and p_hold >= sp.hold_exit_threshold
        else:  # a pause at the top of a rep ends when the movement resumes
            in_zone = (allowed and p_hold >= sp.hold_exit_threshold
                       and abs(speed) <= self.tuning.pause_exit_speed * sp.still_speed)
        if in_zone:
            if self._start is None:
                self._start = t
                self._side = side
                self._announced = False
            self._last = t
            if self.is_open and not self._announced:
                self._announced = True
                if sp.kind != "reps":
                    tgt = f" for {sp.target_hold:g} seconds" if sp.target_hold else ""
                    self.cue = Cue(t, f"Good, hold it{tgt}. Keep breathing.", "info", 1)
                    return [self.cue]
            return []
        if self._start is not None and t - self._last > sp.hold_grace:
            return self.close()
        return []

    def close(self, until: float | None = None) -> list[Hold]:
        """End the hold under way, if any; it counts if it lasted ``min_hold``. ``until``: at the end of the
        input, the time the hold may run to (within ``hold_grace`` of its last frame in the zone)."""
        if self._start is None:
            return []
        end = self._last
        if until is not None:
            end = max(end, min(until, self._last + self.spec.hold_grace))
        out = []
        if end - self._start >= self.spec.min_hold:
            out.append(Hold(start=round(self._start, 3), end=round(end, 3),
                            side=self._side if self.spec.one_sided else "n/a"))
        self._start = None
        self._last = None
        return out
