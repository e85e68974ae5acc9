"""ViewMonitor: camera advice (whole body in the picture; side or front view as the exercise needs)."""
from __future__ import annotations

import pytest

from posecoach.exercises.view_monitor import FRONT_VIEW, OUT_OF_FRAME, SIDE_VIEW, ViewMonitor

from parts_helpers import StubBody, spec


def run(body, seconds, **changes):
    vm = ViewMonitor(spec(**changes))
    out = []
    for i in range(int(seconds * 10)):
        out += [(round(i / 10, 1), p.code, p.message) for p in vm.step(body, i / 10, 0.1 if i else 0.0)]
    return out


@pytest.mark.parametrize("body, view, expected", [
    (StubBody(shoulders=0.2), "side", []),
    (StubBody(shoulders=0.9), "side", [(2.1, "camera_view", SIDE_VIEW)]),  # wrong for over 2 s
    (StubBody(shoulders=0.1, hips=0.1), "front", [(2.1, "camera_view", FRONT_VIEW)]),
    (StubBody(shoulders=0.9), "any", []),
    (StubBody(in_frame=False), "any", [(0.0, "out_of_frame", OUT_OF_FRAME)]),
    (StubBody(in_frame=False, trunk=False), "any", []),  # the trunk is not in the picture: not this person
])
def test_view(body, view, expected):
    assert run(body, 5.0, required_view=view) == expected


def test_view_advice_repeats_after_view_repeat():
    got = run(StubBody(shoulders=0.9), 20.0, required_view="side")
    assert [t for t, _, _ in got] == [2.1, 17.1]  # (17.1 - 2.1 is a hair over 15 in floating point)
