"""The catalogue of exercises: the package's exercise files (``exercises/data/*.toml``) plus any a user adds
(``add_exercise_file``); look-up by id or alias."""
from __future__ import annotations

from pathlib import Path

from ..errors import PosecoachError
from .files import builtin_files, load_exercise_file
from .spec import ExerciseSpec


class UnknownExerciseError(PosecoachError, ValueError):
    """Raised for a name that is neither an exercise id nor an alias; the message lists the valid ids."""


_SPECS: dict[str, ExerciseSpec] = {}
_ALIASES: dict[str, str] = {}


def _norm(name: str) -> str:
    return str(name).strip().lower().replace("-", "_").replace(" ", "_").replace("'", "")


def register(spec: ExerciseSpec, *, replace: bool = False) -> None:
    """Add ``spec`` to the catalogue. ``replace``: a spec with the same id takes the old one's place (a user's
    own version of a built-in exercise); otherwise a second spec with an id or alias in use is an error."""
    if spec.id in _SPECS and not replace:
        raise ValueError(f"duplicate exercise id {spec.id!r}")
    aliases = {_norm(a) for a in spec.aliases}
    for a in aliases | {spec.id}:
        owner = _ALIASES.get(a) or (a if a in _SPECS else None)
        if owner is not None and owner != spec.id:
            raise ValueError(f"alias {a!r} of {spec.id!r} is already {owner!r}'s")
    for a in [a for a, owner in _ALIASES.items() if owner == spec.id]:
        del _ALIASES[a]
    _SPECS[spec.id] = spec
    for a in aliases:
        _ALIASES[a] = spec.id


def add_exercise_file(path: str | Path) -> ExerciseSpec:
    """Load a user's exercise file into the catalogue (``ExerciseFileError`` if it is not valid); an id that
    names a built-in exercise replaces it for this process."""
    from .files import ExerciseFileError

    spec = load_exercise_file(path)
    try:
        register(spec, replace=True)
    except ValueError as e:
        raise ExerciseFileError(f"{path}: {e}") from None
    return spec


for _path in builtin_files():
    register(load_exercise_file(_path))


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
