"""``AttemptFinder`` on progress traces: a half-way rep between counted reps is an attempt; jitter, set-up, a rest,
a rise that never comes back and a camera cut are not."""
from __future__ import annotations

import math

import numpy as np

from posecoach.exercises import get_exercise
from posecoach.exercises.attempts import AttemptFinder
from posecoach.exercises.events import Rep

FPS = 15
SQUAT = get_exercise("squat")


def _bump(t: np.ndarray, start: float, dur: float, height: float) -> np.ndarray:
    x = np.clip((t - start) / dur, 0.0, 1.0)
    return height * np.sin(math.pi * x) ** 2


def _session(moves: list[tuple[float, float, float]], seconds: float, jitter: float = 0.0, seed: int = 0):
    """Progress over ``seconds`` with one bump per (start, duration, height); the complete reps (height >= 1)."""
    t = np.arange(0.0, seconds, 1.0 / FPS)
    p = sum((_bump(t, s, d, h) for s, d, h in moves), np.zeros_like(t))
    p = p + np.random.default_rng(seed).normal(0.0, jitter, t.size) if jitter else p
    reps = [Rep(index=i + 1, start=s, peak=s + d / 2, end=s + d, range_share=h)
            for i, (s, d, h) in enumerate(m for m in moves if m[2] >= 1.0)]
    return t, p, reps


def _find(t, p, reps, cuts=(), in_position=lambda t: True) -> list[Rep]:
    f = AttemptFinder(SQUAT)
    for c in cuts:
        f.cut(c)
    for ti, pi in zip(t, p):
        f.step(float(ti), float(pi), in_position(ti), "n/a")
    return f.decide(reps, float(t[-1]), final=True)


def test_a_half_way_rep_between_counted_reps_is_an_attempt():
    t, p, reps = _session([(1, 3, 1.2), (5, 3, 0.5), (9, 3, 1.2), (13, 3, 1.1)], 18)
    found = _find(t, p, reps, )
    assert len(found) == 1
    a = found[0]
    assert not a.complete and a.grade == "partial" and a.source == "range"
    assert 5.0 <= a.start < a.peak < a.end <= 8.2 and abs(a.peak - 6.5) < 0.2
    assert abs(a.travel - 0.5) < 0.05 and abs(a.range_share - 0.5) < 0.05


def test_one_after_the_last_rep_is_found_at_the_end():
    t, p, reps = _session([(1, 3, 1.2), (5, 3, 1.2), (9, 3, 0.6)], 14)
    f = AttemptFinder(SQUAT)
    for ti, pi in zip(t, p):
        f.step(float(ti), float(pi), True, "n/a")
    assert f.decide(reps, 9.0) == []  # live: the stretch after the last rep is not over yet
    found = f.decide(reps, float(t[-1]), final=True)
    assert [round(a.peak, 1) for a in found] == [10.5]
    assert f.record(reps)[-1] is found[0]


def test_jitter_between_reps_is_not_an_attempt():
    t, p, reps = _session([(1, 3, 1.2), (5, 3, 1.2), (9, 3, 1.2)], 14, jitter=0.04)
    assert _find(t, p, reps) == []


def test_nothing_before_the_first_counted_rep_nor_in_a_rest():
    # a rise of 0.6 while getting into position, then a long rest with another between two counted reps
    t, p, reps = _session([(0.5, 3, 0.6), (5, 3, 1.2), (9, 3, 1.2), (20, 3, 0.6), (35, 3, 1.2)], 40)
    assert _find(t, p, reps) == []


def test_a_rise_that_never_comes_back_is_not_an_attempt():
    t, p, reps = _session([(1, 3, 1.2), (5, 3, 1.2)], 10.5)
    p = np.where(t > 9.0, 0.6 * np.clip((t - 9.0) / 1.5, 0, 1), p)  # half way up when the recording ends
    assert _find(t, p, reps) == []


def test_a_rise_across_a_cut_or_out_of_position_is_not_an_attempt():
    t, p, reps = _session([(1, 3, 1.2), (5, 3, 0.5), (9, 3, 1.2), (13, 3, 1.1)], 18)
    assert _find(t, p, reps, cuts=(6.4,)) == []
    assert _find(t, p, reps, in_position=lambda x: not 5.2 < x < 7.8) == []


def test_an_attempt_where_a_rep_was_counted_later_is_that_rep():
    t, p, reps = _session([(1, 3, 1.2), (5, 3, 0.5), (9, 3, 1.2), (13, 3, 1.1)], 18)
    f = AttemptFinder(SQUAT)
    for ti, pi in zip(t, p):
        f.step(float(ti), float(pi), True, "n/a")
    assert len(f.decide(reps, float(t[-1]), final=True)) == 1
    rescued = Rep(index=0, start=5.0, peak=6.5, end=8.0, source="periodicity")
    assert [r.start for r in f.record(reps + [rescued])] == [1, 5.0, 9, 13]
