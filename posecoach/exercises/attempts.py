"""Attempts on the person's own range: a rise of the key measure between counted reps that went part of the way.

The rule counter reports an attempt only past the spec's ``partial_min`` (a fixed share of the nominal range, from
the spec's start). A person whose reps start below the spec's start (a cobra lying flat reads -0.7) or whose
full reps overshoot the top (a squat reads 1.6) makes a half-way rep that never reaches that line: it went
unreported, so "3 reps" hid the two the person tried and gave up half way. Here an attempt is judged against the
person's own reps in this session: a rise between two counted reps (or just after the last one) that travels at
least ``share`` of their median travel and comes back, in position, is an attempt (``Rep`` with
``complete=False``, grade "partial", source "range"). It never changes the count.

Only between reps the session has counted (``min_reps`` of them, so their travel is known): before the first
one the person is getting into position, and a long gap (over ``max_gap`` of their median rep's duration) is a
rest, where movement is not an attempt. The gap before a rep is judged when that rep is counted; the stretch after
the last one when it is over (``tail`` rep durations later) or at the end of the source. Pure: no OpenCV, no I/O.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.signal import find_peaks

from .events import Rep
from .spec import ExerciseSpec
from .tally_rules import overlap


@dataclass(frozen=True)
class AttemptOptions:
    """Chosen on the synthetic oracle's partial-range clips and the dev clips' *tune* half."""

    share: float = 0.3  # an attempt travels at least this share of the person's median rep travel
    min_reps: int = 2  # counted reps before attempts are judged (their travel is the yardstick)
    max_gap: float = 5.0  # rep durations: a longer gap between counted reps is a rest
    tail: float = 2.5  # rep durations after the last counted rep in which an attempt may still come
    min_duration: float = 0.5  # an attempt lasts at least this share of the person's median rep


class AttemptFinder:
    """Keeps the progress trace while the person is in position; ``decide`` returns the attempts found so far."""

    def __init__(self, spec: ExerciseSpec, options: AttemptOptions | None = None):
        self.spec = spec
        self.options = options or AttemptOptions()
        self.reset()

    def reset(self) -> None:
        self._t: list[float] = []
        self._p: list[float] = []
        self._side: list[str] = []
        self._judged: set[float] = set()  # gaps judged, by the end of the rep that opens them
        self._cuts: list[float] = []
        self.found: list[Rep] = []  # kept apart from the tally's reps, so that its rules never see them

    def cut(self, t: float) -> None:
        """A camera cut: the trace before and after it are two shots, and a rise across it is not a movement."""
        self._cuts.append(t)

    def step(self, t: float, p: float, in_position: bool, side: str) -> None:
        if in_position and math.isfinite(p) and self.spec.kind != "hold":
            self._t.append(t)
            self._p.append(p)
            self._side.append(side)

    def record(self, reps: list[Rep]) -> list[Rep]:
        """The session's reps with the attempts found, in the order they happened; an attempt where a rep was
        counted after it was found (a periodic run rescued it) is that rep."""
        counted = [r for r in reps if r.complete]
        return sorted(reps + [a for a in self.found if not any(overlap(a, r) for r in counted)],
                      key=lambda r: r.start)

    def decide(self, reps: list[Rep], now: float, final: bool = False) -> list[Rep]:
        """New attempts in the gaps that can be judged now, given every rep decided so far (counted or not)."""
        o = self.options
        done = sorted((r for r in reps if r.complete), key=lambda r: r.start)
        if len(done) < o.min_reps or not self._t:
            return []
        t, p = np.asarray(self._t), np.asarray(self._p)
        travel = _median([self._travel(t, p, r) for r in done])
        usual = _median([r.duration for r in done])
        if not (travel > 0 and usual > 0):
            return []
        out: list[Rep] = []
        for k, r in enumerate(done):
            if r.end in self._judged:
                continue
            if k + 1 < len(done):
                a, b = r.end, done[k + 1].start
                # a one-sided exercise's idle side reads its own p between reps (a lunge's back leg): only a gap
                # between two reps of one side is judged, on that side's readings
                if b - a > o.max_gap * usual or (self.spec.one_sided and done[k + 1].side != r.side):
                    self._judged.add(r.end)
                    continue
            else:
                a, b = r.end, r.end + o.tail * usual
                if not final and now < b:
                    continue
            self._judged.add(r.end)
            out += self._attempts_in(t, p, a, b, travel, usual, reps + self.found + out, r.side)
        self.found += out
        return out

    def _attempts_in(self, t: np.ndarray, p: np.ndarray, a: float, b: float, travel: float, usual: float,
                     taken: list[Rep], side: str) -> list[Rep]:
        lo, hi = np.searchsorted(t, a), np.searchsorted(t, b, side="right")
        keep = np.arange(lo, hi)
        if self.spec.one_sided:
            keep = keep[[self._side[i] == side for i in keep]]
        if keep.size < 3:
            return []
        seg_t, seg_p = t[keep], p[keep]
        # prominence: the rise above the lower of the two homes around it, so a rise that does not come back
        # (the source ended half way up) is not one
        peaks, props = find_peaks(seg_p, prominence=self.options.share * travel)
        out = []
        for i, k in enumerate(peaks):
            start, end = seg_t[props["left_bases"][i]], seg_t[props["right_bases"][i]]
            if end - start < max(self.spec.min_rep_seconds_count, self.options.min_duration * usual):
                continue  # a quick bump of jitter, not a movement begun like a rep
            peak_t = float(seg_t[k])
            if any(r.start <= peak_t <= r.end or start <= r.peak <= end for r in taken + out):
                continue  # a rep or attempt already decided there
            if any(start <= c <= end for c in self._cuts):
                continue
            share = float(seg_p[k])
            out.append(Rep(index=0, start=round(float(start), 3), peak=round(peak_t, 3), end=round(float(end), 3),
                           side=side if self.spec.one_sided else "n/a", complete=False,
                           range_of_motion=share * (self.spec.top - self.spec.start), source="range",
                           range_share=round(share, 3), grade="partial",
                           travel=round(float(props["prominences"][i]), 3)))
        return out

    @staticmethod
    def _travel(t: np.ndarray, p: np.ndarray, r: Rep) -> float:
        """How far a counted rep rose: from its lowest point on the way up to its highest (unclamped: a start
        below the spec's is part of the person's travel)."""
        a, k, b = np.searchsorted(t, [r.start, r.peak, r.end], side="left")
        b = np.searchsorted(t, r.end, side="right")
        k = max(k, a + 1)
        return float(p[a:b].max() - p[a:k].min()) if b > a else math.nan


def _median(xs: list[float]) -> float:
    xs = [x for x in xs if math.isfinite(x)]
    return float(np.median(xs)) if xs else math.nan
