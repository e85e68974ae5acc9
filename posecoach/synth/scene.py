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
        first_side=opts.first_side, tempo=opts.tempo, props=props), rng)
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
                       distance_scale=opts.distance_scale, front_azimuth=motion.front_azimuth)
    return Scene(opts, motion, tl, cam, times, bodies, params)
