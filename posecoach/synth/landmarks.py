"""Synthetic landmark sequences: what a pose estimator would report for a scripted clip, with its truth.

Fast (no rendering: ~0.6 s for a 30 s clip at 30 fps), for checker unit tests. Noise models what MediaPipe does
on real video and on the rendered avatar: a few pixels of jitter and per-joint bias, occasional frames with
nobody found, in side views far-side limbs reported with low visibility (0.02-0.4) and 10-50 px of drifting
error, and optionally outlier spikes and runs of frames with left and right exchanged.

    frames, truth = generate("glute_bridge", reps=5, view="side", seed=1, noise=LandmarkNoise.realistic())
    truth.complete_reps  # 5
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from posecoach.pose import NUM_LANDMARKS, Landmark, Pose, PoseFrame, mirror_index
from posecoach.synth.scene import Scene, SceneOptions, make_scene
from posecoach.synth.truth import PARAM_KEYS, Truth, angles_2d, angles_3d

_LIMB_PARTS = ("ELBOW", "WRIST", "PINKY", "INDEX", "THUMB", "KNEE", "ANKLE", "HEEL", "FOOT_INDEX")
_TRUNK_PARTS = ("SHOULDER", "HIP", "EAR", "EYE_OUTER", "EYE", "EYE_INNER")


def side_landmarks(side: str, parts: tuple[str, ...] = _LIMB_PARTS) -> list[int]:
    prefix = "LEFT_" if side == "left" else "RIGHT_"
    return [int(Landmark[prefix + p]) for p in parts]


@dataclass(frozen=True)
class LandmarkNoise:
    """How far the emitted landmarks stray from the truth. The default is none (exact landmarks)."""

    jitter_px: float = 0.0  # per-frame Gaussian noise, pixels (sd)
    bias_px: float = 0.0  # per-landmark offset that stays for the clip, pixels (sd)
    dropout: float = 0.0  # chance per frame that a run of frames with nobody found starts
    dropout_frames: int = 3  # longest such run
    far_side: bool = False  # side/oblique views: far-side limbs get low visibility and drifting error
    far_error_px: tuple[float, float] = (10.0, 50.0)
    far_visibility: tuple[float, float] = (0.02, 0.4)
    spike: float = 0.0  # chance per landmark per frame of an outlier jump
    spike_px: float = 40.0
    swap: float = 0.0  # chance per frame that a run of frames with left and right labels exchanged starts
    swap_frames: int = 8  # longest such run

    @classmethod
    def realistic(cls) -> "LandmarkNoise":
        return cls(jitter_px=1.5, bias_px=3.0, dropout=0.01, dropout_frames=3, far_side=True)


def scene_truth(scene: Scene, command: str = "") -> Truth:
    """The truth of a scene: events from its script, joints and angles from its bodies and camera."""
    opts = scene.options
    world = scene.world
    cam = scene.camera
    px, depth = cam.project(world)
    near = near_side(scene)
    xy = px / opts.height  # isotropic, as Pose.xy()
    a3 = [angles_3d(w) for w in world]
    a2 = [angles_2d(p) for p in xy]
    m, tl = scene.motion, scene.timeline
    return Truth(
        exercise=m.id, variant=m.variant, kind=m.kind, side_meaning=m.side_meaning, options=opts.to_dict(),
        fps=opts.fps, image_size=(opts.width, opts.height), camera=cam.to_dict(), near_side=near,
        reps=tl.reps, holds=tl.holds, faults=tl.faults, phases=tl.phases, times=scene.times.tolist(),
        landmarks_px=px, depth=depth,
        angles3d={k: [a[k] for a in a3] for k in a3[0]}, angles2d={k: [a[k] for a in a2] for k in a2[0]},
        params={k: [p.get(k, 0.0) for p in scene.params] for k in PARAM_KEYS}, command=command)


def near_side(scene: Scene) -> str:
    """The body side nearer the camera over the clip ("n/a" in front, feet and head views, where neither is
    hidden behind the other)."""
    if scene.options.view in ("front", "feet", "head"):
        return "n/a"
    w = scene.world
    _, d = scene.camera.project(w)
    left = d[:, [Landmark.LEFT_HIP, Landmark.LEFT_SHOULDER]].mean()
    right = d[:, [Landmark.RIGHT_HIP, Landmark.RIGHT_SHOULDER]].mean()
    return "left" if left < right else "right"


def landmark_frames(scene: Scene, noise: LandmarkNoise = LandmarkNoise(), seed: int | None = None) -> list[PoseFrame]:
    """PoseFrames as an estimator would give them (image, world and visibility), noise applied.

    The noise has its own random stream (``seed``, default the scene's seed + 1), so changing the noise never
    changes the motion.
    """
    opts = scene.options
    rng = np.random.default_rng(opts.seed + 1 if seed is None else seed)
    cam = scene.camera
    world = scene.world
    n = len(world)
    px, depth = cam.project(world)
    px = px + rng.normal(0.0, noise.bias_px, (1, NUM_LANDMARKS, 2)) if noise.bias_px else px.copy()
    if noise.jitter_px:
        px += rng.normal(0.0, noise.jitter_px, px.shape)
    vis = np.clip(rng.uniform(0.93, 0.999, (n, NUM_LANDMARKS)), 0, 1)
    near = near_side(scene)
    if noise.far_side and near != "n/a":
        far = side_landmarks("right" if near == "left" else "left")
        lo, hi = noise.far_visibility
        if opts.view == "oblique":
            lo, hi = (lo + 1.0) / 2.0 - 0.2, (hi + 1.0) / 2.0
        vis[:, far] = rng.uniform(lo, hi, (n, len(far)))
        # Drift: a slowly varying offset per far landmark (AR(1), ~1 s memory) scaled to a clip-wide size.
        size = rng.uniform(*noise.far_error_px, len(far))
        drift = np.zeros((n, len(far), 2))
        step = rng.normal(0.0, 1.0, (n, len(far), 2))
        a = np.exp(-1.0 / max(opts.fps, 1.0))
        state = rng.normal(0.0, 1.0, (len(far), 2))
        for i in range(n):
            state = a * state + np.sqrt(1 - a * a) * step[i]
            drift[i] = state
        px[:, far] += drift * size[None, :, None] / np.sqrt(2.0)
    if noise.spike:
        hit = rng.random((n, NUM_LANDMARKS)) < noise.spike
        px[hit] += rng.normal(0.0, noise.spike_px, (int(hit.sum()), 2))
    swapped = _runs(rng, n, noise.swap, noise.swap_frames)
    missing = np.zeros(n, bool)
    if noise.dropout:
        missing = _runs(rng, n, noise.dropout, noise.dropout_frames)
    # MediaPipe's image z: depth relative to the hip midpoint, roughly in the units of normalised x.
    hip_mid = depth[:, [Landmark.LEFT_HIP, Landmark.RIGHT_HIP]].mean(axis=1, keepdims=True)
    z = (depth - hip_mid) * cam.focal / hip_mid / opts.width
    cam_world = cam.to_camera(world)
    cam_world -= cam_world[:, [Landmark.LEFT_HIP, Landmark.RIGHT_HIP]].mean(axis=1, keepdims=True)
    frames = []
    for i, t in enumerate(scene.times):
        if missing[i]:
            frames.append(PoseFrame(i, float(t), None))
            continue
        image = np.column_stack([px[i, :, 0] / opts.width, px[i, :, 1] / opts.height, z[i]])
        order = mirror_index() if swapped[i] else np.arange(NUM_LANDMARKS)  # labels exchanged, points not
        pose = Pose(image=image[order], visibility=vis[i][order], timestamp=float(t),
                    image_size=(opts.width, opts.height), world=cam_world[i][order],
                    extra={"synthetic": True, "swapped": bool(swapped[i])})
        frames.append(PoseFrame(i, float(t), pose))
    return frames


def _runs(rng: np.random.Generator, n: int, p: float, longest: int) -> np.ndarray:
    """(n,) bool: runs of 1..longest frames, each starting with probability p on a frame outside a run."""
    out = np.zeros(n, bool)
    if not p:
        return out
    i = 0
    while i < n:
        if rng.random() < p:
            k = int(rng.integers(1, longest + 1))
            out[i:i + k] = True
            i += k
        else:
            i += 1
    return out


def generate(exercise: str, *, reps: int | None = None, hold: float | None = None, view: str = "side",
             faults: tuple[str, ...] | list[str] = (), seed: int = 0, fps: float = 30.0, width: int = 640,
             height: int = 480, noise: LandmarkNoise | None = None,
             **scene_options) -> tuple[list[PoseFrame], Truth]:
    """Landmark frames and their truth for one scripted clip (no rendering). See ``SceneOptions`` for more."""
    scene = make_scene(SceneOptions(exercise=exercise, reps=reps, hold=hold, view=view, faults=tuple(faults),
                                    seed=seed, fps=fps, width=width, height=height, **scene_options))
    return landmark_frames(scene, noise or LandmarkNoise()), scene_truth(scene)
