"""Which cue is on screen: the latest one of at least the current one's priority, until it expires.

Counts (priority 3) beat form faults (2), which beat position and info cues (1); a lower-priority cue only
replaces a higher one after that one's time is up, so "Keep your back flat" is not wiped by "Good, hold it".
"""
from __future__ import annotations

from .events import Cue
from .tuning import DEFAULT_TUNING, CheckerTuning


class CueBoard:
    def __init__(self, tuning: CheckerTuning = DEFAULT_TUNING):
        self.tuning = tuning
        self.reset()

    def reset(self) -> None:
        self._cue: Cue | None = None
        self._until = -1e9

    def say(self, cue: Cue, hold_for: float | None = None) -> None:
        """Offer a cue; it shows for ``hold_for`` seconds (default ``cue_seconds``) if it wins the screen."""
        if self._cue is None or cue.priority >= self._cue.priority or cue.time >= self._until:
            self._cue = cue
            self._until = cue.time + (self.tuning.cue_seconds if hold_for is None else hold_for)

    def withdraw(self, cue: Cue | None) -> None:
        """Take a cue off the screen early because what it said is no longer true ("Good, hold it" after the
        hold has ended)."""
        if cue is not None and self._cue is cue:
            self._cue = None

    def current(self, t: float) -> Cue | None:
        """The cue on screen at time ``t``, if any."""
        return self._cue if (self._cue is not None and t <= self._until) else None
