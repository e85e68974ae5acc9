"""What a checker publishes about the exercise it follows: its *effective* facts, after any overrides
(``make_checker("squat", target_reps=3)`` reports 3). Render, outputs and the CLI read these instead of looking
the catalogue up again by id."""
from __future__ import annotations

from dataclasses import dataclass

from .spec import ExerciseSpec


@dataclass(frozen=True)
class Reading:
    """A value the checker reports for the overlay: the key measure, or a fault rule's measure (named by its
    code). ``shape``: angle | segment | offset | path (see ``Measure.shape``); ``unit``: deg | torso | ""."""

    name: str
    shape: str
    unit: str


@dataclass(frozen=True)
class ExerciseFacts:
    id: str
    name: str
    kind: str  # reps | hold | mixed
    family: str
    description: str
    guidance: str
    safety: str
    one_sided: bool
    target_reps: int | None
    target_hold: float | None
    required_view: str
    views: tuple[str, ...]
    start: float  # the key measure's value in the start position
    top: float  # ... at the top of a rep or in the held position
    full: float  # progress (0 = start, 1 = top) a rep must reach to count
    hold_threshold: float  # progress at which a hold starts
    measure_name: str  # the key measure's reading name
    readings: tuple[Reading, ...]
    movement_names: tuple[str, ...] = ()  # the way up and the way back, named (deep breathing: inhale, exhale)

    @classmethod
    def from_spec(cls, spec: ExerciseSpec) -> "ExerciseFacts":
        key = spec.measure.name or "key"
        readings = [Reading(key, spec.measure.shape, spec.measure.unit)]
        readings += [Reading(r.code, r.measure.shape, r.measure.unit) for r in spec.faults]
        return cls(id=spec.id, name=spec.name, kind=spec.kind, family=spec.family, description=spec.description,
                   guidance=spec.guidance, safety=spec.safety, one_sided=bool(spec.one_sided),
                   target_reps=spec.target_reps, target_hold=spec.target_hold, required_view=spec.required_view,
                   views=spec.supported_views, start=float(spec.start), top=float(spec.top), full=float(spec.full),
                   hold_threshold=float(spec.hold_threshold), measure_name=key,
                   readings=tuple(readings), movement_names=tuple(spec.movement_names))

    def reading(self, name: str) -> Reading | None:
        return next((r for r in self.readings if r.name == name), None)

    @property
    def unit(self) -> str:
        """The key measure's unit."""
        return self.readings[0].unit

    def targets(self) -> dict:
        """The report's fields about the exercise."""
        return {"target_reps": self.target_reps, "target_hold": self.target_hold, "guidance": self.guidance,
                "safety": self.safety, "kind": self.kind}
