"""Holds at the person's own depth: a still, steady stay in the exercise's posture that never reaches the spec's
hold zone.

The spec's zone (``hold_from``, e.g. 0.9 of the nominal range for child's pose) is where a hold counts in full.
A person who folds less deep (stiff hips, a cushion, a camera angle that foreshortens the fold) and stays there,
still and in posture, got nothing and heard nothing: a silent zero. This part runs the same ``HoldTimer`` with
the zone moved down to the least range that is a stretch at all (``OwnRangeOptions.min_range``, the share of the
nominal range the own-range rep counter also requires: fidgeting is not a range) and the exit threshold scaled
by the spec's own ratio. A hold it finds counts, graded ``"shallow"``, only where the spec's timer counted
nothing at the same time (the spec's zone lies inside this one, so any full hold of the same stay has closed
first). Pure: no OpenCV, no I/O.
"""
from __future__ import annotations

import dataclasses

from .events import Cue, Hold
from .hold_timer import HoldTimer
from .own_range import OwnRangeOptions
from .spec import ExerciseSpec
from .tuning import DEFAULT_TUNING, CheckerTuning

SHALLOW_CUE_PRIORITY = 1


def shallow_spec(spec: ExerciseSpec, min_range: float = OwnRangeOptions.min_range) -> ExerciseSpec:
    """The spec with its hold zone at ``min_range`` of the nominal range (never above the spec's own zone)."""
    start = min(min_range, spec.hold_threshold)
    ratio = spec.hold_exit_threshold / spec.hold_threshold if spec.hold_threshold > 0 else 0.0
    return dataclasses.replace(spec, hold_from=start, hold_exit=start * ratio)


REST_WITHIN = 5.0
"""Seconds after a full hold within which a shallower stay on the same side is the rest after it."""


def rest_after_full(h: Hold, full_holds: list[Hold], within: float = REST_WITHIN) -> bool:
    """A shallower stay that begins soon after a full hold of the same side is the rest after that hold (sitting up
    after a seated hamstring stretch, kneeling up after a child's pose, still 0.4-0.5 of the range from an end-on
    camera: synth_dev 063 timed 7 s of it as a shallow hold), not a stretch the person cannot take deeper. Later,
    a shallower round (a tired second set) is a shallow hold as ever; so is the other side of a one-sided
    stretch, which may be the stiffer one."""
    return any(f.side == h.side and f.grade in ("", "full") and 0.0 <= h.start - f.end <= within
               for f in full_holds)


class ShallowHold:
    """Finds holds at the person's own, smaller depth; returns them graded, with one cue saying so."""

    def __init__(self, spec: ExerciseSpec, tuning: CheckerTuning = DEFAULT_TUNING):
        self.spec = spec
        self.timer = HoldTimer(shallow_spec(spec), tuning)

    def reset(self) -> None:
        self.timer.reset()

    def step(self, t: float, side: str, *, in_position: bool, broken: bool, p_hold: float, speed: float,
             full_holds: list[Hold], full_open: bool) -> list[Cue | Hold]:
        """One frame, after the spec's own timer has stepped (``full_holds``: the holds it has recorded,
        ``full_open``: whether it is timing one now)."""
        ended = [e for e in self.timer.step(t, side, in_position=in_position, broken=broken, p_hold=p_hold,
                                            speed=speed) if isinstance(e, Hold)]
        return self._keep(ended, full_holds, full_open)

    def open_seconds(self, full_holds: list[Hold], full_open: bool) -> float:
        """Length of the shallow hold under way, for the clock on screen: 0 unless it is open and would count
        (no full hold open now or recorded since it began)."""
        start = self.timer.started
        if full_open or not self.timer.is_open or start is None or any(f.end > start for f in full_holds):
            return 0.0
        return self.timer.seconds

    def close(self, full_holds: list[Hold], until: float | None = None) -> list[Cue | Hold]:
        return self._keep(self.timer.close(until=until), full_holds, False)

    def _keep(self, ended: list[Hold], full_holds: list[Hold], full_open: bool) -> list[Cue | Hold]:
        out: list[Cue | Hold] = []
        for h in ended:
            if full_open or any(f.start < h.end and h.start < f.end for f in full_holds):
                continue  # the person reached the full zone during this stay: the spec's hold is the record
            if rest_after_full(h, full_holds):
                continue
            out.append(dataclasses.replace(h, grade="shallow"))
            out.append(Cue(h.end, f"Held {h.seconds:.0f} s, but not as deep as this stretch asks: next time ease "
                                  f"a little further into it, only as far as is comfortable.", "form",
                           SHALLOW_CUE_PRIORITY))
        return out
