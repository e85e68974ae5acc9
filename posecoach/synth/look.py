"""How a synthetic clip looks: the figure's materials, the palettes a seed draws colours and light from, and
the named clothing colours of ``--clothing``, and the floor's and wall's textures. The renderer (``render.py``)
shades with whatever ``Look`` it is given.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# materials
SKIN, SHIRT, TROUSERS, SHOES, HAIR, FLOOR, WALL = range(7)

_SKIN_TONES = [(0.96, 0.80, 0.69), (0.89, 0.67, 0.53), (0.76, 0.55, 0.40), (0.55, 0.38, 0.26), (0.40, 0.27, 0.18)]
_SHIRTS = [(0.80, 0.15, 0.15), (0.15, 0.35, 0.75), (0.15, 0.55, 0.30), (0.95, 0.75, 0.15), (0.55, 0.20, 0.60),
           (0.95, 0.95, 0.95), (0.90, 0.45, 0.10)]
_TROUSERS = [(0.10, 0.12, 0.20), (0.20, 0.20, 0.22), (0.30, 0.35, 0.55), (0.12, 0.12, 0.12), (0.35, 0.30, 0.25)]
_HAIR = [(0.10, 0.07, 0.05), (0.30, 0.18, 0.08), (0.55, 0.40, 0.20), (0.12, 0.12, 0.12), (0.65, 0.60, 0.55)]
_WALLS = [(0.86, 0.84, 0.78), (0.78, 0.82, 0.85), (0.82, 0.86, 0.80), (0.90, 0.88, 0.86)]


# Named clothing colours for --clothing (RGB 0..1): the seed's palette plus the hard cases for a pose model
# (black and white, and colours close to skin, floor or wall).
CLOTHING: dict[str, tuple[float, float, float]] = {
    "red": _SHIRTS[0], "blue": _SHIRTS[1], "green": _SHIRTS[2], "yellow": _SHIRTS[3], "purple": _SHIRTS[4],
    "white": _SHIRTS[5], "orange": _SHIRTS[6], "navy": _TROUSERS[0], "grey": _TROUSERS[1],
    "denim": _TROUSERS[2], "black": _TROUSERS[3], "brown": _TROUSERS[4], "beige": (0.85, 0.72, 0.58),
    "pink": (0.93, 0.55, 0.65),
}


def clothing_colour(name: str) -> tuple[float, float, float]:
    """A colour name from ``CLOTHING`` or ``#rrggbb`` -> RGB in 0..1; anything else raises ValueError."""
    text = name.strip().lower()
    if text in CLOTHING:
        return tuple(float(v) for v in CLOTHING[text])
    if len(text) == 7 and text[0] == "#":
        try:
            return tuple(int(text[i:i + 2], 16) / 255.0 for i in (1, 3, 5))
        except ValueError:
            pass
    raise ValueError(f"unknown clothing colour {name!r}; use #rrggbb or one of {', '.join(CLOTHING)}")


@dataclass(frozen=True)
class Look:
    """Colours and light for one clip (RGB in 0..1)."""

    skin: tuple[float, float, float]
    shirt: tuple[float, float, float]
    trousers: tuple[float, float, float]
    shoes: tuple[float, float, float]
    hair: tuple[float, float, float]
    floor: tuple[float, float, float]
    wall: tuple[float, float, float]
    light: tuple[float, float, float]  # direction towards the light (normalised when used)
    ambient: float = 0.38
    noise: float = 2.0  # sensor noise, 8-bit levels (sd)

    @classmethod
    def default(cls) -> "Look":
        return cls(_SKIN_TONES[1], _SHIRTS[0], _TROUSERS[0], (0.92, 0.92, 0.92), _HAIR[1], (0.62, 0.44, 0.28),
                   _WALLS[0], (0.35, 1.0, -0.45))

    @classmethod
    def random(cls, rng: np.random.Generator) -> "Look":
        pick = lambda xs: tuple(float(v) for v in xs[int(rng.integers(len(xs)))])  # noqa: E731
        shirt = pick(_SHIRTS)
        trousers = pick(_TROUSERS)
        wood = (0.62, 0.44, 0.28) if rng.random() < 0.6 else (0.72, 0.58, 0.40)
        light = (float(rng.uniform(-0.6, 0.6)), 1.0, float(rng.uniform(-0.8, 0.8)))
        return cls(pick(_SKIN_TONES), shirt, trousers, pick([(0.92, 0.92, 0.92), (0.15, 0.15, 0.15),
                                                              (0.2, 0.3, 0.6)]),
                   pick(_HAIR), wood, pick(_WALLS), light, float(rng.uniform(0.32, 0.45)))

    def dressed(self, shirt: str | None = None, trousers: str | None = None) -> "Look":
        """This look with the named shirt and/or trouser colours (None keeps the seed's)."""
        from dataclasses import replace

        return replace(self, shirt=clothing_colour(shirt) if shirt else self.shirt,
                       trousers=clothing_colour(trousers) if trousers else self.trousers)

    def colour(self, material: int) -> np.ndarray:
        return np.array([self.skin, self.shirt, self.trousers, self.shoes, self.hair, self.floor,
                         self.wall][material])


def wood_texture(p: np.ndarray, base: np.ndarray) -> np.ndarray:
    """Planks 14 cm wide running along X, each its own tint, with grain."""
    plank = np.floor(p[:, 2] / 0.14)
    tint = 0.85 + 0.3 * _hash(plank)
    offset = _hash(plank + 17.0) * 3.0
    seg = np.floor((p[:, 0] + offset) / 1.2)  # board ends
    tint *= 0.92 + 0.16 * _hash(seg * 7.1 + plank)
    grain = 0.93 + 0.07 * np.sin(p[:, 0] * 40.0 + 6.0 * np.sin(p[:, 2] * 23.0 + plank))
    edge = np.minimum(np.abs(p[:, 2] / 0.14 - np.round(p[:, 2] / 0.14)), 1.0) < 0.03
    c = base[None] * (tint * grain)[:, None]
    c[edge] *= 0.6
    return c


def wall_texture(p: np.ndarray, base: np.ndarray) -> np.ndarray:
    c = np.repeat(base[None], p.shape[0], axis=0) * (0.95 + 0.05 * np.clip(p[:, 1] / 2.5, 0, 1))[:, None]
    skirting = p[:, 1] < 0.09
    c[skirting] = np.array([0.95, 0.95, 0.93])
    return c


def _hash(x: np.ndarray) -> np.ndarray:
    return np.modf(np.abs(np.sin(x * 12.9898 + 78.233) * 43758.5453))[0]
