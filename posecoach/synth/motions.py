"""Motion scripts: one per exercise id the checkers know, each a setup, then reps or holds, with faults.

Ids and fault codes are the exercise files' (``posecoach/exercises/data``): a motion's faults are the mistakes
that exercise's checker judges, so the truth and the checker speak of the same thing
(``tests/test_synth_matches_exercises.py``). ``too_fast`` is the checker's own tempo fault; ``partial_range``
is not a fault but a rep the checker should count as an attempt (``Rep.complete`` False).

A script is data (start, peak, optional second peak, tempo, faults) plus one generic builder, so adding an
exercise means adding a table entry, not a function. Angles are in degrees (see ``body`` for their meaning).
Sided exercises list the *left* version; the right one is its mirror.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from posecoach.synth.body import BodyState, Proportions, pose_body
from posecoach.synth.motion_table import (ALL_FOURS, EXERCISES, FOREARM_PLANK, HIGH_PLANK,  # noqa: F401
                                          MOTION_VARIANTS, MOTIONS, NOT_SYNTHESISED, PRONE, STANDING, SUPINE,
                                          SUPINE_FLAT)
from posecoach.synth.motion_types import (GENERIC_FAULTS, Fault, Motion, Pose, _mirror_name,  # noqa: F401
                                          _neutral)
from posecoach.synth.timeline import Timeline


def get_motion(exercise: str, variant: str | None = None) -> Motion:
    """The motion for an exercise id (and optional variant); unknown ids raise listing the valid ones."""
    if exercise not in MOTIONS:
        raise ValueError(f"unknown exercise {exercise!r}; choose from {', '.join(EXERCISES)}")
    if variant and (exercise, variant) in MOTION_VARIANTS:
        return MOTION_VARIANTS[(exercise, variant)]
    m = MOTIONS[exercise]
    if variant and variant != m.variant:
        known = [m.variant] + [v for (e, v) in MOTION_VARIANTS if e == exercise]
        raise ValueError(f"unknown variant {variant!r} for {exercise}; choose from {known}")
    return m


@dataclass(frozen=True)
class ScriptOptions:
    reps: int | None = None  # reps (or holds per side) ; None: the exercise's default
    hold: float | None = None  # seconds at the top of each rep / of each hold; None: default
    faults: tuple[str, ...] = ()
    variant: str | None = None
    first_side: str = "left"
    tempo: float = 1.0  # > 1 slower
    setup_seconds: float = 1.5
    props: Proportions = Proportions()
    range_scale: float = 1.0  # every rep's (and hold's) excursion from the start posture x this
    sets: int = 1  # the reps (or holds per side) repeated this many times, with rest between
    rest: float = 0.0  # seconds of rest after each set (in the setup posture if there is one, else the start)


def build_timeline(exercise: str, opts: ScriptOptions, rng: np.random.Generator) -> tuple[Motion, Timeline]:
    """Script the whole clip: setup, then reps or holds with natural variation, with faults injected.

    A fault affects reps 2, 4, ... (rep 1 if there is only one), or the middle of each hold; the truth names
    exactly which reps and spans. Rep truth: start = leaving the start posture, peak = middle of the top
    (for cat-cow: the cat), end = back in the start posture. ``range_scale`` shrinks or stretches every
    excursion, yet each rep stays a complete rep (a person's own small range is still their rep); rest spans
    are phases named "rest", and with several sets each rep says its "set".
    """
    m = get_motion(exercise, opts.variant)
    props = opts.props
    faults = [m.fault(c) for c in opts.faults]
    n = opts.reps if opts.reps is not None else (m.default_reps if m.kind == "reps" else m.default_reps)
    start = m.start.key(props, label="start")
    # A peak keeps the angles the start *solved* for (e.g. the hip flexion that plants the feet) unless it sets
    # them itself; angles the start merely states are not inherited (a plank's straight knees stay straight).
    base = {k: start.params[k] for k in m.start.solve}
    tl = Timeline(start=m.setup.key(props, label="setup") if m.setup else start)
    jitter = lambda: float(rng.uniform(0.88, 1.12)) * opts.tempo  # noqa: E731
    up_s, top_s, down_s, rest_s = m.tempo
    if opts.hold is not None:
        top_s = opts.hold
    hold_s = opts.hold if opts.hold is not None else m.default_hold
    # The top of a rep counts as a hold when the exercise (or --hold) means it to be held, >= 1.5 s nominal;
    # decided before tempo jitter so the truth does not depend on the random draw.
    top_is_hold = top_s >= 1.5

    t0 = tl.hold(opts.setup_seconds * jitter())
    if m.setup is not None:
        t0 = tl.move(start, 1.2 * jitter())
        t0 = tl.hold(0.6)
    tl.phase("setup", 0.0, t0)

    sides = _side_order(m, n, opts.first_side)
    # One set is the historical script; later sets repeat it after a rest (the rng keeps drawing, so set 2
    # varies like any other reps).
    plan = [(k, i, side) for k in range(opts.sets) for i, side in enumerate(sides)]
    set_start = t0
    for j, (k, i, side) in enumerate(plan):
        if k > 0 and i == 0:
            _rest(tl, m, props, opts.rest, jitter, set_start)
            set_start = tl.t
        mirror = side == "right"
        rep_faults = [f for f in faults if _fault_applies(i, len(sides), m.kind)]
        scale = float(rng.uniform(0.92, 1.04))
        if m.kind == "hold":
            scale = 1.0  # a held posture is the target itself; variation comes from sway
        tempo_k = 1.0
        complete = True
        delta: dict[str, float] = {}
        short = 1.0  # a fault's range (a partial rep): from the solved start, like ``opts.range_scale``
        for f in rep_faults:
            short *= f.range_scale
            tempo_k *= f.tempo
            complete = complete and f.complete
            for name, v in f.delta.items():  # not ``k``: that is the set number, used below
                delta[name] = delta.get(name, 0.0) + v
        mstart = m.start.key(props, mirror=mirror, label="start")
        if mirror and m.sided == "blocks" and i > 0 and sides[i - 1] != side:
            tl.move(mstart, 1.5 * jitter())
            tl.hold(0.8)
        # The natural variation keeps ``_scaled`` (the historical clips' unsolved base); a partial rep shrinks from
        # the solved start (``_ranged``), or a bridge whose hip angle the start solves would reach its full
        # extension at "45 %" of its range
        peak = _ranged(_scaled(m.peak, m.start, scale), start.params, base, opts.range_scale * short)
        if m.kind == "reps":
            rep_delta = delta if delta else None
            peak_key = peak.key(props, extra=rep_delta, mirror=mirror, label="peak", inherit=base)
            r0 = tl.t
            tl.move(peak_key, up_s * jitter() * tempo_k)
            a = tl.t
            tl.hold(max(top_s * jitter() * tempo_k, 0.05))
            b = tl.t
            phases = {}
            if m.peak2 is not None:
                phases["cat"] = round(0.5 * (a + b), 4)
                p2 = _ranged(_scaled(m.peak2, m.start, scale), start.params, base, opts.range_scale * short).key(
                    props, extra=rep_delta, mirror=mirror, label="peak2", inherit=base)
                tl.move(p2, (up_s + down_s) / 2 * jitter() * tempo_k)
                c = tl.t
                tl.hold(max(top_s * jitter() * tempo_k, 0.05))
                phases["cow"] = round(0.5 * (c + tl.t), 4)
            tl.move(mstart, down_s * jitter() * tempo_k)
            r1 = tl.t
            rep = {"index": j + 1, "start": round(r0, 4), "peak": round(0.5 * (a + b), 4), "end": round(r1, 4),
                   "side": side if m.sided != "none" else "n/a", "complete": complete,
                   "faults": [f.code for f in rep_faults],
                   "range_scale": round(scale * opts.range_scale * short, 4)}
            if phases:
                rep["phases"] = phases
            if opts.sets > 1:
                rep["set"] = k + 1
            tl.reps.append(rep)
            if top_is_hold and m.peak2 is None:
                tl.holds.append({"start": round(a, 4), "end": round(b, 4), "side": rep["side"]})
            for f in rep_faults:
                tl.faults.append({"code": f.code, "message": f.message, "start": round(r0, 4),
                                  "end": round(r1, 4), "rep": j + 1})
            tl.hold(rest_s * jitter())
        else:
            peak_key = peak.key(props, mirror=mirror, label="hold", inherit=base)
            tl.move(peak_key, up_s * jitter())
            h0 = tl.t
            if rep_faults:
                bad = peak.key(props, extra=delta, mirror=mirror, label="fault", inherit=base)
                tl.hold(hold_s * 0.3)
                f0 = tl.t
                tl.move(bad, 1.0)
                tl.hold(max(hold_s * 0.4 - 2.0, 0.5))
                tl.move(peak_key, 1.0)
                f1 = tl.t
                tl.hold(max(hold_s - (tl.t - h0), 0.5))
                for f in rep_faults:
                    tl.faults.append({"code": f.code, "message": f.message, "start": round(f0 + 0.5, 4),
                                      "end": round(f1 - 0.5, 4), "rep": None})
                # A hold is time inside tolerance (events.Hold): the faulty stretch splits it in two.
                spans = [(h0, f0 + 0.5), (f1 - 0.5, tl.t)]
            else:
                tl.hold(hold_s)
                spans = [(h0, tl.t)]
            for a, b in spans:
                tl.holds.append({"start": round(a, 4), "end": round(b, 4),
                                 "side": side if m.sided != "none" else "n/a"})
            tl.move(mstart, down_s * jitter())
            tl.hold(rest_s * jitter())
    if opts.rest > 0:
        _rest(tl, m, props, opts.rest, jitter, set_start, back=False)
    else:
        tl.phase("exercise", set_start, tl.t)
    return m, tl


def _rest(tl: Timeline, m: Motion, props: Proportions, seconds: float, jitter, set_start: float,
          back: bool = True) -> None:
    """Close the set's "exercise" phase and rest: in the setup posture if the exercise has one, else still in
    the start posture (a plank's start is already on the knees); then, before another set, back to the start."""
    tl.phase("exercise", set_start, tl.t)
    r0 = tl.t
    start = m.start.key(props, label="start")
    if m.setup is not None:
        tl.move(m.setup.key(props, label="setup"), 1.2 * jitter())
    tl.hold(max(seconds, 0.5))
    if not back:
        pass
    elif m.setup is not None:
        tl.move(start, 1.2 * jitter())
    elif tl.current.mirrored:  # a sided block ended on the right: come back to the unmirrored start
        tl.move(start, 1.0 * jitter())
    tl.phase("rest", r0, tl.t)


def _side_order(m: Motion, n: int, first: str) -> list[str]:
    other = "right" if first == "left" else "left"
    if m.sided == "alternate":
        return [first if i % 2 == 0 else other for i in range(n)]
    if m.sided == "blocks":
        return [first] * n + [other] * n
    return ["left"] * n  # "left" only selects the unmirrored script; the truth says "n/a"


def _fault_applies(i: int, n: int, kind: str) -> bool:
    if n == 1:
        return True
    return i % 2 == 1


def _scaled(peak: Pose, start: Pose, scale: float) -> Pose:
    """The peak moved a fraction of the way from the start (range of motion variation / partial reps)."""
    if abs(scale - 1.0) < 1e-9:
        return peak
    from posecoach.synth.body import NEUTRAL
    params = {}
    for k in set(peak.params) | set(start.params):
        a = start.params.get(k, NEUTRAL.get(k, 0.0))
        b = peak.params.get(k, NEUTRAL.get(k, 0.0))
        params[k] = b if k.startswith("foot_flat") else a + (b - a) * scale
    if peak.solve and peak.solve != start.solve:
        for k in peak.solve:  # solved angles are found again, not scaled
            params[k] = peak.params.get(k, 0.0)
    return replace(peak, params=params)


def _ranged(peak: Pose, start: dict[str, float], base: dict[str, float], scale: float) -> Pose:
    """The peak moved ``scale`` of the way from the *solved* start posture (``start``: its angles; ``base``: the
    ones it solved, which the peak inherits). Unlike ``_scaled`` (whose unsolved base the historical clips keep),
    this shrinks a bridge or a knee-to-chest too, where the start's hip angle comes from solving the feet onto the
    floor. Angles the peak solves are found again, so contacts stay on the floor at any range."""
    if abs(scale - 1.0) < 1e-9:
        return peak
    from posecoach.synth.body import NEUTRAL
    params = {}
    for k in set(peak.params) | set(start):
        if k not in peak.params and k in base:
            continue  # inherited from the start: no excursion
        a = start.get(k, NEUTRAL.get(k, 0.0))
        b = peak.params.get(k, NEUTRAL.get(k, 0.0))
        params[k] = b if k.startswith("foot_flat") or k in peak.solve else a + (b - a) * scale
    return replace(peak, params=params)


class Performer:
    """Plays a timeline: the grounded, anchored body at increasing times.

    Grounding puts the lowest current contact point on the floor. Anchoring keeps one joint (the motion's
    anchor, or its mirror on right-side moves) fixed horizontally, so a supporting foot or knee never skates;
    when the anchor joint changes, its target is where it stands at that moment. Call in time order.
    """

    def __init__(self, tl: Timeline, motion: Motion, props: Proportions):
        self.tl, self.props = tl, props
        self.anchor = motion.anchor
        self.targets: dict[str, np.ndarray] = {}
        self._last_shift: np.ndarray | None = None

    def at(self, t: float, sway: dict[str, float] | None = None) -> BodyState:
        p, contacts, mirrored = self.tl.params_at(t)
        if sway:
            for k, v in sway.items():
                p[k] = p.get(k, _neutral(k)) + v
        s = pose_body(p, self.props)
        low = min(float(s.contacts[c][:, 1].min()) for c in contacts)
        name = _mirror_name(self.anchor) if mirrored else self.anchor
        a = s.joints[name]
        if name not in self.targets:
            # First use of this anchor: keep the body where the previous anchor put it.
            shift = self._last_shift if self._last_shift is not None else -a[[0, 2]]
            self.targets[name] = a[[0, 2]] + shift
        tx, tz = self.targets[name]
        off = np.array([tx - a[0], -low, tz - a[2]])
        self._last_shift = off[[0, 2]]
        return s.translated(off)
