"""``posecoach synth``: render a synthetic exerciser clip with its exact ground truth.

Plain function for the CLI (it never sees argparse)::

    synth(exercise, out, reps=None, hold=None, view=None, faults=(), seed=0, width=480, height=360, fps=15.0,
          variant=None, workers=None, progress=None) -> Path

writes ``out`` (mp4, 'mp4v') and ``<stem>.truth.json`` beside it, and returns the video path. ``view`` None
means "side". Keyword arguments named in ``SCENE_EXTRAS`` (camera_height, elevation, range_scale, tempo,
body_height, build, shirt, trousers, setup, sets, rest, ...) set the matching ``SceneOptions`` fields; the
recorded command carries them as flags. Unknown exercise ids, views or fault codes raise ``ValueError`` naming the
valid ones
(``fault_codes(exercise)`` lists them). ``reps``: repetitions, or holds per side for hold exercises (plank,
child's pose, hamstring stretch, hip stretch); ``hold``: seconds of each hold, or of the top of each rep.
Sided exercises alternate (knee-to-chest, bird dog, supine twist) or do all reps on the left then the right
(lunge, hamstring and hip stretch). ``workers`` defaults to all cores; ``progress`` None shows the bar only
when stderr is a terminal.
The defaults are the ones the committed sample clips use, so the command line recorded in each truth file
(``posecoach synth glute_bridge --out ... --reps 3 --seed 1``) re-renders the same clip.

Demo: ``posecoach demo`` analyses ``DEMO_CLIP`` = ``sample_videos/glute_bridge_side.mp4`` (exercise
``glute_bridge``; its truth, ``sample_videos/glute_bridge_side.truth.json``, says 3 complete reps).
"""
from __future__ import annotations

import shlex
from pathlib import Path

from posecoach.synth.scene import SceneOptions

DEMO_CLIP = "sample_videos/glute_bridge_side.mp4"
DEMO_EXERCISE = "glute_bridge"

DEFAULTS = {"width": 480, "height": 360, "fps": 15.0}


def command_line(exercise: str, out: str | Path, reps: int | None = None, hold: float | None = None,
                 view: str | None = None, faults=(), seed: int = 0, **extra) -> str:
    """The ``posecoach synth`` command that makes this clip (only options that differ from the defaults)."""
    parts = ["posecoach", "synth", exercise, "--out", str(out)]
    if reps is not None:
        parts += ["--reps", str(reps)]
    if hold is not None:
        parts += ["--hold", f"{hold:g}"]
    if view is not None:
        parts += ["--view", view]
    for f in faults or ():
        parts += ["--fault", f]
    parts += ["--seed", str(seed)]
    for k, v in extra.items():
        if v is not None and DEFAULTS.get(k) != v:
            parts += [f"--{k.replace('_', '-')}", str(v)]
    return shlex.join(parts)


def scene_options(exercise: str, reps: int | None = None, hold: float | None = None, view: str | None = None,
                  faults=(), seed: int = 0, width: int = 480, height: int = 360, fps: float = 15.0,
                  variant: str | None = None, **scene) -> SceneOptions:
    """The ``SceneOptions`` for these arguments, checked (bad names or values raise a one-line ValueError)
    before anything is rendered. ``scene``: any further SceneOptions field (see ``SCENE_EXTRAS``)."""
    from posecoach.synth.motions import get_motion

    unknown = set(scene) - set(SCENE_EXTRAS)
    if unknown:
        raise TypeError(f"unknown synth options {sorted(unknown)}")
    scene = {k: v for k, v in scene.items() if v is not None}
    opts = SceneOptions(exercise=exercise, reps=reps, hold=hold, view=view or "side", faults=tuple(faults or ()),
                        seed=int(seed), fps=float(fps), width=int(width), height=int(height), variant=variant,
                        **scene)
    motion = get_motion(exercise, variant)  # fail fast on bad names, before any rendering
    for f in opts.faults:
        motion.fault(f)
    return opts


# SceneOptions fields the command line sets beyond the original ones, with the flag each gets in the recorded
# command (only written when it differs from the field's default, so older commands stay as they were).
SCENE_EXTRAS = ("camera_height", "elevation", "range_scale", "tempo", "body_height", "build", "shirt", "trousers",
                "setup", "sets", "rest", "near_side", "azimuth_offset", "distance_scale")
_FLAG = {"range_scale": "range", "elevation": "camera-height"}


def synth(exercise: str, out: str | Path, reps: int | None = None, hold: float | None = None,
          view: str | None = None, faults=(), seed: int = 0, width: int = 480, height: int = 360,
          fps: float = 15.0, variant: str | None = None, workers: int | None = None,
          progress: bool | None = None, **scene) -> Path:
    """Render the clip and its truth file; returns the video path (see the module docstring)."""
    from posecoach.synth.clip import write_clip

    opts = scene_options(exercise, reps, hold, view, faults, seed, width, height, fps, variant, **scene)
    cmd = command_line(exercise, out, reps, hold, view, faults, seed, width=width, height=height, fps=fps,
                       variant=variant) + scene_flags(opts)
    video, _ = write_clip(opts, out, command=cmd, workers=workers, progress=progress)
    return video


def scene_flags(opts: SceneOptions) -> str:
    """The extra command-line flags that reproduce ``opts``'s non-default scene fields ('' when none)."""
    defaults = SceneOptions(exercise=opts.exercise)
    parts = []
    if opts.shirt or opts.trousers:
        parts += ["--clothing", f"{opts.shirt or ''},{opts.trousers or ''}".rstrip(",")]
    for k in SCENE_EXTRAS:
        v = getattr(opts, k)
        if k not in ("shirt", "trousers") and v != getattr(defaults, k):
            parts += [f"--{_FLAG.get(k, k).replace('_', '-')}", f"{v:g}" if isinstance(v, float) else str(v)]
    return (" " + shlex.join(parts)) if parts else ""


def fault_codes(exercise: str, variant: str | None = None) -> list[str]:
    """The faults ``synth`` can inject for an exercise (for ``--fault`` help and error messages)."""
    from posecoach.synth.motions import get_motion

    return get_motion(exercise, variant).fault_codes()
