"""The coaching overlay: every annotator chained over one frame, from the checker's Feedback.

    overlay = CoachOverlay()
    frame = overlay.annotate(frame, pose, feedback, fps=14.8, mirrored=True)

It draws what the Feedback says and nothing else: the skeleton with the checked joints highlighted
green/amber/red, reps against the target, the hold ring (amber and paused while form is broken), the cue, the
working side for one-sided exercises, a "get into position" guide with the camera view the exercise needs, fps,
and for a paced exercise (deep breathing) a "breathe in / breathe out" guide from the phase the checker names.
Static facts about an exercise (its display name, units of its measures, whether it is one-sided, its family) are
the checker's own (``Feedback.facts``), so overrides show and the catalogue is never looked up again.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from posecoach.render.hud import (COLUMN_W, CueAnnotator, FpsAnnotator, HeaderAnnotator, HoldTimerAnnotator,
                                  PositionGuideAnnotator, RepCounterAnnotator)
from posecoach.render.joints import JointHighlightAnnotator, ReadingStyle
from posecoach.render.pacing import MovementGuideAnnotator
from posecoach.render.skeleton import SkeletonAnnotator

# the position guide draws one of three bodies; an exercise's family says which
GUIDE_POSTURE = {"lying": "lying", "floor": "floor", "kneeling": "floor", "seated": "standing",
                 "standing": "standing"}


@dataclass(frozen=True)
class ExerciseLook:
    """What the overlay needs to know about an exercise besides the per-frame Feedback."""

    name: str
    kind: str = "reps"
    one_sided: bool = False
    guidance: str = ""
    posture: str = "standing"  # lying (on the back) | floor (face down, all fours) | standing
    hold_threshold: float = 0.7
    styles: dict = field(default_factory=dict)
    paced: bool = False  # the checker names its movement's phases (deep breathing): draw the pacing guide


@lru_cache(maxsize=64)
def exercise_look(facts) -> ExerciseLook:
    """The look of an exercise from the checker's ``ExerciseFacts`` (``Feedback.facts``)."""
    styles = {r.name: ReadingStyle(r.shape, r.unit) for r in facts.readings}
    first = facts.guidance.split(". ")[0].strip().rstrip(".") + "." if facts.guidance else ""
    return ExerciseLook(name=facts.name, kind=facts.kind, one_sided=facts.one_sided, guidance=first,
                        posture=GUIDE_POSTURE.get(facts.family, "standing"), hold_threshold=facts.hold_threshold,
                        styles=styles, paced=len(getattr(facts, "movement_names", ())) == 2)


def _look(fb) -> ExerciseLook:
    if fb.facts is None:  # a Feedback made by hand: draw with neutral defaults
        return ExerciseLook(name=str(fb.exercise).replace("_", " ").capitalize())
    return exercise_look(fb.facts)


def hold_display(fb) -> tuple[float, str] | None:
    """(seconds, state) for the hold ring from a Feedback, or None when the exercise has no hold target.

    Hold exercises show all time held in good form so far (the ring keeps its fill and turns amber, 'paused',
    while the form is broken or the person has left the position). Rep exercises with a pause at the top show
    the current hold, paused when the person is at the top but out of tolerance (a form cue is showing).
    """
    if not fb.target_hold:
        return None
    if fb.target_reps is None:  # a pure hold
        if fb.holding:
            return fb.hold_total, "holding"
        return fb.hold_total, ("paused" if fb.hold_total > 0 and fb.phase != "done" else "idle")
    if fb.holding:
        return fb.hold_seconds, "holding"
    p = fb.progress
    at_top = p is not None and math.isfinite(p) and p >= 0.6
    form_cue = fb.cue is not None and fb.cue.kind in ("form", "safety", "tempo")
    if at_top and fb.in_position and form_cue:
        return fb.hold_seconds, "paused"
    return fb.hold_seconds, "idle"


def cue_text(fb) -> tuple[str, str] | None:
    if fb.cue is None or not fb.cue.text:
        return None
    text, kind = fb.cue.text, fb.cue.kind
    if kind == "count" and text.strip().isdigit():
        text = f"Rep {text.strip()}" + (f" of {fb.target_reps}" if fb.target_reps else "") + " - good"
    return text, kind


@dataclass
class CoachOverlay:
    """Style only; ``annotate`` chains the small annotators."""

    skeleton: SkeletonAnnotator = field(default_factory=SkeletonAnnotator)
    joints: JointHighlightAnnotator = field(default_factory=JointHighlightAnnotator)
    header: HeaderAnnotator = field(default_factory=HeaderAnnotator)
    counter: RepCounterAnnotator = field(default_factory=RepCounterAnnotator)
    timer: HoldTimerAnnotator = field(default_factory=HoldTimerAnnotator)
    cue: CueAnnotator = field(default_factory=CueAnnotator)
    guide: PositionGuideAnnotator = field(default_factory=PositionGuideAnnotator)
    pacing: MovementGuideAnnotator = field(default_factory=MovementGuideAnnotator)
    fps: FpsAnnotator = field(default_factory=FpsAnnotator)
    show_fps: bool = True
    hud: bool = True  # False: only the body and its checked joints (thumbnails)

    def annotate(self, scene: np.ndarray, pose, feedback=None, *, fps: float | None = None,
                 mirrored: bool = False, title: str | None = None) -> np.ndarray:
        scene = self.skeleton.annotate(scene, pose, mirrored=mirrored)
        if feedback is None:
            if title:
                scene = self.header.annotate(scene, title)
            if self.show_fps:
                scene = self.fps.annotate(scene, fps)
            return scene
        fb = feedback
        look = _look(fb)
        scene = self.joints.annotate(scene, pose, fb.joints, styles=look.styles, mirrored=mirrored)
        if not self.hud:
            return scene
        scene = self.header.annotate(scene, title or look.name, side=fb.side if look.one_sided else None,
                                     variant=fb.variant)
        if self.show_fps:
            scene = self.fps.annotate(scene, fps)
        top = 10.0
        if fb.target_reps is not None or look.kind != "hold":
            scene = self.counter.annotate(scene, fb.reps, fb.target_reps, fb.partial_reps)
            top = 10.0 + 92 + 8
        hold = hold_display(fb)
        if hold is not None:
            scene = self.timer.annotate(scene, hold[0], fb.target_hold, hold[1], top=top)
            top += 120 + 8  # the ring panel's height (hud.HoldTimerAnnotator)
        if look.paced and fb.in_position:
            scene = self.pacing.annotate(scene, fb.movement, fb.progress, top=top)
        if pose is None or not fb.in_position or fb.phase == "no_person":
            scene = self.guide.annotate(scene, fb.required_view, look.guidance, posture=look.posture,
                                        title="Step into view" if pose is None else "Get into position")
        ct = cue_text(fb)
        if ct is not None:
            scene = self.cue.annotate(scene, *ct)
        return scene


__all__ = ["CoachOverlay", "ExerciseLook", "exercise_look", "hold_display", "cue_text", "COLUMN_W"]
