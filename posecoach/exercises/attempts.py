"""Attempts on the person's own range: a rise of the key measure between counted reps that went part of the way.

The rule counter reports an attempt only past the spec's ``partial_min`` (a fixed share of the nominal range, from
the spec's start). A person whose reps start below the spec's start (a cobra lying flat reads -0.7) or whose
full reps overshoot the top (a squat reads 1.6) makes a half-way rep that never reaches that line: it went
unreported, so "3 reps" hid the ones the person tried and gave up half way. Here an attempt is judged against
the person's own reps in this session: a rise between two counted reps (or just after the last one), in position
and in one shot, that travels at least ``share`` of their median travel, lasts at least ``min_duration`` of their
median time above half way, and comes back, is an attempt (``Rep`` with ``complete=False``, grade "partial",
source "range"). Both are measured the same way for reps and attempts: from the lowest point before the peak
(since the previous rep) and at half the rise. It never changes the count.

Only between reps the session has counted (``min_reps`` of them, so their travel is known): before the first
one the person is getting into position, and a long gap (over ``max_gap`` of their reps' spacing) is a
rest, where movement is not an attempt. Decided once, when the source ends: the periodicity counter may still
count a rep in a gap after the rules have moved on, and an attempt said live could not be taken back. Pure: no
OpenCV, no I/O.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .events import Rep
from .spec import ExerciseSpec
from .tally_rules import overlap

BREAK_GAP = 0.5  # seconds without a reading (out of position, no pose, no key value) that end a stretch


@dataclass(frozen=True)
class AttemptOptions:
    """Chosen on the synthetic oracle's sequences, the dev clips' *tune* half and the synthetic dev set."""

    share: float = 0.3  # an attempt rises at least this share of the person's median rep travel
    min_duration: float = 0.5  # ... and stays above half its rise at least this share of their reps' time there
    min_reps: int = 2  # counted reps before attempts are judged (their travel is the yardstick)
    max_gap: float = 2.5  # spacings of the reps (peak to peak): a longer gap between counted reps is a rest
    tail: float = 1.5  # spacings after the last counted rep in which an attempt may still come


class AttemptFinder:
    """Keeps the progress trace while the person is in position; ``decide`` returns the attempts at the end."""

    def __init__(self, spec: ExerciseSpec, options: AttemptOptions | None = None):
        self.spec = spec
        self.options = options or AttemptOptions()
        self.reset()

    def reset(self) -> None:
        self._t: list[float] = []
        self._p: list[float] = []
        self._side: list[str] = []
        self._run: list[int] = []  # stretch number: a new one after a break, a cut or (one-sided) a change of side
        self._broken = False
        self.found: list[Rep] = []  # kept apart from the tally's reps, so that its rules never see them

    def cut(self, t: float) -> None:
        """A camera cut: the trace before and after it are two shots, and a rise across it is not a movement."""
        self._broken = True

    def step(self, t: float, p: float, in_position: bool, side: str) -> None:
        """One frame with a valid key value (frames without one are not seen here: the time gap breaks the run)."""
        if self.spec.kind == "hold" or not in_position or not math.isfinite(p):
            self._broken = True
            return
        if self._t and (self._broken or t - self._t[-1] > BREAK_GAP
                        or (self.spec.one_sided and side != self._side[-1])):
            run = self._run[-1] + 1
        else:
            run = self._run[-1] if self._run else 0
        self._broken = False
        self._t.append(t)
        self._p.append(p)
        self._side.append(side)
        self._run.append(run)

    def record(self, reps: list[Rep]) -> list[Rep]:
        """The session's reps with the attempts found, in the order they happened."""
        return sorted(reps + self.found, key=lambda r: r.start)

    def decide(self, reps: list[Rep]) -> list[Rep]:
        """The attempts in the session, given every rep decided (counted or not); call once, at the end."""
        o = self.options
        done = sorted((r for r in reps if r.complete), key=lambda r: r.start)
        if len(done) < o.min_reps or not self._t:
            return []
        t, p, run = np.asarray(self._t), np.asarray(self._p), np.asarray(self._run)
        shapes = [self._shape(t, p, r, done[k - 1].end if k else r.start - r.duration) for k, r in enumerate(done)]
        travel = _median([s[0] for s in shapes])
        width = _median([s[1] for s in shapes])
        # the reps' spacing, peak to peak (the rules' spans are only the top of a rep): the shortest, since a rest
        # or an attempt between two reps only lengthens it
        usual = float(np.diff([r.peak for r in done]).min())
        if not (travel > 0 and width > 0 and usual > 0):
            return []
        out: list[Rep] = []
        for k, r in enumerate(done):
            if k + 1 < len(done):
                a, b = r.end, done[k + 1].start
                # a one-sided exercise's idle side reads its own p between reps (a lunge's back leg): only a gap
                # between two reps of one side is judged, on that side's readings
                if b - a > o.max_gap * usual or (self.spec.one_sided and done[k + 1].side != r.side):
                    continue
            else:
                a, b = r.end, r.end + o.tail * usual
            out += self._attempts_in(t, p, run, a, b, travel, width, reps + out, r.side)
        self.found = out
        return out

    def _attempts_in(self, t: np.ndarray, p: np.ndarray, run: np.ndarray, a: float, b: float, travel: float,
                     width: float, taken: list[Rep], side: str) -> list[Rep]:
        # scipy.signal is imported here, not at the top: see periodicity.preload (a checker's import stays light)
        from scipy.signal import find_peaks, peak_widths

        lo, hi = np.searchsorted(t, a), np.searchsorted(t, b, side="right")
        out = []
        for r in np.unique(run[lo:hi]):  # each unbroken stretch alone: a rise is seen whole or not at all
            idx = np.arange(lo, hi)[run[lo:hi] == r]
            if idx.size < 3 or (self.spec.one_sided and self._side[idx[0]] != side):
                continue
            seg_t, seg_p = t[idx], p[idx]
            # prominence: the rise above the higher of the two lows around the peak, so a rise that does not
            # come back (the stretch ended half way up) is not one
            peaks, props = find_peaks(seg_p, prominence=self.options.share * travel)
            if not peaks.size:
                continue
            half = peak_widths(seg_p, peaks, rel_height=0.5, prominence_data=(
                props["prominences"], props["left_bases"], props["right_bases"]))
            foot = peak_widths(seg_p, peaks, rel_height=0.9, prominence_data=(
                props["prominences"], props["left_bases"], props["right_bases"]))
            for i, k in enumerate(peaks):
                if _at(seg_t, half[3][i]) - _at(seg_t, half[2][i]) < self.options.min_duration * width:
                    continue  # a quick bump of jitter, not a movement made like a rep
                start, end = _at(seg_t, foot[2][i]), _at(seg_t, foot[3][i])
                rep = Rep(index=0, start=round(start, 3), peak=round(float(seg_t[k]), 3), end=round(end, 3),
                          side=side if self.spec.one_sided else "n/a", complete=False,
                          # from the spec's start, as for other reps (a rise from below it reaches less than 0)
                          range_of_motion=max(0.0, float(seg_p[k])) * abs(self.spec.top - self.spec.start),
                          source="range", range_share=round(max(0.0, float(seg_p[k])), 3), grade="partial",
                          travel=round(float(props["prominences"][i]), 3))
                if any(overlap(rep, x) or x.start <= rep.peak <= x.end for x in taken + out):
                    continue  # a rep or attempt already decided there
                out.append(rep)
        return out

    @staticmethod
    def _shape(t: np.ndarray, p: np.ndarray, r: Rep, since: float) -> tuple[float, float]:
        """A counted rep's rise (its peak above the lowest point since ``since``, the previous rep's end) and its
        time above half that rise, measured as an attempt's prominence and width are (scipy's ``peak_widths``)."""
        from scipy.signal import peak_widths  # lazily, as in _attempts_in

        a, b = np.searchsorted(t, since), np.searchsorted(t, r.end, side="right")
        if b - a < 3:
            return math.nan, math.nan
        k = a + int(np.argmax(p[a:b]))
        home = a + int(np.argmin(p[a:k + 1]))
        last = min(len(p), np.searchsorted(t, r.end + r.duration)) - 1  # the way down, not into the next rep
        rise = float(p[k] - p[home])
        if rise <= 0:  # no rise in this span (a periodic rep's window): no width either (scipy would warn)
            return rise, 0.0
        _, _, left, right = peak_widths(p, [k], rel_height=0.5, prominence_data=(
            np.array([rise]), np.array([home]), np.array([max(last, k)])))
        return rise, _at(t, right[0]) - _at(t, left[0])


def _at(t: np.ndarray, x: float) -> float:
    """The time at a fractional sample index (scipy's interpolated crossing)."""
    return float(np.interp(x, np.arange(t.size), t))


def _median(xs: list[float]) -> float:
    xs = [x for x in xs if math.isfinite(x)]
    return float(np.median(xs)) if xs else math.nan
