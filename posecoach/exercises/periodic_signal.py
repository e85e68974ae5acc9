"""The periodicity counter's signal maths (``periodicity.py``): a window of samples onto a fixed grid, slow drift
removed, the main axis of motion, and the period as the lag at which the signal best matches itself.

Plain functions over numpy arrays, no state: the counter decides what a window is and what its peaks mean.
Pure: no OpenCV, no I/O.
"""
from __future__ import annotations

import math

import numpy as np


def autocorrelation_period(sig: np.ndarray, rate: float, min_period: float, max_period: float,
                           shortest_within: float = 1.0) -> tuple[float, float]:
    """The lag, within [min_period, max_period] seconds, at which ``sig`` best matches itself, and the normalised
    autocorrelation there (1 = perfectly periodic). Only a local maximum counts: a slow drift has a high
    autocorrelation at every short lag but no peak.

    A signal with period T also matches itself at 2T, 3T, ..., and the unbiased autocorrelation at a long lag
    (fewer, later products) can beat the one at T: reps of alternating depth, set-up or a rest between sets in the
    window, or plain noise. That is the octave error of pitch trackers, and here it counts every other rep. So the
    shortest local maximum at a whole fraction (1/2, 1/3, ...) of the best lag, give or take 12 %, that reaches
    ``shortest_within`` of the best is taken instead; 1.0 takes the best. (Pitch trackers such as YIN likewise take
    the first dip under a threshold rather than the deepest.)"""
    x = np.asarray(sig, float)
    x = x - x.mean()
    n = len(x)
    lo, hi = max(1, int(round(min_period * rate))), min(n - 2, int(round(max_period * rate)))
    if hi <= lo + 1 or not np.isfinite(x).all() or float(x @ x) <= 1e-12:
        return math.nan, 0.0
    f = np.fft.rfft(x, 2 * n)
    acf = np.fft.irfft(f * np.conj(f))[:n]
    acf = acf / np.arange(n, 0, -1)  # unbiased: each lag's mean product
    acf = acf / acf[0]
    # a lag needs at least one and a half periods of overlap to be trusted
    hi = min(hi, int(n / 1.5))
    if hi <= lo + 1:
        return math.nan, 0.0
    seg = acf[lo - 1:hi + 2]
    maxima = [i for i in range(1, len(seg) - 1) if seg[i] >= seg[i - 1] and seg[i] >= seg[i + 1] and seg[i] > 0.0]
    if not maxima:
        return math.nan, 0.0
    i = max(maxima, key=lambda k: seg[k])
    best = float(seg[i])
    top = lo - 1 + i
    for k in maxima:  # ascending lags: the first one at a whole fraction of the best lag, strong enough, wins
        lag = lo - 1 + k
        d = round(top / lag)
        if k < i and d >= 2 and abs(lag * d - top) <= 0.12 * top and seg[k] >= shortest_within * best:
            i = k
            break
    return (lo - 1 + i) / rate, float(seg[i])


def resample(t: np.ndarray, v: np.ndarray, grid: np.ndarray) -> np.ndarray | None:
    """Linear interpolation onto the grid (a gap is bridged by a straight line, which has no peak of its own).
    None when less than 60 % of the window is known."""
    ok = np.isfinite(v)
    if ok.mean() < 0.6 or ok.sum() < 4:
        return None
    out = np.interp(grid, t[ok], v[ok])
    return out


def range_around(sig: np.ndarray | None, i: int, half: int) -> float:
    if sig is None:
        return math.nan
    seg = sig[max(0, i - half):i + half + 1]
    return round(float(seg.max() - seg.min()), 3)


def resample_columns(t: np.ndarray, X: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Every column onto the grid at once (linear); a column's missing values are first filled from its known
    neighbours."""
    X = X.copy()
    for j in np.flatnonzero(~np.isfinite(X).all(axis=0)):
        ok = np.isfinite(X[:, j])
        X[:, j] = np.interp(t, t[ok], X[ok, j])
    i1 = np.clip(np.searchsorted(t, grid), 1, len(t) - 1)
    i0 = i1 - 1
    w = ((grid - t[i0]) / np.maximum(t[i1] - t[i0], 1e-9)).clip(0.0, 1.0)[:, None]
    return X[i0] * (1.0 - w) + X[i1] * w


def main_axis(R: np.ndarray, start: np.ndarray | None, iterations: int = 30) -> np.ndarray | None:
    """First principal axis of the (centred) window by power iteration on its covariance.

    Written out with einsum on purpose: numpy's SVD/eigh and matrix products go through a multi-threaded BLAS,
    which on a 2-core machine whose cores MediaPipe keeps busy took 100-270 ms per call instead of < 1 ms
    (measured). Starting from the previous window's axis keeps the axis (and its sign) continuous over time."""
    C = np.einsum("ti,tj->ij", R, R)
    if start is None or start.shape[0] != C.shape[0]:
        start = np.sqrt(np.einsum("ii->i", C))  # the most variable coordinates first
    v = start / max(float(np.sqrt(np.einsum("i,i->", start, start))), 1e-12)
    for _ in range(iterations):
        w = np.einsum("ij,j->i", C, v)
        norm = float(np.sqrt(np.einsum("i,i->", w, w)))
        if norm <= 1e-12:
            return None
        v = w / norm
    return v


def moving_mean(R: np.ndarray, width: int) -> np.ndarray:
    """Slow drift (shifting on the mat, a slowly moving handheld camera): a centred moving mean per column."""
    if width < 3 or width >= len(R):
        return np.broadcast_to(R.mean(axis=0), R.shape)
    pad = width // 2
    P = np.pad(R, ((pad + 1, width - 1 - pad), (0, 0)), mode="edge")
    c = np.cumsum(P, axis=0)
    return (c[width:] - c[:-width]) / width
