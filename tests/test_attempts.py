"""``AttemptFinder`` on progress traces: a half-way rep between counted reps is an attempt; jitter, set-up, a rest,
a rise that never comes back and a camera cut are not."""
from __future__ import annotations

import dataclasses
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


def _session(moves: list[tuple[float, float, float]], seconds: float, jitter: float = 0.0, seed: int = 0,
             home: float = 0.0):
    """Progress over ``seconds`` from ``home``, with one bump per (start, duration, rise); the complete reps are
    the bumps that reach the spec's top, timed as the rule counter times them (from leaving the start zone, p >
    leave, back to it)."""
    t = np.arange(0.0, seconds, 1.0 / FPS)
    p = home + sum((_bump(t, s, d, h) for s, d, h in moves), np.zeros_like(t))
    p = p + np.random.default_rng(seed).normal(0.0, jitter, t.size) if jitter else p
    reps = []
    for s, d, h in moves:
        if home + h < SQUAT.full:
            continue
        inside = t[(t >= s) & (t <= s + d) & (p > SQUAT.leave)]
        reps.append(Rep(index=len(reps) + 1, start=float(inside[0]), peak=s + d / 2, end=float(inside[-1]),
                        range_share=home + h))
    return t, p, reps


def _find(t, p, reps, cuts=(), in_position=lambda t: True) -> list[Rep]:
    f = AttemptFinder(SQUAT)
    for ti, pi in zip(t, p):
        if any(abs(ti - c) < 0.5 / FPS for c in cuts):
            f.cut(float(ti))
        f.step(float(ti), float(pi), in_position(ti), "n/a")
    return f.decide(reps)


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
    found = f.decide(reps)
    assert [round(a.peak, 1) for a in found] == [10.5]
    assert f.record(reps)[-1] is found[0]


def test_the_yardstick_is_the_persons_travel_from_home():
    # reps from a home far below the spec's start (a cobra lying flat): 1.7 of travel. A rise of 0.8 (47 %) is an
    # attempt, reported at p 0.1 (never below 0); one of 0.4 (24 %) is not, though the rule reps' own span (from
    # the leave line) would make it look like a third of theirs
    home = -0.7
    t, p, reps = _session([(1, 3, 1.7), (5, 3, 0.8), (9, 3, 1.7), (13, 3, 0.4), (17, 3, 1.7)], 21, home=home)
    found = _find(t, p, reps)
    assert [round(a.peak, 1) for a in found] == [6.5]
    assert abs(found[0].travel - 0.8) < 0.05 and abs(found[0].range_share - 0.1) < 0.02
    t, p, reps = _session([(1, 3, 1.7), (5, 3, 0.1), (9, 3, 1.7)], 13, home=home)
    assert _find(t, p, reps) == []


def test_a_short_spike_is_not_an_attempt():
    t, p, reps = _session([(1, 3, 1.2), (9, 3, 1.2), (13, 3, 1.2)], 18, jitter=0.02)
    p = np.where(np.abs(t - 6.0) < 0.1, 0.6, p)  # two or three frames of a jump
    assert _find(t, p, reps) == []


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


def test_a_rise_across_a_cut_or_a_break_is_not_an_attempt():
    t, p, reps = _session([(1, 3, 1.2), (5, 3, 0.5), (9, 3, 1.2), (13, 3, 1.1)], 18)
    assert len(_find(t, p, reps)) == 1
    assert _find(t, p, reps, cuts=(6.4,)) == []
    # out of position on the way down: the return was not seen
    assert _find(t, p, reps, in_position=lambda x: not 6.8 < x < 8.5) == []


def test_an_attempt_where_a_rep_was_counted_is_that_rep():
    t, p, reps = _session([(1, 3, 1.2), (5, 3, 0.5), (9, 3, 1.2), (13, 3, 1.1)], 18)
    rescued = Rep(index=0, start=5.0, peak=6.5, end=8.0, source="periodicity")
    ruled = Rep(index=0, start=5.6, peak=6.5, end=7.4, complete=False)  # an attempt the rule counter reported
    for there in (rescued, ruled):
        f = AttemptFinder(SQUAT)
        for ti, pi in zip(t, p):
            f.step(float(ti), float(pi), True, "n/a")
        assert f.decide(reps + [there]) == []


def test_one_sided_gaps_between_sides_and_the_idle_sides_readings_are_not_judged():
    lunge = get_exercise("lunge")
    t, p, reps = _session([(1, 3, 1.2), (5, 3, 0.5), (9, 3, 1.2), (13, 3, 0.5), (17, 3, 1.2), (21, 3, 1.2)], 25)
    side = np.where(t < 16.5, "left", "right")  # the bump at 13-16, between the sides, still reads as the left
    reps = [dataclasses.replace(r, side="left" if r.peak < 12.5 else "right") for r in reps]
    f = AttemptFinder(lunge)
    for ti, pi, si in zip(t, p, side):
        f.step(float(ti), float(pi), True, str(si))
    assert [(round(a.peak, 1), a.side) for a in f.decide(reps)] == [(6.5, "left")]  # 14.5 is between sides
    f = AttemptFinder(lunge)  # the attempt read on the other side (the idle leg) is not the working side's
    for ti, pi in zip(t, p):
        f.step(float(ti), float(pi), True, "right" if 5 < ti < 8 else ("left" if ti < 12.5 else "right"))
    assert f.decide(reps) == []


def test_the_checker_counts_and_times_the_same_with_or_without_attempts(monkeypatch):
    from posecoach.exercises import make_checker
    from posecoach.frame_step import FrameStep
    from posecoach.synth.landmarks import LandmarkNoise, generate

    frames, truth = generate("cobra", view="side", seed=1, noise=LandmarkNoise.realistic(), fps=FPS,
                             faults=("partial_range",))

    def run():
        step = FrameStep(make_checker("cobra"), "one_euro")
        cues = [(c.time, c.text) for f in frames for c in step(f).feedback.events if type(c).__name__ == "Cue"]
        return step.finish(), cues

    with_attempts, cues = run()
    assert any(r.source == "range" for r in with_attempts.reps)
    monkeypatch.setattr(AttemptFinder, "decide", lambda self, reps: [])
    without, cues_without = run()
    assert [r for r in with_attempts.reps if r.source != "range"] == without.reps
    assert with_attempts.holds == without.holds and cues == cues_without
