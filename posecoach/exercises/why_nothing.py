"""Why nothing was counted: one plain sentence at the end of a session that counted no rep (or timed no hold)
while a person was in view, instead of a silent zero.

It watches what each frame gave the checker (a pose, a readable key measure, the posture gate's verdict, the
measure's progress) and names the first gate that refused most of the session: the measure could not be read
(the camera angle hides the joints it uses), the position was not recognised, or the movement stayed smaller
than the exercise needs. Pure: no OpenCV, no I/O.
"""
from __future__ import annotations

import math

from .own_range import OwnRangeOptions
from .spec import ExerciseSpec
from .view_monitor import SIDE_VIEW

MIN_SECONDS = 5.0  # a person seen for less than this may just be walking past: no verdict


class WhyNothing:
    def __init__(self, spec: ExerciseSpec, view_advice: str = ""):
        self.spec = spec
        self.view_advice = spec.view_cue or view_advice or (SIDE_VIEW if "side" in spec.supported_views else "")
        self.reset()

    def reset(self) -> None:
        self.seen = 0.0  # seconds with a pose
        self.readable = 0.0  # ... and with a readable key measure
        self.in_position = 0.0  # ... and in position
        self.lo, self.hi = math.inf, -math.inf  # progress reached (on the spec's nominal range) in position

    def frame(self, dt: float, *, pose: bool, readable: bool = False, in_position: bool = False,
              p_nom: float = math.nan) -> None:
        if not pose:
            return
        self.seen += dt
        if readable:
            self.readable += dt
            if in_position:
                self.in_position += dt
                if not math.isnan(p_nom):
                    self.lo, self.hi = min(self.lo, p_nom), max(self.hi, p_nom)

    def reason(self, counted: bool, view_problem: str = "") -> str:
        """The sentence, or "" when something was counted or there is too little to judge."""
        sp = self.spec
        if counted or self.seen < MIN_SECONDS:
            return ""
        what = "hold was timed" if sp.kind == "hold" else "rep was counted"
        head = f"No {what}: "
        if self.readable < 0.5 * self.seen:
            name = (sp.measure.name or "movement").replace("_", " ")
            return head + (f"from this camera angle I could not see the joints that show your {name}. "
                           f"{view_problem or self.view_advice}").strip()
        if self.in_position < 0.5 * self.readable:
            return head + (f"I did not recognise the position for this exercise. {sp.posture_cue} If you were in "
                           f"position, the camera angle may hide it. {view_problem or self.view_advice}").strip()
        if sp.kind != "hold":  # a rep needs a range; a hold needs depth (the shallow-hold floor at least)
            reached, needed = (self.hi - self.lo if self.hi >= self.lo else 0.0), sp.partial_min
        else:
            reached, needed = self.hi, min(OwnRangeOptions.min_range, sp.hold_threshold)
        if reached < needed:
            share = math.floor(100 * max(reached, 0.0))  # floored: never "45%, less than the 45% it needs"
            how = (f"your movement reached about {share}% of this exercise's usual range" if sp.kind != "hold"
                   else f"you went about {share}% as deep as this stretch asks")
            return head + (f"{how}, less than the {100 * needed:.0f}% it needs to count. Go a little further if "
                           f"it is comfortable; if you did, the camera angle may shrink it. "
                           f"{view_problem or self.view_advice}").strip()
        return ""


def fallback_reason(spec: ExerciseSpec, *, ruled: bool, refused: bool, view_problem: str = "") -> str:
    """Said once, when the periodicity counter counts a rep the rules did not: why the exercise's own rules could not
    follow, so the person knows these reps are counted but not judged. ``ruled``: the rules counted reps before
    (they missed this one); ``refused``: the posture gate kept the rules shut (still setting up, or out of
    position for most of the frames read); ``view_problem``: the view check's advice, if it found one."""
    head = "Counting your reps from your own movement: "
    if ruled:
        return "A rep the exercise's checks missed was counted from your movement."
    if refused:
        return head + f"I could not recognise the position for this exercise. {spec.posture_cue}"
    if view_problem:
        return head + f"the camera angle hides what this exercise is judged on. {view_problem}"
    return head + "your movement is smaller than this exercise's usual range, so form is not judged."
