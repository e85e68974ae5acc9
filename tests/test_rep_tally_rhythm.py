"""RepTally: the last rep of a recording whose return the rhythm vouches for, and a sure run the rules lost."""
from __future__ import annotations

from posecoach.exercises.events import Rep
from posecoach.exercises.periodicity import PeriodicRep
from posecoach.exercises.rep_tally import RepTally, TallyOptions

from parts_helpers import spec


def rep(t, share=1.0, complete=True, end=None):
    return Rep(index=0, start=t, peak=t + 1.5, end=t + 3.0 if end is None else end, complete=complete,
               range_share=share, range_of_motion=100.0 * share)


def peak(t, conf=1.0, prom=0.9, key=1.0, period=4.0):
    return PeriodicRep(peak=t, period=period, confidence=conf, channel="key", prominence=prom, key_range=key)


def _last_rep_cut_at(end: float, every: float = 4.0, down: float = 1.5) -> RepTally:
    """Three reps every ``every`` s (up 1.5 s, home ``down`` s after the top), then a fourth at its top when the
    source ends at ``end``. Default: every 4 s, the fourth's top at 13.5 s."""
    tally = RepTally(spec())
    peaks = [peak(1.5 + every * i, period=every) for i in range(4)]
    for i in range(3):
        tally.rule_rep(rep(every * i, end=every * i + 1.5 + down))
        tally.periodic(peaks[:i + 1], every * i + 3.0)
    tally.rule_rep(rep(3 * every, complete=False, end=end), at_end=True)
    tally.periodic(peaks, end)
    tally.finish(peaks)
    return tally


def test_a_last_rep_whose_return_fits_before_the_end_counts():
    # top at 13.5 s, period 4 s: home by 15.5 s, the source ran to 15.8 s (the zones' lag missed it)
    assert _last_rep_cut_at(15.8).count == 4


def test_a_last_rep_cut_off_on_the_way_down_stays_an_attempt():
    tally = _last_rep_cut_at(14.5)  # only 1 s after the top: the person was not home yet
    assert tally.count == 3
    assert [r.grade for r in tally.reps if not r.complete] == ["partial"]


def _paced_last_rep_cut_at(end: float) -> RepTally:
    """Reps paced with a rest at home: up 1.5 s, down 1.0 s, every 8 s; the fourth at its top (25.5 s) when the
    source ends at ``end``. Half the period (4 s) is far longer than the person's own way down."""
    return _last_rep_cut_at(end, every=8.0, down=1.0)


def test_a_paced_last_rep_counts_once_the_persons_own_way_down_has_passed():
    assert _paced_last_rep_cut_at(26.6).count == 4  # home 1.0 s after the top on every rep; 1.1 s had passed


def test_a_paced_last_rep_cut_before_the_persons_own_way_down_stays_an_attempt():
    assert _paced_last_rep_cut_at(26.2).count == 3  # 0.7 s after the top: still on the way down


def _lost_run(options=None) -> RepTally:
    """Four sure, full-range periodic peaks; the rules counted one of them and saw the others as attempts."""
    tally = RepTally(spec(), options)
    peaks = [peak(1.5 + 4 * i) for i in range(4)]
    # uneven reach, so that the person's-own-range rule does not count them on its own
    tally.rule_rep(rep(0.0, share=0.3, complete=False))
    tally.rule_rep(rep(4.0))
    tally.rule_rep(rep(8.0, share=0.5, complete=False))
    tally.rule_rep(rep(12.0, share=0.25, complete=False))
    tally.periodic(peaks, 20.0)
    tally.finish(peaks)
    return tally


def test_a_sure_run_the_rules_lost_counts_each_rep_once():
    tally = _lost_run()
    assert tally.count == 4
    assert not [r for r in tally.reps if not r.complete]  # the attempts became the reps, not extra entries


def test_lost_runs_off_keeps_the_rules_count():
    assert _lost_run(TallyOptions(lost_runs=False)).count == 1


def test_a_run_the_rules_follow_is_not_lost():
    tally = RepTally(spec())
    peaks = [peak(1.5 + 4 * i) for i in range(4)]
    for i in range(4):
        tally.rule_rep(rep(4.0 * i, share=0.4 if i == 2 else 1.0, complete=i != 2))
    tally.periodic(peaks, 20.0)
    tally.finish(peaks)
    assert tally.count == 3  # a shallow one among counted reps stays an attempt


def test_a_weak_run_is_not_enough_to_overrule_the_rules():
    tally = RepTally(spec())
    peaks = [peak(1.5 + 4 * i, conf=0.65) for i in range(4)]
    tally.rule_rep(rep(0.0, share=0.4, complete=False))
    tally.rule_rep(rep(4.0))
    tally.periodic(peaks, 20.0)
    tally.finish(peaks)
    assert tally.count == 1
