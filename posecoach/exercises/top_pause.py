"""The pause at the top of each counted rep, timed from the rep's own samples once the rep is counted.

The guides ask for a pause at the top of most of these exercises ("lift, hold 3-5 s, lower slowly"). Timed live,
frame by frame (``HoldTimer``), a pause starts when the smoothed speed falls under ``still_speed`` and ends when it
rises again: both the landmark smoothing and the key signal's smoothing lag, most at the slow start of the way
out, so a 1 s pause after a brisk lift was never still for ``min_hold`` and timed nothing (synth_dev: 33 of 36
rep clips with paused tops got under 15 % of their hold time), and a pause of a reading that never reaches the
spec's hold zone (a smaller range) was not timed at all.

Here the pause is found after the fact, when the rep is counted, on the rep's own samples of the key measure
(the raw reading, before the key signal's causal smoothing): its speed from a zero-phase Savitzky-Golay
derivative (scipy: no lag either way), the level it was held at (the highest smoothed reading of the rep), and
the pause as the stretch around that top where the person was still (under a share of the rep's own fastest
speed), near the level held, in position and with no breaking fault. A pause shorter than the spec's
``min_hold`` is none. Its grade is that of the level held: in the spec's hold zone, a full hold; short of it (a
rep on the person's own, smaller range), ``"shallow"``, counted and told as such, as a hold exercise's stays at
the person's own depth are (``shallow_hold.py``). The live timer still runs the clock on screen and tells the
rep tally where a rep was held; ``joined`` puts both into the record at the end of the source.

Pure: numpy and scipy, no OpenCV, no I/O.
"""
from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import numpy as np

from .events import Hold, Rep
from .spec import ExerciseSpec


@dataclass(frozen=True)
class TopPauseOptions:
    """Chosen on the *tune* half of the dev clips, synth_dev and the synthetic oracle's sequences
    (bench/bench_pauses.py, tests/test_synth_oracle.py); never on *check* or the stress set."""

    rate: float = 20.0  # Hz the rep's samples are resampled to
    window: float = 0.3  # seconds: the Savitzky-Golay window of the speed
    # Still: moving at most ``rel`` of the rep's own fastest speed (scale-free: a brisk lift and a slow, small one
    # alike), never less than ``still`` times the spec's ``still_speed`` (a rep without noise); and within ``band``
    # of the rep's travel of the level held (a slow drift of the held top is still the top: a level band of 0.05
    # cut the synthetic cobra's sinking holds in half). rel 0.25 suits the people who labelled the real clips (tune
    # 7 of 11), who mark the rounded top of a rep that never quite stops, but over-times the eased ends of the
    # script's exact pauses (8 oracle cases newly 16-21 % long); 0.15 gains on all three sets and breaks none.
    rel: float = 0.15
    still: float = 0.5
    band: float = 0.5
    keep: float = 180.0  # seconds of samples kept: a rep counted later than this (at the end of a long
    # session, from the rhythm) gets no pause timed


class TopPause:
    """Buffers the rep's samples; ``rep_counted`` finds the pause at the top of a counted rep; ``joined`` puts the
    pauses found into the record with the live timer's."""

    def __init__(self, spec: ExerciseSpec, options: TopPauseOptions | None = None):
        self.spec = spec
        self.options = options or TopPauseOptions()
        self.reset()

    def reset(self) -> None:
        self._t: deque[float] = deque()
        self._p: deque[float] = deque()  # progress of the raw reading (NaN: not in position, or a breaking fault)
        self.found: list[Hold] = []  # the pauses found so far

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
        span = _pause(np.fromiter(self._t, float), np.fromiter(self._p, float), rep.start, rep.end,
                      self.spec, self.options)
        if span is not None:
            start, end, level = span
            self.found.append(Hold(start=round(start, 3), end=round(end, 3),
                                   side=rep.side if self.spec.one_sided else "n/a",
                                   grade="" if level >= self.spec.hold_threshold else "shallow"))

    def joined(self, timed: list[Hold]) -> list[Hold]:
        """The record: the live timer's holds (``timed``) and the pauses found, where they overlap the longer of the
        two. They miss in opposite ways: the live timer catches a long hold whose wobble breaks up the still test
        (a knee hugged for 10 s while breathing), the pauses found here catch the short ones the timer's lag hid.
        Their union would be too long: the timer's hold is the same pause, a little late."""
        out: list[Hold] = []
        mine = [(h, 0) for h in timed if h.grade != "pose"] + [(h, 1) for h in self.found]
        cluster: list[tuple[Hold, int]] = []
        for h, k in sorted(mine, key=lambda x: x[0].start) + [(None, -1)]:
            if cluster and (h is None or h.start > max(c.end for c, _ in cluster)):
                parts = [[c for c, j in cluster if j == 0], [c for c, j in cluster if j == 1]]
                out += max(parts, key=lambda hs: sum(c.seconds for c in hs))
                cluster = []
            if h is not None:
                cluster.append((h, k))
        return sorted(out + [h for h in timed if h.grade == "pose"], key=lambda h: h.start)


def _pause(t: np.ndarray, p: np.ndarray, start: float, end: float, spec: ExerciseSpec,
           o: TopPauseOptions) -> tuple[float, float, float] | None:
    """(start, end, level) of the still stretch around the top of the rep spanning [start, end], or None."""
    from scipy.signal import savgol_filter

    keep = (t >= start) & (t <= end)
    if keep.sum() < 4:
        return None
    tk, pk = t[keep], p[keep]
    grid = np.arange(tk[0], tk[-1] + 1e-9, 1.0 / o.rate)
    if len(grid) < 5:
        return None
    good = np.isfinite(pk)
    if good.sum() < 4:
        return None
    pg = np.interp(grid, tk[good], pk[good])
    # a grid point with no ok frame within a frame gap of it (out of position, a breaking fault, a dropout) is
    # no pause
    tg = tk[good]
    i = np.clip(np.searchsorted(tg, grid), 1, len(tg) - 1)
    nearest = np.minimum(np.abs(grid - tg[i - 1]), np.abs(grid - tg[i]))
    near_ok = nearest <= max(float(np.median(np.diff(tk))), 1.0 / o.rate) * 1.5
    n = int(o.window * o.rate) // 2 * 2 + 1
    if len(grid) >= n and n >= 5:
        smooth = savgol_filter(pg, n, 2)
        speed = savgol_filter(pg, n, 2, deriv=1, delta=1.0 / o.rate)
    else:
        smooth, speed = pg, np.gradient(pg, 1.0 / o.rate)
    top = int(np.argmax(np.where(near_ok, smooth, -np.inf)))
    level = float(smooth[top])
    travel = level - float(np.min(smooth))
    if not travel > 0:
        return None
    limit = max(o.still * spec.still_speed, o.rel * float(np.max(np.abs(np.where(near_ok, speed, 0.0)))))
    still = near_ok & (np.abs(speed) <= limit) & (smooth >= level - o.band * travel)
    if not still[top]:
        # the top itself was a turn, not a pause; the pause (if any) is the still stretch nearest to it
        idx = np.flatnonzero(still)
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
    if b - a < spec.min_hold:
        return None
    return a, b, float(np.median(smooth[lo:hi + 1]))
