"""Periodic runs where the rules counted nothing: judged by their median confidence (tally_rules.periodic_runs,
RepTally._rescue). Pure: periodic peaks in, runs and reps out."""
from __future__ import annotations

from posecoach.exercises.events import Rep
from posecoach.exercises.periodicity import PeriodicRep
from posecoach.exercises.rep_tally import RepTally, TallyOptions
from posecoach.exercises.tally_rules import periodic_runs

from parts_helpers import spec


def peaks(confs, period=4.0, start=4.0):
    return [PeriodicRep(peak=start + k * period, period=period, confidence=c, channel="pose", prominence=0.8,
                        key_range=1.0) for k, c in enumerate(confs)]


def test_one_unsure_peak_does_not_sink_a_run_when_the_rules_count_nothing():
    o = TallyOptions()
    ps = peaks([0.97, 0.37, 0.97])  # synth_dev: a bird dog seen from the head, 4 reps, counted 0 before
    assert periodic_runs(ps, 100.0, o)[0] == []
    (run,), _ = periodic_runs(ps, 100.0, o, lenient=True)
    assert len(run) == 3


def test_a_run_mostly_unsure_is_no_run_even_leniently():
    ps = peaks([0.4, 0.45, 0.9])  # median 0.45: motion, but not repetition
    assert periodic_runs(ps, 100.0, TallyOptions(), lenient=True)[0] == []
    assert periodic_runs(peaks([0.97, 0.37]), 100.0, TallyOptions(), lenient=True)[0] == []  # too short


def test_the_tally_counts_such_a_run_only_while_the_rules_count_nothing():
    tally = RepTally(spec())
    got = tally.periodic(peaks([0.97, 0.37, 0.97]), now=30.0, period=4.0, strength=0.97)
    assert [r.source for r in got] == ["periodicity"] * 3
    strict = RepTally(spec(), TallyOptions(lenient_runs=False))
    assert strict.periodic(peaks([0.97, 0.37, 0.97]), now=30.0, period=4.0, strength=0.97) == []


def test_where_the_rules_follow_the_person_a_shaky_run_adds_nothing():
    tally = RepTally(spec())
    tally.rule_rep(Rep(index=0, start=0.0, peak=1.5, end=3.0, complete=True, range_share=1.0, range_of_motion=100.0))
    # a later run outside the rules' reps, one peak unsure: someone doing something else, not counted
    assert tally.periodic(peaks([0.97, 0.37, 0.97], start=20.0), now=60.0, period=4.0, strength=0.97) == []
    assert tally.count == 1
