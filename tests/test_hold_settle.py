"""HoldTimer, hold exercises: the hold's edges are where the movement settles and resumes (issue 9, item 4)."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from posecoach.exercises.events import Hold
from posecoach.exercises.hold_timer import HoldTimer
from posecoach.exercises.tuning import DEFAULT_TUNING

from parts_helpers import spec

FPS = 30.0


def holds(p, inpos=None, edges="settle", **changes):
    """Runs a progress trace (one value per 1/30 s; speed is its filtered derivative, as KeySignal makes it)."""
    tuning = dataclasses.replace(DEFAULT_TUNING, hold_edges=edges)
    h = HoldTimer(spec(kind="hold", full=0.7, target_hold=None, min_hold=0.5, hold_grace=0.4, **changes), tuning)
    out, speed = [], 0.0
    for i, v in enumerate(p):
        if i:
            speed += min(1.0, (1 / FPS) / 0.1) * ((v - p[i - 1]) * FPS - speed)
        out += h.step(i / FPS, "left", in_position=True if inpos is None else bool(inpos[i]), broken=False,
                      p_hold=float(v), speed=speed)
    out += h.close()
    return [(h.start, h.end) for h in out if isinstance(h, Hold)]


def ramp(a, b, seconds):
    return list(np.linspace(a, b, int(round(seconds * FPS)), endpoint=False))


def test_an_eased_in_hold_starts_where_the_approach_settled_not_at_the_threshold():
    # a fast approach to 0.8, then a slow settle from 0.72 to 0.8 over a second, held 4 s, then out
    p = ramp(0.0, 0.72, 1.0) + ramp(0.72, 0.8, 1.0) + [0.8] * 120 + ramp(0.8, 0.0, 1.0) + [0.0] * 30
    (start, end), = holds(p)
    (t_start, t_end), = holds(p, edges="threshold")
    assert start < t_start  # the settle counts
    assert 1.0 <= start <= 1.3


def test_a_hold_ends_where_the_way_out_begins():
    p = [0.0] * 15 + ramp(0.0, 0.8, 1.0) + [0.8] * 120 + ramp(0.8, 0.0, 2.0) + [0.0] * 30
    (start, end), = holds(p)
    out_begins = (15 + 30 + 120) / FPS
    assert end == pytest.approx(out_begins, abs=0.1)
    (_, t_end), = holds(p, edges="threshold")
    assert t_end > end + 0.3  # the threshold (0.5) is crossed well into the way out


def test_a_still_hold_that_sinks_a_little_is_still_held():
    # held at 0.8, sinking slowly to 0.45 (under the 0.5 exit threshold, within the 0.1 drift allowed), then out
    p = ramp(0.0, 0.8, 1.0) + [0.8] * 60 + ramp(0.8, 0.45, 6.0) + [0.45] * 30 + ramp(0.45, 0.0, 0.5) + [0.0] * 30
    (start, end), = holds(p)
    assert end == pytest.approx((30 + 60 + 180 + 30) / FPS, abs=0.15)
    (_, t_end), = holds(p, edges="threshold")
    assert t_end < end - 1.5  # the threshold version stops at 0.5, 1.9 s before the person moves


def test_jitter_and_breathing_do_not_end_a_hold():
    rng = np.random.default_rng(3)
    held = 0.8 + 0.03 * np.sin(np.arange(300) / FPS * 2 * np.pi / 4.0) + rng.normal(0, 0.01, 300)
    p = ramp(0.0, 0.8, 1.0) + list(held) + ramp(0.8, 0.0, 1.0) + [0.0] * 30
    got = holds(p)
    assert len(got) == 1 and got[0][1] - got[0][0] == pytest.approx(10.0, abs=0.4)


def test_leaving_the_position_stops_the_clock_at_once():
    p = ramp(0.0, 0.8, 1.0) + [0.8] * 150
    inpos = [True] * 120 + [False] * 60
    (start, end), = holds(p, inpos)
    assert end == pytest.approx(119 / FPS, abs=0.05)


def test_threshold_mode_is_the_old_behaviour():
    p = [0.8] * 60 + [0.1] * 30
    assert holds(p, edges="threshold") == [(0.0, 1.967)]


def eased(a, b, seconds):
    x = np.arange(int(round(seconds * FPS))) / (seconds * FPS)
    return list(a + (b - a) * (0.5 - 0.5 * np.cos(np.pi * x)))


def test_a_slow_swaying_way_out_ends_the_hold_where_it_began():
    # held at 1.1 for 10 s with sway (0.7 Hz) and jitter, then an eased 2.5 s way out with the same sway and
    # jitter: the speed keeps dipping under the still limit in tolerance on the way out, so only the level held
    # says where the hold ended (child's pose, synthetic side view: 11.7 s timed of 10)
    rng = np.random.default_rng(0)

    def sway(n):
        return rng.normal(0, 0.03, n) + 0.04 * np.sin(np.arange(n) / FPS * 2 * np.pi * 0.7)

    p = (ramp(0.0, 1.1, 1.0) + list(1.1 + sway(300)) + list(np.array(eased(1.1, 0.2, 2.5)) + sway(75))
         + [0.2] * 30)
    (start, end), = holds(p)
    assert end == pytest.approx(11.0, abs=0.8)  # (before: 12.8, where the sway last looked settled)


def test_a_noisy_reading_of_the_pose_left_behind_does_not_resume_the_hold():
    # held at 1.25, out in 1 s to 0.1, then the start pose reads 0.9 +- 0.1 (a far leg seen obliquely) until the
    # input ends: the hold ended where the way out began, not at the end of the input
    rng = np.random.default_rng(5)
    p = ramp(0.0, 1.25, 1.0) + [1.25] * 150 + eased(1.25, 0.1, 1.0) + [0.1] + list(0.9 + rng.normal(0, 0.1, 60))
    h = HoldTimer(spec(kind="hold", full=0.7, target_hold=None, min_hold=0.5, hold_grace=0.4), DEFAULT_TUNING)
    out, speed = [], 0.0
    for i, v in enumerate(p):
        if i:
            speed += min(1.0, (1 / FPS) / 0.1) * ((v - p[i - 1]) * FPS - speed)
        out += h.step(i / FPS, "left", in_position=True, broken=False, p_hold=float(v), speed=speed)
    out += h.close(until=(len(p) - 1) / FPS)
    (hold,) = [e for e in out if isinstance(e, Hold)]
    assert hold.end == pytest.approx(6.0, abs=0.2)  # (before: 8.8, the end of the input)


def test_a_hold_opened_after_another_closed_is_not_taken_back_into_it():
    # held 0.8 for 2 s, the reading lost for 1.5 s (the engine closes the hold), back at 0.8 for 2 s: the second
    # hold starts after the first one's end (before: its start was taken back through the first, overlapping it)
    tuning = dataclasses.replace(DEFAULT_TUNING, hold_edges="settle")
    h = HoldTimer(spec(kind="hold", full=0.7, target_hold=None, min_hold=0.5, hold_grace=0.4), tuning)
    out = []
    for i in range(60):
        out += h.step(i / FPS, "left", in_position=True, broken=False, p_hold=0.8, speed=0.0)
    out += h.close()
    for i in range(105, 165):
        out += h.step(i / FPS, "left", in_position=True, broken=False, p_hold=0.8, speed=0.0)
    out += h.close()
    (a, b) = [e for e in out if isinstance(e, Hold)]
    assert b.start >= a.end


def _fall_back_trace():
    """Held at 1.4 for 10 s (a view that reads the held pose far beyond the top), back to 0.75 for 10 s (the start
    position, read inside the zone: 0.75 >= the threshold 0.7), then held at 1.4 again for 8 s, then out."""
    return (ramp(0.0, 1.4, 1.0) + [1.4] * 300 + ramp(1.4, 0.75, 1.0) + [0.75] * 300 + ramp(0.75, 1.4, 1.0)
            + [1.4] * 240 + ramp(1.4, 0.0, 1.0) + [0.0] * 30)


def test_a_fall_back_to_the_start_read_inside_the_zone_that_ends_the_recording_ends_the_hold():
    # (a return to the pose after it joins the two holds: the fall back is not closed at once, see _step_settle)
    p = ramp(0.0, 1.4, 1.0) + [1.4] * 300 + ramp(1.4, 0.75, 1.0) + [0.75] * 300
    (a0, a1), = holds(p)
    assert 0.8 <= a0 <= 1.3 and 10.8 <= a1 <= 11.3  # ends where the way down began, not at the end (22 s)


def test_without_the_fall_back_rule_the_start_position_was_held():
    tuning_off = {"hold_fall_back": 0.0}
    p = _fall_back_trace()
    h = HoldTimer(spec(kind="hold", full=0.7, target_hold=None, min_hold=0.5, hold_grace=0.4),
                  dataclasses.replace(DEFAULT_TUNING, hold_edges="settle", **tuning_off))
    out, speed = [], 0.0
    for i, v in enumerate(p):
        if i:
            speed += min(1.0, (1 / FPS) / 0.1) * ((v - p[i - 1]) * FPS - speed)
        out += h.step(i / FPS, "left", in_position=True, broken=False, p_hold=float(v), speed=speed)
    out += h.close()
    spans = [(x.start, x.end) for x in out if isinstance(x, Hold)]
    assert len(spans) == 1 and spans[0][1] - spans[0][0] > 25  # one hold through the 10 s on all fours


def test_a_young_hold_that_settles_deeper_starts_there_and_its_level_is_the_deeper_one():
    # a pause at 0.8 for 1 s on the way in, then on to 1.4, held 6 s: the hold starts where 1.4 settled
    p = ramp(0.0, 0.8, 1.0) + [0.8] * 30 + ramp(0.8, 1.4, 0.5) + [1.4] * 180 + ramp(1.4, 0.0, 1.0) + [0.0] * 30
    (start, end), = holds(p)
    assert 2.4 <= start <= 2.8 and 8.3 <= end <= 8.7
