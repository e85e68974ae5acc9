"""Measures an exercise is declared with: joint angles, inclinations, offsets normalised by body size.

A measure is data (which side-relative landmarks, which kind of quantity), evaluated on a ``Body`` for a
given side. A measure returns NaN when any landmark it needs is below the visibility threshold, so a
low-visibility landmark can never drive a count.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, ClassVar

import numpy as np

from ..geometry import joint_angle, segment_angle
from .body import NAN, Body, lm

SIDE_INDEPENDENT = {"nose"}


def _idx(side: str, parts) -> tuple[int, ...]:
    return tuple(lm(side, p) for p in parts)


@dataclass(frozen=True)
class Measure:
    """Base: name, unit, the parts it reads. Subclasses implement ``_value``.

    ``shape``: how the overlay draws it: "angle" (three points, vertex in the middle), "segment" (two points),
    "offset" (a point against a line) or "path" (the landmarks in order)."""

    shape: ClassVar[str] = "path"
    name: str = ""
    unit: str = "deg"

    parts: tuple[str, ...] = field(default=(), init=False)

    def landmarks(self, side: str) -> tuple[int, ...]:
        return _idx(side, self.parts)

    def visible(self, body: Body, side: str) -> bool:
        return all(body.v(side, p) >= body.vis_min for p in self.parts)

    def __call__(self, body: Body, side: str) -> float:
        if not self.visible(body, side):
            return NAN
        try:
            v = self._value(body, side)
        except (FloatingPointError, ValueError, ZeroDivisionError):
            return NAN
        return float(v) if v is not None else NAN

    def _value(self, body: Body, side: str) -> float:  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass(frozen=True)
class Angle(Measure):
    """Unsigned angle a-b-c at b (degrees, 0..180), in the image plane or in MediaPipe world space."""

    shape: ClassVar[str] = "angle"

    a: str = ""
    b: str = ""
    c: str = ""
    world: bool = False

    def __post_init__(self):
        object.__setattr__(self, "parts", (self.a, self.b, self.c))
        if not self.name:
            object.__setattr__(self, "name", self.b)

    def _value(self, body, side):
        return body.angle(side, self.a, self.b, self.c, gate=False, world=self.world)


@dataclass(frozen=True)
class Incline(Measure):
    """Inclination of segment a-b to the image horizontal (0 = level, 90 = vertical)."""

    shape: ClassVar[str] = "segment"

    a: str = ""
    b: str = ""

    def __post_init__(self):
        object.__setattr__(self, "parts", (self.a, self.b))

    def _value(self, body, side):
        return segment_angle(body.p(side, self.a), body.p(side, self.b))


@dataclass(frozen=True)
class Rise(Measure):
    """Elevation of b above a as an angle: atan2(height of b above a, horizontal distance), -90..90 degrees.

    Unlike ``Incline`` this is signed: positive when b is higher in the image than a.
    """

    shape: ClassVar[str] = "segment"

    a: str = ""
    b: str = ""

    def __post_init__(self):
        object.__setattr__(self, "parts", (self.a, self.b))

    def _value(self, body, side):
        d = body.p(side, self.b) - body.p(side, self.a)
        return math.degrees(math.atan2(-d[1], abs(d[0]) + 1e-9))


@dataclass(frozen=True)
class LineOffset(Measure):
    """Height of ``point`` above the line ``a``-``b`` in torso lengths (negative = below the line)."""

    shape: ClassVar[str] = "offset"

    point: str = ""
    a: str = ""
    b: str = ""
    unit: str = "torso"

    def __post_init__(self):
        object.__setattr__(self, "parts", (self.point, self.a, self.b))

    def _value(self, body, side):
        return body.up_offset(body.p(side, self.point), body.p(side, self.a), body.p(side, self.b))


@dataclass(frozen=True)
class Height(Measure):
    """Height of ``point`` above ``ref`` in the image, in torso lengths."""

    shape: ClassVar[str] = "segment"

    point: str = ""
    ref: str = ""
    unit: str = "torso"

    def __post_init__(self):
        object.__setattr__(self, "parts", (self.point, self.ref))

    def _value(self, body, side):
        return body.height_above(body.p(side, self.point), body.p(side, self.ref))


@dataclass(frozen=True)
class Lean(Measure):
    """Tilt of a->b from vertical-up, degrees, positive toward the way the person faces (forward bend),
    negative backward (back extension). 0 = upright, 90 = level forward."""

    shape: ClassVar[str] = "segment"

    a: str = "hip"
    b: str = "shoulder"

    def __post_init__(self):
        object.__setattr__(self, "parts", (self.a, self.b))

    def _value(self, body, side):
        d = body.p(side, self.b) - body.p(side, self.a)
        ang = math.degrees(math.atan2(d[0], -d[1]))  # 0 = up, +90 = image right
        return ang * body.facing()


@dataclass(frozen=True)
class Custom(Measure):
    """Code for a movement that needs it: fn(body, side) -> float. ``needs`` lists the parts it reads."""

    fn: Callable[[Body, str], float] | None = None
    needs: tuple[str, ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "parts", tuple(self.needs))

    def _value(self, body, side):
        return self.fn(body, side)


@dataclass(frozen=True)
class Named(Measure):
    """A registered measure function, by name (``named.measure_fn``): exercise files say ``{fn = "knee_drop"}``.

    Visibility is gated on the function's declared ``gate`` parts of the measured side; its unit is the one it
    was registered with."""

    fn: str = ""
    unit: str = ""

    def __post_init__(self):
        entry = named_measure(self.fn)
        object.__setattr__(self, "parts", entry.gate)
        object.__setattr__(self, "unit", entry.unit)

    @property
    def reads(self) -> tuple[str, ...]:
        return named_measure(self.fn).reads

    def landmarks(self, side: str) -> tuple[int, ...]:
        return _idx(side, named_measure(self.fn).show or self.parts)

    def _value(self, body, side):
        return named_measure(self.fn).fn(body, side)


def named_measure(name: str):
    """The registered measure function ``name`` (ValueError listing the registered names)."""
    from . import measure_fns  # noqa: F401  (registers the built-in functions)
    from .named import MEASURE_FNS

    try:
        return MEASURE_FNS[name]
    except KeyError:
        raise ValueError(f"unknown measure function {name!r}; registered: {', '.join(sorted(MEASURE_FNS))}") \
            from None


# measures an exercise file declares as data: ``measure = {kind = "angle", a = "shoulder", b = "hip", c = "knee"}``
KINDS: dict[str, type[Measure]] = {"angle": Angle, "incline": Incline, "rise": Rise, "line_offset": LineOffset,
                                   "height": Height, "lean": Lean}


def straightness(body: Body, side: str, a: str, b: str, c: str) -> float:
    return joint_angle(body.p(side, a), body.p(side, b), body.p(side, c))


def nan_or(v: float, default: float) -> float:
    return default if v is None or (isinstance(v, float) and math.isnan(v)) else v


def clip01(x: float) -> float:
    return float(np.clip(x, 0.0, 1.0))
