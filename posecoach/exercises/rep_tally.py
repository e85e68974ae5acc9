"""Fusion of the two rep counters: which repetitions count, and which signal counted them.

The rule counter (``rule_counter.py``) names phases and tells a full rep from an attempt, but counts nothing when
one of its gates stays shut (a posture or view its spec did not foresee, a range smaller than its zones). The
periodicity counter (``periodicity.py``) needs no zones but cannot tell a rep from a shuffle on its own, and
needs two or three cycles before it is sure. The tally lets each do what it is good at:

* a complete rule rep counts at once (live feedback is not delayed); a periodic peak inside it makes its source
  "both";
* a rule attempt that reached the top counts as complete when a strongly periodic peak as large as the person's
  other reps falls inside it (a return lost in a cut or a dropout); one that stopped short, or that the source
  ended before the person was home, stays an attempt;
* periodic peaks count on their own only in runs (>= ``run_min`` settled peaks in a row, each strongly
  periodic): where the rules have counted nothing at all, a whole run counts, attempts included (the person's
  range is smaller than the zones: a small but real pelvic tilt); where the rules follow the person, only a peak
  in a gap between two of their reps wide enough to hold a rep counts. Set-up, fidgeting, a single stretch or
  someone standing up and talking are not such runs.
Attempts the rules saw are decided at the latest when the source ends, so live partial counts may lag.
Counted reps are never taken back. Pure: no OpenCV, no I/O.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

from .events import Rep
from .periodicity import PeriodicRep
from .spec import ExerciseSpec


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
    rhythm_confidence: float = 0.8
    # A sure periodic peak (``promote_confidence``) of a full range, one period before the first rule rep of a
    # run or after its last, is a rep the rules' set-up or a late return missed (the first rep of a set begun
    # without a pause): it counts. ``edge_reps`` off restores the rules' edges.
    edge_reps: bool = True
    # A rule rep spanning two periodic peaks (the return between two reps never reached the start zone) holds two
    # reps: the second peak counts when it is ``split_gap`` periods or more from the first.
    split_reps: bool = True
    split_gap: float = 0.6


class RepTally:
    """Consumes rule reps (as ``Rep`` events) and periodic peaks; returns the reps that count, numbered."""

    MODES = ("fused", "rules", "periodicity")

    def __init__(self, spec: ExerciseSpec, options: TallyOptions | None = None, mode: str = "fused"):
        if mode not in self.MODES:
            raise ValueError(f"counting must be one of {', '.join(self.MODES)}, got {mode!r}")
        self.spec = spec
        self.options = options or TallyOptions()
        self.mode = mode  # "rules" or "periodicity" alone: the benchmark's comparisons
        self.reset()

    def reset(self) -> None:
        self.reps: list[Rep] = []  # everything decided so far: counted reps and attempts, in decision order
        self._periodic: list[PeriodicRep] = []
        self._used: set[float] = set()  # peaks (by time) that a rule rep or a count has taken
        self._held: list[Rep] = []  # rule attempts that a later periodic peak may still confirm
        self._known: set[float] = set()  # peaks seen from the periodicity counter
        self._next_settle = -math.inf  # when the next unsettled peak settles
        self._reach: list[float] = []  # range_share of every rep the zones saw (the person's own range)
        self._rule_counted = 0  # reps the spec's own zones counted
        self._own: list[Rep] = []  # reps counted on the person's learned range (OwnRangeCounter)
        self._own_held: list[tuple[Rep, bool]] = []  # ... waiting for a run, or periodic support (gate shut)
        self._adapted = 0  # attempts counted at the person's own range
        self._rhythm = (math.nan, 0.0)  # the periodicity counter's current period and strength

    @property
    def count(self) -> int:
        return sum(1 for r in self.reps if r.complete)

    # -------------------------------------------------------------------------------------------- inputs
    def rule_rep(self, rep: Rep, at_end: bool = False) -> list[Rep]:
        """A rep the rule counter closed. ``at_end``: closed because the source ended; an attempt then stays an
        attempt (a rep that ends after the last frame is not complete, whatever the motion before it promised).
        Returns what is decided now."""
        if self.mode == "rules":
            return [self._record(replace(rep, index=self.count + 1 if rep.complete else 0,
                                         grade="full" if rep.complete else "partial"))]
        if self.mode == "periodicity":
            return []
        peak = self._match(rep)
        if not at_end and math.isfinite(rep.range_share):
            self._reach.append(rep.range_share)
        if rep.complete:
            self._rule_counted += 1
            if any(_overlap(rep, r) for r in self._own):
                return []  # counted already on the person's own range: the same movement
            m = self.options.match_margin
            for i, r in enumerate(self.reps):
                period = r.end - r.start  # a periodicity rep spans one period around its peak
                if r.source == "periodicity" and rep.start - m * period <= r.peak <= rep.end + m * period:
                    # the periodicity counter already counted this one (the rules closed it late): it stays one
                    # rep, now seen by both
                    self.reps[i] = replace(r, source="both")
                    return []
            if peak is None and self._double(rep):
                return [self._record(replace(rep, index=0, complete=False, grade="partial"))]
            return [self._count(rep, "both" if peak is not None else "rules", peak)]
        if at_end:
            return [self._record(replace(rep, index=0, grade="partial"))]
        if peak is not None and self._confirms(peak, rep):
            return [self._count(rep, "both", peak, promoted=True)]
        self._held.append(rep)
        return self._adapt()

    def own_rep(self, rep: Rep, refused: bool) -> list[Rep]:
        """A rep of the rule machine run on the person's learned range (``OwnRangeCounter``). It counts only while
        the spec's zones have counted nothing (where they follow the person, they are the better judge), and
        when it was counted with the posture gate shut (``refused``), only with a periodic peak inside it."""
        if self.mode != "fused" or not rep.complete or self._rule_counted:
            return []
        for i, r in enumerate(self.reps):
            if r.complete and _overlap(rep, r):  # counted already (by the periodicity counter, or adapted)
                if r.source == "periodicity":
                    self.reps[i] = replace(r, source="both")
                self._own.append(rep)
                return []
        self._own_held.append((rep, refused))
        return self._own_supported()

    def periodic(self, current: list[PeriodicRep], now: float, period: float = math.nan,
                 strength: float = 0.0) -> list[Rep]:
        """The periodicity counter's committed peaks so far (their confidence may have grown since they were
        committed), the time now, and the counter's current period and strength. Returns what is decided."""
        self._rhythm = (period, strength)
        new = [p for p in current if p.peak not in self._known]
        self._known.update(p.peak for p in new)
        if self.mode == "rules":
            return []
        if self.mode == "periodicity":
            return [self._count_alone(p) for p in new]
        if not new and now < self._next_settle:
            return []  # nothing new to decide (keeps the per-frame cost flat over a long session)
        self._periodic = list(current)
        self._support(new)
        out = self._own_supported()
        for rep in list(self._held):  # an attempt the rules saw may be confirmed by a peak committed later
            peak = self._match(rep)
            if peak is not None and self._confirms(peak, rep):
                self._held.remove(rep)
                out.append(self._count(rep, "both", peak, promoted=True))
        return out + self._rescue(now)

    def finish(self, current: list[PeriodicRep]) -> list[Rep]:
        """End of the source, with the periodicity counter's final peaks: runs are settled, and attempts still
        held are decided as attempts."""
        if self.mode != "fused":
            return [self._record(replace(r, index=0, grade="partial")) for r in self._held]
        self._periodic = list(current)
        out = self._own_supported()
        self._own_held = []
        out += self._rescue(math.inf) + self._adapt()
        for rep in self._held:
            out.append(self._record(replace(rep, index=0, source="rules", grade="partial")))
        self._held = []
        return out

    # ---------------------------------------------------------------------------------------------- logic
    def _match(self, rep: Rep) -> PeriodicRep | None:
        m = self.options.match_margin
        best = None
        for p in self._periodic:
            if p.peak in self._used:
                continue
            if rep.start - m * p.period <= p.peak <= rep.end + m * p.period:
                if best is None or abs(p.peak - rep.peak) < abs(best.peak - rep.peak):
                    best = p
        return best

    def _support(self, new: list[PeriodicRep]) -> None:
        """A peak committed after the rule rep around it was counted (the usual order: the rules close a rep on
        the way home, a peak is confirmed a little later) supports that rep: its source becomes "both"."""
        m = self.options.match_margin
        for p in new:
            for i, r in enumerate(self.reps):
                if r.complete and r.source == "rules" and r.start - m * p.period <= p.peak <= r.end + m * p.period:
                    self._used.add(p.peak)
                    self.reps[i] = replace(r, source="both", confidence=round(max(0.5, min(1.0, p.confidence)), 3))
                    break

    def _confirms(self, peak: PeriodicRep, rep: Rep) -> bool:
        """An attempt becomes a rep only if it reached the top (its return was not seen: the clip ended, a cut,
        the person was lost) and periodic motion as large as the confirmed reps' shows the return happened.
        An attempt that stopped short stays an attempt: telling those apart is what the zones are for."""
        o = self.options
        if not rep.range_share >= self.spec.full:
            return False
        rises = sorted(p.prominence for p in self._periodic if p.peak in self._used)
        typical = rises[len(rises) // 2] if rises else 0.0
        return peak.confidence >= o.promote_confidence and peak.prominence >= o.promote_prominence * typical

    def _rescue(self, now: float) -> list[Rep]:
        """Periodic peaks that no rule rep explains count when they belong to a run: consecutive settled peaks
        (a period has passed, so a rule rep closing around one would have done so), spaced at most 1.6 periods
        apart, each with confidence >= ``rescue_confidence``, at least ``run_min`` long. The run may include
        peaks the rules counted too: a rep the rules missed in the middle of a set they otherwise follow counts,
        as do all the reps of a set they cannot follow at all. Recomputed from the current confidences each
        time (they grow as later windows see the run), so a run's first reps count once the run is sure."""
        o = self.options
        settled = [p for p in sorted(self._periodic, key=lambda q: q.peak) if now >= p.peak + p.period]
        self._next_settle = min((p.peak + p.period for p in self._periodic if now < p.peak + p.period),
                                default=math.inf)
        runs, cur = [], []
        for p in settled:
            ok = p.confidence >= o.rescue_confidence
            if not ok or (cur and p.peak - cur[-1].peak > 1.6 * max(p.period, cur[-1].period)):
                if len(cur) >= o.run_min:
                    runs.append(cur)
                cur = [p] if ok else []
            else:
                cur.append(p)
        if len(cur) >= o.run_min:
            runs.append(cur)
        out = []
        # reps on the learned range are no sign that the spec's zones follow: they fill in like periodic ones
        rules_follow = any(r.complete and r.source != "periodicity" and not self.is_own(r) for r in self.reps)
        for run in runs:
            # Where the rules count nothing at all (a variant, view or range their zones do not foresee), a run
            # counts whole, its attempts included: the person's own range is smaller than the spec's (a small
            # but real pelvic tilt). Where the rules follow this person, a run counts only the peaks they missed
            # between reps they counted; runs outside their reps are someone doing something else (standing up,
            # talking with their hands), and an attempt among counted reps is a shallower rep, and stays one.
            ruled = [p.peak for p in run if self._complete_rule_rep_at(p)]
            for k, p in enumerate(run):
                if p.peak in self._used:
                    continue
                at = self._rule_rep_at(p)
                if at is not None:
                    if self._second_in_rule_rep(p, at, run[k - 1] if k else None):
                        out.append(self._count_alone(p))
                        continue
                    self._used.add(p.peak)
                    continue
                if ruled:
                    if ruled[0] < p.peak < ruled[-1] and self._held_at(p) is None and self._room_for_a_rep(p, ruled):
                        out.append(self._count_alone(p))
                    elif self._edge_rep(p, ruled) and self._held_at(p) is None:
                        out.append(self._count_alone(p))
                    continue
                if rules_follow:
                    continue
                held = self._held_at(p)
                if held is not None:
                    self._held.remove(held)
                    out.append(self._count(held, "both", p))
                else:
                    out.append(self._count_alone(p))
        return out

    def _own_supported(self) -> list[Rep]:
        """Held reps on the learned range that count now: ``own_run`` of them seen (counted or held), and those
        seen with the posture gate shut only with a periodic peak inside."""
        if self._rule_counted:
            self._own_held = []
        if not self._own_held or len(self._own) + len(self._own_held) < self.options.own_run:
            return []
        # like the reps of a run they reach about as far as each other (a lone shallow one was getting ready)
        reach = sorted([r.range_share for r in self._own] + [r.range_share for r, _ in self._own_held])
        floor = self.options.adapt_ratio * reach[len(reach) // 2]
        if sum(1 for x in reach if x >= floor) < self.options.own_run:
            return []
        out = []
        for item in list(self._own_held):
            rep, refused = item
            if rep.range_share >= floor and (not refused or self._match(rep) is not None):
                self._own_held.remove(item)
                out.append(self._count_own(rep))
        return out

    def _count_own(self, rep: Rep) -> Rep:
        self._own.append(rep)
        peak = self._match(rep)
        return self._count(rep, "both" if peak is not None else "rules", peak,
                           grade="full" if rep.range_share >= self.spec.full else "attempt")

    def _adapt(self) -> list[Rep]:
        """Held attempts that the person's own range makes reps (graded "attempt"): each reaching
        ``adapt_ratio`` of their typical reach, once ``adapt_min_reps`` of them (counted before or now) agree.
        A person whose reps reach the top keeps a typical reach near it, so their odd short one stays a partial."""
        o = self.options
        if self.mode != "fused" or not self._held or o.adapt_min_reps <= 0 or not self._reach:
            return []
        typical = sorted(self._reach)[len(self._reach) // 2]
        # an attempt that reached the top is one whose return went unseen (a cut, the person lost): not a small
        # range; ``_confirms`` decides those
        small = [r for r in self._held if o.adapt_ratio * typical <= r.range_share < self.spec.full
                 and not any(_overlap(r, x) for x in self._own)]
        if self._adapted + len(small) < o.adapt_min_reps:
            return []
        out = []
        for rep in sorted(small, key=lambda r: r.start):
            self._held.remove(rep)
            peak = self._match(rep)
            self._adapted += 1
            self._rule_counted += 1
            out.append(self._count(rep, "both" if peak is not None else "rules", peak, grade="attempt"))
        return out

    def _double(self, rep: Rep) -> bool:
        """The same movement counted twice: its top within ``double_gap`` periods of the last counted rep's, while
        the rhythm is sure. An alternating exercise's main axis may read a pair of reps as one period, so there
        the gap is measured against half of it."""
        o = self.options
        period, strength = self._rhythm
        if not (strength >= o.rhythm_confidence and math.isfinite(period)):
            return False
        if self.spec.one_sided:
            period /= 2.0
        tops = sorted(r.peak for r in self.reps if r.complete)
        if len(tops) < 2:
            return False
        # the counter's period may be a multiple of the true one (it locks on every other rep for a while): the
        # gap must also be short against the person's own spacing of their reps so far
        usual = sorted(b - a for a, b in zip(tops, tops[1:]))[(len(tops) - 1) // 2]
        gap = rep.peak - tops[-1]
        return 0.0 <= gap < o.double_gap * period and gap < 0.5 * usual

    def _edge_rep(self, p: PeriodicRep, ruled: list[float]) -> bool:
        """A sure, full-range periodic peak one period before the first rule rep of its run or after the last."""
        o = self.options
        if not o.edge_reps or p.confidence < o.promote_confidence or not p.key_range >= self.spec.full:
            return False
        if len(ruled) < 2:
            return False
        # the same rhythm as the rules' run: its period and its distance to the run match their spacing (a
        # settling-in movement before the first rep has a rhythm of its own)
        usual = sorted(b - a for a, b in zip(ruled, ruled[1:]))[(len(ruled) - 2) // 2]
        gap = ruled[0] - p.peak if p.peak < ruled[0] else p.peak - ruled[-1]
        return abs(p.period - usual) <= 0.25 * usual and 0.75 * usual <= gap <= 1.25 * usual

    def _second_in_rule_rep(self, p: PeriodicRep, at: int, before: PeriodicRep | None) -> bool:
        """Two periodic peaks inside one complete rule rep: the rule counter merged two reps whose return between
        them never reached its start zone; the second peak is a rep of its own."""
        o = self.options
        if not o.split_reps or before is None or before.peak not in self._used:
            return False
        r = self.reps[at]
        if not r.complete or self.is_own(r):
            return False
        inside = r.start <= before.peak <= r.end and r.start <= p.peak <= r.end
        return inside and p.peak - before.peak >= o.split_gap * p.period

    @staticmethod
    def _room_for_a_rep(p: PeriodicRep, ruled: list[float]) -> bool:
        """A missed rep leaves a gap between the counted reps around it about twice their usual spacing."""
        before = max(x for x in ruled if x < p.peak)
        after = min(x for x in ruled if x > p.peak)
        gaps = sorted(b - a for a, b in zip(ruled, ruled[1:]))
        usual = gaps[len(gaps) // 2]
        return after - before >= 1.5 * usual

    def _complete_rule_rep_at(self, p: PeriodicRep) -> bool:
        m = self.options.match_margin
        return any(r.complete and r.source != "periodicity" and not self.is_own(r)
                   and r.start - m * p.period <= p.peak <= r.end + m * p.period for r in self.reps)

    def is_own(self, r: Rep) -> bool:
        """Counted on the person's learned range (``own_rep``), not by the spec's zones."""
        return any(r.start == o.start and r.end == o.end for o in self._own)

    def _held_at(self, p: PeriodicRep) -> Rep | None:
        m = self.options.match_margin
        return next((r for r in self._held if r.start - m * p.period <= p.peak <= r.end + m * p.period), None)

    def _rule_rep_at(self, p: PeriodicRep) -> int | None:
        """A rep or attempt the rules already decided around this peak."""
        m = self.options.match_margin
        return next((i for i, r in enumerate(self.reps) if r.source != "periodicity"
                     and r.start - m * p.period <= p.peak <= r.end + m * p.period), None)

    def _count(self, rep: Rep, source: str, peak: PeriodicRep | None, promoted: bool = False,
               grade: str = "") -> Rep:
        if peak is not None:
            self._used.add(peak.peak)
        confidence = 1.0 if peak is None else max(0.5, min(1.0, peak.confidence))
        if not grade:  # a rep the zones closed, or one whose return a cut hid, reached the top
            grade = "full" if rep.complete or promoted or not rep.range_share < self.spec.full else "attempt"
        return self._record(replace(rep, index=self.count + 1, complete=True, source=source,
                                    confidence=round(confidence, 3), promoted=promoted, grade=grade))

    def _count_alone(self, p: PeriodicRep) -> Rep:
        self._used.add(p.peak)
        sp = self.spec
        rom = p.key_range * abs(sp.top - sp.start) if math.isfinite(p.key_range) else math.nan
        share = p.key_range if math.isfinite(p.key_range) else math.nan
        rep = Rep(index=self.count + 1, start=round(p.peak - p.period / 2, 3), peak=p.peak,
                  end=round(p.peak + p.period / 2, 3), complete=True, range_of_motion=rom,
                  source="periodicity", confidence=round(min(1.0, p.confidence), 3), range_share=share,
                  grade="full" if share >= sp.full else "attempt")
        return self._record(rep)

    def _record(self, rep: Rep) -> Rep:
        self.reps.append(rep)
        return rep


def _overlap(a: Rep, b: Rep) -> bool:
    """Two reps that share more than half of the shorter one's span are the same movement."""
    shared = min(a.end, b.end) - max(a.start, b.start)
    return shared > 0.5 * max(min(a.end - a.start, b.end - b.start), 1e-9)
