"""HoldTimer: a hold starts still in the zone, lasts within tolerance, survives short lapses, counts if long."""
from __future__ import annotations

import pytest

from posecoach.exercises.events import Cue, Hold
from posecoach.exercises.hold_timer import HoldTimer

from parts_helpers import spec

FPS = 30.0


def run(frames, **changes):
    """frames: (p, speed, in_position, broken) per 1/30 s; returns the timer and its events."""
    h = HoldTimer(spec(kind="hold", full=0.7, target_hold=None, min_hold=0.5, hold_grace=0.4, **changes))
    out = []
    for i, (p, speed, inpos, broken) in enumerate(frames):
        out += h.step(i / FPS, "left", in_position=inpos, broken=broken, p_hold=p, speed=speed)
    return h, out


HELD = (0.8, 0.0, True, False)
MOVING = (0.8, 1.0, True, False)
LOW = (0.1, 0.0, True, False)
OUT = (0.8, 0.0, False, False)
BROKEN = (0.8, 0.0, True, True)


@pytest.mark.parametrize("frames, holds", [
    ([HELD] * 60 + [LOW] * 30, [(0.0, 1.967)]),
    ([MOVING] * 30 + [HELD] * 60 + [LOW] * 30, [(1.0, 2.967)]),  # starts only when still
    ([HELD] * 60 + [LOW] * 6 + [HELD] * 60 + [LOW] * 30, [(0.0, 4.167)]),  # a 0.2 s lapse is survived
    ([HELD] * 60 + [OUT] * 30 + [HELD] * 60 + [LOW] * 30, [(0.0, 1.967), (3.0, 4.967)]),
    ([HELD] * 60 + [BROKEN] * 30 + [LOW] * 30, [(0.0, 1.967)]),
    ([HELD] * 10 + [LOW] * 30, []),  # shorter than min_hold
])
def test_holds(frames, holds):
    _, out = run(frames)
    assert [(h.start, h.end) for h in out if isinstance(h, Hold)] == holds


def test_is_open_and_seconds_and_the_cue():
    h, out = run([HELD] * 30)
    assert h.is_open and h.seconds == pytest.approx(29 / FPS)
    assert [c.text for c in out if isinstance(c, Cue)] == ["Good, hold it. Keep breathing."]


def test_close_at_the_end_runs_on_within_grace():
    h, _ = run([HELD] * 30)
    assert h.close(until=5.0) == [Hold(0.0, round(29 / FPS + 0.4, 3))]
    assert not h.is_open and h.close() == []
