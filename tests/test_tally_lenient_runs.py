"""Periodic runs where nothing else has counted: one unsure peak may join a run between two sure ones
(tally_rules.periodic_runs, RepTally._rescue). Pure: periodic peaks in, runs and reps out."""
from __future__ import annotations

from posecoach.exercises.events import Rep
from posecoach.exercises.periodicity import PeriodicRep
from posecoach.exercises.rep_tally import RepTally, TallyOptions
from posecoach.exercises.tally_rules import periodic_runs

from parts_helpers import spec


def peaks(confs, period=4.0, start=4.0):
    return [PeriodicRep(peak=start + k * period, period=period, confidence=c, channel="pose", prominence=0.8,
                        key_range=1.0) for k, c in enumerate(confs)]


def lengths(confs, lenient=True):
    return [len(r) for r in periodic_runs(peaks(confs), 100.0, TallyOptions(), lenient=lenient)[0]]


def test_one_unsure_peak_between_sure_ones_joins_the_run():
    # synth_dev: a bird dog seen from the head, 4 reps, counted 0 before
    assert lengths([0.97, 0.37, 0.97], lenient=False) == []
    assert lengths([0.97, 0.37, 0.97]) == [3]


def test_unsure_peaks_at_the_ends_or_in_a_row_do_not():
    assert lengths([0.2, 0.97, 0.97, 0.97]) == [3]  # set-up before the set: not a rep
    assert lengths([0.97, 0.97, 0.97, 0.1]) == [3]  # standing up after it
    assert lengths([0.97, 0.1, 0.1, 0.97, 0.97]) == []  # two in a row: no pace
    assert lengths([0.97, 0.4, 0.97, 0.4, 0.97]) == [3]  # once per run
    assert lengths([0.97, 0.37]) == []  # too short


def test_an_unsure_peak_off_the_pace_does_not_bridge():
    ps = peaks([0.97, 0.97, 0.4]) + peaks([0.97], start=40.0)  # the next sure peak comes much later
    assert [len(r) for r in periodic_runs(ps, 100.0, TallyOptions(), lenient=True)[0]] == []


def test_the_tally_counts_such_a_run_only_while_nothing_else_has_counted():
    got = RepTally(spec()).periodic(peaks([0.97, 0.37, 0.97]), now=30.0, period=4.0, strength=0.97)
    assert [r.source for r in got] == ["periodicity"] * 3
    strict = RepTally(spec(), TallyOptions(lenient_runs=False))
    assert strict.periodic(peaks([0.97, 0.37, 0.97]), now=30.0, period=4.0, strength=0.97) == []


def test_once_the_persons_own_range_has_counted_a_shaky_run_is_judged_strictly():
    # two reps counted on the person's learned range (0-3 s, 4-7 s), then periodic peaks at 12-24 s with one unsure:
    # the learned range follows this person, so the unsure peak breaks the run, as it always did; had the run been
    # judged leniently, four more reps would count
    def own(t):
        return Rep(index=0, start=t, peak=t + 1.5, end=t + 3.0, complete=True, range_share=0.8, range_of_motion=80.0)

    tally = RepTally(spec())
    tally.own_rep(own(0.0), refused=False)
    tally.own_rep(own(4.0), refused=False)
    assert tally.count == 2
    run = peaks([0.97, 0.37, 0.97, 0.97], start=12.0)
    assert len(periodic_runs(run, 60.0, TallyOptions(), lenient=True)[0][0]) == 4
    tally.periodic(run, now=60.0, period=4.0, strength=0.97)
    assert tally.count == 2
