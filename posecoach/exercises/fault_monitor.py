"""Form faults: the spec's fault rules per frame, tempo faults per rep, and how often a fault is said.

A rule's fault is reported when its measure stays inside the rule's bad zone for ``min_seconds`` during one of
the rule's phases. A fault during a rep is reported once per rep (and noted on the rep); outside a rep, and
for tempo and camera advice, the same fault is not repeated within ``fault_repeat`` seconds.
"""
from __future__ import annotations

from dataclasses import dataclass

from .body import NAN, SIDES, Body
from .events import Cue, FormFault, JointReading
from .guards import isnan
from .spec import ExerciseSpec, FaultRule
from .tuning import DEFAULT_TUNING, CheckerTuning

TOO_FAST = "Slow down: move slowly and smoothly, taking 2-3 seconds each way."
JERKY = "Ease into it: keep the movement smooth, without jerking."
FAULT_CUE_PRIORITY = 2  # a form fault beats position and info cues, not the rep count


@dataclass(frozen=True)
class FaultPhase:
    """Where the exercise is on this frame, for the rules' ``phases``."""

    active: bool
    """Setup is done and the person is in position (no rule is judged otherwise)."""
    moving: bool
    """A rep is under way."""
    top: bool
    """At the top of the range (progress >= full) or holding."""
    holding: bool
    """A hold is running."""

    def allows(self, rule: FaultRule) -> bool:
        if not self.active:
            return False
        for ph in rule.phases:
            if ph == "any":
                return True
            if ph == "moving" and self.moving:
                return True
            if ph == "top" and self.top:
                return True
            if ph == "hold" and self.holding:
                return True
        return False


class FaultMonitor:
    def __init__(self, spec: ExerciseSpec, tuning: CheckerTuning = DEFAULT_TUNING):
        self.spec = spec
        self.tuning = tuning
        self._breaking = tuple(f.code for f in spec.faults if f.breaks_hold)
        self.reset()

    def reset(self) -> None:
        self._bad_since: dict[str, float] = {}
        self._last: dict[str, float] = {}  # when each code was last reported
        self.active: set[str] = set()  # codes whose rule is failing now (past min_seconds)
        self.readings: list[JointReading] = []  # the rules' measures on the last judged frame, for the overlay

    @property
    def breaks_hold(self) -> bool:
        """A fault that takes the posture out of tolerance is active: hold time stops."""
        return any(code in self.active for code in self._breaking)

    def step(self, body: Body, t: float, side: str, near_side: str, phase: FaultPhase,
             rep_faults: tuple[str, ...] | None) -> tuple[list[FormFault | Cue], list[str]]:
        """Judge every rule on one frame. ``side``: the side the key measure was read on; ``near_side``: the
        side facing the camera; ``rep_faults``: the faults already noted on the rep under way (None: no rep).
        Returns the events and the codes to note on the rep under way."""
        events: list[FormFault | Cue] = []
        seen = None if rep_faults is None else list(rep_faults)
        added: list[str] = []
        self.readings = []
        for rule in self.spec.faults:
            v = self._rule_value(rule, body, side, near_side)
            is_bad = phase.allows(rule) and (v in rule.bad)
            if is_bad:
                since = self._bad_since.setdefault(rule.code, t)
                if t - since >= rule.min_seconds:
                    self.active.add(rule.code)
                    n = len(events)
                    events += self._report(t, rule.code, rule.message, rule.severity, "form", seen)
                    if len(events) > n and seen is not None:
                        added.append(rule.code)
            else:
                self._bad_since.pop(rule.code, None)
                self.active.discard(rule.code)
            status = "unknown" if isnan(v) else ("bad" if rule.code in self.active else ("warn" if is_bad else "ok"))
            s = side if side in SIDES else "left"
            self.readings.append(JointReading(rule.code, float(v), status, rule.measure.landmarks(s)))
        return events, added

    def report(self, t: float, code: str, message: str, *, severity: str = "warn",
               kind: str = "form") -> list[FormFault | Cue]:
        """A fault not bound to a rep (tempo, camera view, out of frame): said unless said lately."""
        return self._report(t, code, message, severity, kind, None)

    def judge_tempo(self, t: float, start: float, max_speed: float) -> tuple[list[str], list[FormFault | Cue]]:
        """Tempo faults of a complete rep from ``start`` to ``t``: too fast overall, or a jerk on the way."""
        if t - start < self.spec.min_rep_seconds:
            return ["too_fast"], self.report(t, "too_fast", TOO_FAST, kind="tempo")
        if max_speed > self.spec.max_speed:
            return ["jerky"], self.report(t, "jerky", JERKY, kind="tempo")
        return [], []

    # --------------------------------------------------------------------------------------------- pieces
    def _report(self, t: float, code: str, message: str, severity: str, kind: str,
                rep_seen: list[str] | None) -> list[FormFault | Cue]:
        if rep_seen is not None:
            if code in rep_seen:
                return []
            rep_seen.append(code)
        elif t - self._last.get(code, -1e9) < self.tuning.fault_repeat:
            return []
        self._last[code] = t
        return [FormFault(time=round(t, 3), code=code, message=message, severity=severity),
                Cue(t, message, kind, FAULT_CUE_PRIORITY)]

    def _rule_value(self, rule: FaultRule, body: Body, side: str, near_side: str) -> float:
        if rule.side == "both":
            vals = [rule.measure(body, s) for s in SIDES]
            bad = [v for v in vals if v in rule.bad]
            if bad:
                return bad[0]
            good = [v for v in vals if not isnan(v)]
            return good[0] if good else NAN
        s = near_side if rule.side == "near" else side
        if s not in SIDES:
            s = near_side if near_side in SIDES else "left"
        return rule.measure(body, s)
