"""The catalogue of exercises: look-up by id or alias."""
from __future__ import annotations

from ..errors import PosecoachError

from .spec import ExerciseSpec
from . import specs_floor, specs_lying, specs_standing


class UnknownExerciseError(PosecoachError, ValueError):
    """Raised for a name that is neither an exercise id nor an alias; the message lists the valid ids."""


_SPECS: dict[str, ExerciseSpec] = {}
_ALIASES: dict[str, str] = {}


def _norm(name: str) -> str:
    return str(name).strip().lower().replace("-", "_").replace(" ", "_").replace("'", "")


def register(spec: ExerciseSpec) -> None:
    if spec.id in _SPECS:
        raise ValueError(f"duplicate exercise id {spec.id!r}")
    _SPECS[spec.id] = spec
    for alias in spec.aliases:
        a = _norm(alias)
        if a in _ALIASES and _ALIASES[a] != spec.id:
            raise ValueError(f"alias {alias!r} used by {_ALIASES[a]!r} and {spec.id!r}")
        _ALIASES[a] = spec.id


for _spec in (*specs_lying.SPECS, *specs_floor.SPECS, *specs_standing.SPECS):
    register(_spec)


def list_exercises() -> list[ExerciseSpec]:
    return sorted(_SPECS.values(), key=lambda s: s.id)


def get_exercise(name_or_alias: str) -> ExerciseSpec:
    key = _norm(name_or_alias)
    if key in _SPECS:
        return _SPECS[key]
    if key in _ALIASES:
        return _SPECS[_ALIASES[key]]
    raise UnknownExerciseError(
        f"unknown exercise {name_or_alias!r}; valid ids: {', '.join(sorted(_SPECS))}")
