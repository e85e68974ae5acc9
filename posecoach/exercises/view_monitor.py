"""Camera advice: is the whole body in the picture, and does the camera see the person from a view the exercise
can be checked from (``ExerciseSpec.supported_views``)?

The view is judged from the apparent shoulder and hip width relative to the torso, filtered over about a
second: narrow is a side view, wide a front (or back) view or one along a lying body from the feet or the head,
in between an oblique one. Advice comes only when no supported view fits, after the view has been wrong for
``view_bad_seconds``, and is not repeated within ``view_repeat`` seconds; it names a view that would work. The
monitor only says what is wrong; the checker reports it as a fault of kind "view".

The monitor also decides, once per frame and for every measure, whether a standing body is seen end-on (from the
front or the back), where a stretch or bend moves in depth (``Body.end_on_view``, read by ``measure_fns.end_on``).
It decides on the filtered shoulder width with a band around the threshold: decided frame by frame, an oblique
hip stretch flipped between image and depth readings 44 times in 457 frames (generator landmarks, realistic noise,
seed 5; 76 with seed 6).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from .body import END_ON_WIDTH, Body
from .spec import ExerciseSpec
from .tuning import DEFAULT_TUNING, CheckerTuning

OUT_OF_FRAME = "Move back or tilt the camera so your whole body, head to feet, is in the picture."
SIDE_VIEW = ("Put the camera to your side, level with your hips, 2-3 m away, so it sees you side-on from head "
             "to feet.")
FRONT_VIEW = "Face the camera: put it in front of you at hip height, 2-3 m away."
OBLIQUE_VIEW = "Put the camera half-way between your front and your side, at hip height, 2-3 m away."
END_VIEW = "Put the camera at your feet or your head, looking along your body, 2-3 m away."
WIDE_VIEWS = ("front", "feet", "head")
# half the width of the band around END_ON_WIDTH: end-on from END_ON_WIDTH + END_ON_BAND, side-on again below
# END_ON_WIDTH - END_ON_BAND (the filtered shoulder width of a person seen obliquely wanders by about +-0.05)
END_ON_BAND = 0.05


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
        self.cut()
        self.end_on = False  # a standing body seen end-on: see the module doc
        self._bad_since: float | None = None
        self._view_last = -1e9
        self._frame_last = -1e9
        self.fits = True  # the filtered view is one the exercise supports (a measure read outside them is suspect)

    def cut(self) -> None:
        """A new shot (or a new start): the filtered widths start over from the next pose."""
        self._width_ema: float | None = None
        self._shoulders_ema: float | None = None
        self._shoulders_age = 0.0  # seconds of poses in the filtered shoulder width

    def observe(self, body: Body, dt: float) -> bool:
        """Decide (and remember in ``body.end_on_view``) whether ``body`` is seen end-on: the filtered shoulder
        width / torso length, with the band. Called for every pose, before anything reads a measure."""
        if body.world is None:
            body.end_on_view = False
            return False
        width = body.shoulder_width_ratio()
        if self._shoulders_ema is not None:
            self._shoulders_age += dt
        self._shoulders_ema = _filtered(self._shoulders_ema, width, dt, self.tuning.view_tau)
        # for the filter's first time constant the threshold alone decides (a band from the first pose would let
        # one odd frame decide a whole oblique clip); then the band holds the decision
        if self._shoulders_age < self.tuning.view_tau or abs(self._shoulders_ema - END_ON_WIDTH) >= END_ON_BAND:
            self.end_on = self._shoulders_ema >= END_ON_WIDTH
        body.end_on_view = self.end_on
        return self.end_on

    def step(self, body: Body, t: float, dt: float) -> list[ViewProblem]:
        tu = self.tuning
        sp = self.spec
        out = []
        # whole body in the picture? (only asked when the trunk is in it: otherwise this is not the person)
        if not body.in_frame(margin=tu.frame_margin) and body.in_frame(parts=("shoulder", "hip"), margin=0.0):
            if t - self._frame_last > tu.view_repeat:
                self._frame_last = t
                out.append(ViewProblem("out_of_frame", OUT_OF_FRAME))
        views = sp.supported_views
        if "side" in views and any(v in views for v in WIDE_VIEWS):
            return out  # every width fits one of them
        width = max(body.shoulder_width_ratio(), body.hip_width_ratio() * tu.hip_width_weight)
        w = self._width_ema = _filtered(self._width_ema, width, dt, tu.view_tau)
        self.fits = any(_fits(v, w, tu) for v in views)
        if self.fits:
            self._bad_since = None
            return out
        if self._bad_since is None:
            self._bad_since = t
        if t - self._bad_since > tu.view_bad_seconds and t - self._view_last > tu.view_repeat:
            self._view_last = t
            out.append(ViewProblem("camera_view", sp.view_cue or _advice(views, too_wide=w > tu.side_view_max_width)))
        return out


def _filtered(previous: float | None, value: float, dt: float, tau: float) -> float:
    """One step of a first-order low-pass with time constant ``tau`` over uneven frame spacing (the first value,
    or a repeated timestamp, is taken as it is)."""
    if previous is None:
        return value
    a = 1.0 - math.exp(-dt / tau) if dt > 0 else 1.0
    return previous + a * (value - previous)


def _fits(view: str, width: float, tu: CheckerTuning) -> bool:
    """Whether the filtered width ratio can be ``view``: side up to ``side_view_max_width``, front / feet / head
    from ``front_view_min_width``, oblique in between."""
    if view == "side":
        return width <= tu.side_view_max_width
    if view == "oblique":
        return tu.front_view_min_width <= width <= tu.side_view_max_width
    return width >= tu.front_view_min_width


def _advice(views: tuple[str, ...], too_wide: bool) -> str:
    """Where to put the camera: a supported view on the side the width is wrong by (seen too front-on: a side or
    oblique view; too side-on: a front or end-on view)."""
    if too_wide:
        return SIDE_VIEW if "side" in views else (OBLIQUE_VIEW if "oblique" in views else FRONT_VIEW)
    if "front" in views:
        return FRONT_VIEW
    return END_VIEW if ("feet" in views or "head" in views) else OBLIQUE_VIEW
