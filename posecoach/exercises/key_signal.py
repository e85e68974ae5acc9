"""The exercise's key measure as a clean signal: which side to read, the raw value, smoothed, as progress.

``KeySignal`` per frame
  1. follows which body side faces the camera (a filtered visibility score with hysteresis) and, for specs
     with a ``variant_of`` test, votes on the variant,
  2. reads the key measure on the side the spec's ``side_mode`` asks for (near side, mean of both, or the
     active side of a one-sided movement),
  3. smooths it (median of 3, then an exponential filter) and maps it to progress p (0 = start, 1 = top),
     against a start that adapts to the person when the spec asks for it,
  4. tracks the speed of p.
What comes out each frame is a ``SignalSample``: what any rep counter (rules or periodicity) needs.
"""
from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import numpy as np

from ..smoothing import FrameSpacing
from .body import NAN, SIDES, Body, other
from .guards import isnan, safe_call
from .spec import ExerciseSpec
from .tuning import DEFAULT_TUNING, CheckerTuning


@dataclass(frozen=True)
class SignalSample:
    """One frame of the key signal, for the counters."""

    t: float
    """Frame time, seconds from the start of the source."""
    value: float
    """The smoothed key measure (degrees or normalised units, as the spec's measure)."""
    p: float
    """Progress: 0 at the (adapted) start position, 1 at the top / held position."""
    p_nom: float
    """Progress against the spec's fixed start, before the adaptive baseline is taken off."""
    speed: float
    """Filtered speed of ``p``, progress units per second."""
    side: str
    """The side the key measure was read on ("left" / "right")."""
    in_position: bool = False
    """The posture gate's answer on this frame."""
    state: str = "setup"
    """The rule counter's state after this frame: "setup" (counts nothing yet) or "ready"."""


class KeySignal:
    """Side choice, variant voting and the smoothed key measure of one exercise (see the module doc)."""

    def __init__(self, spec: ExerciseSpec, tuning: CheckerTuning = DEFAULT_TUNING):
        self.spec = spec
        self.tuning = tuning
        self.reset()

    def reset(self) -> None:
        self.side = "n/a"  # the side nearest the camera
        self._side_score = {"left": 0.5, "right": 0.5}
        self.variant = ""
        self._variant_votes: dict[str, float] = {}
        self._raw: deque[float] = deque(maxlen=3)
        self._spacing = FrameSpacing()
        self._base_hist: deque[tuple[float, float]] = deque()
        self._centre_hist: deque[tuple[float, float]] = deque()
        self.baseline = 0.0
        self.value = NAN
        self.p = NAN
        self.p_nom = NAN
        self.speed = 0.0
        self._prev_p = NAN
        self._prev_t: float | None = None
        self.far_read = False  # the last value read came from a far limb below the usual visibility floor
        self._far_sides: set[str] = set()

    # ------------------------------------------------------------------------------------------ per frame
    def observe(self, body: Body, dt: float) -> None:
        """Side and variant from a frame's body (before the key measure is read)."""
        self._update_side(body, dt)
        self._update_variant(body)

    def read(self, body: Body, rep_side: str | None = None, far: bool = False) -> tuple[float, str]:
        """The raw key measure and the side it was read on. ``rep_side``: the side of a one-sided rep under
        way, which an ``active`` spec keeps reading until the rep ends. ``far``: a far limb the usual visibility
        floor cannot read may be read at a lower one (see ``_both_sides``); the checker allows it once its
        set-up is done, never while the person is getting into position."""
        m = self.spec.measure
        mode = self.spec.side_mode
        self.far_read = False
        if mode in ("active", "centred"):
            vals = self._centred(body) if mode == "centred" else None
            far = far and self.spec.kind != "hold"
            if rep_side in SIDES:
                return (vals[rep_side] if vals else self._one_side(body, rep_side, far)), rep_side
            self._far_sides: set[str] = set()
            vals = vals or self._both_sides(body, far)
            prog = {s: self.spec.progress(v) for s, v in vals.items() if not isnan(v)}
            if not prog:
                return NAN, self.side
            s = max(prog, key=prog.get)
            self.far_read = s in self._far_sides
            return vals[s], s
        if mode == "mean":
            vals = [m(body, s) for s in SIDES]
            good = [v for v in vals if not isnan(v)]
            span = abs(self.spec.top - self.spec.start)
            if len(good) == 2 and abs(good[0] - good[1]) > self.tuning.mean_disagree * span:
                # the two sides disagree wildly: trust the side nearest the camera
                v = m(body, self.side)
                return (v if not isnan(v) else m(body, other(self.side))), self.side
            return (float(np.mean(good)) if good else NAN), self.side
        s = self.side if self.side in SIDES else "left"
        v = m(body, s)
        if isnan(v):
            v = m(body, other(s))
        return v, s

    def _one_side(self, body: Body, side: str, far: bool) -> float:
        """A one-sided movement's measure on the side of the rep under way, read at ``far_vis_min`` if the usual
        visibility floor cannot read it (see ``_both_sides``)."""
        v = self.spec.measure(body, side)
        floor = self.tuning.far_vis_min
        if far and isnan(v) and floor < body.vis_min:
            v = self.spec.measure(body.relaxed(floor), side)
            self.far_read = not isnan(v)
        return v

    def _both_sides(self, body: Body, far: bool) -> dict[str, float]:
        """A one-sided movement's measure on each side, before a rep picks one. From the side, the pose model
        reports the far limb with a low visibility (0.02-0.4) though it still follows the movement; gated at the
        usual floor, a rep of the far leg or arm would never be seen. A side the usual floor cannot read is read
        again at ``far_vis_min``, but only while the readable side rests (short of the spec's ``leave``): the far
        limb's drift must not outbid a near limb that is moving or holding. Such a value counts reps but times no
        hold (``far_read``; the checker keeps it from the hold timer), and a hold exercise never reads it: a clock
        run on a limb the model barely sees runs on its drift (a hip stretch held with the near leg was timed on
        the far one's noise, a knee-to-chest set-up as a hold; the pose hold times views the measure cannot be
        trusted in)."""
        m = self.spec.measure
        vals = {s: m(body, s) for s in SIDES}
        floor = self.tuning.far_vis_min
        unread = [s for s in SIDES if isnan(vals[s])]
        if not far or not unread or floor >= body.vis_min:
            return vals
        read = [self.spec.progress(vals[s]) for s in SIDES if s not in unread]
        if read and max(read) >= self.spec.leave:
            return vals
        relaxed = body.relaxed(floor)
        for s in unread:
            v = m(relaxed, s)
            # a limb the model barely sees must show the whole movement, up to the spec's top: its drift at
            # rest reads part of the way (a lunge's far leg, standing, read 0.7 of the range)
            if self.spec.progress(v) >= 1.0:
                vals[s] = v
                self._far_sides.add(s)
        return vals

    def _centred(self, body: Body) -> dict[str, float]:
        """Side mode "centred": the measure is signed (its right reading is minus its left one) and its resting
        value depends on the camera (a body lying on the floor seen from above: the near side sits lower in the
        image). The rest is learned as the median left reading over the last ``centre_window`` seconds, and
        each side reads its excursion from it, so a roll toward the far side counts like one toward the near."""
        v = self.spec.measure(body, "left")
        if not isnan(v):
            self._centre_hist.append((body.t, v))
        while self._centre_hist and self._centre_hist[0][0] < body.t - self.tuning.centre_window:
            self._centre_hist.popleft()
        if not self._centre_hist or isnan(v):
            return {"left": NAN, "right": NAN}
        d = v - float(np.median([x for _, x in self._centre_hist]))
        return {"left": d, "right": -d}

    def push(self, t: float, dt: float, raw: float, side: str, in_position: bool) -> SignalSample:
        """Smooth a valid raw value into value, progress and speed. ``in_position`` decides whether the value
        may teach the adaptive start (values while getting into position would drag it)."""
        tu = self.tuning
        n = max(1, int(tu.median_seconds / max(self._spacing.add(dt), 1 / 120) + 0.5))
        if n != self._raw.maxlen:
            self._raw = deque(self._raw, maxlen=n)
        self._raw.append(raw)
        med = float(np.median(self._raw))
        if isnan(self.value) or dt <= 0 or dt > tu.ema_restart_gap:
            self.value = med
        else:
            alpha = 1.0 - math.exp(-dt / max(self.spec.smoothing, tu.ema_min_tau))
            self.value += alpha * (med - self.value)
        self.p = self._progress(t, self.value, in_position)
        if self._prev_t is not None and t > self._prev_t and not isnan(self._prev_p):
            inst = (self.p - self._prev_p) / (t - self._prev_t)
            self.speed += min(1.0, (t - self._prev_t) / tu.speed_tau) * (inst - self.speed)
        self._prev_p, self._prev_t = self.p, t
        return SignalSample(t=t, value=float(self.value), p=float(self.p), p_nom=float(self.p_nom),
                            speed=float(self.speed), side=side, in_position=in_position)

    def cut(self) -> None:
        """A new shot: a new view reads a different start value, so the smoothing and the start start over."""
        self._raw.clear()
        self.value = NAN
        self._prev_p = NAN
        self.speed = 0.0
        self._base_hist.clear()
        self._centre_hist.clear()

    # --------------------------------------------------------------------------------------------- pieces
    def _update_side(self, body: Body, dt: float) -> None:
        a = 1.0 - math.exp(-dt / self.tuning.side_tau) if dt > 0 else 1.0
        for s in SIDES:
            self._side_score[s] += a * (body.side_score(s) - self._side_score[s])
        best = max(SIDES, key=lambda s: self._side_score[s])
        if self.side not in SIDES or self._side_score[best] > self._side_score[self.side] + self.tuning.side_margin:
            self.side = best

    def _update_variant(self, body: Body) -> None:
        if self.spec.variant_of is None:
            return
        v = safe_call(self.spec.variant_of, body) or ""
        if not v:
            return
        for k in list(self._variant_votes):
            self._variant_votes[k] *= self.tuning.variant_decay
        self._variant_votes[v] = self._variant_votes.get(v, 0.0) + 1.0
        self.variant = max(self._variant_votes, key=self._variant_votes.get)

    def _progress(self, t: float, value: float, in_position: bool) -> float:
        """Progress of the smoothed value from the (adapted) start toward the top."""
        sp = self.spec
        p_nom = sp.progress(value)
        self.p_nom = p_nom
        window = sp.adaptive_window if sp.adaptive_window > 0 else sp.baseline_window
        if window <= 0:
            return p_nom
        if in_position:
            self._base_hist.append((t, p_nom))
        while self._base_hist and self._base_hist[0][0] < t - window:
            self._base_hist.popleft()
        if not self._base_hist:
            return p_nom
        base = float(np.percentile([v for _, v in self._base_hist], self.tuning.baseline_percentile))
        if sp.adaptive_window <= 0:
            lo, hi = sp.baseline_limits
            base = min(max(base, lo), hi)
        self.baseline = base
        return p_nom - base
