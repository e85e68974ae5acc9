"""What a checker tells the rest of posecoach: domain events and a per-frame snapshot.

This is the contract between the pure checkers (exercises/) and the edges (render/, voice, outputs/, session).
Times are seconds from the start of the source.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Rep:
    """One repetition: from leaving the start zone, through the peak, back to the start zone."""

    index: int  # 1-based count among complete reps (0 for a partial attempt)
    start: float
    peak: float
    end: float
    side: str = "n/a"  # "left" / "right" for one-sided exercises
    complete: bool = True
    faults: tuple[str, ...] = ()  # FormFault codes seen during the rep
    range_of_motion: float = float("nan")  # degrees (or normalised units) travelled by the key measure
    # which counter counted it: "rules" (the exercise's zones), "periodicity" (periodic whole-body motion the
    # zones did not follow) or "both"; an attempt only: "range" (a half-way rep judged against the person's own
    # reps, attempts.AttemptFinder); how sure the periodic evidence is (1.0 for the rules alone)
    source: str = "rules"
    confidence: float = 1.0
    promoted: bool = False  # the zones saw an attempt; periodic motion as large as the other reps made it a rep
    range_share: float = float("nan")  # share of the exercise's nominal range reached (>= ~0.7: a full rep)
    # "full": a counted rep that reached the exercise's top; "attempt": a counted rep of the person's own, smaller
    # range (learned from their reps in this session, RepTally); "unmeasured": a rep counted from the motion alone
    # where the exercise's own measure could not be read (its range unknown, not small); "partial": an attempt that
    # did not count
    grade: str = ""
    # how far the key measure moved in this rep, as a share of the nominal range: from the lowest point at home
    # before it (or the exercise's start, if lower) to its peak (``range_share`` counts from the start, which a
    # person may not go back to between reps)
    travel: float = float("nan")

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class Hold:
    """A span during which the target posture was held inside tolerance."""

    start: float
    end: float
    side: str = "n/a"
    # "" (or "full"): held in the exercise's own zone; "shallow": a still stay in the posture at the person's own,
    # smaller depth (ShallowHold), counted and told as such
    grade: str = ""

    @property
    def seconds(self) -> float:
        return max(0.0, self.end - self.start)


@dataclass(frozen=True)
class FormFault:
    time: float
    code: str  # stable id, e.g. "hips_sagging"
    message: str  # what a physiotherapist would say
    severity: str = "warn"  # "warn" or "bad"


@dataclass(frozen=True)
class Cue:
    """Something to tell the person now (on screen, and spoken if voice is on)."""

    time: float
    text: str
    kind: str = "form"  # form | position | view | tempo | safety | count | info
    priority: int = 1  # higher wins when several compete for the screen


@dataclass(frozen=True)
class JointReading:
    """A measured angle the exercise checks, for highlighting on the skeleton."""

    name: str  # e.g. "hip"
    value: float  # degrees
    status: str  # "ok" | "warn" | "bad" | "unknown"
    landmarks: tuple[int, ...] = ()  # Landmark indices (vertex in the middle for 3-point angles)


@dataclass(frozen=True)
class Feedback:
    """The checker's state after one frame, for the overlay and the live loop."""

    time: float
    exercise: str
    phase: str  # "no_person" | "setup" | "active" | "holding" | "done"
    reps: int = 0
    partial_reps: int = 0
    target_reps: int | None = None
    hold_seconds: float = 0.0  # current hold
    # all time in correct posture so far, as the live timer saw it; the record at the end (SessionResult.holds)
    # may be longer: the pause at the top of each rep is found again there, without the live timer's lag (top_pause)
    hold_total: float = 0.0
    target_hold: float | None = None
    holding: bool = False
    side: str = "n/a"
    cue: Cue | None = None
    joints: tuple[JointReading, ...] = ()
    in_position: bool = False
    required_view: str = "side"
    key_value: float = float("nan")  # the main measure (for plots)
    events: tuple = field(default=())  # Rep / Hold / FormFault / Cue that happened on this frame
    progress: float = float("nan")  # key measure mapped to 0 (start position) .. 1 (top / held position)
    variant: str = ""  # variant found from the pose (e.g. hamstring stretch: lying / seated / standing)
    facts: object = None  # the checker's ExerciseFacts (name, kind, family, targets, readings' units)
    movement: str = ""  # the movement's direction in the exercise's words (deep breathing: inhale / exhale), or ""


@dataclass
class SessionResult:
    """Everything a checker concluded over a whole source; what the report is made from."""

    exercise: str
    reps: list[Rep] = field(default_factory=list)  # complete and partial attempts, in time order
    holds: list[Hold] = field(default_factory=list)
    faults: list[FormFault] = field(default_factory=list)
    cues: list[Cue] = field(default_factory=list)
    variant: str = ""
    why_nothing: str = ""  # when nothing was counted while a person was in view: why (WhyNothing)

    @property
    def complete_reps(self) -> int:
        return sum(1 for r in self.reps if r.complete)

    @property
    def partial_reps(self) -> int:
        return sum(1 for r in self.reps if not r.complete)

    @property
    def hold_seconds(self) -> float:
        return sum(h.seconds for h in self.holds)
