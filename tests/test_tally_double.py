"""The double-count guard (``tally_rules.is_double``) and the person's-own-range path that now goes through it."""
from __future__ import annotations

from posecoach.exercises.events import Rep
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
