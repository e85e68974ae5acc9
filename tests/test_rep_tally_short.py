"""A rep the zones call complete but that travelled far less than the person's other reps is a partial.

The spec's zones are shares of a nominal range. A person whose reps go well past the top passes "full" at half of
their own range, so a short rep among full ones is one the tally must catch against their own earlier reps
(``tally_rules.is_short_of_own``); the rule counter measures each rep's travel from its own low point at home.
"""
from __future__ import annotations

import math

import pytest

from posecoach.exercises.events import Rep
from posecoach.exercises.rep_tally import RepTally, TallyOptions
from posecoach.exercises.rule_counter import RepEnd, RuleRepCounter
from posecoach.exercises.tally_rules import is_short_of_own

from parts_helpers import spec

FPS = 30.0


def rep(t, travel, side="n/a"):
    """A complete rule rep starting at t whose key measure travelled ``travel`` (all past the spec's top)."""
    return Rep(index=0, start=t, peak=t + 1.5, end=t + 3.0, complete=True, range_share=travel, travel=travel,
               side=side)


def counted(travels, **options):
    tally = RepTally(spec(), options=TallyOptions(**options))
    for i, x in enumerate(travels):
        tally.rule_rep(rep(4.0 * i, x))
    tally.finish([])
    return tally


def test_a_short_rep_among_long_ones_is_a_partial():
    tally = counted([2.0, 0.9, 2.1, 0.95, 2.0])  # every rep past the top (1.0); two of them at under half
    assert tally.count == 3
    assert [r.grade for r in tally.reps] == ["full", "partial", "full", "partial", "full"]
    assert [r.index for r in tally.reps] == [1, 0, 2, 0, 3]


def test_reps_that_vary_as_people_do_all_count():
    assert counted([1.0, 1.3, 0.85, 1.2, 0.9, 1.1]).count == 6


def test_the_first_rep_has_nothing_to_be_short_of():
    assert counted([0.9, 2.0, 2.1]).count == 3


def test_off_restores_the_zones_alone():
    assert counted([2.0, 0.9, 2.1], short_ratio=0.0).count == 3


def test_one_sided_reps_are_compared_with_the_same_side_where_it_has_reps():
    o = TallyOptions()
    far_side = [(1.0, "left"), (1.05, "left")]
    near_side = [(2.0, "right")]
    assert not is_short_of_own(0.95, "left", far_side + near_side, True, o)  # its own side reads ~1
    assert is_short_of_own(0.95, "right", far_side + near_side, True, o)
    assert not is_short_of_own(0.95, "left", near_side + far_side, False, o)  # both-sided: pooled, median 1.05
    assert is_short_of_own(0.5, "left", near_side, True, o)  # no rep on its own side yet: the other side's
    assert not is_short_of_own(math.nan, "left", far_side, True, o)


def ramp(a, b, seconds):
    n = int(seconds * FPS)
    return [a + (b - a) * i / n for i in range(1, n + 1)]


def test_the_rule_counter_measures_travel_from_the_low_point_at_home_before_the_rep():
    c = RuleRepCounter(spec())
    # at home, then a rep to 1.0, back to 0.2 (home, but not all the way), a second rep to 0.9, home again
    trace = [0.0] * 15 + ramp(0, 1, 1) + ramp(1, 0.2, 1) + [0.2] * 10 + ramp(0.2, 0.9, 1) + ramp(0.9, 0, 1)
    trace += [0.0] * 10
    ends = []
    for i, p in enumerate(trace):
        ends += [e for e in c.step(i / FPS, 1 / FPS if i else 0.0, 1 / FPS if i else None, p, 0.0, True, "left")
                 if isinstance(e, RepEnd)]
    reps = [e.to_rep(c.spec, 0, ()) for e in ends]
    assert [r.range_share for r in reps] == pytest.approx([1.0, 0.9], abs=0.02)
    assert [r.travel for r in reps] == pytest.approx([1.0, 0.7], abs=0.02)


def test_travel_does_not_count_the_way_into_position():
    """Getting into position from far below the start (a back extension's set-up reads p -3.5) is not part of the
    first rep: its travel counts from the start at most, so the reps after it are not 'short' of it."""
    c = RuleRepCounter(spec(setup_seconds=0.1))
    trace = ramp(-3.5, 0, 1) + [0.0] * 15 + (ramp(0, 1.2, 1) + ramp(1.2, 0, 1) + [0.0] * 10) * 2
    ends = []
    for i, p in enumerate(trace):
        ends += [e for e in c.step(i / FPS, 1 / FPS if i else 0.0, 1 / FPS if i else None, p, 0.0, True, "left")
                 if isinstance(e, RepEnd)]
    assert [e.to_rep(c.spec, 0, ()).travel for e in ends] == pytest.approx([1.2, 1.2], abs=0.02)
