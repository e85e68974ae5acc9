"""A rep counter that needs no per-exercise thresholds: repetitions found as periodic motion of the whole body.

The rule counter (``rule_counter.py``) follows one key measure through fixed zones: it names phases and tells a full rep
from an attempt, but a gate it cannot open (a posture, a view, a range the spec did not foresee) refuses the
whole clip. This counter looks for what every repetition has in common whatever the variant or the camera: the
body goes through the same poses again and again.

Per frame it keeps a feature vector (``pose_features``: the visible body joints, hip-centred, in the image and,
when MediaPipe gives them, in world coordinates) and the exercise's own progress signal. Every ``hop`` seconds it
looks at a trailing window, resampled to a fixed rate:
  1. the main axis of motion of the pose features (first principal component of the window, after removing the
     slow drift of the person shifting on the mat), sign-aligned with the progress signal;
  2. for each channel (that axis, and the progress signal itself) the period, as the highest normalised
     autocorrelation inside a plausible rep-duration band (1.2-12 s for every exercise today)
     (AIFit and Hsu et al. use the same
     self-similarity idea on skeletons);
  3. reps as peaks of the most periodic channel, with a prominence relative to the person's own range in this
     window (so a small but real pelvic tilt counts) and never below a floor (so fidgeting does not).
A peak is committed once it is confirmed (the signal has come back down after it) and the window around it is
periodic; committed reps are never taken back, so live counts only ever go up. A rep is about one period late,
except the first few: a channel commits nothing until its window holds enough periods (the distance-from-rest
channel 2.3, ``excursion_cycles``).
A committed rep's confidence rises when later windows see it again with stronger periodicity.

The signal maths (resampling, drift, the main axis, the period) is in ``periodic_signal.py``. Everything is
numpy/scipy and pure: no OpenCV, no I/O. The same object runs live and offline.
"""
from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, replace

import numpy as np

from ..pose import Pose
from .periodic_signal import autocorrelation_period, main_axis, moving_mean, range_around, resample, resample_columns
from .pose_features import FEATURE_JOINTS, N_FEATURES, pose_features, reads_the_exercise, torso_length


def preload() -> None:
    """Import scipy.signal now (~0.6 s of CPU). It is imported on first use, so that making a checker stays cheap
    and ``analyze`` can pay for this while its pose tracking workers start (session.analyze)."""
    import scipy.signal  # noqa: F401



@dataclass(frozen=True)
class PeriodicityOptions:
    """How the periodicity counter listens. Nothing here is per exercise, apart from ``alternating``."""

    min_period: float = 1.2  # seconds: the fastest plausible rep (the guides ask for slow, gentle movement)
    max_period: float = 12.0  # seconds: the slowest plausible rep, holds at the top included
    rate: float = 10.0  # Hz the window is resampled to (reps are slower than 1 Hz: 10 Hz is plenty)
    hop: float = 0.5  # seconds between analyses
    min_strength: float = 0.35  # normalised autocorrelation at the period below which motion is not periodic
    rel_prominence: float = 0.35  # a peak must rise this share of the window's robust range
    pose_floor: float = 0.06  # ... and at least this much of the pose axis, in torso lengths
    key_floor: float = 0.15  # ... or of the exercise's nominal range, on the progress channel
    min_peaks: int = 2  # peaks in a periodic run before any of them is committed
    # one side, then the other (knee to chest, twists): listen also to the distance from the resting pose,
    # which peaks at every rep where the main axis peaks only every other one. Not for movements done with
    # both sides at once: there a pause at the top makes the resting pose ambiguous and the distance peaks twice.
    alternating: bool = False
    # The distance from the resting pose takes the window's median pose as the rest. In a window of under about
    # two and a half periods, of a movement held at its top (knee to chest), the median pose is the held top and
    # the distance peaks at the rests: a half period from the first two reps committed one rep too many (front and
    # feet views of the generator grid: 0 of 12 right). So this channel commits no rep from a window shorter than
    # ``excursion_cycles`` periods. Chosen on the generator grid and synth_dev: 2.2-2.5 all mend the knee to chest
    # (grid 16 -> 25, 29, 29 of 30 at 2.2, 2.3, 2.5); at 2.2 a two-set one still commits its half period at 2.2
    # cycles; at 2.5 a bird dog from the feet on synth_dev (4 of 3 from misplaced peaks) fell to 0.
    excursion_cycles: float = 2.3
    # A run's first rep is usually found only once later reps make the window periodic, by then too old to be
    # committed (see ``_analyse``); the run is then extended backwards, one period at a time, from its earliest
    # peak, over old peaks as prominent as the run's own (``backfill_prominence`` of the window's range).
    backfill: bool = True
    backfill_prominence: float = 0.5
    # Octave guards (a period found two or more times too long counts every other rep). ``shortest_within``: a
    # channel's period is the shortest lag at a whole fraction of its best one whose autocorrelation reaches this
    # share of the best (see ``autocorrelation_period``; 1.0 takes the best lag). ``harmonic_within``: another channel
    # at half the chosen one's period is taken instead when its strength reaches this share of the chosen one's
    # (above 1.0: never). Chosen on tune + synth_dev (0.85 / 0.6: the periodicity counter alone 7 clips closer
    # to the truth, none further; 0.7 made a front knee-to-chest one too many).
    shortest_within: float = 0.85
    harmonic_within: float = 0.6
    # Reps alike but not periodic (sets with rests, pauses: ``alike_reps.py``), found once at the end of the source
    # over the whole buffer (and of each shot, at a cut): at least ``alike_min`` rises, each within ``alike_ratio``
    # of the group's median rise and duration, rising ``alike_floor`` times the channel's floor, and at least
    # ``alike_share`` of the prominent rises. Ratio chosen on tune + synth_dev (0.6: +3 exact clips there, none
    # worse; 0.5 and 0.7: +2). Floor and share were set against a review's simulation of a bridge held still with
    # three small sags of the hips (3 reps without them); the floor costs synth_dev one clip (a lunge from the
    # front, 4 -> 3 of 4, whose rises are under twice the floor): no count while holding is worth more.
    alike_reps: bool = True
    alike_ratio: float = 0.6
    alike_min: int = 3
    alike_floor: float = 2.0
    alike_share: float = 0.5

    @property
    def window(self) -> float:
        # three of the longest periods fit, but never so long that a change of pace or of view is averaged away
        return float(min(max(3.0 * self.max_period, 12.0), 36.0))


@dataclass(frozen=True)
class PeriodicRep:
    """A repetition found by the periodicity counter: the time of its top, the period around it, and how sure."""

    peak: float
    period: float
    confidence: float  # normalised autocorrelation at the period, capped at 1
    channel: str  # "pose" (main axis of whole-body motion), "excursion" (distance from the resting pose) or "key"
    prominence: float  # share of the window's robust range (5th-95th percentile) the peak rises above its bases
    key_range: float = math.nan  # how far the exercise's own measure travelled in this rep, in nominal ranges
    # (an alike rep, ``alike_reps.py``, has no period: its ``period`` is twice its half-height width, and its
    # ``confidence`` the share of the clip's prominent rises that are alike)


def choose_channel(found: dict[str, tuple[float, float]], o: PeriodicityOptions) -> str | None:
    """The channel whose rhythm counts, from each channel's (period, strength): the most periodic one, unless
    another channel has half its period and ``harmonic_within`` of its strength. That one sees every rep where
    the best sees every other (one side then the other in the whole-body axis, or an octave error the
    channel's own guard missed). The exercise's own measure ("key"), when it is the most periodic, is never
    overruled: it follows the working side, and a noisier whole-body channel at half its period would double
    its reps."""
    if not found:
        return None
    best = max(found, key=lambda c: min(1.0, found[c][1]))
    period, strength = found[best][0], min(1.0, found[best][1])
    if best == "key" or not math.isfinite(period):
        return best
    halves = [c for c, (p, s) in found.items()
              if c != best and math.isfinite(p) and abs(2.0 * p - period) <= 0.15 * period
              and min(1.0, s) >= max(o.min_strength, o.harmonic_within * strength)]
    return max(halves, key=lambda c: found[c][1]) if halves else best


class PeriodicityCounter:
    """Counts repetitions as peaks of periodic whole-body motion. ``update`` once per frame; it returns the reps
    committed on that frame (usually none)."""

    def __init__(self, options: PeriodicityOptions | None = None):
        self.options = options or PeriodicityOptions()
        self.reset()

    def reset(self) -> None:
        o = self.options
        self._t: deque[float] = deque()
        self._x: deque[np.ndarray | None] = deque()
        self._key: deque[float] = deque()
        self._scale: deque[float] = deque()
        self._last_analysis = -math.inf
        self.reps: list[PeriodicRep] = []
        self.period = math.nan
        self.strength = 0.0
        self.channel = ""
        self.alike: list[PeriodicRep] = []  # reps alike but not periodic, found at the end (``finish``)
        self._shots_alike: list[PeriodicRep] = []  # ... of the shots before the last cut (``cut``)
        self._horizon = o.window + 2.0 * o.max_period
        self._axis: np.ndarray | None = None

    # -------------------------------------------------------------------------------------------------- API
    def update(self, t: float, pose: Pose | None, key: float = math.nan) -> list[PeriodicRep]:
        """One frame: ``pose`` (or None when nobody is seen) and the exercise's progress (NaN when unknown)."""
        feats = pose_features(pose)
        self._t.append(float(t))
        self._x.append(feats)
        self._key.append(float(key) if key is not None else math.nan)
        self._scale.append(torso_length(pose) if feats is not None else math.nan)
        while self._t and self._t[0] < t - self._horizon:
            self._t.popleft(); self._x.popleft(); self._key.popleft(); self._scale.popleft()  # noqa: E702
        if t - self._last_analysis < self.options.hop:
            return []
        self._last_analysis = t
        return self._analyse(t)

    def cut(self) -> None:
        """A camera cut: the new shot's coordinates are not comparable with the old ones. The old shot's alike
        reps are looked for now (a recording cut during the rests between sets keeps every set)."""
        committed = self.reps
        shots = self._shots_alike + (self._alike() if self.options.alike_reps and self._t else [])
        self.reset()
        self.reps, self._shots_alike = committed, shots

    def finish(self) -> list[PeriodicRep]:
        """End of the source: peaks up to the last frame may now be confirmed, and the reps that look alike but
        keep no beat (``alike``) are looked for over the whole buffer."""
        if not self._t:
            self.alike = list(self._shots_alike)
            return []
        out = self._analyse(self._t[-1], final=True)
        self.alike = self._shots_alike + (self._alike() if self.options.alike_reps else [])
        return out

    def _alike(self) -> list[PeriodicRep]:
        """``alike_reps`` on the channel the counter chose last (even if that window was not periodic enough to
        count), over all it keeps (``window`` plus two of the slowest periods: about a minute). The buffer's own
        main axis may come out with the other sign than the last window's (other joints in view over the longer
        span), and rests would then read as reps: it is turned to agree with the last window where they overlap."""
        from .alike_reps import alike_reps

        now, axis = self._t[-1], self._axis
        win_grid, win_channels = self._channels(now)  # the last window, as the counter saw it
        self._axis = axis
        grid, channels = self._channels(now, span=self._horizon)
        self._axis = axis  # the counter's state is left as it was
        found = {name: (sig, floor) for name, sig, floor in channels}
        if grid is None or win_grid is None or self.channel not in found:
            return []
        key = found["key"][0] if "key" in found else None
        sig, floor = found[self.channel]
        last = next((s for name, s, _ in win_channels if name == self.channel), None)
        if self.channel == "pose" and last is not None and last.std() > 1e-12:
            mine = np.interp(win_grid, grid, sig)
            if mine.std() > 1e-12 and np.corrcoef(mine, last)[0, 1] < 0:
                sig = -sig
        return alike_reps(grid, sig, floor, self.options, self.channel, key)

    @property
    def count(self) -> int:
        return len(self.reps)

    # ------------------------------------------------------------------------------------------- analysis
    def _analyse(self, now: float, final: bool = False) -> list[PeriodicRep]:
        o = self.options
        grid, channels = self._channels(now)
        if grid is None:
            return []
        found = {name: (sig, *autocorrelation_period(sig, o.rate, o.min_period, o.max_period, o.shortest_within), floor)
                 for name, sig, floor in channels}
        key_period = found["key"][1] if "key" in found else math.nan
        if "excursion" in found and math.isfinite(key_period) and \
                abs(found["excursion"][1] - key_period) > 0.25 * key_period:
            # the distance from rest peaks twice per rep when one side is done as a block (a lunge: out and
            # back); only where the exercise's own measure, which follows the working side, has the same period
            # are its peaks reps
            del found["excursion"]
        chosen = choose_channel({name: (period, strength) for name, (_, period, strength, _) in found.items()}, o)
        if chosen is None:
            return []
        name = chosen
        sig, period, strength, floor = found[name]
        strength = min(1.0, strength)
        self.channel, self.strength, self.period = name, strength, period
        if strength < o.min_strength or not math.isfinite(period):
            return []
        if name == "excursion" and period * o.excursion_cycles > float(grid[-1] - grid[0]):
            return []  # the resting pose is not known yet (see ``excursion_cycles``)
        lo, hi = np.nanpercentile(sig, [5, 95])
        prominence = max(o.rel_prominence * float(hi - lo), floor)
        from scipy.signal import find_peaks  # see preload()

        peaks, props = find_peaks(sig, distance=max(1, int(0.6 * period * o.rate)), prominence=prominence)
        if len(peaks) < o.min_peaks:
            return []
        times = grid[peaks]
        span = max(float(hi - lo), 1e-9)
        key = next((c[1] for c in channels if c[0] == "key"), None)
        half = max(1, int(0.5 * period * o.rate))
        # a peak is confirmed when the signal has come back down after it; the last one waits for that unless
        # the source has ended
        confirm_before = now if final else now - 0.25 * period
        # ... and an old peak never seen before is not committed late: a later window that reads half the period
        # would otherwise turn every old trough-to-trough midpoint into a rep, half a minute after the fact
        too_old = now - 1.5 * period - o.hop
        new = []
        old_unseen = []
        for i, tp, prom in zip(peaks, times, props["prominences"]):
            if tp > confirm_before:
                continue
            seen = next((k for k, r in enumerate(self.reps) if abs(tp - r.peak) < 0.5 * min(period, r.period)), None)
            if seen is not None:
                # seen again in a later, longer window: the evidence for it can only have grown (a run's first
                # reps are committed from a window holding little more than two cycles)
                old = self.reps[seen]
                if strength > old.confidence:
                    self.reps[seen] = replace(old, confidence=round(float(strength), 3))
                continue
            if tp < too_old:
                old_unseen.append((i, tp, prom))
                continue
            rep = PeriodicRep(peak=round(float(tp), 3), period=round(float(period), 3),
                              confidence=round(float(strength), 3), channel=name,
                              prominence=round(float(prom) / span, 3),
                              key_range=range_around(key, i, half))
            self.reps.append(rep)
            new.append(rep)
        if o.backfill and old_unseen and self.reps:
            new += self._backfill(old_unseen, now, period, strength, name, span, key, half)
        self.reps.sort(key=lambda r: r.peak)
        return new

    def _backfill(self, old_unseen, now, period, strength, name, span, key, half) -> list[PeriodicRep]:
        """Old peaks that extend a run backwards: each one period (0.6-1.6 periods) before the earliest peak of
        the run, with no committed peak within 1.6 periods before it (so a window that misreads half the period
        cannot put a rep between two known ones), and as prominent as a rep. Only a run whose earliest peak is
        recent (within 3.5 periods: a run just established) is extended; a run long past stays as it was."""
        o = self.options
        out = []
        for i, tp, prom in sorted(old_unseen, key=lambda x: -x[1]):
            if prom / span < o.backfill_prominence:
                continue
            later = [r.peak for r in self.reps if r.peak > tp]
            earlier = [r.peak for r in self.reps if r.peak < tp]
            if not later or (earlier and tp - max(earlier) < 1.6 * period):
                continue
            gap = min(later) - tp
            if min(later) < now - 3.5 * period:
                continue
            if not 0.6 * period <= gap <= 1.6 * period:
                continue
            rep = PeriodicRep(peak=round(float(tp), 3), period=round(float(period), 3),
                              confidence=round(float(strength), 3), channel=name,
                              prominence=round(float(prom) / span, 3), key_range=range_around(key, i, half))
            self.reps.append(rep)
            out.append(rep)
        return out

    def _channels(self, now: float, span: float | None = None):
        """The window (or the last ``span`` seconds) resampled to the fixed rate: the pose's main axis and the key
        measure, each with its floor."""
        o = self.options
        t = np.fromiter(self._t, float)
        keep = t >= now - (o.window if span is None else span)
        if keep.sum() < 4:
            return None, []
        t = t[keep]
        if t[-1] - t[0] < 2.0 * o.min_period:
            return None, []
        grid = np.arange(t[0], t[-1] + 1e-9, 1.0 / o.rate)
        channels = []
        key = np.asarray(self._key, float)[keep]
        key_r = resample(t, key, grid)
        if not reads_the_exercise(key_r):
            key_r = None  # neither a channel of its own nor the pose axis' orientation
        if key_r is not None:
            channels.append(("key", key_r, o.key_floor))
        xs = [x for x, k in zip(self._x, range(len(self._x))) if keep[k]]
        axes = self._pose_axis(t, xs, grid, key_r)
        if axes is not None:
            channels.append(("pose", axes[0], o.pose_floor))
            if o.alternating:
                channels.append(("excursion", axes[1], o.pose_floor))
        return grid, channels

    def _pose_axis(self, t, xs, grid, key_r):
        if all(x is None for x in xs):
            return None
        blank = np.full(N_FEATURES, np.nan)
        X = np.array([blank if x is None else x for x in xs])
        scale = np.nanmedian(np.asarray(self._scale, float)[-len(xs):])
        if not math.isfinite(scale) or scale <= 0:
            return None
        n_img = len(FEATURE_JOINTS) * 2
        X[:, :n_img] /= scale  # image part in torso lengths; the world part is in metres (about 2 torso lengths)
        X[:, n_img:] *= 2.0  # noqa: N806
        cols = np.isfinite(X).mean(axis=0) >= 0.6
        if cols.sum() < 4:
            return None
        R = resample_columns(t, X[:, cols], grid)
        R = R - moving_mean(R, int(2.0 * self.options.max_period * self.options.rate))
        R = R - R.mean(axis=0)
        prev = self._axis
        axis = main_axis(R, prev)
        if axis is None:
            return None
        proj = np.einsum("td,d->t", R, axis)
        proj = proj - proj.mean()
        # The axis has no sign of its own, and a sign that flips between windows turns every trough into a
        # peak. The exercise's measure decides where it clearly moves with the pose; otherwise the sign stays
        # what it was in the last window; only the first window guesses: a session starts at rest, so the
        # first second of it is the low end.
        c = np.corrcoef(proj, key_r)[0, 1] if key_r is not None and proj.std() > 1e-12 else math.nan
        if math.isfinite(c) and abs(c) >= 0.3:
            flip = c < 0
        elif prev is not None and prev.shape == axis.shape:
            flip = float(np.einsum("i,i->", axis, prev)) < 0
        else:
            flip = float(proj[: max(2, int(self.options.rate))].mean()) > 0.0
        if flip:
            axis, proj = -axis, -proj
        self._axis = axis
        # how far the pose is from its most usual one, in any direction: alternating movements (one knee, then
        # the other; a twist to each side) swing the main axis both ways, so it peaks once per pair of reps,
        # while the distance from the resting pose peaks at every rep
        rest = np.median(R, axis=0)
        excursion = np.sqrt(np.einsum("td,td->t", R - rest, R - rest))
        return proj, excursion
