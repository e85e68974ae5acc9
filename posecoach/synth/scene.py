"""One synthetic clip before any output: the scripted motion, the body at every frame, the camera.

``make_scene`` is the single entry point both outputs share (landmark sequences and rendered video), so their
ground truth is the same by construction. Everything random comes from one seed.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from posecoach.synth.body import BodyState, Proportions
from posecoach.synth.camera import Camera, place_camera
from posecoach.synth.motions import Motion, Performer, ScriptOptions, build_timeline
from posecoach.synth.timeline import Timeline


# (option, lowest, highest): beyond these the scripted postures stop being plausible (a 150% squat folds the
# legs through the thighs) or the clip stops being an exercise (tempo x5 is standing still).
RANGES = (("range_scale", 0.3, 1.5), ("tempo", 0.3, 3.0), ("build", 0.7, 1.4), ("body_height", 1.3, 2.1),
          ("distance_scale", 0.5, 3.0), ("setup", 0.0, 30.0), ("rest", 0.0, 120.0))


@dataclass(frozen=True)
class SceneOptions:
    """Everything that decides a clip. Same options (with the same seed) -> same clip, bit for bit."""

    exercise: str
    reps: int | None = None
    hold: float | None = None
    view: str = "side"
    faults: tuple[str, ...] = ()
    seed: int = 0
    fps: float = 15.0
    width: int = 640
    height: int = 480
    variant: str | None = None
    near_side: str = "left"  # which side of the body faces the camera in side / oblique views
    first_side: str = "left"
    tempo: float = 1.0
    distance_scale: float = 1.0
    azimuth_offset: float = 0.0  # degrees added to the view's angle
    elevation: float | None = None
    body_height: float = 1.70
    build: float = 1.0
    sway: bool = True  # breathing and small postural sway
    # Added for the stress set; the defaults reproduce every earlier clip exactly.
    camera_height: str = "mid"  # low / mid / high (an elevation per posture; ``elevation`` overrides it)
    range_scale: float = 1.0  # range of motion: each rep's or hold's excursion from the start posture x this
    setup: float = 1.5  # seconds in the start (or setup) posture before the first rep, before tempo jitter
    sets: int = 1
    rest: float = 0.0  # seconds of rest after each set (between sets, and at the end when > 0)
    shirt: str | None = None  # clothing colour names or #rrggbb (look.CLOTHING); None: drawn from the seed
    trousers: str | None = None

    def __post_init__(self) -> None:
        """Refuse values the script or renderer cannot honour, with one line naming the valid range."""
        from posecoach.synth.camera import CAMERA_HEIGHTS, VIEWS
        from posecoach.synth.look import clothing_colour

        if self.view not in VIEWS:
            raise ValueError(f"unknown view {self.view!r}; choose from {', '.join(VIEWS)}")
        if self.camera_height not in CAMERA_HEIGHTS:
            raise ValueError(f"unknown camera height {self.camera_height!r}; choose from "
                             f"{', '.join(CAMERA_HEIGHTS)} (or give an elevation in degrees)")
        for name, lo, hi in RANGES:
            v = getattr(self, name)
            if not lo <= v <= hi:  # also refuses NaN
                raise ValueError(f"{name.replace('_', ' ')} must be between {lo:g} and {hi:g}, got {v:g}")
        if self.elevation is not None and not -30.0 <= self.elevation <= 80.0:
            raise ValueError(f"elevation must be between -30 and 80 degrees, got {self.elevation:g}")
        if self.sets < 1:
            raise ValueError(f"sets must be 1 or more, got {self.sets}")
        for c in (self.shirt, self.trousers):
            if c is not None:
                clothing_colour(c)

    def to_dict(self) -> dict:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__}
        d["faults"] = list(self.faults)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "SceneOptions":
        """Inverse of ``to_dict`` (a truth file's "options"); unknown keys are ignored."""
        kw = {k: v for k, v in d.items() if k in cls.__dataclass_fields__}
        kw["faults"] = tuple(kw.get("faults", ()))
        return cls(**kw)


@dataclass
class Scene:
    options: SceneOptions
    motion: Motion
    timeline: Timeline
    camera: Camera
    times: np.ndarray  # (N,) seconds
    bodies: list[BodyState]
    params: list[dict[str, float]] = field(default_factory=list)  # eased joint angles per frame

    @property
    def world(self) -> np.ndarray:
        """(N, 33, 3) world landmark positions."""
        return np.stack([b.landmarks() for b in self.bodies])


def make_scene(opts: SceneOptions) -> Scene:
    rng = np.random.default_rng(opts.seed)
    props = Proportions(opts.body_height, opts.build)
    motion, tl = build_timeline(opts.exercise, ScriptOptions(
        reps=opts.reps, hold=opts.hold, faults=tuple(opts.faults), variant=opts.variant,
        first_side=opts.first_side, tempo=opts.tempo, setup_seconds=opts.setup, props=props,
        range_scale=opts.range_scale, sets=opts.sets, rest=opts.rest), rng)
    n = int(np.floor(tl.duration * opts.fps)) + 1
    times = np.arange(n) / opts.fps
    # Sway: slow sinusoids (breathing ~0.25 Hz, postural drift) so a held pose is never frozen.
    ph = rng.uniform(0, 2 * np.pi, 3)
    perf = Performer(tl, motion, props)
    bodies, params = [], []
    for t in times:
        sway = None
        if opts.sway:
            sway = {"spine_flex": 1.2 * np.sin(2 * np.pi * 0.25 * t + ph[0]),
                    "neck_flex": 2.0 * np.sin(2 * np.pi * 0.13 * t + ph[1]),
                    "pitch": 0.4 * np.sin(2 * np.pi * 0.31 * t + ph[2])}
        b = perf.at(float(t), sway)
        bodies.append(b)
        params.append(tl.params_at(float(t))[0])
    pts = np.stack([np.concatenate([b.landmarks(), np.array([b.joints["head"]])]) for b in bodies])
    cam = place_camera(pts, opts.view, opts.width, opts.height, near_side=opts.near_side,
                       azimuth_offset=opts.azimuth_offset, elevation=opts.elevation,
                       distance_scale=opts.distance_scale, front_azimuth=motion.front_azimuth,
                       camera_height=opts.camera_height, feet_azimuth=feet_azimuth(pts))
    return Scene(opts, motion, tl, cam, times, bodies, params)


def feet_azimuth(points: np.ndarray) -> float | None:
    """Horizontal direction from the hips to the feet over the clip (degrees about Y, 0 = +X, 90 = +Z), or
    None when the body is mostly upright (the axis then points at the floor, not at a camera position)."""
    from posecoach.pose import Landmark

    hips = points[:, [Landmark.LEFT_HIP, Landmark.RIGHT_HIP]].mean(axis=1)
    feet = points[:, [Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE]].mean(axis=1)
    v = (feet - hips).mean(axis=0)
    if np.hypot(v[0], v[2]) < 0.5 * np.linalg.norm(v):
        return None
    return float(np.degrees(np.arctan2(v[2], v[0])))
