"""An exercise declared as data: what to measure, the zones for start / top / held, tolerances, cues, guidance."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

from .body import Body
from .measures import Measure

INF = math.inf

# where the body is: the position guide draws it, and the posture tests follow it
FAMILIES = ("lying", "floor", "kneeling", "seated", "standing")
# camera positions: beside the person, half-way round (about 45 degrees), in front, at the feet or the head end
VIEWS = ("side", "oblique", "front", "feet", "head")


@dataclass(frozen=True)
class Zone:
    """A closed interval of a measure's values."""

    lo: float = -INF
    hi: float = INF

    def __contains__(self, v: float) -> bool:
        return (not math.isnan(v)) and self.lo <= v <= self.hi


@dataclass(frozen=True)
class FaultRule:
    """A typical fault: when ``measure`` is inside ``bad`` for ``min_seconds`` during one of ``phases``.

    phases: any of "moving" (between leaving the start and returning), "top" (in the top/held zone),
    "hold" (a hold is running), "any" (whenever in position).
    ``breaks_hold``: while the fault lasts the posture is out of tolerance and hold time stops.
    """

    code: str
    message: str
    measure: Measure
    bad: Zone
    phases: tuple[str, ...] = ("top",)
    min_seconds: float = 0.4
    severity: str = "warn"
    breaks_hold: bool = False
    side: str = "same"  # "same" = side the key measure uses; "near" = nearest side; "both" = worst of both


@dataclass(frozen=True)
class ExerciseSpec:
    """Everything the generic checker needs to follow one exercise.

    The key measure moves from ``start`` (value in the start position) toward ``top`` (value at the top of a
    rep, or in the held position). Progress p = (value - start) / (top - start). The rep machine uses p:
    leaving the start zone when p > ``leave``, reaching the top when p >= ``full``, back home when
    p < ``back`` (``back`` < ``leave``: hysteresis). A hold runs while p >= ``hold_from`` and the posture is in
    tolerance.
    """

    id: str
    name: str
    kind: str  # "reps" | "hold" | "mixed"
    description: str
    measure: Measure
    start: float
    top: float
    aliases: tuple[str, ...] = ()
    target_reps: int | None = None
    target_hold: float | None = None  # seconds per hold
    required_view: str = "side"  # "side" | "front" | "any": the view the position guide recommends
    # every view the exercise can be checked from (of VIEWS); the camera advice is given only outside these.
    # Empty: follows ``required_view`` (only that view; every view for "any")
    views: tuple[str, ...] = ()
    family: str = "standing"  # of FAMILIES: lying (on the back), floor (face down, all fours), kneeling...
    guidance: str = ""
    safety: str = ("Move slowly and gently. Stop if you feel pain, numbness or tingling, and talk to your doctor or "
                   "physiotherapist.")
    # how the side is chosen: "near" = side nearest the camera; "active" = the side whose measure has progressed
    # most (one-sided movements like knee-to-chest or lunge); "mean" = both sides averaged when both visible
    # "centred" = a signed measure (right = -left) whose excursion either way from its learned resting centre
    # is read as that side's (the back roll: to the left and back, to the right and back)
    side_mode: str = "near"
    one_sided: bool = False  # report left/right on reps and holds
    leave: float = 0.35
    full: float = 0.7
    back: float = 0.25
    partial_min: float = 0.45
    hold_from: float | None = None  # default: ``full``; a hold starts here, still
    hold_exit: float | None = None  # a running hold lasts while progress stays above this (default hold_from - 0.2)
    still_speed: float = 0.25  # a hold is a pause: progress may change at most this much per second
    min_hold: float = 0.5  # shortest pause worth a Hold event (seconds)
    hold_grace: float = 0.4  # out-of-tolerance time a hold survives
    setup_seconds: float = 0.25
    posture: Callable[[Body], bool] | None = None  # body arrangement the exercise needs (lying, standing...)
    posture_cue: str = "Get into the start position."
    start_cue: str = ""
    top_cue: str = ""
    faults: tuple[FaultRule, ...] = ()
    min_rep_seconds: float = 1.2  # faster than this is rushed (the guides ask for slow, gentle movement)
    max_speed: float = 3.0  # progress units per second; faster is jerky
    smoothing: float = 0.12  # EMA time constant of the key measure, seconds
    min_rep_seconds_count: float = 0.35  # shorter excursions are jitter, not reps
    view_cue: str = ""
    variant_of: Callable[[Body], str] | None = None  # names the variant found from the pose (hamstring stretch)
    # > 0: the start value is learned from the body itself, as the lowest-progress value seen over this many
    # seconds (for small movements whose resting value differs between people and cameras: pelvic tilt)
    adaptive_window: float = 0.0
    # Every other exercise adapts within limits: the start position is the lowest-progress value seen over the
    # last ``baseline_window`` seconds in position, but never further than ``baseline_limits`` (in progress
    # units) from the nominal start. People stand, lie and are filmed differently; the range stays the spec's.
    baseline_window: float = 10.0
    baseline_limits: tuple[float, float] = (-0.1, 0.3)
    setup_needs_start: bool = True  # hold-only exercises may start straight in the held zone
    # names of the way toward the top and the way back (deep breathing: "inhale", "exhale"): the checker
    # publishes the current one per frame (Feedback.movement) for a pacing guide; empty: none
    movement_names: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict)

    @property
    def supported_views(self) -> tuple[str, ...]:
        if self.views:
            return tuple(self.views)
        return VIEWS if self.required_view == "any" else (self.required_view,)

    @property
    def hold_threshold(self) -> float:
        return self.full if self.hold_from is None else self.hold_from

    @property
    def hold_exit_threshold(self) -> float:
        return self.hold_threshold - 0.2 if self.hold_exit is None else self.hold_exit

    def progress(self, value: float) -> float:
        if math.isnan(value):
            return math.nan
        return (value - self.start) / (self.top - self.start)

    def value_at(self, p: float) -> float:
        return self.start + p * (self.top - self.start)

    def summary(self) -> dict:
        return {
            "id": self.id, "name": self.name, "aliases": list(self.aliases), "kind": self.kind,
            "description": self.description, "target_reps": self.target_reps, "target_hold": self.target_hold,
            "required_view": self.required_view, "views": list(self.supported_views), "family": self.family,
            "guidance": self.guidance, "safety": self.safety,
        }
