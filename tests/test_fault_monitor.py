"""FaultMonitor: rules by phase and duration, once per rep or not within fault_repeat, tempo faults."""
from __future__ import annotations

import pytest

from posecoach.exercises.events import Cue, FormFault
from posecoach.exercises.fault_monitor import FaultMonitor, FaultPhase
from posecoach.exercises.spec import FaultRule, Zone

from parts_helpers import KEY, StubBody, spec

RULE = FaultRule(code="too_deep", message="Not so deep.", measure=KEY, bad=Zone(lo=90.0), phases=("moving",),
                 min_seconds=0.2, breaks_hold=True)
MOVING = FaultPhase(active=True, moving=True, top=False, holding=False)


def run(values, phase=MOVING, rep_faults=None, dt=0.1):
    fm = FaultMonitor(spec(faults=(RULE,)))
    out, noted = [], []
    for i, v in enumerate(values):
        ev, n = fm.step(StubBody(v, v), i * dt, "left", "left", phase, rep_faults)
        out += ev
        noted += n
        if rep_faults is not None:  # as the rep counter notes them
            rep_faults = rep_faults + tuple(n)
    return fm, out, noted


@pytest.mark.parametrize("values, phase, n_faults, status", [
    ([95.0] * 5, MOVING, 1, "bad"),  # bad for 0.2 s: said once
    ([95.0, 95.0], MOVING, 0, "warn"),  # bad for 0.1 s only
    ([95.0] * 5, FaultPhase(active=True, moving=False, top=True, holding=False), 0, "ok"),  # not its phase
    ([95.0] * 5, FaultPhase(active=False, moving=True, top=False, holding=False), 0, "ok"),  # in setup
    ([50.0] * 5, MOVING, 0, "ok"),
])
def test_rule(values, phase, n_faults, status):
    fm, out, _ = run(values, phase)
    assert sum(isinstance(e, FormFault) for e in out) == n_faults
    assert sum(isinstance(e, Cue) for e in out) == n_faults
    assert fm.breaks_hold is (n_faults > 0)
    assert [r.status for r in fm.readings] == [status]


def test_during_a_rep_a_fault_is_said_once_per_rep_and_noted():
    _, out, noted = run([95.0] * 50, rep_faults=())
    assert noted == ["too_deep"] and sum(isinstance(e, FormFault) for e in out) == 1
    _, out, noted = run([95.0] * 50, rep_faults=("too_deep",))
    assert noted == [] and out == []


def test_outside_a_rep_not_repeated_within_fault_repeat():
    _, out, _ = run([95.0] * 120, rep_faults=None)  # 12 s: said at 0.2 s and at 5.2 s and 10.2 s
    assert [e.time for e in out if isinstance(e, FormFault)] == [0.2, 5.2, 10.2]


@pytest.mark.parametrize("duration, max_speed, codes", [(0.8, 0.5, ["too_fast"]), (2.0, 5.0, ["jerky"]),
                                                         (2.0, 0.5, [])])
def test_tempo(duration, max_speed, codes):
    fm = FaultMonitor(spec(min_rep_seconds=1.2, max_speed=3.0))
    got, events = fm.judge_tempo(10.0 + duration, 10.0, max_speed)
    assert got == codes and len(events) == 2 * len(codes)
    again, events = fm.judge_tempo(12.0 + duration, 12.0, max_speed)
    assert again == codes and events == []  # still on the rep, not said again within fault_repeat
