"""The synthetic exerciser is keyed by the exercise files' ids and speaks the checkers' fault vocabulary."""
from __future__ import annotations

import pytest

from posecoach.exercises import list_exercises
from posecoach.synth.motions import GENERIC_FAULTS, MOTION_VARIANTS, MOTIONS, NOT_SYNTHESISED

CHECKER_TEMPO_FAULTS = {"too_fast", "jerky"}  # exercises/fault_monitor.py: judged for every rep exercise
REP_OUTCOMES = {"partial_range"}  # not a fault: a rep short of the range, which the checker counts as an attempt


def test_every_exercise_has_a_motion_or_a_reason():
    ids = {s.id for s in list_exercises()}
    for i in ids:
        assert i in MOTIONS or NOT_SYNTHESISED.get(i), f"{i}: no synth motion and no reason in NOT_SYNTHESISED"
    assert set(MOTIONS) <= ids, f"motions for unknown exercises: {sorted(set(MOTIONS) - ids)}"
    assert {e for e, _ in MOTION_VARIANTS} <= ids


@pytest.mark.parametrize("spec", list_exercises(), ids=lambda s: s.id)
def test_synth_fault_codes_are_the_checkers(spec):
    motions = [m for m in (MOTIONS.get(spec.id), *(m for (e, _), m in MOTION_VARIANTS.items() if e == spec.id))
               if m is not None]
    checked = {r.code for r in spec.faults}
    for m in motions:
        for f in m.faults:
            assert f.code in checked, (f"{spec.id}: synth fault {f.code!r} is not in the exercise file's faults "
                                       f"{sorted(checked)}")
    for faults in GENERIC_FAULTS.values():
        for f in faults:
            assert f.code in CHECKER_TEMPO_FAULTS | REP_OUTCOMES, f.code
