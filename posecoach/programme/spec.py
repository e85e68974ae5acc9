"""A programme declared as data: exercises in order, with sets, reps or hold seconds (per side), rest, week-by-week
targets and the progression rule. Loaded from TOML (stdlib ``tomllib``) and checked before anything runs, so a
typo in a programme file is one line naming the valid choices, never a traceback half-way through a session.

    load_programme(name_or_path) -> Programme     (ProgrammeError: one line)
    list_programmes() -> list[Programme]          (the shipped ones, posecoach/programmes/*.toml)
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

PROGRAMMES_DIR = Path(__file__).resolve().parent.parent / "programmes"


class ProgrammeError(ValueError):
    """A programme file that cannot be used; the message is one line and names what would be valid."""


@dataclass(frozen=True)
class Target:
    """What one exercise asks for in a session: sets of reps, or of holds (seconds each); per side when sided."""

    sets: int = 1
    reps: int | None = None
    hold: float | None = None

    def describe(self, per_side: bool = False) -> str:
        side = " per side" if per_side else ""
        what = []
        if self.reps:
            what.append(f"{self.reps} rep{'s' if self.reps != 1 else ''}{side}")
        if self.hold:
            what.append(f"{self.hold:g} s hold" + (side if not self.reps else ""))
        return f"{self.sets} x " + (", ".join(what) or "free")


@dataclass(frozen=True)
class WeekTarget:
    """From week ``week`` on (1 = the first week), these fields replace the step's own (None: unchanged)."""

    week: int
    sets: int | None = None
    reps: int | None = None
    hold: float | None = None


@dataclass(frozen=True)
class Step:
    """One exercise of the programme, with its first-week target and how it grows over the weeks."""

    exercise: str  # exercise id (the registry's)
    sets: int = 1
    reps: int | None = None
    hold: float | None = None
    rest: float = 30.0  # seconds between sets
    per_side: bool = False  # reps / holds counted for each side (sided exercises)
    weeks: tuple[WeekTarget, ...] = ()
    note: str = ""

    def target(self, week: int) -> Target:
        """The planned target in ``week`` (from 1): the latest week entry at or before it wins, field by field."""
        t = Target(self.sets, self.reps, self.hold)
        for w in sorted(self.weeks, key=lambda w: w.week):
            if w.week <= week:
                t = Target(w.sets or t.sets, w.reps or t.reps, w.hold or t.hold)
        return t


@dataclass(frozen=True)
class ProgressionRule:
    """When and how much targets change (see programme.progression)."""

    good_sessions: int = 2  # sessions in a row, completed with good form and no rise in pain, before a rise
    max_faults: int = 1  # form faults (distinct codes) a session may show and still count as good form
    pain_rise: int = 1  # pain after minus before at or above this: targets fall back one step
    reps_step: int = 2
    hold_step: float = 5.0
    max_reps: int = 15  # the guides: 10-15 reps; past this a rise adds a set instead
    max_hold: float = 60.0  # the guides: holds of 5-60 s
    max_sets: int = 3
    min_level: int = -2
    max_level: int = 6


@dataclass(frozen=True)
class Programme:
    name: str
    title: str
    description: str
    steps: tuple[Step, ...]
    sessions_per_week: int = 7
    weeks: int = 4
    progression: ProgressionRule = field(default_factory=ProgressionRule)
    source: str = ""

    def exercises(self) -> list[str]:
        return [s.exercise for s in self.steps]


_TOP = {"name", "title", "description", "sessions_per_week", "weeks", "steps", "progression"}
_STEP = {"exercise", "sets", "reps", "hold", "rest", "per_side", "weeks", "note"}
_WEEK = {"week", "sets", "reps", "hold"}


def _where(src: str, i: int | None = None) -> str:
    return f"{src}" + (f": step {i + 1}" if i is not None else "")


def _check_keys(d: dict, allowed: set[str], where: str) -> None:
    bad = sorted(set(d) - allowed)
    if bad:
        raise ProgrammeError(f"{where}: unknown key {bad[0]!r}; valid keys: {', '.join(sorted(allowed))}")


def _number(v, where: str, key: str, kind=int, lo: float = 1):
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float)) or (kind is int and not isinstance(v, int)):
        raise ProgrammeError(f"{where}: {key} must be a {'whole ' if kind is int else ''}number, got {v!r}")
    if v < lo:
        raise ProgrammeError(f"{where}: {key} must be {lo:g} or more, got {v!r}")
    return kind(v)


def _step(d: dict, src: str, i: int) -> Step:
    from posecoach.exercises import UnknownExerciseError, get_exercise, list_exercises

    where = _where(src, i)
    if not isinstance(d, dict):
        raise ProgrammeError(f"{where}: each [[steps]] entry must be a table")
    _check_keys(d, _STEP, where)
    if "exercise" not in d:
        raise ProgrammeError(f"{where}: no exercise; valid exercises: {', '.join(s.id for s in list_exercises())}")
    try:
        spec = get_exercise(str(d["exercise"]))
    except UnknownExerciseError:
        raise ProgrammeError(f"{where}: unknown exercise {d['exercise']!r}; valid exercises: "
                             f"{', '.join(s.id for s in list_exercises())}") from None
    reps = _number(d.get("reps"), where, "reps")
    hold = _number(d.get("hold"), where, "hold", float, 1)
    if spec.kind == "hold" and reps is not None:
        raise ProgrammeError(f"{where}: {spec.id} is a hold exercise; give hold seconds, not reps")
    if spec.kind == "reps" and spec.target_hold is None and hold is not None:
        raise ProgrammeError(f"{where}: {spec.id} has no hold; give reps, not hold seconds")
    if reps is None and hold is None:
        reps, hold = spec.target_reps, spec.target_hold
    weeks = []
    for w in d.get("weeks", ()):
        if not isinstance(w, dict):
            raise ProgrammeError(f"{where}: weeks must be tables like {{week = 2, reps = 10}}")
        _check_keys(w, _WEEK, f"{where} weeks")
        if "week" not in w:
            raise ProgrammeError(f"{where}: a weeks entry has no week number")
        weeks.append(WeekTarget(_number(w["week"], where, "week"), _number(w.get("sets"), where, "sets"),
                                _number(w.get("reps"), where, "reps"), _number(w.get("hold"), where, "hold", float)))
    per_side = d.get("per_side", spec.one_sided)
    if not isinstance(per_side, bool):
        raise ProgrammeError(f"{where}: per_side must be true or false")
    return Step(exercise=spec.id, sets=_number(d.get("sets", 1), where, "sets"), reps=reps, hold=hold,
                rest=_number(d.get("rest", 30.0), where, "rest", float, 0), per_side=per_side,
                weeks=tuple(weeks), note=str(d.get("note", "")))


def parse_programme(data: dict, name: str, source: str = "") -> Programme:
    """A Programme from the TOML's tables (ProgrammeError on anything that would go wrong later)."""
    src = source or name
    _check_keys(data, _TOP, src)
    steps = data.get("steps")
    if not steps or not isinstance(steps, list):
        raise ProgrammeError(f"{src}: no [[steps]]: a programme needs at least one exercise")
    rule_d = data.get("progression", {})
    if not isinstance(rule_d, dict):
        raise ProgrammeError(f"{src}: [progression] must be a table")
    valid = set(ProgressionRule.__dataclass_fields__)
    _check_keys(rule_d, valid, f"{src} [progression]")
    rule = ProgressionRule()
    for k, v in rule_d.items():
        default = getattr(rule, k)
        lo = -100 if k == "min_level" else (0 if k in ("max_faults", "max_level") else 1)
        rule = replace(rule, **{k: _number(v, f"{src} [progression]", k, type(default), lo)})
    return Programme(name=str(data.get("name", name)), title=str(data.get("title", name.replace("_", " ").title())),
                     description=str(data.get("description", "")),
                     steps=tuple(_step(s, src, i) for i, s in enumerate(steps)),
                     sessions_per_week=_number(data.get("sessions_per_week", 7), src, "sessions_per_week"),
                     weeks=_number(data.get("weeks", 4), src, "weeks"), progression=rule, source=source)


def shipped_names() -> list[str]:
    return sorted(p.stem for p in PROGRAMMES_DIR.glob("*.toml"))


def load_programme(name_or_path: str | Path) -> Programme:
    """A shipped programme by name (``starter_week``), or a TOML file of one's own by path."""
    p = Path(name_or_path)
    if p.suffix != ".toml" or not p.exists():
        key = str(name_or_path).strip().lower().replace("-", "_").replace(" ", "_")
        p = PROGRAMMES_DIR / f"{key}.toml"
        if not p.exists():
            raise ProgrammeError(f"unknown programme {str(name_or_path)!r}; valid programmes: "
                                 f"{', '.join(shipped_names())} (or the path of a .toml file)")
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise ProgrammeError(f"{p}: not valid TOML: {e}") from None
    except OSError as e:
        raise ProgrammeError(f"{p}: cannot read: {e.strerror or e}") from None
    return parse_programme(data, p.stem, str(p))


def list_programmes() -> list[Programme]:
    return [load_programme(n) for n in shipped_names()]
