"""CutCheck: a whole-skeleton jump between two close frames is a cut."""
from __future__ import annotations

import numpy as np
import pytest

from posecoach.exercises.cut_check import CutCheck


class _Skeleton:
    def __init__(self, dx):
        self.xy = np.tile([0.5 + dx, 0.5], (33, 1)) + np.linspace(0, 0.3, 33)[:, None]
        self.scale = 0.3


@pytest.mark.parametrize("frames, cuts", [
    ([(0.0, 0.0), (0.033, 0.0)], [False, False]),
    ([(0.0, 0.0), (0.033, 0.3)], [False, True]),  # the skeleton jumps by its size between two frames
    ([(0.0, 0.0), (0.5, 0.3)], [False, False]),  # after a dropout a jump proves nothing
])
def test_cut_check(frames, cuts):
    cc = CutCheck()
    assert [cc.is_cut(_Skeleton(dx), t) for t, dx in frames] == cuts
