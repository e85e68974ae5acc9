"""PostureGate: the posture test filtered, with hysteresis; "can't tell" keeps the last answer."""
from __future__ import annotations

import pytest

from posecoach.exercises.posture_gate import PostureGate

from parts_helpers import spec


@pytest.mark.parametrize("answers, expected", [
    ([True], True),  # the first answer is taken as it is
    ([False], False),
    ([True] + [False] * 2, True),  # two failed frames do not drop the person (filter + hysteresis)
    ([True] + [False] * 10, False),  # a third of a second does
    ([False] + [True] * 2, False),  # nor does getting in take one frame
    ([False] + [True] * 10, True),
    ([True, None, None, None], True),  # no answer: the last one stands
])
def test_gate(answers, expected):
    gate = PostureGate(spec())
    for i, ok in enumerate(answers):
        gate.step(ok, 1 / 30 if i else 0.0)
    assert gate.in_position is expected


def test_no_posture_test_means_in_position():
    assert PostureGate(spec(posture=None)).update(object(), 0.0) is True


def test_a_failing_posture_test_is_no_answer():
    def broken(body):
        raise ZeroDivisionError
    gate = PostureGate(spec(posture=broken))
    assert gate.update(object(), 0.0) is False and gate.update(object(), 0.1) is False
