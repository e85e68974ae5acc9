"""Reps that look alike but keep no beat: sets with rests between them, a pause now and then.

The periodicity counter (``periodicity.py``) trusts a window only when it matches itself at one lag (the period),
and counts peaks at least 0.6 of that period apart. A person who does two or three reps, rests, and goes on
breaks both: the window's autocorrelation stays under its threshold (reps 6, 11 and 6 s apart), or the best lag
is a whole set (reps 1.6 s apart in sets 9.3 s apart), and the set's later reps are never peaks. Yet each rep is
still the same movement: a rise of about the same size and length, from the same pose and back.

So, over the counter's whole buffer at the end of the source, this finds the prominent rises of one channel (the
same prominence rule as the periodicity counter: a share of the signal's robust range, never under the channel's
floor) and keeps the largest group of them alike in rise and in duration (each within ``alike_ratio`` of one
member's, both ways). At least ``alike_min`` alike rises are reps; fewer are a gesture or two. Spacing is free.
Nothing here is per exercise. The tally (``rep_tally.py``) counts these only where nothing else counted.

scipy's ``find_peaks`` and ``peak_widths`` measure the rises; what no library does is the grouping, a few lines.
Pure: no OpenCV, no I/O.
"""
from __future__ import annotations

import numpy as np

from .periodic_signal import range_around
from .periodicity import PeriodicityOptions, PeriodicRep


def alike_reps(grid: np.ndarray, sig: np.ndarray, floor: float, options: PeriodicityOptions, channel: str,
               key: np.ndarray | None = None) -> list[PeriodicRep]:
    """The largest group of alike rises in ``sig`` (sampled on ``grid`` at ``options.rate``), as reps: each one's
    top, a period of twice its half-height width (the span a rep of that rise takes), and as its confidence the
    share of all the prominent rises that are alike (1: every rise in the clip is one of these reps)."""
    from scipy.signal import find_peaks, peak_widths  # lazily, as in periodicity.preload()

    o = options
    if len(sig) < 4 or not np.isfinite(sig).all():
        return []
    lo, hi = np.percentile(sig, [5, 95])
    prominence = max(o.rel_prominence * float(hi - lo), floor)
    if not prominence > 0:
        return []
    # no spacing but the fastest plausible rep's (find_peaks' distance): the rests decide nothing here
    peaks, props = find_peaks(sig, prominence=prominence, distance=max(1, int(0.6 * o.min_period * o.rate)))
    if len(peaks) < o.alike_min:
        return []
    rise = props["prominences"]
    width = peak_widths(sig, peaks, rel_height=0.5,
                        prominence_data=(rise, props["left_bases"], props["right_bases"]))[0] / o.rate
    r = o.alike_ratio

    def alike(i: int, j: int) -> bool:
        return r <= rise[j] / rise[i] <= 1.0 / r and r <= width[j] / max(width[i], 1e-9) <= 1.0 / r

    group = max(([j for j in range(len(peaks)) if alike(i, j)] for i in range(len(peaks))), key=len)
    # a rise longer than the slowest plausible rep is a change of position, not a rep
    group = [j for j in group if width[j] <= o.max_period]
    if len(group) < o.alike_min:
        return []
    share = round(len(group) / len(peaks), 3)
    span = max(float(hi - lo), 1e-9)
    return [PeriodicRep(peak=round(float(grid[peaks[j]]), 3), period=round(2.0 * float(width[j]), 3),
                        confidence=share, channel=channel, prominence=round(float(rise[j]) / span, 3),
                        key_range=range_around(key, int(peaks[j]), max(1, int(width[j] * o.rate))))
            for j in group]
