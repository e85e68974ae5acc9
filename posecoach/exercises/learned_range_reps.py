"""The tally's handling of reps counted on the person's learned range (``OwnRangeCounter``, ``own_range.py``).

A part of ``RepTally`` (``rep_tally.py``), kept apart because it is one decision with its own state: such a rep
counts only while the spec's zones have counted nothing, once ``own_run`` of them agree, and, seen with the posture
gate shut, only with a periodic peak inside it. It uses the tally's state (``reps``, ``_own``, ``_own_held``,
``_rule_counted``) and its ``_match`` / ``_count``. Pure: no OpenCV, no I/O.
"""
from __future__ import annotations

import math
from dataclasses import replace

from .events import Rep
from .tally_rules import overlap


class LearnedRangeReps:
    """Mixed into ``RepTally``: reps on the person's learned range."""

    def own_rep(self, rep: Rep, refused: bool) -> list[Rep]:
        """A rep of the rule machine run on the person's learned range (``OwnRangeCounter``). It counts only while
        the spec's zones have counted nothing (where they follow the person, they are the better judge), and
        when it was counted with the posture gate shut (``refused``), only with a periodic peak inside it."""
        if self.mode != "fused" or not rep.complete or self._rule_counted:
            return []
        for i, r in enumerate(self.reps):
            if r.complete and overlap(rep, r):  # counted already (by the periodicity counter, or adapted)
                if r.source == "periodicity":
                    self.reps[i] = replace(r, source="both")
                self._own.append(rep)
                return []
        self._own_held.append((rep, refused))
        return self._own_supported()

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
            if rep.range_share >= floor and (not refused or self._supports_own(rep)):
                self._own_held.remove(item)
                out.append(self._count_own(rep))
        return out

    def _supports_own(self, rep: Rep) -> bool:
        """A rep on the learned range seen with the posture gate shut counts only with a periodic peak inside it,
        and only where the exercise's measure reads the exercise (the periodicity counter gives the peak a key
        range): a measure the view distorts, learned as it is, finds its "reps" out of phase with the person's."""
        peak = self._match(rep)
        return peak is not None and math.isfinite(peak.key_range)

    def _count_own(self, rep: Rep) -> Rep:
        self._own.append(rep)
        peak = self._match(rep)
        return self._count(rep, "both" if peak is not None else "rules", peak,
                           grade="full" if rep.range_share >= self.spec.full else "attempt")

    def is_own(self, r: Rep) -> bool:
        """Counted on the person's learned range (``own_rep``), not by the spec's zones."""
        return any(r.start == o.start and r.end == o.end for o in self._own)
