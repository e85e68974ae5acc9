"""Small stand-ins for the checker parts' unit tests: a spec with a scripted key measure and a stub body."""
from __future__ import annotations

import copy
import dataclasses
import math

from posecoach.exercises import get_exercise
from posecoach.exercises.measures import Custom

NAN = math.nan


class StubBody:
    """What the parts read from a ``Body``, set directly: per-side key values and visibility scores."""

    def __init__(self, left=NAN, right=NAN, *, left_score=0.5, right_score=0.5, in_frame=True, trunk=True,
                 shoulders=0.2, hips=0.2, faint=None):
        self.values = {"left": left, "right": right}
        self.faint = faint or {}  # per side: the value read below the visibility floor (a far limb), if any
        self.vis_min = 0.5
        self.scores = {"left": left_score, "right": right_score}
        self._in_frame, self._trunk = in_frame, trunk
        self._shoulders, self._hips = shoulders, hips

    def relaxed(self, vis_min):
        """``Body.relaxed``: the same body read with a lower visibility floor, so the faint values show."""
        out = copy.copy(self)
        out.values = {**self.values, **self.faint}
        out.vis_min = vis_min
        return out

    def side_score(self, side):
        return self.scores[side]

    def in_frame(self, parts=None, margin=0.0):
        return self._trunk if parts else self._in_frame

    def shoulder_width_ratio(self):
        return self._shoulders

    def hip_width_ratio(self):
        return self._hips


KEY = Custom(name="key", fn=lambda body, side: body.values[side])


def spec(**changes):
    """A squat spec whose key measure reads ``StubBody.values`` (start 0, top 100: value = 100 * p)."""
    base = dict(measure=KEY, start=0.0, top=100.0, posture=None, variant_of=None, faults=(), safety="",
                start_cue="", top_cue="", baseline_window=0.0, adaptive_window=0.0, views=())
    base.update(changes)
    return dataclasses.replace(get_exercise("squat"), **base)
