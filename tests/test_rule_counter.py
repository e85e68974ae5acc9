"""RuleRepCounter: setup, complete reps vs attempts vs jitter, losing the person, cuts, noted faults."""
from __future__ import annotations

import pytest

from posecoach.exercises.events import Cue
from posecoach.exercises.rule_counter import RepEnd, RuleRepCounter

from parts_helpers import spec

FPS = 30.0


def run(ps, *, in_position=True, **changes):
    """Feed a progress trace at 30 fps; return the counter and everything it emitted."""
    c = RuleRepCounter(spec(**changes))
    out = []
    for i, p in enumerate(ps):
        inpos = in_position(i) if callable(in_position) else in_position
        out += c.step(i / FPS, 1 / FPS if i else 0.0, 1 / FPS if i else None, p, 0.0, inpos, "left")
    return c, out


def ramp(a, b, seconds):
    n = int(seconds * FPS)
    return [a + (b - a) * i / n for i in range(1, n + 1)]


REST = [0.0] * 15
REP = ramp(0, 1, 1.0) + [1.0] * 10 + ramp(1, 0, 1.0) + REST
ATTEMPT = ramp(0, 0.55, 0.8) + ramp(0.55, 0, 0.8) + REST
JITTER = [0.4] * 3 + REST


@pytest.mark.parametrize("trace, complete, partial", [
    (REST + REP, 1, 0),
    (REST + REP + REP, 2, 0),
    (REST + ATTEMPT, 0, 1),
    (REST + JITTER, 0, 0),  # shorter than min_rep_seconds_count and below partial_min
    ([0.5] * 5 + REP[15:], 0, 0),  # started before the setup was done: not counted
])
def test_reps(trace, complete, partial):
    c, out = run(trace)
    ends = [e for e in out if isinstance(e, RepEnd)]
    assert sum(e.complete for e in ends) == complete
    assert sum(not e.complete for e in ends) == partial
    assert c.state == "ready"


def test_rep_in_progress_is_frozen_and_tracks_the_peak():
    c, _ = run(REST + ramp(0, 0.9, 1.0) + ramp(0.9, 0.5, 0.3))
    r = c.rep
    assert r is not None and r.reached_top and r.peak_p == pytest.approx(0.9) and r.side == "left"
    with pytest.raises(AttributeError):  # frozen dataclass
        r.peak_p = 0.0


def test_setup_cues_position_until_in_position():
    c, out = run(REST, in_position=False, posture_cue="Lie down.")
    assert [e.text for e in out if isinstance(e, Cue)] == ["Lie down."]  # once, not every frame
    assert c.state == "setup"


def test_out_of_position_for_long_abandons_the_rep_and_restarts_setup():
    trace = REST + ramp(0, 0.9, 1.0) + [0.9] * 60
    c, out = run(trace, in_position=lambda i: i < 45)  # leaves the position at the top... and stays out
    assert c.state == "ready" and c.rep is not None  # at the top the clock waits for the way back
    trace = REST + ramp(0, 0.6, 1.0) + [0.6] * 60
    c, out = run(trace, in_position=lambda i: i < 45)
    assert c.state == "setup" and c.rep is None
    assert [e.complete for e in out if isinstance(e, RepEnd)] == [False]


def test_a_cut_before_the_way_back_makes_a_partial():
    c, _ = run(REST + ramp(0, 1, 1.0))
    c.cut(c.rep.peak_t + 0.1, 1.0)
    out = c.step(2.0, 1 / FPS, 1 / FPS, 0.0, 0.0, True, "left")  # the next shot: at home
    assert [(type(e), e.complete) for e in out] == [(RepEnd, False)]


def test_a_cut_the_rep_goes_on_after_is_forgotten():
    c, _ = run(REST + ramp(0, 1, 1.0))
    t0 = c.rep.peak_t
    c.cut(t0, 1.0)
    for i in range(1, 30):  # the new shot shows the top for a second
        c.step(t0 + i / FPS, 1 / FPS, 1 / FPS, 1.0, 0.0, True, "left")
    out = c.step(t0 + 1.1, 1 / FPS, 1 / FPS, 0.0, 0.0, True, "left")
    assert [e.complete for e in out if isinstance(e, RepEnd)] == [True]


def test_faults_noted_on_the_rep():
    c, _ = run(REST + ramp(0, 0.9, 1.0))
    c.note_faults(["knees_caving"])
    c.note_faults([])
    assert c.rep.faults == ("knees_caving",)
    [end] = c.abandon(5.0)
    rep = end.to_rep(c.spec, 0, end.rep.faults)
    assert rep.faults == ("knees_caving",) and not rep.complete and rep.end == 5.0


def test_lost_sends_back_to_setup():
    c, _ = run(REST + ramp(0, 0.3, 0.5))
    assert c.lost(9.0) == [] and c.state == "setup"
