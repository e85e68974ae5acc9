"""Named functions for what an exercise file cannot say as data: key measures, posture tests, variant tests.

An exercise file refers to them by name (``measure = {fn = "knee_drop"}``, ``posture = "lying"``,
``variant_of = "hamstring_variant"``). Each is registered with the landmarks it reads, in a side-relative
vocabulary resolved for the side being measured:

    "knee"        the measured side's knee          "other.knee"  the opposite side's knee
    "both.knee"   the knee on both sides            "nose"        a landmark with no side

``reads`` is a promise that ``check_reads`` (and the test suite, on many poses) holds the function to: a read of
anything undeclared raises ``UndeclaredLandmarkError``. Body-level normalisers (``Body.scale``, ``facing``,
``torso_foreshortened``, ``torso_length``) are not reads: they combine the whole body on purpose.
``gate``: the parts on the measured side that must be visible for the value to count (a measure is NaN
otherwise); by default every side-relative part in ``reads``. A gate must be among the reads (checked when the
function is registered): a function may read more than it gates on only where it checks those landmarks'
visibility itself (bird dog takes the better seen of two limbs).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from .body import SIDES, Body, lm, other

NO_SIDE = ("nose",)


@dataclass(frozen=True)
class NamedFn:
    """A registered function and what it reads."""

    name: str
    kind: str  # "measure" | "posture" | "variant"
    fn: Callable
    reads: tuple[str, ...]
    gate: tuple[str, ...] = ()
    unit: str = ""  # measures: "deg", "torso" (torso lengths) or "" (a 0..1 share or a unitless score)
    show: tuple[str, ...] = ()  # measures: the parts the overlay highlights, in drawing order (default: gate)
    doc: str = field(default="", compare=False)

    def landmarks(self, side: str) -> frozenset[int]:
        """Landmark indices ``reads`` allows when measuring ``side``."""
        return frozenset(i for r in self.reads for i in resolve(r, side))


MEASURE_FNS: dict[str, NamedFn] = {}
POSTURE_FNS: dict[str, NamedFn] = {}
VARIANT_FNS: dict[str, NamedFn] = {}


def resolve(read: str, side: str) -> tuple[int, ...]:
    """Landmark indices of one ``reads`` entry for the measured ``side`` (ValueError for a bad entry)."""
    where, _, part = read.rpartition(".")
    if part in NO_SIDE:
        if where:
            raise ValueError(f"{read!r}: {part} has no side")
        return (lm(side, part),)
    sides = {"": (side,), "other": (other(side),), "both": SIDES}.get(where)
    if sides is None:
        raise ValueError(f"{read!r}: prefix must be 'other.' or 'both.'")
    try:
        return tuple(lm(s, part) for s in sides)
    except KeyError:
        raise ValueError(f"{read!r}: unknown landmark {part!r}") from None


def _register(table: dict, kind: str, name: str, reads, gate, unit: str, show=()):
    def deco(fn):
        if name in table:
            raise ValueError(f"{name!r} is registered twice")
        for r in reads:
            resolve(r, "left")
        g = tuple(r for r in reads if "." not in r) if gate is None else tuple(gate)
        allowed = {r.rpartition(".")[2] for r in reads if not r.startswith("other.")}
        for part in (*g, *show):
            if part not in allowed:
                raise ValueError(f"{name}: {part!r} is gated on or shown but not among its reads {reads}")
        table[name] = NamedFn(name, kind, fn, tuple(reads), g, unit, tuple(show),
                              (fn.__doc__ or "").strip().split("\n")[0])
        return fn
    return deco


def measure_fn(name: str, *, reads: tuple[str, ...], gate: tuple[str, ...] | None = None, unit: str = "",
               show: tuple[str, ...] = ()):
    """Register ``fn(body, side) -> float`` as a key or fault measure exercise files can name."""
    return _register(MEASURE_FNS, "measure", name, reads, gate, unit, show)


def posture_fn(name: str, *, reads: tuple[str, ...]):
    """Register ``fn(body, **settings) -> bool | None`` as a posture test (None: can't tell)."""
    return _register(POSTURE_FNS, "posture", name, reads, (), "")


def variant_fn(name: str, *, reads: tuple[str, ...]):
    """Register ``fn(body) -> str`` as a variant test (the variant's name, "" when unsure)."""
    return _register(VARIANT_FNS, "variant", name, reads, (), "")


# ------------------------------------------------------------------------------------- holding to ``reads``
class UndeclaredLandmarkError(AssertionError):
    """A registered function read a landmark its ``reads`` does not declare."""


class _Watched:
    """An array view that refuses rows outside ``allowed`` (Body.xy / Body.vis / Body.world)."""

    def __init__(self, arr, allowed: frozenset[int], who: str):
        self._arr, self._allowed, self._who = arr, allowed, who

    def __getitem__(self, key):
        rows = key[0] if isinstance(key, tuple) else key
        if isinstance(rows, slice):
            idx = range(len(self._arr))[rows]
        elif isinstance(rows, (int,)) or hasattr(rows, "__index__"):
            idx = [int(rows)]
        else:
            idx = [int(i) for i in rows]
        bad = [i for i in idx if i not in self._allowed]
        if bad:
            from ..pose import Landmark
            raise UndeclaredLandmarkError(f"{self._who} read {Landmark(bad[0]).name.lower()}, not in its reads")
        return self._arr[key]

    def __len__(self):
        return len(self._arr)


class WatchedBody(Body):
    """A ``Body`` whose landmarks can only be read where ``allowed`` says (see ``check_reads``)."""

    def __init__(self, body: Body, allowed: frozenset[int], who: str):
        self.__dict__.update(body.__dict__)
        self._plain = body
        self.xy = _Watched(body.xy, allowed, who)
        self.vis = _Watched(body.vis, allowed, who)
        self.world = None if body.world is None else _Watched(body.world, allowed, who)
        self.pose = None  # the raw pose would bypass the check

    # whole-body normalisers, computed on the plain body (not reads: see the module doc)
    @property
    def scale(self) -> float:
        return self._plain.scale

    @property
    def image_per_metre(self) -> float:
        return self._plain.image_per_metre

    def facing(self) -> float:
        return self._plain.facing()

    def torso_foreshortened(self) -> bool:
        return self._plain.torso_foreshortened()

    def torso_length(self) -> float:
        return self._plain.torso_length()


def check_reads(entry: NamedFn, body: Body, side: str = "left", *args, **kwargs):
    """Call a registered function on ``body`` allowing only its declared reads; returns its value, raises
    ``UndeclaredLandmarkError`` on a read it did not declare. Measures get ``side``; postures and variants not."""
    watched = WatchedBody(body, entry.landmarks(side), entry.name)
    if entry.kind == "measure":
        return entry.fn(watched, side, *args, **kwargs)
    return entry.fn(watched, *args, **kwargs)


@dataclass(frozen=True)
class NamedCall:
    """A registered posture or variant test with its settings, as an exercise file names it: callable as the
    spec's ``posture(body)`` / ``variant_of(body)``."""

    kind: str  # "posture" | "variant"
    name: str
    settings: tuple[tuple[str, float], ...] = ()

    @property
    def entry(self) -> NamedFn:
        return (POSTURE_FNS if self.kind == "posture" else VARIANT_FNS)[self.name]

    def __call__(self, body: Body):
        return self.entry.fn(body, **dict(self.settings))
