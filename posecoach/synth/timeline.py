"""A motion as a timeline of key postures, and the ground truth it implies.

A ``Key`` is a posture (joint angles) plus how it meets the floor. Making a key *solves* it: one or more
angles are tuned so that two groups of contact points touch the floor together (shoulders and feet in a bridge,
forearms and toes in a plank), because a script author cannot guess the pelvis tilt that does that.
Between keys the angles are eased; each frame is then grounded (lowest contact point on the floor) and anchored
(one joint stays put horizontally, so feet do not skate).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from posecoach.synth.body import BodyState, Proportions, pose_body


@dataclass(frozen=True)
class Key:
    params: dict[str, float]
    contacts: tuple[str, ...]  # contact groups that touch the floor in this posture
    label: str = ""
    mirrored: bool = False  # the right-side version of a sided posture (picks the mirrored anchor joint)


def _lowest(state: BodyState, group: str) -> float:
    return float(state.contacts[group][:, 1].min())


def make_key(params: dict[str, float], contacts: tuple[str, ...], props: Proportions,
             solve: tuple[str, ...] = (), lo: float = 0.0, hi: float = 0.0, label: str = "",
             mirrored: bool = False) -> Key:
    """A key whose ``solve`` angles (all set to one value in [lo, hi]) make contacts[0] and contacts[1] level.

    Bisection on f(v) = lowest(contacts[0]) - lowest(contacts[1]); if f does not change sign on [lo, hi] the
    value with the smallest |f| on a coarse grid is used (the pose stays plausible, one contact floats a little).
    """
    p = dict(params)
    p = _solve(p, contacts, props, solve, lo, hi)
    return Key(p, tuple(contacts), label, mirrored)


def solve_stage(p: dict[str, float], pair: tuple[str, str], props: Proportions, solve: tuple[str, ...],
                lo: float, hi: float) -> dict[str, float]:
    """One more solve on an already solved posture (e.g. lay the arms on the floor once the trunk is placed)."""
    return _solve(dict(p), pair, props, solve, lo, hi)


def _solve(p: dict[str, float], contacts: tuple[str, ...], props: Proportions, solve: tuple[str, ...],
           lo: float, hi: float) -> dict[str, float]:
    if solve and len(contacts) >= 2:
        def f(v: float) -> float:
            q = {**p, **{k: v for k in solve}}
            s = pose_body(q, props)
            return _lowest(s, contacts[0]) - _lowest(s, contacts[1])

        a, b = lo, hi
        fa, fb = f(a), f(b)
        if fa * fb > 0:
            grid = np.linspace(lo, hi, 25)
            v = float(grid[int(np.argmin([abs(f(g)) for g in grid]))])
        else:
            for _ in range(40):
                m = 0.5 * (a + b)
                fm = f(m)
                if fa * fm <= 0:
                    b, fb = m, fm
                else:
                    a, fa = m, fm
            v = 0.5 * (a + b)
        p.update({k: v for k in solve})
    return p


@dataclass(frozen=True)
class Segment:
    t0: float
    t1: float
    a: Key
    b: Key


@dataclass
class Timeline:
    """Keys joined by eased moves; also collects the truth events the script declares."""

    start: Key
    segments: list[Segment] = field(default_factory=list)
    reps: list[dict] = field(default_factory=list)
    holds: list[dict] = field(default_factory=list)
    faults: list[dict] = field(default_factory=list)
    phases: list[dict] = field(default_factory=list)
    t: float = 0.0

    @property
    def current(self) -> Key:
        return self.segments[-1].b if self.segments else self.start

    def move(self, key: Key, seconds: float) -> float:
        """Ease from the current key to ``key``; returns the time the move ends."""
        seconds = max(seconds, 1e-3)
        self.segments.append(Segment(self.t, self.t + seconds, self.current, key))
        self.t += seconds
        return self.t

    def hold(self, seconds: float) -> float:
        return self.move(self.current, seconds)

    def phase(self, name: str, start: float, end: float) -> None:
        self.phases.append({"name": name, "start": round(start, 4), "end": round(end, 4)})

    @property
    def duration(self) -> float:
        return self.t

    def params_at(self, t: float) -> tuple[dict[str, float], tuple[str, ...], bool]:
        """Eased joint angles at time t, the contact groups that may touch the floor, and whether mirrored."""
        if not self.segments:
            return dict(self.start.params), self.start.contacts, self.start.mirrored
        t = min(max(t, 0.0), self.t)
        seg = self.segments[-1]
        for s in self.segments:  # few segments; a linear scan is fast enough
            if t <= s.t1:
                seg = s
                break
        x = (t - seg.t0) / (seg.t1 - seg.t0)
        w = 0.5 - 0.5 * np.cos(np.pi * min(max(x, 0.0), 1.0))  # eased: starts and stops smoothly
        keys = set(seg.a.params) | set(seg.b.params)
        from posecoach.synth.body import NEUTRAL
        p = {}
        for k in keys:
            va = seg.a.params.get(k, NEUTRAL.get(k, 0.0))
            vb = seg.b.params.get(k, NEUTRAL.get(k, 0.0))
            if k.startswith("foot_flat"):
                p[k] = va if w < 0.5 else vb
            else:
                p[k] = va + (vb - va) * w
        contacts = tuple(dict.fromkeys(seg.a.contacts + seg.b.contacts))
        return p, contacts, seg.a.mirrored or seg.b.mirrored
