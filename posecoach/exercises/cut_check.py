"""A hard cut in an edited video seen in one frame's landmarks (the checker's own, unconfirmed test).

The One Euro smoother flags cuts that the next frame confirms (``Pose.extra["cut"]``); with other smoothers
nothing does, so the checker also looks: between two frames close in time, the whole skeleton jumps by more
than ``CUT_JUMP`` of its size. (Review problem #6: the two tests should become one; until then both run.)
"""
from __future__ import annotations

import numpy as np

from ..smoothing import CUT_JOINTS, CUT_JUMP  # one definition of a cut for the smoother and the checker
from .body import Body
from .tuning import DEFAULT_TUNING, CheckerTuning


class CutCheck:
    def __init__(self, tuning: CheckerTuning = DEFAULT_TUNING):
        self.tuning = tuning
        self.reset()

    def reset(self) -> None:
        self._prev: tuple[float, np.ndarray, float] | None = None  # (time, cut joints, body scale)

    def is_cut(self, body: Body, t: float) -> bool:
        pts = body.xy[CUT_JOINTS]
        prev, self._prev = self._prev, (t, pts, body.scale)
        if prev is None or t - prev[0] > self.tuning.cut_max_dt:
            return False
        jump = float(np.median(np.linalg.norm(pts - prev[1], axis=1))) / max(body.scale, prev[2])
        return jump > CUT_JUMP
