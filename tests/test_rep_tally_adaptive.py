"""RepTally: a person's own, smaller range counts (graded "attempt"); an odd short rep among full ones does not."""
from __future__ import annotations

import math

from posecoach.exercises.events import Rep
from posecoach.exercises.periodicity import PeriodicRep
from posecoach.exercises.rep_tally import RepTally

from parts_helpers import spec


def rep(t, share, complete=None):
    """A rule rep starting at t (3 s long) reaching ``share`` of the nominal range (squat-like spec: full 0.65)."""
    complete = share >= 0.65 if complete is None else complete
    return Rep(index=0, start=t, peak=t + 1.5, end=t + 3.0, complete=complete, range_share=share,
               range_of_motion=100.0 * share)


def tally_of(shares, periodic=(), mode="fused"):
    tally = RepTally(spec(), mode=mode)
    live = []
    for i, s in enumerate(shares):
        live.append([r.grade for r in tally.rule_rep(rep(4.0 * i, s))])
        live[-1] += [r.grade for r in tally.periodic(list(periodic), 4.0 * i + 3.0)]
    tally.finish(list(periodic))
    return tally, live


def test_a_small_but_steady_range_counts_as_attempts_with_their_range_of_motion():
    tally, live = tally_of([0.5, 0.52, 0.48, 0.55])
    assert tally.count == 4
    assert {r.grade for r in tally.reps} == {"attempt"}
    assert all(not math.isnan(r.range_of_motion) and 40 <= r.range_of_motion <= 60 for r in tally.reps)
    # live: the first is decided when the second shows it is the person's range, then each at once
    assert live == [[], ["attempt", "attempt"], ["attempt"], ["attempt"]]


def test_an_odd_short_rep_among_full_ones_stays_a_partial():
    tally, _ = tally_of([1.0, 0.95, 0.5, 1.0, 1.02])
    assert tally.count == 4
    assert [r.grade for r in sorted(tally.reps, key=lambda r: r.start)] == ["full", "full", "partial", "full", "full"]


def test_one_attempt_alone_is_not_a_range():
    tally, _ = tally_of([0.5])
    assert tally.count == 0 and [r.grade for r in tally.reps] == ["partial"]


def test_a_rep_the_source_ends_in_stays_a_partial():
    tally = RepTally(spec())
    tally.rule_rep(rep(0.0, 0.5))
    tally.rule_rep(rep(4.0, 0.5), at_end=True)
    tally.finish([])
    assert tally.count == 0


def test_rules_mode_is_unchanged():
    tally, _ = tally_of([0.5, 0.52, 0.48], mode="rules")
    assert tally.count == 0


def test_periodic_reps_carry_their_grade():
    peaks = [PeriodicRep(peak=2.0 + 3.0 * k, period=3.0, confidence=0.9, channel="pose", prominence=0.8,
                         key_range=0.4) for k in range(4)]
    tally = RepTally(spec())
    tally.periodic(peaks, 100.0)
    tally.finish(peaks)
    assert tally.count == 4 and {r.grade for r in tally.reps} == {"attempt"}


def test_an_attempt_that_reached_the_top_is_not_a_small_range():
    """A rep that reached the top but whose return a cut hid is an attempt for another reason: it is left to the
    periodic evidence (``_confirms``), not counted as the person's range."""
    tally = RepTally(spec())
    for i in range(3):
        tally.rule_rep(rep(4.0 * i, 1.5, complete=False))
    tally.finish([])
    assert tally.count == 0


def test_the_last_rep_of_a_set_at_the_persons_own_range_counts_like_the_others():
    """The rules saw three reps at half the nominal range (counted at the person's range) and missed the fourth;
    a sure periodic peak one rep later, travelling as far as the others, is that fourth rep (the edge rule), even
    though it is short of the spec's full range. Before it was measured against the full range and lost."""
    peaks = [PeriodicRep(peak=1.5 + 4.0 * k, period=4.0, confidence=0.95, channel="pose", prominence=0.9,
                         key_range=0.45) for k in range(4)]
    tally, _ = tally_of([0.5, 0.52, 0.5], periodic=peaks)
    assert tally.count == 4
    assert {r.grade for r in tally.reps if r.complete} == {"attempt"}


def test_a_smaller_periodic_peak_after_a_set_at_the_persons_range_does_not_count():
    peaks = [PeriodicRep(peak=1.5 + 4.0 * k, period=4.0, confidence=0.95, channel="pose", prominence=0.9,
                         key_range=0.45 if k < 3 else 0.2) for k in range(4)]
    tally, _ = tally_of([0.5, 0.52, 0.5], periodic=peaks)
    assert tally.count == 3
