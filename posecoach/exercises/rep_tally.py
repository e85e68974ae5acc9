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
Attempts are decided at the latest when the source ends (live partial counts may lag); so are the periodic peaks
of a source in which the zones never counted, and its alike rises (``alike_reps.py``: sets with rests). Counted
reps are never taken back. Each rule the tally applies is a pure function in ``tally_rules.py``, with its reason.
Pure: no OpenCV, no I/O.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import replace

from .events import Rep
from .periodicity import PeriodicRep
from .learned_range_reps import LearnedRangeReps
from .spec import ExerciseSpec
from .tally_rules import (TallyOptions, at_the_end, held_through, home_by, is_double, is_edge_rep, is_short_of_own,
                          overlap, periodic_runs, promotes, room_for_a_rep, rules_lost, splits_rule_rep, within)

__all__ = ["RepTally", "TallyOptions"]  # TallyOptions lives with the rules it tunes; imported from here too


class RepTally(LearnedRangeReps):
    """Consumes rule reps (as ``Rep`` events) and periodic peaks; returns the reps that count, numbered."""

    MODES = ("fused", "rules", "periodicity")

    def __init__(self, spec: ExerciseSpec, options: TallyOptions | None = None, mode: str = "fused"):
        if mode not in self.MODES:
            raise ValueError(f"counting must be one of {', '.join(self.MODES)}, got {mode!r}")
        self.spec = spec
        self.options = options or TallyOptions()
        self.mode = mode  # "rules" or "periodicity" alone: the benchmark's comparisons
        # the holds the key measure timed so far, (start, end), the open one ending at inf (``held_through``);
        # the checker sets it, a tally on its own has none
        self.holding: Callable[[], list[tuple[float, float]]] = list
        self.reset()

    def reset(self) -> None:
        self.reps: list[Rep] = []  # everything decided so far: counted reps and attempts, in decision order
        self._periodic: list[PeriodicRep] = []
        self._used: set[float] = set()  # peaks (by time) that a rule rep or a count has taken
        self._held: list[Rep] = []  # rule attempts that a later periodic peak may still confirm
        self._ended: list[Rep] = []  # attempts at the top when the source ended, waiting for the final peaks
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
            if any(overlap(rep, r) for r in self._own):
                return []  # counted already on the person's own range: the same movement
            m = self.options.match_margin
            for i, r in enumerate(self.reps):
                # a periodicity rep spans one period around its peak
                if r.source == "periodicity" and within(r.peak, r.end - r.start, rep, m):
                    # the periodicity counter already counted this one (the rules closed it late): it stays one
                    # rep, now seen by both
                    self.reps[i] = replace(r, source="both")
                    return []
            if (peak is None and self._double(rep)) or self._short(rep):
                return [self._record(replace(rep, index=0, complete=False, grade="partial"))]
            return [self._count(rep, "both" if peak is not None else "rules", peak)]
        if at_end:
            if rep.range_share >= self.spec.full and rep.peak < rep.end:
                self._ended.append(rep)  # reached the top: the rhythm may show the return was made in time
                return []
            return [self._record(replace(rep, index=0, grade="partial"))]
        if peak is not None and self._confirms(peak, rep):
            return [self._count(rep, "both", peak, promoted=True)]
        self._held.append(rep)
        return self._adapt()

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

    def finish(self, current: list[PeriodicRep], alike: Sequence[PeriodicRep] = ()) -> list[Rep]:
        """End of the source, with the periodicity counter's final peaks: runs settle, held attempts are decided.
        ``alike``: reps that look alike but keep no beat (``alike_reps.py``), counted like the unclaimed peaks."""
        if self.mode != "fused":
            return [self._record(replace(r, index=0, grade="partial")) for r in self._held]
        self._periodic = list(current)
        out = self._own_supported()
        self._own_held = []
        out += self._rescue(math.inf) + self._adapt()
        for rep in list(self._ended):
            peak = self._match(rep)
            if peak is not None and self._returned(peak, rep):
                self._ended.remove(rep)
                out.append(self._count(rep, "both", peak, promoted=True))
        if self.options.periodic_at_end and self.spec.kind in ("reps", "mixed") and not self._rule_counted \
                and not self._own:
            holds = self.holding()
            for p in at_the_end(current, alike, [r.peak for r in self.reps if r.complete], self._used, self.options):
                if held_through(p.peak, self._counted_spans(), holds):  # (reps counted in this loop included)
                    continue  # a breath at the top of a rep held
                held = self._held_at(p)  # an attempt the zones saw there was this rep (as in ``_rescue``)
                if held is not None:
                    self._held.remove(held)
                out.append(self._count_alone(p) if held is None else self._count(held, "both", p))
        out += [self._record(replace(r, index=0, source="rules", grade="partial")) for r in self._held + self._ended]
        self._held, self._ended = [], []
        return out

    # ---------------------------------------------------------------------------------------------- logic
    def _match(self, rep: Rep) -> PeriodicRep | None:
        m = self.options.match_margin
        best = None
        for p in self._periodic:
            if p.peak in self._used:
                continue
            if within(p.peak, p.period, rep, m):
                if best is None or abs(p.peak - rep.peak) < abs(best.peak - rep.peak):
                    best = p
        return best

    def _support(self, new: list[PeriodicRep]) -> None:
        """A peak committed after the rule rep around it was counted (the usual order: the rules close a rep on
        the way home, a peak is confirmed a little later) supports that rep: its source becomes "both"."""
        m = self.options.match_margin
        for p in new:
            for i, r in enumerate(self.reps):
                if r.complete and r.source == "rules" and within(p.peak, p.period, r, m):
                    self._used.add(p.peak)
                    self.reps[i] = replace(r, source="both", confidence=round(max(0.5, min(1.0, p.confidence)), 3))
                    break

    def _confirms(self, peak: PeriodicRep, rep: Rep) -> bool:
        """``tally_rules.promotes``, against the rises of the peaks matched to counted reps so far."""
        rises = [p.prominence for p in self._periodic if p.peak in self._used]
        return promotes(peak, rep, self.spec.full, rises, self.options)

    def _returned(self, peak: PeriodicRep, rep: Rep) -> bool:
        """The last rep of a recording, at the top when the source ended: it counts when a sure periodic peak
        says the person was back home before the last frame (``tally_rules.home_by``) and the zones only missed
        it by their lag. Cut off mid-way down, it stays an attempt."""
        return self._confirms(peak, rep) and home_by(peak, self.reps) <= rep.end

    def _rescue(self, now: float) -> list[Rep]:
        """Periodic peaks that no rule rep explains count when they belong to a run (``tally_rules.periodic_runs``:
        settled, evenly spaced, strongly periodic peaks, at least ``run_min`` of them). The run may include
        peaks the rules counted too: a rep the rules missed in the middle of a set they otherwise follow counts,
        as do all the reps of a set they cannot follow at all. Recomputed from the current confidences each
        time (they grow as later windows see the run), so a run's first reps count once the run is sure."""
        # reps on the learned range are no sign that the spec's zones follow: they fill in like periodic ones
        rules_follow = any(r.complete and r.source != "periodicity" and not self.is_own(r) for r in self.reps)
        # lenient only while nothing else has counted: neither the spec's zones nor the person's learned range
        runs, self._next_settle = periodic_runs(self._periodic, now, self.options,
                                                lenient=self.options.lenient_runs and not self._rule_counted
                                                and not any(r.complete and self.is_own(r) for r in self.reps))
        out = []
        holds = self.holding()
        for run in runs:
            # Where the rules count nothing at all (a variant, view or range their zones do not foresee), a run
            # counts whole, its attempts included: the person's own range is smaller than the spec's (a small
            # but real pelvic tilt). Where the rules follow this person, a run counts only the peaks they missed
            # between reps they counted; runs outside their reps are someone doing something else (standing up,
            # talking with their hands), and an attempt among counted reps is a shallower rep, and stays one.
            ruled = [p.peak for p in run if self._complete_rule_rep_at(p)]
            lost = rules_lost(run, [p.peak for p in run if self._complete_rule_rep_at(p, zones_only=True)],
                              self.options)
            for k, p in enumerate(run):
                if p.peak in self._used:
                    continue
                if held_through(p.peak, self._counted_spans(), holds):
                    self._used.add(p.peak)  # a breath at the top of a rep held, not a rep
                    continue
                ended = next((r for r in self._ended
                              if r.start - self.options.match_margin * p.period <= p.peak <= r.end), None)
                at = self._rule_rep_at(p)
                if lost and p.key_range >= self._full() and (at is None or not self.reps[at].complete):
                    # the rules lost this rhythm: an attempt they saw here was a rep, and takes its place (the last
                    # one too, if the rhythm says its return was made before the source ended)
                    if ended is not None:
                        if home_by(p, self.reps) <= ended.end:
                            self._ended.remove(ended)
                            out.append(self._count(ended, "both", p, promoted=True))
                        continue
                    held = self._held_at(p) if at is None else None
                    if held is not None:
                        self._held.remove(held)
                        out.append(self._count(held, "both", p, promoted=True))
                        continue
                    if at is not None:
                        self.reps.pop(at)
                    out.append(self._count_alone(p))
                    continue
                if ended is not None:
                    continue  # the last rep, cut off by the end of the source: ``finish`` decides it
                if at is not None:
                    if self._splits(p, at, run[k - 1] if k else None):
                        out.append(self._count_alone(p))
                        continue
                    self._used.add(p.peak)
                    continue
                if ruled:
                    if ruled[0] < p.peak < ruled[-1] and self._held_at(p) is None and room_for_a_rep(p, ruled):
                        out.append(self._count_alone(p))
                    elif is_edge_rep(p, ruled, self._full(), self.options) and self._held_at(p) is None:
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

    def _full(self) -> float:
        """The range a periodic peak must travel to count like the others: the spec's full range or, once the
        person's own smaller range has counted (``_adapt``), ``adapt_ratio`` of their typical reach."""
        if self._adapted < max(1, self.options.adapt_min_reps) or not self._reach:
            return self.spec.full
        return min(self.spec.full, self.options.adapt_ratio * self._typical_reach())

    def _typical_reach(self) -> float:  # the median reach of the reps the zones saw
        return sorted(self._reach)[len(self._reach) // 2]

    def _adapt(self) -> list[Rep]:
        """Held attempts that the person's own range makes reps (graded "attempt"): each reaching
        ``adapt_ratio`` of their typical reach, once ``adapt_min_reps`` of them (counted before or now) agree.
        A person whose reps reach the top keeps a typical reach near it, so their odd short one stays a partial."""
        o = self.options
        if self.mode != "fused" or not self._held or o.adapt_min_reps <= 0 or not self._reach:
            return []
        typical = self._typical_reach()
        # an attempt that reached the top is one whose return went unseen (a cut, the person lost): not a small
        # range; ``_confirms`` decides those
        small, doubles = [], []
        for r in sorted(self._held, key=lambda r: r.start):
            if o.adapt_ratio * typical <= r.range_share < self.spec.full and not any(overlap(r, x) for x in self._own):
                # the same movement as a rep counted, or kept here, just before (a slow top wobbling at an edge)
                (doubles if self._double(r, [k.peak for k in small]) else small).append(r)
        if self._adapted + len(small) < o.adapt_min_reps:
            return []
        out = [self._record(replace(r, index=0, grade="partial")) for r in doubles]
        self._held = [r for r in self._held if r not in small and r not in doubles]
        for rep in small:
            peak = self._match(rep)
            self._adapted += 1
            self._rule_counted += 1
            out.append(self._count(rep, "both" if peak is not None else "rules", peak, grade="attempt"))
        return out

    def _double(self, rep: Rep, also: list[float] | tuple = ()) -> bool:
        """``tally_rules.is_double`` against the reps counted so far (and ``also``) and the current rhythm."""
        period, strength = self._rhythm
        tops = sorted([r.peak for r in self.reps if r.complete] + list(also))
        return is_double(rep.peak, tops, period, strength, self.spec.one_sided, self.options)

    def _short(self, rep: Rep) -> bool:
        """``tally_rules.is_short_of_own`` against the reps the zones counted so far."""
        earlier = [(r.travel, r.side) for r in self.reps if r.complete and r.source in ("rules", "both")
                   and not r.promoted and math.isfinite(r.travel)]
        return is_short_of_own(rep.travel, rep.side, earlier, self.spec.one_sided, self.options)

    def _splits(self, p: PeriodicRep, at: int, before: PeriodicRep | None) -> bool:
        """``tally_rules.splits_rule_rep`` for the rule rep ``self.reps[at]``, when the peak before ``p`` in its
        run was that rep's own (taken) and the rep was counted by the spec's zones."""
        if before is None or before.peak not in self._used:
            return False
        r = self.reps[at]
        return not self.is_own(r) and splits_rule_rep(p, before, r, self.options)

    def _complete_rule_rep_at(self, p: PeriodicRep, zones_only: bool = False) -> bool:
        """A rep the rules counted around this peak (``zones_only``: closed by the spec's zones themselves, not
        an attempt the rhythm promoted)."""
        m = self.options.match_margin
        return any(r.complete and r.source != "periodicity" and not self.is_own(r)
                   and not (zones_only and r.promoted) and within(p.peak, p.period, r, m) for r in self.reps)

    def _held_at(self, p: PeriodicRep) -> Rep | None:
        return next((r for r in self._held if within(p.peak, p.period, r, self.options.match_margin)), None)

    def _rule_rep_at(self, p: PeriodicRep) -> int | None:
        """A rep or attempt the rules already decided around this peak."""
        m = self.options.match_margin
        return next((i for i, r in enumerate(self.reps) if r.source != "periodicity"
                     and within(p.peak, p.period, r, m)), None)

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
                  # a range the view hid is not a small one: counted from the motion, its range unknown
                  grade="unmeasured" if not math.isfinite(share) else "full" if share >= sp.full else "attempt")
        return self._record(rep)

    def _counted_spans(self) -> list[tuple[float, float, float]]:
        return [(r.start, r.peak, r.end) for r in self.reps if r.complete]

    def seen(self) -> list[Rep]:
        """Every rep and attempt decided, or still waiting (for a periodic peak, or a run on the learned range)."""
        return self.reps + self._held + self._ended + [r for r, _ in self._own_held]

    def _record(self, rep: Rep) -> Rep:
        self.reps.append(rep)
        return rep

