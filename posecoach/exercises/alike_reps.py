"""Reps that look alike but keep no beat: sets with rests between them, a pause now and then.

The periodicity counter (``periodicity.py``) trusts a window only when it matches itself at one lag (the period),
and counts peaks at least 0.6 of that period apart. A person who does two or three reps, rests, and goes on
breaks both: the window's autocorrelation stays under its threshold (reps 6, 11 and 6 s apart), or the best lag
is a whole set (reps 1.6 s apart in sets 9.3 s apart), and the set's later reps are never peaks. Yet each rep is
still the same movement: a rise of about the same size and length, from the same pose and back.

So, over the counter's whole buffer at the end of the source, this finds the prominent rises of one channel and
keeps the largest group of them alike in rise and in duration (each within ``alike_ratio`` of the group's
median, both ways). It asks more than the periodic path, which has the rhythm as evidence too: a rise of at least
``alike_floor`` times the channel's floor (a mid-hip sag of 0.04 torso lengths moves eleven joints' coordinates
and passes the floor itself), at least ``alike_min`` alike rises, and those alike rises most of the prominent ones
(``alike_share``: three alike among ten random ones are chance). Spacing is free. Nothing here is per exercise.
The tally (``rep_tally.py``) counts these only where nothing else counted.

scipy's ``find_peaks`` and ``peak_widths`` measure the rises; what no library does is the grouping, a few lines.
Pure: no OpenCV, no I/O.
"""
from __future__ import annotations

import numpy as np

from .periodic_signal import range_around
from .periodicity import PeriodicityOptions, PeriodicRep


def alike_group(rise: np.ndarray, width: np.ndarray, ratio: float) -> list[int]:
    """The largest group of rises alike in size and length: seeded by each rise in turn (the rises within
    ``ratio`` of it, both ways), then refined against the group's own median rise and width until it stops
    changing, so that its two ends cannot differ by ``ratio`` squared."""
    def near(r0: float, w0: float) -> list[int]:
        return [j for j in range(len(rise)) if ratio <= rise[j] / r0 <= 1.0 / ratio
                and ratio <= width[j] / max(w0, 1e-9) <= 1.0 / ratio]

    best: list[int] = []
    for i in range(len(rise)):
        group = near(rise[i], width[i])
        for _ in range(5):  # converges in one or two steps; bounded all the same
            refined = near(float(np.median(rise[group])), float(np.median(width[group]))) if group else []
            if refined == group:
                break
            group = refined
        if len(group) > len(best):
            best = group
    return best


def alike_reps(grid: np.ndarray, sig: np.ndarray, floor: float, options: PeriodicityOptions, channel: str,
               key: np.ndarray | None = None) -> list[PeriodicRep]:
    """The group of alike rises in ``sig`` (sampled on ``grid`` at ``options.rate``), as reps: each one's top, a
    period of twice its half-height width (the span a rep of that rise takes), and as its confidence the share of
    all the prominent rises that are alike (1: every rise in the clip is one of these reps)."""
    from scipy.signal import find_peaks, peak_widths  # lazily, as in periodicity.preload()

    o = options
    if len(sig) < 4 or not np.isfinite(sig).all():
        return []
    lo, hi = np.percentile(sig, [5, 95])
    prominence = max(o.rel_prominence * float(hi - lo), o.alike_floor * floor)
    if not prominence > 0:
        return []
    # no spacing but the fastest plausible rep's (find_peaks' distance): the rests decide nothing here
    peaks, props = find_peaks(sig, prominence=prominence, distance=max(1, int(0.6 * o.min_period * o.rate)))
    if len(peaks) < o.alike_min:
        return []
    rise = props["prominences"]
    width = peak_widths(sig, peaks, rel_height=0.5,
                        prominence_data=(rise, props["left_bases"], props["right_bases"]))[0] / o.rate
    # a rise longer than the slowest plausible rep is a change of position, not a rep: never one of the group
    plausible = np.flatnonzero(width <= o.max_period)
    group = [int(plausible[j]) for j in alike_group(rise[plausible], width[plausible], o.alike_ratio)]
    share = len(group) / len(peaks)
    if len(group) < o.alike_min or share < o.alike_share:
        return []
    span = max(float(hi - lo), 1e-9)
    return [PeriodicRep(peak=round(float(grid[peaks[j]]), 3), period=round(2.0 * float(width[j]), 3),
                        confidence=round(share, 3), channel=channel, prominence=round(float(rise[j]) / span, 3),
                        key_range=range_around(key, int(peaks[j]), max(1, int(width[j] * o.rate))))
            for j in group]
