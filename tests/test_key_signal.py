"""KeySignal: side choice with hysteresis, key value per side mode, median + EMA, progress, speed, cuts."""
from __future__ import annotations

import math

import pytest

from posecoach.exercises.key_signal import KeySignal, SignalSample

from parts_helpers import StubBody, spec

NAN = math.nan


@pytest.mark.parametrize("scores, expected", [
    ([(0.9, 0.1)], "left"),
    ([(0.9, 0.1), (0.5, 0.55)], "left"),  # a small lead does not switch sides (hysteresis)
    ([(0.9, 0.1), (0.1, 0.9)], "right"),  # a clear one does
])
def test_side_follows_the_visible_side_with_hysteresis(scores, expected):
    ks = KeySignal(spec())
    for left, right in scores:
        ks.observe(StubBody(left_score=left, right_score=right), dt=0.0)  # dt 0: take the score as it is
    assert ks.side == expected


@pytest.mark.parametrize("mode, left, right, rep_side, expected", [
    ("near", 10.0, 90.0, None, (10.0, "left")),
    ("near", NAN, 90.0, None, (90.0, "left")),  # the near side hidden: the other side's value
    ("mean", 10.0, 20.0, None, (15.0, "left")),
    ("mean", 10.0, 90.0, None, (10.0, "left")),  # sides disagree by more than half the range: near side
    ("active", 10.0, 60.0, None, (60.0, "right")),  # the side that moved furthest
    ("active", 10.0, 60.0, "left", (10.0, "left")),  # a rep under way keeps its side
    ("active", NAN, NAN, None, (NAN, "left")),
])
def test_key_value_per_side_mode(mode, left, right, rep_side, expected):
    ks = KeySignal(spec(side_mode=mode))
    ks.observe(StubBody(left_score=0.9, right_score=0.1), dt=0.0)
    v, s = ks.read(StubBody(left, right), rep_side)
    assert s == expected[1]
    assert (math.isnan(v) and math.isnan(expected[0])) or v == pytest.approx(expected[0])


def test_median_removes_a_one_frame_spike_and_progress_maps_the_range():
    ks = KeySignal(spec(smoothing=1e-6))  # (no easing: the EMA follows the median)
    raws = [50.0, 50.0, 100.0, 50.0]
    got = [ks.push(i / 30, 1 / 30 if i else 0.0, raw, "left", True).p for i, raw in enumerate(raws)]
    assert got == pytest.approx([0.5, 0.5, 0.5, 0.5])


def test_speed_and_sample():
    ks = KeySignal(spec(smoothing=1e-6))
    samples = [ks.push(i / 30, 1 / 30 if i else 0.0, 10.0 * i, "right", True) for i in range(8)]
    s = samples[-1]
    assert isinstance(s, SignalSample) and s.side == "right" and s.in_position and s.state == "setup"
    assert s.value == pytest.approx(60.0)  # median of 50, 60, 70: three frames span 0.1 s at 30 fps
    assert 2.5 < s.speed <= 3.0  # heading for 3: 10 units per 1/30 s of a 100-unit range (an EMA, not there yet)


def test_the_median_spans_a_tenth_of_a_second_whatever_the_frame_rate():
    ks = KeySignal(spec(smoothing=1e-6))
    for i in range(8):
        s = ks.push(i / 10, 0.1 if i else 0.0, 10.0 * i, "right", True)
    assert s.value == pytest.approx(70.0)  # at 10 fps one frame is a tenth of a second: no median
    ks = KeySignal(spec(smoothing=1e-6))
    for i in range(8):
        s = ks.push(i / 15, 1 / 15 if i else 0.0, 10.0 * i, "right", True)
    assert s.value == pytest.approx(65.0)  # at 15 fps two frames: the median of 60 and 70


@pytest.mark.parametrize("in_position, adaptive, expected_p", [
    (True, 10.0, 0.0),  # the start adapts to where the person rests
    (False, 10.0, 0.2),  # values out of position do not teach it
    (True, 0.0, 0.0),  # within the spec's limits (0.2 < 0.3)
])
def test_adaptive_baseline(in_position, adaptive, expected_p):
    ks = KeySignal(spec(smoothing=1e-6, adaptive_window=adaptive, baseline_window=10.0))
    for i in range(5):
        s = ks.push(i / 10, 0.1 if i else 0.0, 20.0, "left", in_position)
    assert s.p == pytest.approx(expected_p)


def test_cut_restarts_the_smoothing():
    ks = KeySignal(spec(smoothing=1.0))
    for i in range(5):
        ks.push(i / 10, 0.1 if i else 0.0, 10.0, "left", True)
    ks.cut()
    assert math.isnan(ks.value) and ks.speed == 0.0
    assert ks.push(0.5, 0.1, 80.0, "left", True).value == pytest.approx(80.0)  # not eased in from 10


@pytest.mark.parametrize("far, left, faint_right, rep_side, kind, expected", [
    (True, 10.0, 105.0, None, "reps", (105.0, "right", True)),  # the near side rests: the far limb's rep is seen
    (True, 10.0, 80.0, None, "reps", (10.0, "left", False)),  # part way only: a faint limb's drift at rest
    (True, 60.0, 105.0, None, "reps", (60.0, "left", False)),  # the near side moves: far drift may not outbid it
    (False, 10.0, 105.0, None, "reps", (10.0, "left", False)),  # during set-up: never
    (True, 10.0, 105.0, None, "hold", (10.0, "left", False)),  # a hold exercise: never
    (True, 10.0, 80.0, "right", "reps", (80.0, "right", True)),  # the far side's rep under way keeps reading it
    (True, 10.0, None, None, "reps", (10.0, "left", False)),  # nothing reported for the far limb at all
])
def test_a_far_limb_below_the_visibility_floor_is_read_only_when_it_alone_moves(far, left, faint_right, rep_side,
                                                                               kind, expected):
    ks = KeySignal(spec(side_mode="active", kind=kind))
    faint = {} if faint_right is None else {"right": faint_right}
    v, s = ks.read(StubBody(left, NAN, faint=faint), rep_side, far=far)
    assert (v, s, ks.far_read) == expected
