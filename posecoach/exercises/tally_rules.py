"""The rules the rep tally (``rep_tally.py``) fuses its two counters by: each a pure function with one decision.

The tally keeps the state (what was counted, which periodic peaks are taken, which attempts are held); these say
whether one piece of evidence is a rep, and why such a rule is needed at all. Their parameters, ``TallyOptions``,
were chosen on the *tune* half of the dev clips. Pure: no OpenCV, no I/O.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from .events import Rep
from .periodicity import PeriodicRep


@dataclass(frozen=True)
class TallyOptions:
    """When the periodicity counter may count on its own. Chosen on the *tune* half of the dev clips."""

    promote_confidence: float = 0.8  # autocorrelation a periodic peak needs to turn an attempt into a rep
    promote_prominence: float = 0.6  # ... and its rise, as a share of the median rise of the confirmed reps
    rescue_confidence: float = 0.6  # autocorrelation a periodic peak needs to count without the rules
    run_min: int = 3  # periodic peaks in a row, unexplained by the rules, before they count
    match_margin: float = 0.25  # periods a peak may fall outside a rule rep's span and still be that rep
    # The person's own range (adaptive small-range reps): an attempt the zones saw counts, graded "attempt", when
    # it reaches ``adapt_ratio`` of the person's typical range (the median reach of their reps so far, complete
    # or not), once ``adapt_min_reps`` such reps show it is their range and not a one-off; never below the
    # spec's ``partial_min`` (the rule counter reports nothing smaller).
    adapt_ratio: float = 0.75
    adapt_min_reps: int = 2
    # Reps on the person's learned range (OwnRangeCounter) count once ``own_run`` of them agree (a lone one may be
    # getting into position), while the spec's zones have counted nothing.
    own_run: int = 2
    # A complete rule rep whose top comes within ``double_gap`` periods of the last counted one (and within half
    # of the person's usual spacing), while the periodicity counter is sure of the rhythm (``rhythm_confidence``),
    # is the same movement counted twice (a pause at the top that jitters across a zone's edge); it is recorded
    # as an attempt, not counted.
    double_gap: float = 0.3
    # A top closer than this (seconds) to a counted one, and closer than ``double_gap`` of the person's own spacing
    # of their reps, is one top seen twice even while the rhythm is unsure: half the fastest plausible rep
    # (PeriodicityOptions.min_period, 1.2 s). A knee to chest whose zones closed a second rep 0.5 s after the top
    # of one counted two for one; rushed reps 0.55 s apart stay reps (their own spacing is as short).
    min_rep_gap: float = 0.6
    rhythm_confidence: float = 0.8
    # A sure periodic peak (``promote_confidence``) of a full range, one period before the first rule rep of a
    # run or after its last, is a rep the rules' set-up or a late return missed (the first rep of a set begun
    # without a pause): it counts. ``edge_reps`` off restores the rules' edges.
    edge_reps: bool = True
    # A rule rep spanning two periodic peaks (the return between two reps never reached the start zone) holds two
    # reps: the second peak counts when it is ``split_gap`` periods or more from the first, and when the return
    # between them left the top (a peak inside the same timed hold as a counted rep is a breath: ``held_through``).
    split_reps: bool = True
    split_gap: float = 0.6
    # A sure run (every peak ``promote_confidence``, at least ``run_min``) of which the rules counted fewer than
    # ``lost_share`` is one whose rhythm they cannot follow (a view or variant their zones do not foresee): its
    # peaks count, attempts included. ``lost_runs`` off restores counting only the gaps between rule reps.
    lost_runs: bool = True
    lost_share: float = 0.5
    # A rep the zones call complete whose travel (from its own low point at home to its peak) is under
    # ``short_ratio`` of the person's usual travel (the median of their earlier counted reps, on the same side
    # where there are such) is a short rep, not a full one: recorded as a partial, not counted. 0 turns this off.
    # On the tune clips a real rep travels at least 0.60 of the person's usual (a pelvic tilt); 0.5 keeps a margin
    # and still catches the synthetic partial reps (45 % of the range: 0.41-0.48).
    short_ratio: float = 0.5
    # Where neither the spec's zones nor the person's learned range have counted anything (a view or variant the
    # zones cannot follow), one unsure peak (under ``rescue_confidence``: the window around it held a change of pace
    # or a pause) may join a run between two sure ones: once per run, never at its ends, never two in a row, so
    # set-up or standing up next to a set does not become a rep. On synth_dev a bird dog from the head (0.97 /
    # 0.37 / 0.97) and a twist from the head (0.84 / 0.59 / 0.84) lost their whole set to one such peak and counted
    # 0 of 4. ``lenient_runs`` off asks every peak of a run for ``rescue_confidence``, as before.
    lenient_runs: bool = True
    # At the end of the source, where neither the spec's zones nor the person's learned range ever counted a rep
    # (a view or variant the zones cannot follow), the periodicity counter's committed peaks that no counted rep
    # explains count too (``unclaimed``): the person repeated the movement, and a count after the fact is better
    # than a silent zero or a set cut to its surest run. Only peaks in a paced run (``run_min`` or more, each at least
    # ``end_confidence``: a committed peak needs only 0.35) count, so set-up bumps do not. Rep and mixed exercises
    # (a bridge, bird dog or twist that also times its holds at the top); not hold exercises. Measured for the
    # mixed ones on tune + synth_dev: a bird dog from the front 0 -> 3 of 4, no other count or hold moved, and no
    # hold clip gained a rep.
    periodic_at_end: bool = True
    end_confidence: float = 0.4


def within(peak: float, period: float, rep: Rep, margin: float) -> bool:
    """A periodic peak (one ``period`` long) belongs to a rep when it falls inside the rep's span, give or take
    ``margin`` periods: the two counters time the same movement a little differently (the rules close a rep on
    the way home, the periodicity counter puts it at the top)."""
    return rep.start - margin * period <= peak <= rep.end + margin * period


def overlap(a: Rep, b: Rep) -> bool:
    """Two reps that share more than half of the shorter one's span are the same movement."""
    shared = min(a.end, b.end) - max(a.start, b.start)
    return shared > 0.5 * max(min(a.end - a.start, b.end - b.start), 1e-9)


def promotes(peak: PeriodicRep, attempt: Rep, full: float, confirmed_rises: list[float],
             o: TallyOptions) -> bool:
    """An attempt becomes a rep only if it reached the top (its return was not seen: the clip ended, a cut,
    the person was lost) and periodic motion as large as the confirmed reps' shows the return happened.
    An attempt that stopped short stays an attempt: telling those apart is what the zones are for.
    ``confirmed_rises``: the prominences of the periodic peaks already matched to counted reps."""
    if not attempt.range_share >= full:
        return False
    rises = sorted(confirmed_rises)
    typical = rises[len(rises) // 2] if rises else 0.0
    return peak.confidence >= o.promote_confidence and peak.prominence >= o.promote_prominence * typical


def periodic_runs(periodic: list[PeriodicRep], now: float, o: TallyOptions,
                  lenient: bool = False) -> tuple[list[list[PeriodicRep]], float]:
    """Periodic-only counting: peaks count without the rules only in runs, because set-up, fidgeting, a single
    stretch or someone standing up and talking move the body too, but not again and again at one pace. A run is
    consecutive settled peaks (a period has passed, so a rule rep closing around one would have done so), spaced
    at most 1.6 periods apart, each with confidence >= ``rescue_confidence``, at least ``run_min`` long.
    ``lenient`` (nothing else has counted): one unsure peak may join a run between two sure ones (``lenient_runs``).
    Returns the runs and when the next unsettled peak settles (nothing new can be decided before then)."""
    settled = [p for p in sorted(periodic, key=lambda q: q.peak) if now >= p.peak + p.period]
    next_settle = min((p.peak + p.period for p in periodic if now < p.peak + p.period), default=math.inf)
    sure = [p.confidence >= o.rescue_confidence for p in settled]

    def paced(a: PeriodicRep, b: PeriodicRep) -> bool:
        return b.peak - a.peak <= 1.6 * max(a.period, b.period)

    runs: list[list[PeriodicRep]] = []
    cur: list[PeriodicRep] = []
    bridged = False
    for i, p in enumerate(settled):
        if cur and not paced(cur[-1], p):  # the pace broke off
            runs.append(cur)
            cur, bridged = [], False
        if sure[i]:
            cur.append(p)
        elif lenient and not bridged and cur and sure[i - 1] and i + 1 < len(sure) and sure[i + 1] \
                and paced(p, settled[i + 1]):
            cur.append(p)
            bridged = True
        else:
            runs.append(cur)
            cur, bridged = [], False
    runs.append(cur)
    return [r for r in runs if len(r) >= o.run_min], next_settle


def is_double(top: float, counted_tops: list[float], period: float, strength: float, one_sided: bool,
              o: TallyOptions) -> bool:
    """The double-count guard: a complete rule rep whose top comes within ``double_gap`` periods of the last
    counted rep's, while the rhythm is sure, is the same movement counted twice (a pause at the top that jitters
    across a zone's edge closes a second rep). An alternating exercise's main axis may read a pair of reps as one
    period, so there the gap is measured against half of it. A gap under ``min_rep_gap`` that is also short
    against the person's own spacing is a double whatever the rhythm. ``counted_tops``: the counted reps' tops,
    sorted."""
    tops = counted_tops
    if len(tops) < 2:
        return False
    # the counter's period may be a multiple of the true one (it locks on every other rep for a while): the
    # gap must also be short against the person's own spacing of their reps so far
    usual = sorted(b - a for a, b in zip(tops, tops[1:]))[(len(tops) - 1) // 2]
    gap = min(abs(top - t) for t in tops)  # the nearest: an attempt counted late (``_adapt``) may precede some
    if gap < o.min_rep_gap and gap < o.double_gap * usual:
        return True  # faster than any rep, and than this person's: one top seen twice, sure rhythm or not
    if not (strength >= o.rhythm_confidence and math.isfinite(period)):
        return False
    if one_sided and abs(period - usual) > 0.25 * usual:
        period /= 2.0  # a pair of reps read as one period (a period that is the person's spacing is one rep)
    return gap < o.double_gap * period and gap < 0.5 * usual


def is_short_of_own(travel: float, side: str, earlier: list[tuple[float, str]], one_sided: bool,
                    o: TallyOptions) -> bool:
    """A rep the spec's zones call complete, short of the person's own range. The zones are shares of a nominal
    range; a person whose reps go well past the top (a sit-up curled high) passes "full" at half their range,
    and one who stops short at both ends (a cat-cow with a small cow and a small cat) passes it too, so a short
    rep among full ones is counted as one. Against their own earlier reps (``earlier``: the travel and side of
    each counted rep so far) it is a partial. For a one-sided exercise the two sides may read differently in a
    2D view (the near and the far limb), so the same side is compared where it has reps. With no earlier rep
    there is nothing to compare with: the rep counts."""
    if not o.short_ratio > 0.0 or not math.isfinite(travel):
        return False
    same = [s for s, sd in earlier if sd == side] if one_sided else []
    ref = same or [s for s, _ in earlier]
    if not ref:
        return False
    typical = sorted(ref)[len(ref) // 2]
    return travel < o.short_ratio * typical


def is_edge_rep(p: PeriodicRep, ruled: list[float], full: float, o: TallyOptions) -> bool:
    """Edge reps: a sure, full-range periodic peak one period before the first rule rep of its run or after the
    last. The rules miss the first rep of a set begun without a pause at the start zone (their set-up is not
    done yet) and a last rep whose return came late; the rhythm shows it was a rep like the others."""
    if not o.edge_reps or p.confidence < o.promote_confidence or not p.key_range >= full:
        return False
    if len(ruled) < 2:
        return False
    # the same rhythm as the rules' run: its period and its distance to the run match their spacing (a
    # settling-in movement before the first rep has a rhythm of its own)
    usual = sorted(b - a for a, b in zip(ruled, ruled[1:]))[(len(ruled) - 2) // 2]
    gap = ruled[0] - p.peak if p.peak < ruled[0] else p.peak - ruled[-1]
    return abs(p.period - usual) <= 0.25 * usual and 0.75 * usual <= gap <= 1.25 * usual


def home_by(p: PeriodicRep, reps: list[Rep]) -> float:
    """When the person is back home after the top ``p``: half a period later, or sooner if their own counted reps
    came home sooner (the median time from the rule counter's top to home over the complete reps it closed, two at
    least: the spec's zones, the person's learned range and promoted attempts alike; the periodic top may sit a
    little later than the rule top on a rep paused at the top, which this does not correct).
    A rep paced with a rest at home has a period much longer than twice its way down (a bird dog: 1 s down, a
    3.4 s period), and its last rep, back home 1 s after the top when the clip ended, was refused."""
    downs = sorted(r.end - r.peak for r in reps if r.complete and r.source in ("rules", "both"))
    own = downs[len(downs) // 2] if len(downs) >= 2 else math.inf
    return p.peak + min(0.5 * p.period, own)


def rules_lost(run: list[PeriodicRep], ruled: list[float], o: TallyOptions) -> bool:
    """Rules that lost the rhythm: a sure run in which the rules counted fewer than ``lost_share`` of the peaks.
    Zones set for one view see a twist filmed from the feet, or a tilt smaller than usual, as an attempt now and
    then; a run this regular, as large as a rep in the key measure, is the person repeating the exercise."""
    if not o.lost_runs or len(run) < o.run_min:
        return False
    if any(p.confidence < o.promote_confidence for p in run):
        return False
    return len(ruled) < o.lost_share * len(run)


def splits_rule_rep(p: PeriodicRep, before: PeriodicRep, rule_rep: Rep, o: TallyOptions) -> bool:
    """Split reps: two periodic peaks inside one complete rule rep, ``split_gap`` periods or more apart. The rule
    counter merged two reps because the return between them never reached its start zone; the second peak is a
    rep of its own."""
    if not o.split_reps or not rule_rep.complete:
        return False
    r = rule_rep
    inside = r.start <= before.peak <= r.end and r.start <= p.peak <= r.end
    return inside and p.peak - before.peak >= o.split_gap * p.period


def room_for_a_rep(p: PeriodicRep, ruled: list[float]) -> bool:
    """Gap filling: where the rules follow the person, a periodic peak between two of their reps is one they
    missed only if there is room for a rep there: a missed rep leaves a gap between the counted reps around it
    about twice their usual spacing. ``ruled``: the tops of the rule reps in the peak's run, sorted."""
    before = max(x for x in ruled if x < p.peak)
    after = min(x for x in ruled if x > p.peak)
    gaps = sorted(b - a for a, b in zip(ruled, ruled[1:]))
    usual = gaps[len(gaps) // 2]
    return after - before >= 1.5 * usual


def unclaimed(periodic: list[PeriodicRep], counted_tops: list[float], used: set[float],
              o: TallyOptions) -> list[PeriodicRep]:
    """The periodic peaks no counted rep explains (not taken already, no counted top within half a period), among
    those that form a paced run (``periodic_runs``: ``run_min`` or more, each at least ``end_confidence``). A
    pair of set-up bumps ten seconds apart is not a set."""
    runs, _ = periodic_runs(periodic, math.inf, replace(o, rescue_confidence=o.end_confidence))
    return [p for run in runs for p in run
            if p.peak not in used and not any(abs(t - p.peak) < 0.5 * p.period for t in counted_tops)]


def at_the_end(current: list[PeriodicRep], alike: Sequence[PeriodicRep], counted_tops: list[float], used: set[float],
               o: TallyOptions) -> list[PeriodicRep]:
    """What counts when the source ends where neither the spec's zones nor the person's learned range counted a
    rep: the periodic peaks no counted rep explains (``unclaimed``), then the reps alike but keeping no beat
    (``alike_reps.py``: the rises of a set with rests, which break the rhythm's pace) that neither a counted rep nor
    one of those peaks explains (no top within half of the rep's span).
    (A rep must also have moved the exercise's own measure as far as the spec's ``partial_min``, where it reads,
    was tried against a hold's sway: on synth_dev real reps seen end-on or from low down move it 0.16-0.5, and
    three clips lost their reps.)"""
    first = unclaimed(current, counted_tops, used, o)
    tops = counted_tops + [p.peak for p in first]
    return first + [p for p in alike if not any(abs(t - p.peak) < 0.5 * p.period for t in tops)]


def held_through(top: float, counted: list[tuple[float, float, float]], holds: list[tuple[float, float]]) -> bool:
    """A top inside a hold the key measure timed, in which a rep is counted already: the person never left the top
    between the two, so this is no second rep. Breathing while holding a bridge, cobra, bird dog or knee to chest
    rises and falls every 4 s, and the whole-body axis finds that rhythm (the synthetic exerciser's one rep held
    40 s counted 5-9). Where no hold is timed (a view the key measure cannot read) this has no say.
    ``counted``: (start, top, end) of each counted rep. A counted rep whose span covers two holds is two reps the
    rules merged (the return between them left the top but missed the start zone: ``split_reps``), and its top
    says nothing about either hold."""
    def one_hold(start: float, end: float) -> bool:
        return sum(1 for a, b in holds if a <= end and b >= start) <= 1

    return any(a <= top <= b and any(a <= t <= b and one_hold(s, e) for s, t, e in counted) for a, b in holds)
