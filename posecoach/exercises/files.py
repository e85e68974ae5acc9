"""Exercise files: one TOML file per exercise, mapped onto ``ExerciseSpec`` field by field.

Every top-level key is an ``ExerciseSpec`` field (a field added to the dataclass with a default can be written
at once); lists become tuples. Four fields take data instead of Python objects:

    measure = {kind = "angle", a = "shoulder", b = "hip", c = "knee"}   a measure declared as data (``KINDS``)
    measure = {fn = "knee_drop", name = "knee_drop"}                    a registered function (``named``)
    posture = "lying"   or   posture = {fn = "lying", max_torso = 50.0}  a registered posture test
    variant_of = "hamstring_variant"                                    a registered variant test
    [[faults]]  code, message, measure, bad = {lo = 25.0}, phases...    ``FaultRule`` fields, the same way

Any mistake raises ``ExerciseFileError`` with one line naming the file, the key and the valid choices.
"""
from __future__ import annotations

import dataclasses
import inspect
import math
import re
import tomllib
from pathlib import Path

from ..errors import PosecoachError
from ..pose import Landmark
from .measures import KINDS, Measure, Named, named_measure
from .named import POSTURE_FNS, VARIANT_FNS, NamedCall
from .spec import FAMILIES, VIEWS, ExerciseSpec, FaultRule, Zone

DATA_DIR = Path(__file__).with_name("data")

PARTS = tuple(sorted({n[5:].lower() for n in Landmark.__members__ if n.startswith("LEFT_")} | {"nose"}))
CHOICES = {  # fields whose values come from a fixed list
    "kind": ("reps", "hold", "mixed"), "side_mode": ("near", "active", "mean", "centred"),
    "required_view": ("side", "front", "any"), "family": FAMILIES, "views": VIEWS,
    "phases": ("moving", "top", "hold", "any"), "severity": ("info", "warn", "bad"), "side": ("same", "near", "both"),
}
ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")


class ExerciseFileError(PosecoachError, ValueError):
    """An exercise file that cannot be used; the message is one line naming the file, the key and the choices."""


def _fail(where: str, msg: str):
    raise ExerciseFileError(f"{where}: {msg}")


def _names(xs) -> str:
    return ", ".join(sorted(xs))


# ------------------------------------------------------------------------------------------------ values
def _plain_value(where: str, type_text: str, v):
    """A TOML value checked against a dataclass field's annotation (as text: ``from __future__`` annotations)."""
    t = type_text.replace(" ", "")
    if t.startswith("tuple["):
        if not isinstance(v, list):
            _fail(where, f"must be a list, not {v!r}")
        inner = "float" if t.startswith("tuple[float") else "str"
        return tuple(_plain_value(f"{where}[{i}]", inner, x) for i, x in enumerate(v))
    kinds = set(t.split("|")) - {"None"}
    if "bool" in kinds and isinstance(v, bool):
        return v
    if "int" in kinds and isinstance(v, int) and not isinstance(v, bool):
        return v
    if "float" in kinds and isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v)
    if "str" in kinds and isinstance(v, str):
        return v
    if "dict" in kinds and isinstance(v, dict):
        return v
    _fail(where, f"must be {' or '.join(sorted(kinds))}, not {v!r}")


def _check_choice(where: str, key: str, v) -> None:
    for x in (v if isinstance(v, tuple) else (v,)):
        if key in CHOICES and x not in CHOICES[key]:
            _fail(where, f"{x!r} is not one of {', '.join(CHOICES[key])}")


def _part(where: str, v) -> str:
    if not isinstance(v, str) or v not in PARTS:
        _fail(where, f"unknown landmark {v!r}; valid: {', '.join(PARTS)}")
    return v


def _table(where: str, v) -> dict:
    if not isinstance(v, dict):
        _fail(where, f"must be a table like {{kind = \"angle\", a = \"shoulder\", b = \"hip\", c = \"knee\"}}, "
                     f"not {v!r}")
    return dict(v)


def measure_from_data(where: str, v) -> Measure:
    d = _table(where, v)
    if "fn" in d:
        extra = set(d) - {"fn", "name"}
        if extra:
            _fail(where, f"unknown key {sorted(extra)[0]!r} for a measure function; valid: fn, name")
        try:
            named_measure(d["fn"])
        except ValueError as e:
            _fail(where, str(e))
        return Named(fn=d["fn"], name=_plain_value(f"{where}.name", "str", d.get("name", "")))
    kind = d.pop("kind", None)
    if kind not in KINDS:
        _fail(where, f"unknown measure kind {kind!r}; valid kinds: {', '.join(KINDS)} (or fn = a registered "
                     f"function)")
    cls = KINDS[kind]
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init and f.name != "unit"}
    args = {}
    for key, x in d.items():
        if key not in fields:
            _fail(where, f"unknown key {key!r} for a {kind} measure; valid: kind, {_names(fields)}")
        x = _plain_value(f"{where}.{key}", fields[key].type, x)
        args[key] = _part(f"{where}.{key}", x) if key not in ("name", "world") else x
    missing = [k for k in getattr(cls, "__annotations__", {}) if k in fields and k not in args
               and k not in ("name", "world") and fields[k].default == ""]
    if missing:
        _fail(where, f"a {kind} measure needs {', '.join(missing)}")
    return cls(**args)


def _named_call(where: str, kind: str, v) -> NamedCall:
    table = POSTURE_FNS if kind == "posture" else VARIANT_FNS
    d = {"fn": v} if isinstance(v, str) else _table(where, v)
    name = d.pop("fn", None)
    if name not in table:
        _fail(where, f"unknown {kind} {name!r}; registered: {_names(table)}")
    params = list(inspect.signature(table[name].fn).parameters)[1:]
    for key, x in d.items():
        if key not in params:
            _fail(where, f"unknown setting {key!r} for {kind} {name!r}; valid: {', '.join(params) or 'none'}")
        _plain_value(f"{where}.{key}", "float", x)
    return NamedCall(kind, name, tuple((k, float(x)) for k, x in d.items()))


def zone_from_data(where: str, v) -> Zone:
    d = _table(where, v)
    if not d or set(d) - {"lo", "hi"}:
        _fail(where, f"a zone is {{lo = number}}, {{hi = number}} or both, not {v!r}")
    lo = _plain_value(f"{where}.lo", "float", d.get("lo", -math.inf))
    hi = _plain_value(f"{where}.hi", "float", d.get("hi", math.inf))
    if lo > hi:
        _fail(where, f"lo {lo:g} is above hi {hi:g}")
    return Zone(lo, hi)


def _fields(where: str, cls, d: dict, special: dict) -> dict:
    """``d``'s keys as ``cls`` fields: unknown and missing ones fail, special ones convert, the rest are checked
    against their annotation."""
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    out = {}
    for key, v in d.items():
        if key not in fields:
            _fail(where, f"unknown field {key!r}; valid fields: {_names(fields)}")
        at = f"{where}.{key}" if where.endswith("]") else f"{where}: {key}"
        if key in special:
            out[key] = special[key](at, v)
        else:
            out[key] = _plain_value(at, fields[key].type, v)
            _check_choice(at, key, out[key])
    required = [n for n, f in fields.items() if f.default is dataclasses.MISSING
                and f.default_factory is dataclasses.MISSING]
    for key in required:
        if key not in out:
            _fail(where, f"missing required field {key!r} (required: {', '.join(required)})")
    return out


def fault_from_data(where: str, v) -> FaultRule:
    d = _table(where, v)
    return FaultRule(**_fields(where, FaultRule, d, {"measure": measure_from_data, "bad": zone_from_data}))


def spec_from_data(data: dict, where: str = "exercise") -> ExerciseSpec:
    """An ``ExerciseSpec`` from a parsed exercise file (``where`` names it in errors)."""

    def faults(at, v):
        if not isinstance(v, list):
            _fail(at, "must be a list of tables ([[faults]] sections)")
        return tuple(fault_from_data(f"{where}: faults[{i}]", x) for i, x in enumerate(v))

    special = {"measure": measure_from_data, "faults": faults,
               "posture": lambda at, v: _named_call(at, "posture", v),
               "variant_of": lambda at, v: _named_call(at, "variant", v)}
    args = _fields(where, ExerciseSpec, data, special)
    if not ID_RE.match(args["id"]):
        _fail(where, f"id {args['id']!r} must be lower case letters, digits and _ (starting with a letter)")
    if args["start"] == args["top"]:
        _fail(where, "start and top must differ (progress runs from start to top)")
    views = args.get("views") or ()
    if args.get("required_view", "side") in ("side", "front") and views and args.get("required_view", "side") \
            not in views:
        _fail(where, f"required_view {args.get('required_view', 'side')!r} is not among views {list(views)}")
    return ExerciseSpec(**args)


def load_exercise_file(path: str | Path) -> ExerciseSpec:
    """Read and validate one exercise file."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise ExerciseFileError(f"{path}: cannot read: {e.strerror or e}") from None
    except tomllib.TOMLDecodeError as e:
        raise ExerciseFileError(f"{path}: not valid TOML: {e}") from None
    return spec_from_data(data, str(path))


def builtin_files() -> list[Path]:
    return sorted(DATA_DIR.glob("*.toml"))
