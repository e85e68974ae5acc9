"""The double-count guard (``tally_rules.is_double``), the person's-own-range path that now goes through it, and
the periodic peaks counted at the end where the zones never counted (``TallyOptions.periodic_at_end``)."""
from __future__ import annotations

import math

import pytest

from posecoach.exercises.events import Rep
from posecoach.exercises.periodicity import PeriodicRep
from posecoach.exercises.rep_tally import RepTally
from posecoach.exercises.tally_rules import TallyOptions, is_double

from parts_helpers import spec

O = TallyOptions()


def test_a_top_just_after_a_counted_one_is_the_same_movement_while_the_rhythm_is_sure():
    tops = [2.0, 12.0, 22.0]
    assert is_double(24.0, tops, 10.0, 0.9, one_sided=False, o=O)
    assert not is_double(31.0, tops, 10.0, 0.9, one_sided=False, o=O)  # a rep of its own
    assert not is_double(24.0, tops, 10.0, 0.5, one_sided=False, o=O)  # the rhythm is not sure
    assert not is_double(24.0, [22.0], 10.0, 0.9, one_sided=False, o=O)  # no spacing of the person's yet


@pytest.mark.parametrize("one_sided", [False, True])
def test_two_tops_faster_than_any_rep_are_one_whatever_the_rhythm(one_sided):
    # a knee to chest whose zones closed a second rep 0.5 s after a counted top, while the rhythm was unsure (0.49)
    tops = [4.4, 13.5, 23.9, 44.4]
    assert is_double(44.9, tops, 8.3, 0.49, one_sided=one_sided, o=O)
    assert is_double(44.9, tops, math.nan, 0.0, one_sided=one_sided, o=O)
    assert not is_double(45.2, tops, math.nan, 0.0, one_sided=one_sided, o=O)  # 0.8 s: may be a fast rep
    assert not is_double(44.9, [44.4], math.nan, 0.0, one_sided=one_sided, o=O)  # no spacing of the person's yet
    assert not is_double(44.9, tops, math.nan, 0.0, one_sided=one_sided, o=TallyOptions(min_rep_gap=0.0))
    # rushed reps, one every 0.55 s: as fast as the person's own spacing, so each is a rep (flagged as too fast
    # by the tempo rule, not dropped)
    assert not is_double(2.2, [0.55, 1.1, 1.65], math.nan, 0.0, one_sided=one_sided, o=O)


def test_a_one_sided_period_that_is_the_persons_spacing_is_one_rep_not_a_pair():
    """A one-sided exercise's main axis may read a pair of reps (left, right) as one period, so the gap is then
    measured against half of it; a period that matches the person's own spacing is already one rep."""
    tops = [2.0, 12.0, 22.0]
    assert is_double(24.0, tops, 10.0, 0.9, one_sided=True, o=O)  # period = spacing: 2 s < 0.3 x 10 s
    # period twice the spacing (pairs): measured against half of it, as before
    assert is_double(23.0, [2.0, 7.0, 12.0, 17.0, 22.0], 10.0, 0.9, one_sided=True, o=O)
    assert not is_double(24.0, [2.0, 7.0, 12.0, 17.0, 22.0], 10.0, 0.9, one_sided=True, o=O)


def test_the_nearest_counted_top_decides_also_for_a_rep_counted_late():
    assert is_double(14.0, [2.0, 12.0, 22.0, 32.0], 10.0, 0.9, one_sided=False, o=O)


def _attempt(t, share=0.5):
    return Rep(index=0, start=t, peak=t + 1.5, end=t + 3.0, complete=False, range_share=share,
               range_of_motion=100.0 * share)


def test_two_attempts_of_one_slow_rep_count_once_at_the_persons_range():
    """A slow rep at the person's own (smaller) range whose top wobbles across a zone's edge closes two attempts
    two seconds apart; with a sure rhythm of one rep per 10 s only the first counts."""
    tally = RepTally(spec())
    tally.periodic([], 0.0, 10.0, 0.95)
    counted = []
    for t in (0.0, 10.0, 12.0, 20.0, 30.0):
        counted += [r for r in tally.rule_rep(_attempt(t)) if r.complete]
        counted += [r for r in tally.periodic([], t + 3.0, 10.0, 0.95) if r.complete]
    tally.finish([])
    assert tally.count == 4
    assert sorted(r.peak for r in tally.reps if r.complete) == [1.5, 11.5, 21.5, 31.5]


def _peaks(times, confidence=0.5, period=4.0):
    return [PeriodicRep(peak=t, period=period, confidence=confidence, channel="pose", prominence=0.8, key_range=0.6)
            for t in times]


def test_where_the_zones_never_counted_the_periodic_peaks_count_at_the_end():
    """Unsure peaks (0.5: no run) are not counted live, but a source in which the zones counted nothing at all ends
    with them counted, source "periodicity", rather than a silent zero."""
    peaks = _peaks([2.0, 6.0, 10.0, 14.0])
    tally = RepTally(spec())
    assert tally.periodic(peaks, 20.0, 4.0, 0.5) == []
    done = tally.finish(peaks)
    assert tally.count == 4 and {r.source for r in done} == {"periodicity"}


def test_where_the_zones_counted_or_the_exercise_is_a_hold_nothing_is_added_at_the_end():
    peaks = _peaks([2.0, 6.0, 10.0, 14.0])
    tally = RepTally(spec())
    tally.rule_rep(Rep(index=0, start=0.5, peak=2.0, end=3.5, complete=True, range_share=1.0, range_of_motion=100.0))
    tally.periodic(peaks, 20.0, 4.0, 0.5)
    tally.finish(peaks)
    assert tally.count == 1
    hold = RepTally(spec(kind="hold"))
    hold.periodic(peaks, 20.0, 4.0, 0.5)
    hold.finish(peaks)
    assert hold.count == 0
    off = RepTally(spec(), options=TallyOptions(periodic_at_end=False))
    off.periodic(peaks, 20.0, 4.0, 0.5)
    off.finish(peaks)
    assert off.count == 0


def test_set_up_bumps_are_not_a_set_even_at_the_end():
    """Two unsure peaks ten seconds apart (set-up, shuffling on the mat) are no run: nothing counts at the end."""
    peaks = _peaks([3.0, 13.0], confidence=0.37)
    tally = RepTally(spec())
    tally.periodic(peaks, 20.0, 4.0, 0.37)
    tally.finish(peaks)
    assert tally.count == 0
    weak = _peaks([2.0, 6.0, 10.0, 14.0], confidence=0.36)  # paced, but each under end_confidence
    tally = RepTally(spec())
    tally.periodic(weak, 20.0, 4.0, 0.36)
    tally.finish(weak)
    assert tally.count == 0


def test_one_wobbling_movement_is_not_the_two_reps_a_range_needs():
    """Two attempts two seconds apart while the rhythm is one rep per 10 s are one movement: alone, it does not
    make the person's range (which needs ``adapt_min_reps`` reps), so it does not count."""
    run = _peaks([1.5, 11.5, 21.5], confidence=0.95, period=10.0)
    tally = RepTally(spec(), options=TallyOptions(periodic_at_end=False))
    assert len(tally.periodic(run, 33.0, 10.0, 0.95)) == 3  # a sure run the zones did not see
    for t in (40.0, 42.0):
        tally.rule_rep(_attempt(t))
        tally.periodic(run, t + 3.0, 10.0, 0.95)
    tally.finish(run)
    assert tally.count == 3
