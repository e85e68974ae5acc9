"""Holds timed from the whole pose, where the key measure cannot be trusted.

Seen end-on (a plank or child's pose from the head or the feet, a hamstring or hip stretch from the front),
the key measure of a hold exercise is lost or meaningless: the joints it reads are hidden (NaN for the whole
hold), or it jumps tens of degrees from frame to frame, and MediaPipe's world landmarks are no better there (a
plank seen from the head reads 55-115 degrees at the hip in world coordinates; a child's pose seen from the
feet, 110 degrees of hip flexion where the truth is near 40). The person still plainly holds a posture: the
whole pose leaves the start position, settles and stays, then moves back.

``PoseHold`` times exactly that. Its measure is how far the whole pose is from the start pose (the first
second the person is seen): hip-centred image positions of 13 main joints over the body's extent, the median
over joints of their distance. A hold is a stay away from the start pose, entered where that distance settles
and ended where it starts falling again (the same ``HoldTimer`` as the spec's zone, on this measure), so
getting into position (moving) and resting back in the start pose (near it) time nothing. It counts only
where the key measure was not trusted over most of the hold (unreadable, jumping, or the camera outside the
exercise's views) and the spec's own timers timed nothing at the same time; it is graded ``"pose"`` and said
so: the hold was timed, its form was not judged. Pure: no OpenCV, no I/O.
"""
from __future__ import annotations

import dataclasses
import math
from collections import deque

import numpy as np

from ..pose import Landmark
from .body import Body
from .events import Cue, Hold
from .hold_timer import HoldTimer
from .spec import ExerciseSpec
from .tuning import DEFAULT_TUNING, CheckerTuning

JOINTS = tuple(int(Landmark[n]) for n in (
    "NOSE", "LEFT_SHOULDER", "RIGHT_SHOULDER", "LEFT_ELBOW", "RIGHT_ELBOW", "LEFT_WRIST", "RIGHT_WRIST",
    "LEFT_HIP", "RIGHT_HIP", "LEFT_KNEE", "RIGHT_KNEE", "LEFT_ANKLE", "RIGHT_ANKLE"))
_HIPS = (int(Landmark.LEFT_HIP), int(Landmark.RIGHT_HIP))
POSE_CUE_PRIORITY = 1


@dataclasses.dataclass(frozen=True)
class PoseHoldOptions:
    ref_seconds: float = 1.0
    """The start pose: the median pose over the first this many seconds the person is seen."""
    full_change: float = 0.2
    """A pose this far from the start (median joint distance over the body's extent) is progress 1: a fifth of
    the body's size, a change of posture, not a fidget or MediaPipe's jitter (about 0.02-0.05 end-on)."""
    hold_from: float = 0.5
    """Progress at which a settled stay counts (half of ``full_change``)."""
    hold_exit: float = 0.3
    exit_share: float = 0.6
    """An open hold is left when the distance falls under this share of the level it has been held at (its
    median so far): the way back may end short of the start pose (a rest on the knees, MediaPipe's own drift),
    and an absolute threshold would keep timing it."""
    still_speed: float = 0.15
    """Progress per second under which the pose is settled; a faster fall is the way out."""
    smooth_frames: int = 5
    """Median over this many frames before the exponential filter: end-on, single frames jump."""
    smooth_tau: float = 0.4
    settle_band: float = 0.3
    """The start of a hold is taken back to where the distance came within this (progress) of the level held;
    wider than the key measure's band, since the pose distance is noisier."""
    jitter_max: float = 0.15
    """The key measure is not trusted when its filtered frame-to-frame change exceeds this share of the spec's
    range (a plank seen from the head: 0.3-1; seen from the side: under 0.05)."""
    jitter_tau: float = 1.0
    trusted_max: float = 0.5
    """A pose hold counts only where fewer than this share of its frames had a trusted key measure."""


class PoseHold:
    """Finds holds in the whole pose where the key measure cannot be trusted (see the module doc)."""

    def __init__(self, spec: ExerciseSpec, tuning: CheckerTuning = DEFAULT_TUNING,
                 options: PoseHoldOptions = PoseHoldOptions()):
        self.spec = spec
        self.o = options
        timer_spec = dataclasses.replace(spec, start=0.0, top=1.0, hold_from=options.hold_from,
                                         hold_exit=options.hold_exit, kind="hold", still_speed=options.still_speed)
        # (its own exit already follows the level held: hold_fall_back is the key measure's)
        self.timer = HoldTimer(timer_spec, dataclasses.replace(tuning, hold_settle_band=options.settle_band,
                                                               hold_edges="settle", hold_fall_back=0.0))
        self.tuning = tuning
        self.reset()

    def reset(self) -> None:
        self.timer.reset()
        self._ref_poses: list[np.ndarray] = []
        self._t0: float | None = None
        self.refs: list[np.ndarray] = []  # poses that are not the hold: the start, and each rest after a hold
        self._last_level: float | None = None  # the level of the hold last left, until the rest after it is known
        self._back: list[tuple[float, np.ndarray]] = []  # the settled pose after that hold, as it is being learned
        self._pose: np.ndarray | None = None
        self._recent: deque[float] = deque(maxlen=self.o.smooth_frames)
        self.p = math.nan
        self.speed = 0.0
        self._prev: tuple[float, float] | None = None
        self._prev_raw = math.nan
        self._jitter = 0.0
        self._trust: deque[tuple[float, bool]] = deque()  # (t, key measure trusted) since before the hold
        self._held: list[float] = []  # progress while the hold under way has been open: its level

    # ------------------------------------------------------------------------------------------ per frame
    def step(self, t: float, body: Body, raw: float, *, view_fits: bool, broken: bool,
             spec_holds: list[Hold], spec_open: bool) -> list[Cue | Hold]:
        """One frame with a pose. ``raw``: the key measure read this frame (NaN: unreadable); ``view_fits``:
        the camera is in one of the exercise's views; ``spec_holds`` / ``spec_open``: the spec's own timers'
        holds and whether one is under way."""
        self._trust.append((t, self._trusted(raw, view_fits)))
        p = self._progress(t, body)
        if math.isnan(p):
            return []
        level = float(np.median(self._held)) if self._held else 0.0  # the level held (none before a hold)
        resting = self._learn_rest(t, p)
        ended = [e for e in self.timer.step(t, "n/a", in_position=p >= self.o.exit_share * level and not resting,
                                            broken=broken, p_hold=p, speed=self.speed) if isinstance(e, Hold)]
        if self.timer.started is not None:
            self._held.append(p)
        else:
            if self._held:  # a hold was just left: the pose it settles back to next is a rest, not a hold
                self._last_level = float(np.median(self._held))
            # no hold under way: the trust history needs only the settle lookback
            self._held = []
            while self._trust and self._trust[0][0] < t - 2 * self.tuning.hold_settle_lookback:
                self._trust.popleft()
        return self._keep(ended, spec_holds, spec_open)

    def close(self, spec_holds: list[Hold], until: float | None = None) -> list[Cue | Hold]:
        if self._held:
            self._last_level = float(np.median(self._held))
        self._held = []
        return self._keep(self.timer.close(until=until), spec_holds, False)

    def open_seconds(self, spec_holds: list[Hold], spec_open: bool) -> float:
        """The pose hold under way, for the clock on screen (0 unless it would count if it ended now)."""
        start = self.timer.started
        if spec_open or not self.timer.is_open or start is None:
            return 0.0
        if any(h.end > start for h in spec_holds) or self._trusted_share(start, math.inf) >= self.o.trusted_max:
            return 0.0
        return self.timer.seconds

    # --------------------------------------------------------------------------------------------- pieces
    def _trusted(self, raw: float, view_fits: bool) -> bool:
        """Is this frame's key measure worth believing: readable, steady, and seen from a supported view?"""
        span = abs(self.spec.top - self.spec.start) or 1.0
        if math.isnan(raw):
            return False
        if not math.isnan(self._prev_raw):
            self._jitter += 0.3 * (abs(raw - self._prev_raw) / span - self._jitter)
        self._prev_raw = raw
        return view_fits and self._jitter <= self.o.jitter_max

    def _trusted_share(self, start: float, end: float) -> float:
        flags = [ok for tk, ok in self._trust if start <= tk <= end]
        return sum(flags) / len(flags) if flags else 0.0

    def _progress(self, t: float, body: Body) -> float:
        """Distance of the pose from the start pose, smoothed, as progress (1 = ``full_change``)."""
        xy = body.xy[list(JOINTS)]
        if not np.all(np.isfinite(xy)):
            return math.nan
        hip = body.xy[list(_HIPS)].mean(axis=0)
        extent = float(np.ptp(xy, axis=0).max())
        if extent <= 1e-3:
            return math.nan
        pose = (xy - hip) / extent
        self._pose = pose
        if not self.refs:
            # the start pose: the first second the person is seen (its median resists MediaPipe's first frames)
            self._t0 = t if self._t0 is None else self._t0
            self._ref_poses.append(pose)
            if t - self._t0 < self.o.ref_seconds:
                return math.nan
            self.refs.append(np.median(np.stack(self._ref_poses), axis=0))
            self._ref_poses = []
        dist = min(float(np.median(np.linalg.norm(pose - r, axis=1))) for r in self.refs)
        self._recent.append(dist / self.o.full_change)
        d = float(np.median(self._recent))
        prev = self._prev
        if prev is None or t <= prev[0] or t - prev[0] > self.tuning.ema_restart_gap:
            self.p, self.speed = d, 0.0
        else:
            dt = t - prev[0]
            p_old = self.p
            self.p += (1.0 - math.exp(-dt / self.o.smooth_tau)) * (d - self.p)
            self.speed += min(1.0, dt / self.tuning.speed_tau) * ((self.p - p_old) / dt - self.speed)
        self._prev = (t, self.p)
        return self.p

    def _learn_rest(self, t: float, p: float) -> bool:
        """After a hold, the pose the person settles in on the way back toward the start (under ``exit_share`` of
        the level left) is a rest, wherever MediaPipe puts it (standing up again from a toe touch reads a fifth
        of the body away from the start pose end-on): once it has been still for ``ref_seconds`` it joins the
        poses that are not the hold. Returns True while it is being learned (no hold may start meanwhile). A
        pose settled at the hold's level or deeper (the other side of a one-sided stretch) is not a rest."""
        if self._last_level is None or self.timer.started is not None or self._pose is None:
            return False
        if p >= self.o.exit_share * self._last_level or abs(self.speed) > self.o.still_speed:
            self._back = []
            return False
        self._back.append((t, self._pose))
        if t - self._back[0][0] >= self.o.ref_seconds:
            self.refs.append(np.median(np.stack([q for _, q in self._back]), axis=0))
            self._back, self._last_level = [], None
        return True

    def _keep(self, ended: list[Hold], spec_holds: list[Hold], spec_open: bool) -> list[Cue | Hold]:
        out: list[Cue | Hold] = []
        for h in ended:
            if spec_open or any(f.start < h.end and h.start < f.end for f in spec_holds):
                continue  # the key measure timed this stay itself: its hold is the record
            if self._trusted_share(h.start, h.end) >= self.o.trusted_max:
                continue  # the key measure could be read here and saw no hold: believe it
            out.append(dataclasses.replace(h, side="n/a", grade="pose"))
            out.append(Cue(h.end, f"Held {h.seconds:.0f} s. From this camera angle I timed it from your stillness "
                                  f"and could not check your form.", "info", POSE_CUE_PRIORITY))
        return out
