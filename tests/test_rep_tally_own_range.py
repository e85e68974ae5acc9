"""Reps on the person's own range (OwnRangeCounter + RepTally.own_rep): a start or a range the spec's zones did not
foresee still counts, fidgeting and a lone movement do not, and the spec's zones win where they follow."""
from __future__ import annotations

import numpy as np

from posecoach.exercises.events import Rep
from posecoach.exercises.own_range import OwnRangeCounter
from posecoach.exercises.rep_tally import RepTally

from parts_helpers import spec

FPS = 10.0


def wave(n_reps, low, high, period=4.0, rest=3.0):
    """Progress: ``rest`` s at ``low``, then n reps low -> high -> low (cosine)."""
    t_rest = np.arange(0, rest, 1 / FPS)
    t_reps = np.arange(0, n_reps * period, 1 / FPS)
    reps = low + (high - low) * 0.5 * (1 - np.cos(2 * np.pi * t_reps / period))
    return list(np.full(len(t_rest), low)) + list(reps) + [low] * int(2 * FPS)


def own_reps(p, in_position=True):
    c = OwnRangeCounter(spec())
    out = []
    for i, v in enumerate(p):
        out += c.step(i / FPS, 1 / FPS, 1 / FPS if i else None, float(v), 0.0, in_position, "left")
    return c, out


def test_a_start_below_the_specs_still_counts_with_its_reach():
    # a push-up seen from the floor: rest at -0.5 of the nominal range, top at 0.35 (never past the zones' 'full')
    c, reps = own_reps(wave(4, -0.5, 0.35))
    assert sum(r.complete for r in reps) == 4
    assert all(0.7 <= r.range_share <= 0.95 for r in reps)


def test_fidgeting_is_no_range():
    rng = np.random.default_rng(1)
    _, reps = own_reps(list(0.1 * rng.standard_normal(300)))
    assert reps == []


def test_the_tally_needs_a_run_and_gives_way_to_the_zones():
    def rep(t, share=0.9):
        return Rep(index=0, start=t, peak=t + 2, end=t + 4, complete=True, range_share=share, source="rules")

    tally = RepTally(spec())
    assert tally.own_rep(rep(0.0), refused=False) == []  # a lone one may be getting ready
    assert [r.start for r in tally.own_rep(rep(5.0), refused=False)] == [0.0, 5.0]
    # the spec's zones count the same movement: it stays one rep
    assert tally.rule_rep(Rep(index=0, start=5.2, peak=7.0, end=9.0, complete=True, range_share=1.0)) == []
    assert tally.count == 2
    # once the zones follow, reps on the learned range are theirs to count
    tally.rule_rep(Rep(index=0, start=10.0, peak=12.0, end=14.0, complete=True, range_share=1.0))
    assert tally.own_rep(rep(15.0), refused=False) == [] and tally.count == 3


def test_a_shallow_first_movement_is_not_part_of_the_run():
    def rep(t, share):
        return Rep(index=0, start=t, peak=t + 2, end=t + 4, complete=True, range_share=share, source="rules")

    tally = RepTally(spec())
    tally.own_rep(rep(0.0, 0.3), refused=False)
    out = tally.own_rep(rep(5.0, 1.0), refused=False)
    assert out == []  # 0.3 and 1.0 are no run
    out = tally.own_rep(rep(10.0, 1.0), refused=False)
    assert [r.start for r in out] == [5.0, 10.0]
    tally.finish([])
    assert tally.count == 2


def test_with_the_posture_gate_shut_a_rep_needs_periodic_support():
    def rep(t):
        return Rep(index=0, start=t, peak=t + 2, end=t + 4, complete=True, range_share=1.0, source="rules")

    tally = RepTally(spec())
    tally.own_rep(rep(0.0), refused=True)
    assert tally.own_rep(rep(5.0), refused=True) == []
    tally.finish([])
    assert tally.count == 0


def test_with_the_gate_shut_a_peak_whose_key_the_view_distorts_supports_nothing():
    import math

    from posecoach.exercises.periodicity import PeriodicRep

    def rep(t):
        return Rep(index=0, start=t, peak=t + 2, end=t + 4, complete=True, range_share=1.0, source="rules")

    def peaks(key):
        return [PeriodicRep(peak=t + 2.0, period=5.0, confidence=0.7, channel="pose", prominence=0.9, key_range=key)
                for t in (0.0, 5.0)]

    for key, counted in ((1.0, 2), (math.nan, 0)):  # NaN: the periodicity counter found the measure distorted
        tally = RepTally(spec())
        tally.periodic(peaks(key), 6.0)
        tally.own_rep(rep(0.0), refused=True)
        tally.own_rep(rep(5.0), refused=True)
        assert tally.count == counted, key
