"""The rule-based rep counter: a setup phase, then a rep machine with hysteresis on progress p.

Setup counts nothing until the person has been in position (and, if the spec says so, at the start, p < leave)
for ``setup_seconds``. Then a rep starts when p leaves the start (p > leave), reaches the top at p >= full and
ends back home at p < back; it is complete if it reached the top, a partial attempt if it got past
``partial_min``, and nothing if shorter than ``min_rep_seconds_count``. Out of position for too long (or the
person lost, see ``lost``) sends the counter back to setup. Camera cuts are survived (see ``cut``).

The counter only sees a ``SignalSample``-like stream (t, p, speed, in_position, side), so a second counter
(periodicity) can run beside it on the same samples. It emits ``RepEnd``s; the checker turns them into
``Rep`` events (tempo faults and the index are not the counter's business).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from .events import Cue, Rep
from .guards import isnan
from .spec import ExerciseSpec
from .tuning import DEFAULT_TUNING, CheckerTuning


@dataclass(frozen=True)
class RepInProgress:
    """A rep under way, from leaving the start."""

    start: float  # when the person was last at the start before leaving it
    peak_p: float
    peak_t: float
    reached_top: bool
    side: str
    start_p: float
    max_speed: float
    faults: tuple[str, ...] = ()  # form faults noted during the rep, in order
    cut_before_return: float | None = None  # time of a cut that came before the way back started
    # lowest p at home between the previous rep and this one: its own start, if short of the exercise's (a rep's
    # travel counts from there; below the start is getting into position, not the rep: a set-up from p -3.5)
    low_p: float = float("nan")


@dataclass(frozen=True)
class RepEnd:
    """A rep that ended at ``end``: complete, or a partial attempt."""

    rep: RepInProgress
    end: float
    complete: bool

    def to_rep(self, spec: ExerciseSpec, index: int, faults: tuple[str, ...]) -> Rep:
        r = self.rep
        return Rep(index=index, start=round(r.start, 3), peak=round(r.peak_t, 3), end=round(self.end, 3),
                   side=r.side if spec.one_sided else "n/a", complete=self.complete, faults=faults,
                   range_of_motion=float(r.peak_p * abs(spec.top - spec.start)), range_share=round(float(r.peak_p), 3),
                   travel=round(float(r.peak_p - max(r.low_p, 0.0)), 3))


class RuleRepCounter:
    def __init__(self, spec: ExerciseSpec, tuning: CheckerTuning = DEFAULT_TUNING):
        self.spec = spec
        self.tuning = tuning
        self.reset()

    def reset(self) -> None:
        self.state = "setup"  # "setup" | "ready"
        self.rep: RepInProgress | None = None
        self._setup_acc = 0.0  # seconds in position at the start, toward setup_seconds
        self._last_start_t: float | None = None
        self._out_of_position_since: float | None = None
        self._posture_cue_last = -1e9
        self._home_low = float("inf")  # lowest p at home since the last rep ended

    @property
    def rep_side(self) -> str | None:
        return None if self.rep is None else self.rep.side

    def step(self, t: float, dt: float, gap: float | None, p: float, speed: float, in_position: bool,
             side: str) -> list[Cue | RepEnd]:
        """One frame with a valid progress ``p``. ``dt``: time since the last frame; ``gap``: since the last
        frame with a valid key value (None on the first). Returns cues and ended reps, in order."""
        sp = self.spec
        tu = self.tuning
        out: list[Cue | RepEnd] = []
        if not in_position:
            if self._out_of_position_since is None:
                self._out_of_position_since = t
            r = self.rep
            if r is not None and r.reached_top and p >= sp.full:
                # the far end of a movement may fail a posture test made for the start (a deep squat with the
                # hands on the thighs is not 'standing'): the clock runs from when the person leaves the top
                self._out_of_position_since = t
        else:
            self._out_of_position_since = None

        if self.state == "setup":
            # time at the start bridges a short dropout: the person did not leave because the pose was lost
            bridged = self._setup_acc > 0 and gap is not None and dt < gap <= tu.setup_gap
            at_start = p < sp.leave or not sp.setup_needs_start
            if in_position and at_start:
                self._setup_acc += gap if bridged else dt
                if self._setup_acc >= sp.setup_seconds:
                    self.state = "ready"
                    self._last_start_t = t
                    if sp.start_cue:
                        out.append(Cue(t, sp.start_cue, "position", 1))
            else:
                self._setup_acc = 0.0
                if not in_position and t - self._posture_cue_last > tu.posture_cue_repeat:
                    out.append(Cue(t, sp.posture_cue, "position", 2))
                    self._posture_cue_last = t
            return out

        if self._out_of_position_since is not None and t - self._out_of_position_since > tu.out_of_position_grace:
            return self.lost(t)

        if sp.kind == "hold":
            return out  # holds only: no reps

        if self.rep is None:
            self._home_low = min(self._home_low, p)
            if p < sp.leave:
                self._last_start_t = t
            elif in_position:
                self.rep = RepInProgress(start=self._last_start_t if self._last_start_t is not None else t,
                                         peak_p=p, peak_t=t, reached_top=p >= sp.full, side=side,
                                         start_p=p, max_speed=abs(speed), low_p=self._home_low)
                self._home_low = float("inf")
            return out

        r = self.rep
        if p > r.peak_p:
            r = replace(r, peak_p=p, peak_t=t)
        if p >= sp.full and not r.reached_top:
            r = replace(r, reached_top=True)
            if sp.top_cue:
                out.append(Cue(t, sp.top_cue, "info", 1))
        r = replace(r, max_speed=max(r.max_speed, abs(speed)))
        cut_t = r.cut_before_return
        if cut_t is not None and t - cut_t > tu.cut_settle and p >= sp.back:
            r = replace(r, cut_before_return=None)  # the new shot shows the rep still under way: it goes on
            cut_t = None
        self.rep = r
        if p < sp.back:
            duration = t - r.start
            if duration >= sp.min_rep_seconds_count and (r.reached_top or r.peak_p >= sp.partial_min):
                # home straight after a cut that came before the return: the return was not seen
                out.append(RepEnd(r, t, complete=r.reached_top and cut_t is None))
            self.rep = None
            self._last_start_t = t
            self._home_low = p
        return out

    def note_faults(self, codes: list[str]) -> None:
        """Form faults seen during the rep under way."""
        if self.rep is not None and codes:
            self.rep = replace(self.rep, faults=self.rep.faults + tuple(codes))

    def cut(self, t: float, p: float) -> None:
        """A camera cut. A rep under way survives it (edited videos cut in the middle of reps and the next shot
        goes on with it); only if the cut came before the way back (p still at least ``cut_return_share`` of
        the peak) and the new shot shows the person at home is the return unseen, and the rep a partial."""
        r = self.rep
        if r is not None and not isnan(p) and p >= self.tuning.cut_return_share * r.peak_p:
            self.rep = replace(r, cut_before_return=t)

    def lost(self, t: float) -> list[RepEnd]:
        """The person is gone (or out of position) for too long: the rep under way ends at ``t`` as an attempt,
        if it was one, and setup starts over."""
        out = self.abandon(t)
        self.state = "setup"
        self._setup_acc = 0.0
        self._home_low = float("inf")
        return out

    def abandon(self, t: float) -> list[RepEnd]:
        """End the rep under way without counting it complete (kept as a partial if it got far enough)."""
        out = []
        r = self.rep
        if r is not None:
            if r.reached_top or r.peak_p >= self.spec.partial_min:
                out.append(RepEnd(r, t, complete=False))
            self.rep = None
        return out
