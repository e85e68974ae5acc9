"""Reps that look alike but keep no beat (``alike_reps.py``): sets with rests, found where the rhythm is lost."""
from __future__ import annotations


import numpy as np
import pytest

from posecoach.exercises.alike_reps import alike_reps
from posecoach.exercises.events import Rep
from posecoach.exercises.periodicity import PeriodicityCounter, PeriodicityOptions, PeriodicRep
from posecoach.exercises.rep_tally import RepTally

from parts_helpers import spec
from test_periodicity import _pose, _run

RATE = 10.0
O = PeriodicityOptions()


def _signal(tops: list[float], widths: list[float] | float = 1.0, rises: list[float] | float = 1.0,
            length: float = 30.0) -> tuple[np.ndarray, np.ndarray]:
    """Smooth rises (a raised cosine ``width`` s wide at half height) at ``tops``, on a flat rest."""
    grid = np.arange(0.0, length, 1.0 / RATE)
    sig = np.zeros_like(grid)
    n = len(tops)
    widths = [widths] * n if np.isscalar(widths) else widths
    rises = [rises] * n if np.isscalar(rises) else rises
    for top, w, a in zip(tops, widths, rises):
        x = (grid - top) / (2.0 * w)  # a raised cosine is half as wide at half height as at its feet
        sig += np.where(np.abs(x) < 0.5, a * 0.5 * (1.0 + np.cos(2.0 * np.pi * x)), 0.0)
    return grid, sig


def _tops(reps: list[PeriodicRep]) -> list[float]:
    return sorted(round(r.peak, 1) for r in reps)


def test_two_sets_of_three_with_a_rest_between_are_six_reps():
    tops = [3.0, 5.0, 7.0, 17.0, 19.0, 21.0]  # 2 s apart within a set, 10 s from one set to the next
    grid, sig = _signal(tops)
    reps = alike_reps(grid, sig, 0.15, O, "key", key=sig)
    assert _tops(reps) == tops
    assert all(r.confidence == 1.0 and r.channel == "key" for r in reps)
    assert all(r.period == pytest.approx(2.0, abs=0.25) for r in reps)  # twice the half-height width
    assert all(r.key_range == pytest.approx(1.0, abs=0.05) for r in reps)


def test_only_the_rises_alike_in_size_and_length_are_reps():
    # three reps, then a slow change of position (as high, four times as long) and a half-height wobble
    tops = [3.0, 6.0, 9.0, 16.0, 23.0]
    grid, sig = _signal(tops, widths=[1.0, 1.0, 1.0, 4.0, 1.0], rises=[1.0, 1.0, 1.0, 1.0, 0.45])
    reps = alike_reps(grid, sig, 0.15, O, "pose")
    assert _tops(reps) == [3.0, 6.0, 9.0]
    assert reps[0].confidence == pytest.approx(3 / 5)


def test_two_alike_rises_are_not_a_set():
    grid, sig = _signal([4.0, 12.0])
    assert alike_reps(grid, sig, 0.15, O, "pose") == []


def test_rises_under_the_channels_floor_are_not_reps():
    grid, sig = _signal([3.0, 6.0, 9.0, 12.0], rises=0.05)  # fidgeting: alike, but tiny
    sig = sig + np.random.default_rng(0).normal(0.0, 0.005, sig.shape)
    assert alike_reps(grid, sig, 0.15, O, "pose") == []


def test_the_counter_finds_them_at_the_end_where_its_rhythm_does_not():
    """The periodicity counter on a bridge done in two sets of three with a long rest: its rhythm finds no more
    than one set's worth; the alike rises over its buffer are all six."""
    fps, tops = 30.0, [2.0, 3.6, 5.2, 14.0, 15.6, 17.2]
    t = np.arange(0.0, 22.0, 1.0 / fps)
    lifts = np.zeros_like(t)
    for top in tops:
        x = (t - top) / 1.2
        lifts += np.where(np.abs(x) < 0.5, 0.08 * 0.5 * (1.0 + np.cos(2.0 * np.pi * x)), 0.0)
    counter = _run(PeriodicityCounter(), lifts, fps=fps, rng=np.random.default_rng(1))
    assert len(counter.alike) == 6
    assert [round(r.peak) for r in counter.alike] == [round(x) for x in tops]
    assert counter.count < 6
    off = _run(PeriodicityCounter(PeriodicityOptions(alike_reps=False)), lifts, fps=fps,
               rng=np.random.default_rng(1))
    assert off.alike == []


def _alike(tops: list[float], key: float = 1.0, confidence: float = 1.0) -> list[PeriodicRep]:
    return [PeriodicRep(peak=t, period=2.0, confidence=confidence, channel="pose", prominence=0.9, key_range=key)
            for t in tops]


def test_the_tally_counts_alike_reps_only_where_nothing_else_counted():
    tally = RepTally(spec())
    assert len(tally.finish([], _alike([3.0, 5.0, 7.0, 17.0]))) == 4
    assert tally.count == 4 and all(r.source == "periodicity" for r in tally.reps)

    ruled = RepTally(spec())
    ruled.rule_rep(Rep(index=0, start=2.0, peak=3.0, end=4.0, complete=True, range_share=1.0,
                       range_of_motion=100.0))
    ruled.finish([], _alike([3.0, 5.0, 7.0, 17.0]))
    assert ruled.count == 1  # the zones follow this person: they are the judge


def test_the_tally_does_not_count_an_alike_rep_the_rhythm_counted_already():
    tally = RepTally(spec())
    rhythm = [PeriodicRep(peak=t, period=2.0, confidence=0.9, channel="pose", prominence=0.9, key_range=1.0)
              for t in (3.0, 5.0, 7.0)]
    tally.finish(rhythm, _alike([3.2, 4.9, 7.1, 17.0, 19.0, 21.0]))
    assert sorted(r.peak for r in tally.reps if r.complete) == [3.0, 5.0, 7.0, 17.0, 19.0, 21.0]


@pytest.mark.parametrize("kind, counted", [("reps", 3), ("mixed", 3), ("hold", 0)])
@pytest.mark.parametrize("by", ["alike", "rhythm"])
def test_rep_and_mixed_exercises_count_at_the_end_hold_exercises_do_not(kind, counted, by):
    """A bridge or a bird dog (mixed: reps with a hold at the top) filmed from a view its zones cannot follow still
    gets its reps counted when the source ends, whether alike rises or a paced run found them; a hold exercise's
    rises are adjustments, not reps."""
    tally = RepTally(spec(kind=kind))
    # a paced run sure enough for the end (0.5) but not for counting on the way (``rescue_confidence``)
    peaks = _alike([3.0, 9.0, 20.0]) if by == "alike" else _alike([3.0, 6.0, 9.0], confidence=0.5)
    assert len(tally.finish([], peaks) if by == "alike" else tally.finish(peaks)) == counted


def test_an_attempt_the_zones_saw_becomes_the_alike_rep_there_not_a_second_one():
    tally = RepTally(spec())
    tally.rule_rep(Rep(index=0, start=2.0, peak=3.0, end=4.0, complete=False, range_share=0.5,
                       range_of_motion=50.0))
    tally.finish([], _alike([3.0, 5.0, 7.0], key=0.5))
    at3 = [r for r in tally.reps if abs(r.peak - 3.0) < 0.5]
    assert len(at3) == 1 and at3[0].complete and at3[0].source == "both"
    assert tally.count == 3 and tally.reps[0].start == 2.0  # the attempt's own span, now a rep


def test_three_small_sags_in_a_still_hold_are_not_reps():
    """A bridge already held when the recording starts, three small sags of the hips (0.04 torso lengths) a
    while apart: alike, over the floor of the periodic path, but no set (review of 482fb05)."""
    fps = 30.0
    t = np.arange(0.0, 55.0, 1.0 / fps)
    lifts = np.full_like(t, 0.08)
    for x, w in zip((8.0, 21.0, 44.0), (1.5, 2.0, 1.7)):
        lifts -= np.where(np.abs(t - x) < w, 0.008 * 0.5 * (1.0 + np.cos(np.pi * (t - x) / w)), 0.0)
    counter = PeriodicityCounter()
    for i, lift in enumerate(lifts):
        counter.update(i / fps, _pose(i / fps, lift))
    counter.finish()
    assert counter.alike == [] and counter.count == 0


def test_a_rise_longer_than_the_slowest_rep_is_never_in_the_group():
    """Three slow changes of position (14 s at half height), alike among themselves: not reps."""
    grid, sig = _signal([15.0, 45.0, 75.0], widths=14.0, length=95.0)
    assert alike_reps(grid, sig, 0.15, O, "pose") == []
    grid, sig = _signal([15.0, 45.0, 75.0], widths=6.0, length=95.0)
    assert len(alike_reps(grid, sig, 0.15, O, "pose")) == 3


def test_a_cut_between_sets_keeps_the_first_shots_reps():
    """Sets recorded as two shots: the alike reps of the first are found at the cut, those of the second at the
    end."""
    fps = 30.0

    def lifts(tops, length):
        t = np.arange(0.0, length, 1.0 / fps)
        out = np.zeros_like(t)
        for top in tops:
            x = (t - top) / 1.2
            out += np.where(np.abs(x) < 0.5, 0.08 * 0.5 * (1.0 + np.cos(2.0 * np.pi * x)), 0.0)
        return out

    counter = PeriodicityCounter()
    first = lifts([2.0, 3.6, 5.2, 13.0, 14.6, 16.2], 19.0)
    for i, lift in enumerate(first):
        counter.update(i / fps, _pose(i / fps, lift, np.random.default_rng(i)))
    counter.cut()
    t0 = len(first) / fps
    for i, lift in enumerate(lifts([2.0, 3.6, 5.2, 13.0, 14.6, 16.2], 19.0)):
        counter.update(t0 + i / fps, _pose(t0 + i / fps, lift, np.random.default_rng(10_000 + i)))
    counter.finish()
    assert len(counter.alike) == 12
    assert min(r.peak for r in counter.alike) < 3.0 and max(r.peak for r in counter.alike) > t0 + 15.0


def test_the_group_is_alike_to_its_own_median_not_only_to_the_rise_it_grew_from():
    """Grown from the 4 s rise, the group would take a 2.5 s one (within 0.6 of 4 s) that is not within 0.6 of
    the group's usual 4.5 s: a movement during the rest, not one of the reps."""
    tops = [6.0 + 12.0 * i for i in range(6)]
    grid, sig = _signal(tops, widths=[2.5, 4.0, 4.5, 4.5, 4.5, 4.5], length=80.0)
    assert _tops(alike_reps(grid, sig, 0.15, O, "pose")) == tops[1:]


def test_a_rep_whose_range_the_view_hid_is_graded_unmeasured_not_attempt():
    """Seen end-on, the exercise's own measure may not read at all: a rep counted from the motion then has an
    unknown range, which is not a small one."""
    tally = RepTally(spec())
    tally.finish([], _alike([3.0, 5.0, 7.0], key=float("nan")) + _alike([20.0], key=0.3) + _alike([30.0]))
    assert [r.grade for r in tally.reps] == ["unmeasured"] * 3 + ["attempt", "full"]
