"""Camera advice: is the whole body in the picture, and does the camera see the person from the side (or the
front) as the exercise needs?

The view is judged from the apparent shoulder and hip width relative to the torso, filtered over about a
second, and must be wrong for ``view_bad_seconds`` before the person is told; advice is not repeated within
``view_repeat`` seconds. The monitor only says what is wrong; the checker reports it as a fault of kind "view".
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from .body import Body
from .spec import ExerciseSpec
from .tuning import DEFAULT_TUNING, CheckerTuning

OUT_OF_FRAME = "Move back or tilt the camera so your whole body, head to feet, is in the picture."
SIDE_VIEW = ("Put the camera to your side, level with your hips, 2-3 m away, so it sees you side-on from head "
             "to feet.")
FRONT_VIEW = "Face the camera: put it in front of you at hip height, 2-3 m away."


@dataclass(frozen=True)
class ViewProblem:
    code: str  # "out_of_frame" | "camera_view"
    message: str


class ViewMonitor:
    def __init__(self, spec: ExerciseSpec, tuning: CheckerTuning = DEFAULT_TUNING):
        self.spec = spec
        self.tuning = tuning
        self.reset()

    def reset(self) -> None:
        self._width_ema: float | None = None
        self._bad_since: float | None = None
        self._view_last = -1e9
        self._frame_last = -1e9

    def step(self, body: Body, t: float, dt: float) -> list[ViewProblem]:
        tu = self.tuning
        sp = self.spec
        out = []
        # whole body in the picture? (only asked when the trunk is in it: otherwise this is not the person)
        if not body.in_frame(margin=tu.frame_margin) and body.in_frame(parts=("shoulder", "hip"), margin=0.0):
            if t - self._frame_last > tu.view_repeat:
                self._frame_last = t
                out.append(ViewProblem("out_of_frame", OUT_OF_FRAME))
        if sp.required_view not in ("side", "front"):
            return out
        width = max(body.shoulder_width_ratio(), body.hip_width_ratio() * tu.hip_width_weight)
        a = 1.0 - math.exp(-dt / tu.view_tau) if dt > 0 else 1.0
        self._width_ema = width if self._width_ema is None else self._width_ema + a * (width - self._width_ema)
        if sp.required_view == "side":
            wrong = self._width_ema > tu.side_view_max_width
        else:
            wrong = self._width_ema < tu.front_view_min_width
        if wrong:
            if self._bad_since is None:
                self._bad_since = t
            if t - self._bad_since > tu.view_bad_seconds and t - self._view_last > tu.view_repeat:
                self._view_last = t
                msg = sp.view_cue or (SIDE_VIEW if sp.required_view == "side" else FRONT_VIEW)
                out.append(ViewProblem("camera_view", msg))
        else:
            self._bad_since = None
        return out
