"""Temporal smoothing of landmark streams: none, EMA, or the One Euro filter.

The Tasks API has no landmark smoothing of its own (the legacy solution had one), and raw landmarks jitter by a few
pixels frame to frame: enough to flicker an angle across a threshold. One Euro (Casiez et al., CHI 2012) removes
jitter when the body is still and keeps lag low when it moves, which is what a rep counter needs.

A smoother is made per stream (one person's 33 landmarks) and keeps its own state; all share the protocol
``__call__(pose) -> pose`` and ``reset()``.
"""
from __future__ import annotations

import math
from typing import Callable, Protocol

import numpy as np

from posecoach.pose import Pose


class Smoother(Protocol):
    def __call__(self, pose: Pose) -> Pose: ...

    def reset(self) -> None: ...


class NoSmoothing:
    def __call__(self, pose: Pose) -> Pose:
        return pose

    def reset(self) -> None:
        pass


class OneEuroArray:
    """One Euro filter over an array of values sampled at (possibly irregular) timestamps.

    alpha(cutoff, dt) = 1 / (1 + tau/dt), tau = 1 / (2 pi cutoff)
    dx_hat = lowpass(dx/dt, d_cutoff);  cutoff = min_cutoff + beta * |dx_hat|;  x_hat = lowpass(x, cutoff)
    """

    def __init__(self, min_cutoff: float = 1.0, beta: float = 0.5, d_cutoff: float = 1.0):
        if min_cutoff <= 0 or d_cutoff <= 0 or beta < 0:
            raise ValueError("One Euro needs min_cutoff > 0, d_cutoff > 0 and beta >= 0")
        self.min_cutoff, self.beta, self.d_cutoff = min_cutoff, beta, d_cutoff
        self.reset()

    def reset(self) -> None:
        self._x: np.ndarray | None = None
        self._dx: np.ndarray | None = None
        self._t: float | None = None

    @staticmethod
    def _alpha(cutoff, dt: float):
        tau = 1.0 / (2.0 * math.pi * cutoff)
        return 1.0 / (1.0 + tau / dt)

    def __call__(self, x: np.ndarray, t: float) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        if self._x is None or self._t is None or t <= self._t:
            # First sample, or time did not advance (a repeated frame): nothing to filter against.
            if self._x is None or self._t is None:
                self._x, self._dx, self._t = x.copy(), np.zeros_like(x), t
            return self._x.copy()
        dt = t - self._t
        dx = (x - self._x) / dt
        a_d = self._alpha(self.d_cutoff, dt)
        self._dx = a_d * dx + (1.0 - a_d) * self._dx
        cutoff = self.min_cutoff + self.beta * np.abs(self._dx)
        a = self._alpha(cutoff, dt)
        self._x = a * x + (1.0 - a) * self._x
        self._t = t
        return self._x.copy()


CUT_JOINTS = [11, 12, 23, 24, 25, 26, 27, 28]  # shoulders, hips, knees, ankles
CUT_VIS_MIN = 0.5  # the body-size terms beyond the torso need their joints seen
CUT_REFERENCE_FPS = 25.0  # frame rate CUT_JUMP was chosen at (24-30 fps clips); slower rates scale it
CUT_JUMP = 0.6  # median jump of those joints from one frame to the next, in body sizes (_body_points), that is a cut


def _body_points(pose: Pose) -> tuple[np.ndarray, float]:
    """The trunk and leg joints in isotropic image units, and the body's size: the torso length (mid-shoulder to
    mid-hip), or where the torso points at the camera, 1.3 shoulder widths or 0.6 of a thigh (the terms of
    ``exercises.body.Body.scale``, which does not gate them). With the torso alone, a bird dog seen from the front
    or the head (torso a tenth of the shoulder width in the image) read its ordinary jitter as jumps of over a
    torso length, and a false cut restarted the counting in the middle of a set (generator grid: 1 of 6 right from
    the front and the head).
    Shoulder width and thighs count only where the model sees their joints: knees it guesses outside a close-up
    would inflate the size, and a real cut would then read as a small jump."""
    xy = pose.xy()
    seen = pose.visibility >= CUT_VIS_MIN
    torso = float(np.linalg.norm(xy[[11, 12]].mean(axis=0) - xy[[23, 24]].mean(axis=0)))
    shoulders = float(np.linalg.norm(xy[11] - xy[12])) if seen[11] and seen[12] else 0.0
    thigh = max((float(np.linalg.norm(xy[h] - xy[k])) for h, k in ((23, 25), (24, 26)) if seen[h] and seen[k]),
                default=0.0)
    return xy[CUT_JOINTS], max(torso, 1.3 * shoulders, 0.6 * thigh, 1e-3)


def _jump(a: tuple[np.ndarray, float], b: tuple[np.ndarray, float]) -> float:
    return float(np.median(np.linalg.norm(a[0] - b[0], axis=1))) / max(a[1], b[1])


class FrameSpacing:
    """The mean time between consecutive frames so far (gaps over ``max_gap``, where nobody was seen, left out):
    what rate-dependent filters scale by, robust to the uneven spacing a 15 fps analysis of a 24 fps video has."""

    def __init__(self, first_guess: float = 1 / 30, max_gap: float = 0.15):
        self.first_guess, self.max_gap = first_guess, max_gap
        self._sum, self._n = 0.0, 0

    def add(self, dt: float) -> float:
        if 0 < dt <= self.max_gap:
            self._sum += dt
            self._n += 1
        return self.value

    @property
    def value(self) -> float:
        return self._sum / self._n if self._n else self.first_guess


class CutDetector:
    """Finds hard cuts in edited video (or a different person taking over) in the raw landmark stream.

    A cut is a jump of the whole skeleton between two frames close in time that the next frame confirms: it
    stays near the new place. A one-frame glitch (the model latching onto something else for a frame) jumps
    away and comes back, and is not a cut. The cut is reported on the confirming frame, one frame late.
    """

    def __init__(self, jump: float = CUT_JUMP, max_dt: float = 0.15):
        self.jump, self.max_dt = jump, max_dt
        self.reset()

    def reset(self) -> None:
        self._prev: tuple[float, tuple[np.ndarray, float]] | None = None
        self._pending: tuple[np.ndarray, float] | None = None  # the frame before a jump, awaiting confirmation
        self._spacing = FrameSpacing()

    def __call__(self, pose: Pose) -> bool:
        t, pts = pose.timestamp, _body_points(pose)
        prev, self._prev = self._prev, (t, pts)
        pending, self._pending = self._pending, None
        if prev is None or t - prev[0] > self.max_dt:
            return False
        # A body moves further between frames further apart, a cut does not: at under 25 frames a second (an
        # analysis rate of 15, say) the jump a cut needs grows with the frame spacing, else a brisk push-up reads as
        # cuts. The spacing is the clip's mean, not this gap, so a frame missing at 24-30 fps changes nothing.
        spacing = self._spacing.add(t - prev[0])
        jump = self.jump * max(1.0, spacing * CUT_REFERENCE_FPS)
        if pending is not None:
            # confirmed if this frame stays near the jumped-to frame, and far from before the jump
            if _jump(prev[1], pts) < 0.5 * jump and _jump(pending, pts) > jump:
                return True
            if _jump(pending, pts) < 0.5 * jump:
                return False  # back where it was: the jump was a glitch, and so is the jump back
        if _jump(prev[1], pts) > jump:
            self._pending = prev[1]
        return False


class OneEuroSmoother:
    """One Euro on image landmarks (in isotropic units, so x and y get the same cutoff) and world landmarks.

    Defaults were chosen on real clips: min_cutoff 1.5 Hz leaves a slow rep (0.3-0.5 Hz) untouched while
    removing most 5-15 Hz jitter; beta makes fast moves lag less.
    A gap of more than ``max_gap`` seconds (the person left the frame) restarts the filter rather than
    smearing the old position into the new one. So does a cut (``CutsFirst``, which every named smoother is
    wrapped in).
    """

    def __init__(self, min_cutoff: float = 1.5, beta: float = 2.0, d_cutoff: float = 1.0, max_gap: float = 0.5):
        self.max_gap = max_gap
        self._img = OneEuroArray(min_cutoff, beta, d_cutoff)
        self._world = OneEuroArray(min_cutoff, beta * 0.5, d_cutoff)
        self._last_t: float | None = None

    def reset(self) -> None:
        self._img.reset()
        self._world.reset()
        self._last_t = None

    def __call__(self, pose: Pose) -> Pose:
        t = pose.timestamp
        if self._last_t is not None and t - self._last_t > self.max_gap:
            self.reset()
        self._last_t = t
        w, h = pose.image_size
        scale = np.array([w / h, 1.0, w / h])
        img = self._img(pose.image * scale, t) / scale
        world = None if pose.world is None else self._world(pose.world, t)
        return pose.with_points(img, world)


class EmaSmoother:
    """Exponential moving average with a fixed weight per frame (simple, but lags on fast moves)."""

    def __init__(self, alpha: float = 0.5):
        if not 0 < alpha <= 1:
            raise ValueError("EMA alpha must be in (0, 1]")
        self.alpha = alpha
        self.reset()

    def reset(self) -> None:
        self._img = None
        self._world = None

    def __call__(self, pose: Pose) -> Pose:
        a = self.alpha
        self._img = pose.image if self._img is None else a * pose.image + (1 - a) * self._img
        if pose.world is not None:
            self._world = pose.world if self._world is None else a * pose.world + (1 - a) * self._world
        return pose.with_points(self._img.copy(), None if pose.world is None else self._world.copy())


SMOOTHERS: dict[str, Callable[[], Smoother]] = {
    "none": NoSmoothing,
    "ema": EmaSmoother,
    "one_euro": OneEuroSmoother,
}


class CutsFirst:
    """The one place cuts are found: ``CutDetector`` on the raw pose, then the smoother.

    On a confirmed cut the smoother starts over (a blend of two shots is no body at all) and the pose it returns
    carries ``extra["cut"] = True``, which is how the checker learns of it: whatever the smoothing ("none"
    included), there is one definition of a cut, on raw landmarks.
    """

    def __init__(self, smoother: Smoother):
        self.smoother = smoother
        self._cuts = CutDetector()

    def reset(self) -> None:
        self.smoother.reset()
        self._cuts.reset()

    def __call__(self, pose: Pose) -> Pose:
        if self._cuts(pose):
            self.smoother.reset()
            pose = Pose(image=pose.image, visibility=pose.visibility, timestamp=pose.timestamp,
                        image_size=pose.image_size, world=pose.world, presence=pose.presence,
                        extra={**pose.extra, "cut": True})
        return self.smoother(pose)


def make_smoother(name: str | Callable[[], Smoother] = "one_euro", cuts: bool = True) -> Smoother:
    """A new smoother by name (none, ema, one_euro) or from a factory callable; with ``cuts`` (the default) wrapped
    in ``CutsFirst``, so confirmed cuts restart it and are flagged for the checker."""
    if callable(name):
        inner = name()
    else:
        try:
            inner = SMOOTHERS[name]()
        except KeyError:
            raise ValueError(f"unknown smoother '{name}' (choose from: {', '.join(SMOOTHERS)})") from None
    return CutsFirst(inner) if cuts else inner
