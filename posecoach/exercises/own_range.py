"""A rule counter on the person's own range: the exercise's zones applied to where this person's key measure
actually goes in this session, not where the spec expects it.

The rule counter's zones are fixed shares of the spec's nominal range, measured from a start that may adapt only
a little (``baseline_limits``). A person filmed from an angle the spec did not foresee (a push-up seen obliquely
from the floor reads a start half a range below the spec's), or who rests between reps at a height the spec
calls half-way (a bridge that never lowers fully), never crosses those zones and gets nothing. Here the start
and the top are learned from the person: the ``low`` and ``high`` percentiles of progress over the last
``window`` seconds, and progress is re-read as q = (p - start) / (top - start). The same rep machine (leave / full
/ back, hysteresis, setup) runs on q. The learned range must be at least ``min_range`` of the nominal range (the
spec's limit: fidgeting is not a range), and its reps report their reach in the spec's own terms (``range_share``
and range of motion in the measure's units), so a small range is told as such ("attempt").

When the posture gate has refused the person for ``refused_after`` seconds in a row, this counter listens anyway
(the view or the variant may defeat the posture test); the tally then asks for periodic support before such a rep
counts. Pure: no OpenCV, no I/O.
"""
from __future__ import annotations

import dataclasses
import math
from collections import deque
from dataclasses import dataclass

import numpy as np

from .events import Rep
from .rule_counter import RepEnd, RuleRepCounter
from .spec import ExerciseSpec
from .tuning import DEFAULT_TUNING, CheckerTuning


@dataclass(frozen=True)
class OwnRangeOptions:
    """Chosen on the dev clips' *tune* half and the synthetic dev set (never on *check* or the stress set)."""

    window: float = 30.0  # seconds of progress the range is learned from
    low: float = 5.0  # percentile of progress taken as the person's start
    high: float = 95.0  # ... and as their top
    min_range: float = 0.4  # the learned range must span at least this share of the nominal range
    refused_after: float = 4.0  # seconds of a shut posture gate after which this counter listens anyway
    every: float = 0.25  # seconds between updates of the learned range (percentiles are not free)


class OwnRangeCounter:
    """Feeds the rule machine with progress re-read against the person's learned range; returns ``Rep``s."""

    def __init__(self, spec: ExerciseSpec, tuning: CheckerTuning = DEFAULT_TUNING,
                 options: OwnRangeOptions | None = None):
        self.spec = spec
        self.options = options or OwnRangeOptions()
        # the setup only asks for a moment at the learned start; the spec's own setup already ran on the rules
        self.counter = RuleRepCounter(dataclasses.replace(spec, setup_seconds=min(spec.setup_seconds, 0.25)),
                                      tuning)
        self.reset()

    def reset(self) -> None:
        self.counter.reset()
        self._hist: deque[tuple[float, float]] = deque()
        self._lo = math.nan
        self._hi = math.nan
        self._next = -math.inf
        self._refused_since: float | None = None
        self.refused = False  # the posture gate has refused the person for a while: listening anyway
        self._peak_p = -math.inf  # highest nominal progress of the rep under way

    @property
    def range(self) -> float:
        return self._hi - self._lo if math.isfinite(self._hi) else math.nan

    def step(self, t: float, dt: float, gap: float | None, p: float, speed: float, in_position: bool,
             side: str) -> list[Rep]:
        o = self.options
        if in_position:
            self._refused_since = None
            self.refused = False
        else:
            if self._refused_since is None:
                self._refused_since = t
            self.refused = t - self._refused_since >= o.refused_after
        listening = in_position or self.refused
        if listening:
            self._hist.append((t, p))
        while self._hist and self._hist[0][0] < t - o.window:
            self._hist.popleft()
        if t >= self._next and len(self._hist) >= 8:
            self._next = t + o.every
            lo, hi = np.percentile(np.fromiter((v for _, v in self._hist), float), [o.low, o.high])
            self._lo, self._hi = float(lo), float(hi)
        span = self.range
        if not (span >= o.min_range):
            q = 0.0  # no range of their own yet: at the start, as far as this counter knows
        else:
            q = (p - self._lo) / span
        if self.counter.rep is None:
            self._peak_p = -math.inf
        out = []
        for item in self.counter.step(t, dt, gap, q, speed / span if span > 0 else 0.0, listening, side):
            if isinstance(item, RepEnd):
                out.append(self._rep(item, p))
        if self.counter.rep is not None:
            self._peak_p = max(self._peak_p, p)
        return out

    def _rep(self, end: RepEnd, p_now: float) -> Rep:
        """The rep in the spec's terms: how far the key measure travelled, as a share of the nominal range."""
        sp = self.spec
        reach = max(self._peak_p, p_now) - self._lo
        r = end.rep
        return Rep(index=0, start=round(r.start, 3), peak=round(r.peak_t, 3), end=round(end.end, 3),
                   side=r.side if sp.one_sided else "n/a", complete=end.complete,
                   range_of_motion=float(reach * abs(sp.top - sp.start)), range_share=round(float(reach), 3),
                   source="rules")
