"""Fusion of the two rep counters: which repetitions count, and which signal counted them.

The rule counter (``rule_counter.py``) names phases and tells a full rep from an attempt, but counts nothing when
one of its gates stays shut (a posture or view its spec did not foresee, a range smaller than its zones). The
periodicity counter (``periodicity.py``) needs no zones but cannot tell a rep from a shuffle on its own, and
needs two or three cycles before it is sure. The tally lets each do what it is good at:

* a complete rule rep counts at once (live feedback is not delayed); if a periodic peak falls inside it, its
  source is "both";
* a partial rule attempt that reached the top counts as complete when a strongly periodic peak falls inside it
  and rises as much as the person's confirmed reps do (a return lost in a cut or a dropout); an attempt that
  stopped short, or that the source ended before the person was home, stays an attempt;
* a periodic peak that no rule rep explains counts on its own ("periodicity") when it belongs to a run of at
  least ``run_min`` such peaks, all strongly periodic: the person is plainly repeating a movement the rules
  cannot follow. Set-up, fidgeting and a single stretch are not runs, so they never count.
Counted reps are never taken back. Pure: no OpenCV, no I/O.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

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


@dataclass
class _Pending:
    """Periodic peaks that no rule rep explains yet, forming a run."""

    peaks: list[PeriodicRep] = field(default_factory=list)
    counted: int = 0  # how many of ``peaks`` have been counted


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
        self._run = _Pending()
        self._settled: set[float] = set()  # peaks the rescue has looked at

    @property
    def count(self) -> int:
        return sum(1 for r in self.reps if r.complete)

    # -------------------------------------------------------------------------------------------- inputs
    def rule_rep(self, rep: Rep, at_end: bool = False) -> list[Rep]:
        """A rep the rule counter closed. ``at_end``: closed because the source ended; an attempt then stays an
        attempt (a rep that ends after the last frame is not complete, whatever the motion before it promised).
        Returns what is decided now."""
        if self.mode == "rules":
            return [self._record(replace(rep, index=self.count + 1 if rep.complete else 0))]
        if self.mode == "periodicity":
            return []
        peak = self._match(rep)
        if rep.complete:
            if peak is not None and peak.peak in self._counted_alone():
                return []  # the periodicity counter already counted this one
            return [self._count(rep, "both" if peak is not None else "rules", peak)]
        if at_end:
            return [self._record(replace(rep, index=0))]
        if peak is not None and self._confirms(peak, rep):
            return [self._count(rep, "both", peak, promoted=True)]
        self._held.append(rep)
        return []

    def periodic(self, new: list[PeriodicRep], now: float) -> list[Rep]:
        """Peaks the periodicity counter committed on this frame, and the time now. Returns what is decided."""
        if self.mode == "rules":
            return []
        if self.mode == "periodicity":
            return [self._count_alone(p) for p in new]
        self._periodic.extend(new)
        self._support(new)
        out = []
        for rep in list(self._held):  # an attempt the rules saw may be confirmed by a peak committed later
            peak = self._match(rep)
            if peak is not None and self._confirms(peak, rep):
                self._held.remove(rep)
                out.append(self._count(rep, "both", peak, promoted=True))
        return out + self._rescue(now)

    def finish(self, now: float) -> list[Rep]:
        """End of the source: attempts still held are decided as attempts, runs are settled."""
        out = self._rescue(math.inf)
        for rep in self._held:
            out.append(self._record(replace(rep, index=0, source="rules")))
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

    def _counted_alone(self) -> set[float]:
        return {r.peak for r in self.reps if r.source == "periodicity"}

    def _rescue(self, now: float) -> list[Rep]:
        """Periodic peaks no rule rep explains, once settled (a period has passed without a rule rep taking
        them), gathered into runs; a run of ``run_min`` counts, and so does every later peak in it."""
        o = self.options
        out = []
        for p in sorted(self._periodic, key=lambda q: q.peak):
            if p.peak in self._used or p.peak in self._settled:
                continue
            if now < p.peak + p.period:
                break  # not settled: a rule rep may still close around it
            self._settled.add(p.peak)
            near_rule = any(r.complete and r.source != "periodicity" and
                            r.start - p.period <= p.peak <= r.end + p.period for r in self.reps)
            if p.confidence < o.rescue_confidence or near_rule:
                self._run = _Pending()  # the run is broken
                continue
            run = self._run
            if run.peaks and p.peak - run.peaks[-1].peak > 1.6 * max(p.period, run.peaks[-1].period):
                run = self._run = _Pending()
            run.peaks.append(p)
            if len(run.peaks) >= o.run_min:
                for q in run.peaks[run.counted:]:
                    out.append(self._count_alone(q))
                run.counted = len(run.peaks)
        return out

    def _count(self, rep: Rep, source: str, peak: PeriodicRep | None, promoted: bool = False) -> Rep:
        if peak is not None:
            self._used.add(peak.peak)
        confidence = 1.0 if peak is None else max(0.5, min(1.0, peak.confidence))
        return self._record(replace(rep, index=self.count + 1, complete=True, source=source,
                                    confidence=round(confidence, 3), promoted=promoted))

    def _count_alone(self, p: PeriodicRep) -> Rep:
        self._used.add(p.peak)
        sp = self.spec
        rom = p.key_range * abs(sp.top - sp.start) if math.isfinite(p.key_range) else math.nan
        rep = Rep(index=self.count + 1, start=round(p.peak - p.period / 2, 3), peak=p.peak,
                  end=round(p.peak + p.period / 2, 3), complete=True, range_of_motion=rom,
                  source="periodicity", confidence=round(min(1.0, p.confidence), 3))
        return self._record(rep)

    def _record(self, rep: Rep) -> Rep:
        self.reps.append(rep)
        return rep
