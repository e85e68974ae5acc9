"""Hold time: time in the target posture, inside tolerance and still.

A hold starts when the posture is reached (progress at least ``hold_threshold``) and still. For a hold exercise
(``tuning.hold_edges == "settle"``, the default) its edges are where the movement settles and resumes, not where
a threshold is crossed:

* entry: once still in the zone, the start is taken back to the first frame the approach came within
  ``hold_settle_band`` of the level now held (a slow, eased-in approach is part of the hold once it has
  settled), with the posture in tolerance since then;
* exit: leaving tolerance (progress under ``hold_exit_threshold`` less ``hold_drift``, or the posture lost, for
  longer than the spec's ``hold_grace``) ends the hold, as ever, but the end is put back to where the way out
  began: the last still frame before progress started falling faster than ``still_speed``, and no later than
  the last frame at the level held (the median of the hold's settled frames, less ``hold_level_band`` or
  ``hold_level_sigmas`` robust standard deviations of their sway if wider): a slow, eased way out crosses
  neither the threshold nor the speed limit until well after it began. A dip that stays in tolerance
  (adjusting the arms) ends nothing once the person is back at the level held or has settled again for
  ``min_hold`` (a noisy reading of a pose left behind is settled now and then, never for that long); a still
  hold may sink ``hold_drift`` under the exit threshold (a bridge sinking a little) and still be held.
For a rep exercise, a pause at the top ends when the movement resumes (speed above ``pause_exit_speed`` x
``still_speed``) or progress falls under ``hold_exit_threshold``; the engine times it on the progress the rep was
counted on (from the person's start), since a rep counted full whose top misses the zone on the spec's nominal
start alone (a cobra lying 0.1 below it) still paused at its top. Everywhere a breaking fault or leaving the
position stops the clock, and a gap longer than the spec's ``hold_grace`` closes the hold. Only spans of at least
``min_hold`` count.
"""
from __future__ import annotations

from collections import deque

import numpy as np

from .events import Cue, Hold
from .spec import ExerciseSpec
from .tuning import DEFAULT_TUNING, CheckerTuning


class HoldTimer:
    def __init__(self, spec: ExerciseSpec, tuning: CheckerTuning = DEFAULT_TUNING):
        self.spec = spec
        self.tuning = tuning
        self.settle = spec.kind == "hold" and tuning.hold_edges == "settle"
        self.reset()

    def reset(self) -> None:
        self._start: float | None = None  # first and last frame inside the zone
        self._last: float | None = None
        self._announced = False
        self._side = "n/a"
        self.cue: Cue | None = None  # the hold's own cue, withdrawn from the screen when the hold ends
        self._recent: deque[tuple[float, float, bool]] = deque()  # (t, p, allowed and slow): the approach
        self._out_since: float | None = None  # the last settled frame before a movement out began
        self._prev: tuple[float, float] | None = None  # last (t, p_hold), for the speed
        self._prev_t: float | None = None  # the previous frame of an open hold
        self._speed = 0.0
        self._trace: list[tuple[float, float, bool]] = []  # (t, p, still) of the open hold: its level and noise
        self._still_run = 0.0  # seconds settled in tolerance since the last way out began
        self._level_at: tuple[float | None, float] = (None, 0.0)  # (the frames it was taken up to, the level)
        self._opened = (0.0, 0.0)

    @property
    def is_open(self) -> bool:
        """In the zone for at least ``min_hold``: the person is holding (and the clock shows it)."""
        return self._start is not None and self._last is not None and self._last - self._start >= self.spec.min_hold

    @property
    def started(self) -> float | None:
        """Where the hold under way began (None: none under way)."""
        return self._start

    @property
    def seconds(self) -> float:
        """Length of the current hold (0 while none is open)."""
        return self._last - self._start if self.is_open else 0.0

    def step(self, t: float, side: str, *, in_position: bool, broken: bool, p_hold: float,
             speed: float) -> list[Cue | Hold]:
        """One frame with a valid key value. ``broken``: a fault that breaks holds is active. ``p_hold``:
        progress judged against the spec's tolerance. Returns the events of this frame."""
        sp = self.spec
        # hold time needs the posture, not a completed setup (a person may start a session in the stretch)
        allowed = in_position and not broken
        if self.settle:
            # a frame of the approach may join the hold only if the person was in tolerance and no longer moving
            # fast (passing through the band on the way somewhere else is not settling)
            self._recent.append((t, p_hold, allowed and abs(speed) <= self.tuning.pause_exit_speed * sp.still_speed))
            while self._recent and self._recent[0][0] < t - self.tuning.hold_settle_lookback:
                self._recent.popleft()
            # the way out is judged on the speed of the progress the hold is judged on (the given speed follows
            # the adaptive progress, whose start moves when a long hold fills the baseline window)
            hold_speed = self._hold_speed(t, p_hold)
        if self._start is None:
            if allowed and p_hold >= sp.hold_threshold and abs(speed) <= sp.still_speed:
                self._open(t, side, self._settled_since(t, p_hold) if self.settle else t, p_hold)
                return self._announce(t)
            return []
        if self.settle:
            self._trace.append((t, p_hold, abs(hold_speed) <= sp.still_speed))
            return self._step_settle(t, allowed, p_hold, hold_speed)
        if sp.kind == "hold":
            in_zone = allowed and p_hold >= sp.hold_exit_threshold
        else:  # a pause at the top of a rep ends when the movement resumes
            in_zone = (allowed and p_hold >= sp.hold_exit_threshold
                       and abs(speed) <= self.tuning.pause_exit_speed * sp.still_speed)
        if in_zone:
            self._last = t
            return self._announce(t)
        if t - self._last > sp.hold_grace:
            return self.close()
        return []

    def close(self, until: float | None = None) -> list[Hold]:
        """End the hold under way, if any; it counts if it lasted ``min_hold``. ``until``: at the end of the
        input, the time the hold may run to (within ``hold_grace`` of its last frame in the zone)."""
        if self._start is None:
            return []
        start, end = self._start, self._last
        if self.settle and (self._out_since is not None or until is None):  # the person left (or was lost)
            # the hold ended where the way out began, which is no later than its last frame at the level held (a
            # slow way out stays in tolerance, and under the speed limit, for a while after it has begun)
            end = min(end, self._level_end())
        if self._out_since is not None:
            end = min(end, self._out_since)
        elif until is not None:
            end = max(end, min(until, self._last + self.spec.hold_grace))
        out = []
        if end - start >= self.spec.min_hold:
            out.append(Hold(start=round(start, 3), end=round(end, 3),
                            side=self._side if self.spec.one_sided else "n/a"))
        self._start = None
        self._last = None
        self._out_since = None
        self._trace = []
        # a hold opened next is not taken back into this one (after a gap that closed it, say: synth_dev 063 timed
        # 3.3-6.6 s, then 6.1-10.0 s, overlapping): the approach starts after this hold's end
        while self._recent and self._recent[0][0] <= end:
            self._recent.popleft()
        return out

    # --------------------------------------------------------------------------------------------- pieces
    def _open(self, t: float, side: str, start: float, p: float) -> None:
        self._start = start
        self._last = t
        self._side = side
        self._announced = False
        self._out_since = None
        self._prev_t = t
        self._trace = [(t, p, True)]
        self._level_at = (None, p)
        self._opened = (t, p)  # when the hold opened, and the level it opened at
        self._still_run = 0.0

    def _announce(self, t: float) -> list[Cue]:
        sp = self.spec
        if self.is_open and not self._announced:
            self._announced = True
            if sp.kind != "reps":
                tgt = f" for {sp.target_hold:g} seconds" if sp.target_hold else ""
                self.cue = Cue(t, f"Good, hold it{tgt}. Keep breathing.", "info", 1)
                return [self.cue]
        return []

    def _hold_speed(self, t: float, p: float) -> float:
        prev, self._prev = self._prev, (t, p)
        if prev is None or t <= prev[0] or t - prev[0] > self.tuning.ema_restart_gap:
            self._speed = 0.0
        else:
            dt = t - prev[0]
            self._speed += min(1.0, dt / self.tuning.speed_tau) * ((p - prev[1]) / dt - self._speed)
        return self._speed

    def _deeper(self, t: float, p: float) -> None:
        """Settled again, soon after opening, well deeper than the hold opened (``hold_deeper``): the opening was a
        pause on the way in (the approach slowed under ``still_speed`` and went on), and the hold starts where this
        level settled (a plank straightened a little once in position is not that: it was held).
        Only while the hold is young (``hold_young``): later, going deeper is easing into the stretch, held."""
        t0, p0 = self._opened
        tu = self.tuning
        if not tu.hold_young or t - t0 > tu.hold_young or p <= p0 + tu.hold_deeper:
            return
        self._start = max(self._start, self._settled_since(t, p))
        self._opened = (t0, p)
        # (the live clock restarts from the deeper level; the pause's frames stay in the trace the level is taken
        # from: dropping them was tried, and a noise spike then set the level of a synthetic hip stretch too high)

    def _held(self) -> list[float]:
        """Progress of the hold's settled frames (all of them if none was settled) up to its last frame in the
        zone, or up to where a way out began (the frames after it, settled at a lower level, are not the level
        held)."""
        until = self._last if self._out_since is None else min(self._last, self._out_since)
        frames = [(p, still) for t, p, still in self._trace if t <= until]
        return [p for p, still in frames if still] or [p for p, _ in frames]

    def _level(self) -> float:
        """The level the open hold is held at: the median of ``_held``. Asked only during a way out, whose frames
        it ignores, so it is taken once per way out (a long hold's trace is long)."""
        if not self.tuning.hold_fall_back or not self._trace:
            return 0.0
        until = min(self._last, self._out_since) if self._out_since is not None else self._last
        if self._level_at[0] != until:
            self._level_at = (until, float(np.median(self._held() or [self._trace[0][1]])))
        return self._level_at[1]

    def _floor(self, ps: list[float]) -> float:
        """The lowest progress still at the level of these settled frames: their median less the band of their own
        noise and sway (``hold_level_sigmas`` robust standard deviations, at least ``hold_level_band``)."""
        level = float(np.median(ps))
        sigma = 1.4826 * float(np.median(np.abs(np.asarray(ps) - level)))
        return level - max(self.tuning.hold_level_band, self.tuning.hold_level_sigmas * sigma)

    def _end_floor(self) -> float:
        """The lowest progress at the level held: the floor of ``_held`` (frames after a way out began, settled at
        a lower level, must not pull the level held down to meet them)."""
        return self._floor(self._held())

    def _level_end(self) -> float:
        """The last frame of the hold, up to its last frame in the zone, still at the level held."""
        floor = self._end_floor()
        return next((t for t, p, _ in reversed(self._trace) if t <= self._last and p >= floor), self._last)

    def _settled_since(self, t: float, p: float) -> float:
        """The first frame of the approach, going back from now, that was already within the settle band of
        ``p``, slow, with the posture in tolerance (the hold began there: the rest was the movement settling)."""
        band = self.tuning.hold_settle_band
        start = t
        for tk, pk, ok in reversed(self._recent):
            if not ok or abs(pk - p) > band:
                break
            start = tk
        return start

    def _step_settle(self, t: float, allowed: bool, p: float, speed: float) -> list[Cue | Hold]:
        """An open hold of a hold exercise. Leaving tolerance (progress under the exit threshold less the drift
        allowed, or out of position, for longer than the grace) ends it, as ever; the end is then put back to
        where the way out began (the last settled frame before the person started moving out), since a slow way
        out crosses the threshold late. A dip that does not leave tolerance (adjusting the arms) ends nothing."""
        sp, tu = self.spec, self.tuning
        inside = allowed and p >= sp.hold_exit_threshold - tu.hold_drift
        if speed < -sp.still_speed:  # no longer still, and on the way out (deeper is still the hold)
            if self._out_since is None:
                self._out_since = self._prev_t
        elif abs(speed) <= sp.still_speed and inside:
            self._deeper(t, p)
            # settled again in the posture: that was no way out if the person is back at the level held, or has
            # stayed settled for a while at another level in tolerance (moving the arms, easing off a little);
            # the noisy reading of a pose left behind (still now and then, never for long) keeps the way out
            self._still_run += t - self._prev_t if self._prev_t is not None else 0.0
            # (not if it fell back under ``hold_fall_back`` of the level held: that is the start position read
            # inside a threshold that a view inflating the held pose put too low). The way out then stands: the
            # hold ends where it began if the recording ends there or the person leaves the zone, but it is not
            # closed at once (a review's probe: the live clock runs on, and a return to the pose joins the two).
            # Closing it at once was tried: with realistic noise the level of a young hold is inflated by spikes,
            # and a real hip stretch held at 0.7 of a 1.24 level was cut after 3 s (synthetic oracle).
            if self._out_since is not None:
                settled = self._still_run >= sp.min_hold and p >= tu.hold_fall_back * self._level()
                if settled or p >= self._end_floor():
                    self._out_since = None
        else:
            self._still_run = 0.0
        self._prev_t = t
        if inside:
            self._last = t
            return self._announce(t)
        if t - self._last > sp.hold_grace:
            return self.close()
        return []
