"""The pause at the top of each counted rep, timed from the rep's own samples once the rep is counted.

The guides ask for a pause at the top of most of these exercises ("lift, hold 3-5 s, lower slowly"). Timed live,
frame by frame (``HoldTimer``), a pause starts when the smoothed speed falls under ``still_speed`` and ends when it
rises again: both the landmark smoothing and the key signal's smoothing lag, most at the slow start of the way
out, so a 1 s pause after a brisk lift was never still for ``min_hold`` and timed nothing (synth_dev: 25 of the
33 rep clips with paused tops timed under 15 % of their pause time), and a pause of a reading that never reaches
the spec's hold zone (a smaller range) was not timed at all.

Here the pause is found after the fact, when the rep is counted, on the rep's own samples of the key measure
(the raw reading, before the key signal's causal smoothing): its speed from a zero-phase Savitzky-Golay
derivative (scipy: no lag either way), the level it was held at (the highest smoothed reading of the rep), and
the pause as the stretch around the rep's own top where the person was still (under a share of the rep's
fastest speed), near the level held, in position and with no breaking fault. A pause shorter than the spec's
``min_hold`` is none, and so is one of a rep the key measure did not follow (it moved less than the least range
that is a movement at all: a rep the periodicity counter saw end-on). Its grade is the rep's: a rep counted on
the person's own, smaller range (graded "attempt") held ``"shallow"``, counted and told as such, as a hold
exercise's stays at the person's own depth are (``shallow_hold.py``); any other rep reached the top, whatever a
foreshortening view reads. Only exercises whose guides ask for a hold at the top (a ``target_hold``) time one.
The live timer still runs the clock on screen and tells the rep tally where a rep was held; at the end of the
source ``joined`` puts both into the record (the live hold_total of the last frame can be shorter than it).

Pure: numpy and scipy, no OpenCV, no I/O.
"""
from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, replace

import numpy as np

from .events import Hold, Rep
from .own_range import OwnRangeOptions
from .spec import ExerciseSpec


@dataclass(frozen=True)
class TopPauseOptions:
    """Chosen on the *tune* half of the dev clips, synth_dev and the synthetic oracle's sequences
    (bench/grid_pauses.py); never on *check* or the stress set."""

    rate: float = 20.0  # Hz the rep's samples are resampled to
    window: float = 0.3  # seconds: the Savitzky-Golay window of the speed (7 samples at 20 Hz: 0.35 s)
    # Still: moving at most ``rel`` of the rep's own fastest speed (scale-free: a brisk lift and a slow, small one
    # alike), and within ``band`` of the rep's travel of the level held (a slow drift of the held top is still the
    # top: a level band of 0.05 cut the synthetic cobra's sinking holds in half). rel 0.25 suits the people who
    # labelled the real clips (tune 6 of 10 against 4), who mark the rounded top of a rep that never quite stops,
    # but over-times the eased ends of the script's exact pauses (oracle 58 of 84 against 60); 0.15 gains on all
    # three sets and breaks no oracle case (bench/grid_pauses.py). No absolute floor (half the spec's still_speed was
    # tried): it moved no case of the three sets, and made the turn at the top of a slow rep with no pause a pause
    # of a second or more.
    rel: float = 0.15
    still: float = 0.0
    band: float = 0.5
    around: float = 0.25  # the top is looked for within this share of the rep's span of its own peak
    fast: float = 100.0  # percentile of the rep's speeds taken as its fastest
    keep: float = 180.0  # seconds of samples kept (a rep counted later than this gets no pause timed)


class TopPause:
    """Buffers the key measure; ``rep_counted`` finds the pause at the top of a counted rep; ``joined`` puts the
    pauses found into the record with the live timer's."""

    def __init__(self, spec: ExerciseSpec, options: TopPauseOptions | None = None):
        self.spec = spec
        self.options = options or TopPauseOptions()
        self.reset()

    @staticmethod
    def wanted(spec: ExerciseSpec) -> bool:
        """Whether the exercise's pause at the top is timed at all: a rep exercise whose guides ask for a hold
        (``target_hold``) within its range (deep breathing and the back roll set ``hold_from`` past it: a breath's
        top or a roll's far point is not a hold)."""
        return spec.kind != "hold" and bool(spec.target_hold) and spec.hold_threshold <= 1.0

    def reset(self) -> None:
        self._t: deque[float] = deque()
        self._p: deque[float] = deque()  # progress of the raw reading (NaN: not in position, or a breaking fault)
        self.found: list[Hold] = []  # the pauses found so far, none overlapping another

    def step(self, t: float, p_raw: float, ok: bool) -> None:
        """One frame with a valid key value: ``p_raw`` the progress of the unsmoothed reading; ``ok`` in position
        with no breaking fault (a frame that is not ok breaks a pause)."""
        self._t.append(t)
        self._p.append(p_raw if ok else math.nan)
        while self._t and self._t[0] < t - self.options.keep:
            self._t.popleft()
            self._p.popleft()

    def cut(self) -> None:
        """A new shot: its readings are not comparable with the old shot's."""
        self._t.clear()
        self._p.clear()

    def rep_counted(self, rep: Rep) -> None:
        """Find the pause at the top of ``rep`` (a counted rep), if it paused there for ``min_hold``."""
        if not rep.complete or not self._t:
            return
        span = _pause(np.fromiter(self._t, float), np.fromiter(self._p, float), rep, self.spec, self.options)
        if span is None or any(overlaps(h, *span) for h in self.found):
            return  # (two reps whose spans overlap, a periodic one's a whole period, may share a top: once)
        self.found.append(Hold(start=round(span[0], 3), end=round(span[1], 3),
                               side=rep.side if self.spec.one_sided else "n/a",
                               grade="shallow" if rep.grade == "attempt" else ""))

    def joined(self, timed: list[Hold]) -> list[Hold]:
        """The record: the live timer's holds (``timed``) and the pauses found. A found pause that overlaps live
        holds replaces them if it is longer than they are together, else they stay; their union would be too long
        (the timer's hold is the same pause, a little late). The two miss in opposite ways: the live timer catches
        a long hold whose wobble breaks up the still test (a knee hugged for 10 s while breathing), the pauses found
        here the short ones the timer's lag hid. A found pause that replaces a hold the live timer saw in the
        exercise's zone is in the zone too."""
        out = list(timed)
        for f in self.found:
            over = [h for h in out if overlaps(h, f.start, f.end)]
            if not over:
                out.append(f)
            elif f.seconds > sum(h.seconds for h in over):
                grade = "" if any(h.grade == "" for h in over) else f.grade
                out = [h for h in out if h not in over] + [replace(f, grade=grade)]
        return sorted(out, key=lambda h: h.start)


def overlaps(h: Hold, start: float, end: float) -> bool:
    """Whether hold ``h`` shares time with the span [start, end] (touching is not sharing)."""
    return h.start < end and start < h.end


def _pause(t: np.ndarray, p: np.ndarray, rep: Rep, spec: ExerciseSpec,
           o: TopPauseOptions) -> tuple[float, float] | None:
    """(start, end) of the still stretch around the top of ``rep``, or None."""
    from scipy.signal import savgol_filter  # (imported on first use: a checker is made before any rep)

    # the speed is taken over the rep's span widened by the filter's window, where the samples allow, so that the
    # filter's fitted edges (an extra frame there moved a synthetic bridge's fastest speed from 10.9 to 8.4) fall
    # outside the span judged
    keep = (t >= rep.start - o.window) & (t <= rep.end + o.window)
    tk, pk = t[keep], p[keep]
    good = np.isfinite(pk)
    if good.sum() < 4:
        return None
    grid = np.arange(tk[0], tk[-1] + 1e-9, 1.0 / o.rate)
    n = int(o.window * o.rate) // 2 * 2 + 1
    if len(grid) < n:
        return None  # shorter than the speed's window: no pause of min_hold fits in it either
    tg = tk[good]
    pg = np.interp(grid, tg, pk[good])
    # a grid point with no ok frame within a frame gap of it (out of position, a breaking fault, a dropout) is
    # no pause
    i = np.clip(np.searchsorted(tg, grid), 1, len(tg) - 1)  # (at least 4 good samples: see above)
    nearest = np.minimum(np.abs(grid - tg[i - 1]), np.abs(grid - tg[i]))
    near_ok = nearest <= max(float(np.median(np.diff(tk))), 1.0 / o.rate) * 1.5
    near_ok &= (grid >= rep.start) & (grid <= rep.end)  # judged on the rep's own span
    smooth = savgol_filter(pg, n, 2)
    speed = savgol_filter(pg, n, 2, deriv=1, delta=1.0 / o.rate)
    # the rep's own top: the highest reading near its peak (a periodic rep's span, a whole period, may reach the
    # neighbouring rep's top)
    reach = o.around * (rep.end - rep.start)
    near_top = near_ok & (np.abs(grid - rep.peak) <= reach)
    if not near_top.any():
        return None
    top = int(np.argmax(np.where(near_top, smooth, -np.inf)))
    level = float(smooth[top])
    low, high = float(np.min(np.where(near_ok, smooth, np.inf))), float(np.max(np.where(near_ok, smooth, -np.inf)))
    travel = level - low
    if level < high - o.band * (high - low):
        return None  # the peak is not at the top of its span: a periodic peak at the rest, not a pause at the top
    # how far the key measure moved in this rep: the rep's own account where it has one (from its low point at
    # home, which its span may not hold: a rule rep starts where it left the start zone), else what its span shows
    moved = next((x for x in (rep.travel, rep.range_share) if math.isfinite(x)), travel)
    if not (moved >= OwnRangeOptions.min_range and travel > 0):
        return None  # the key measure did not follow this rep (counted from the whole body's motion, end-on)
    fast = float(np.percentile(np.abs(speed[near_ok]), o.fast))
    limit = max(o.still * spec.still_speed, o.rel * fast)
    still = near_ok & (np.abs(speed) <= limit) & (smooth >= level - o.band * travel)
    if not still[top]:
        # the top itself was a turn, not a pause; the pause (if any) is the still stretch nearest to it, near the
        # rep's peak
        idx = np.flatnonzero(still & near_top)
        if len(idx) == 0:
            return None
        top = int(idx[np.argmin(np.abs(idx - top))])
    # grow both ways over still samples, bridging breaks shorter than the spec's grace (jitter, one bad frame)
    gap = max(1, int(spec.hold_grace * o.rate))
    lo = hi = top
    while True:
        nxt = next((k for k in range(hi + 1, min(len(grid), hi + 1 + gap)) if still[k]), None)
        if nxt is None:
            break
        hi = nxt
    while True:
        prv = next((k for k in range(lo - 1, max(-1, lo - 1 - gap), -1) if still[k]), None)
        if prv is None:
            break
        lo = prv
    a, b = float(grid[lo]), float(grid[hi])
    return (a, b) if b - a >= spec.min_hold else None
