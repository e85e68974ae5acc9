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


# --- the command ------------------------------------------------------------------------------------------------
def add_parser(sub, model_opts) -> None:
    from posecoach.cli import positive_float, positive_int

    s = sub.add_parser("synth", help="render a synthetic exerciser clip with exact ground truth",
                       description="Render an avatar doing the exercise (setup, reps or holds, optional faults) "
                                   "through a pinhole camera, and write the exact truth (reps, holds, sides, "
                                   "faults, joint angles per frame) beside the video as .truth.json.")
    s.add_argument("exercise", help="exercise id")
    s.add_argument("--out", "-o", required=True, help="video to write; the truth goes beside it as .truth.json")
    s.add_argument("--reps", type=positive_int, default=None, help="repetitions (rep exercises)")
    s.add_argument("--hold", type=positive_float, default=None, help="hold seconds (hold exercises)")
    s.add_argument("--view", choices=["side", "oblique", "front", "feet", "head"], default=None,
                   help="camera view (default side). feet / head: looking along the body from the feet end / "
                        "the head end (lying, kneeling, seated work); for a standing exercise the body's axis is "
                        "vertical, so feet means from the front and head means from behind")
    s.add_argument("--camera-height", default=None, metavar="low|mid|high|DEGREES",
                   help="camera height: low (a phone on the floor; near hip height for standing work), mid "
                        "(default), high (a shelf, looking down), or the angle in degrees the camera looks down "
                        "(negative: up)")
    s.add_argument("--range", type=float, default=None, metavar="SCALE",
                   help="range of motion as a fraction of the nominal one, 0.3-1.5 (e.g. 0.5 half-way, 1.2 "
                        "beyond); every rep still counts as a rep in the truth, which records the scale")
    s.add_argument("--tempo", type=float, default=None,
                   help="time scale of every move, 0.3-3 (default 1; 0.5 rushed, 1.6 slow)")
    s.add_argument("--body-height", type=float, default=None, metavar="METRES",
                   help="height of the person, 1.3-2.1 m (default 1.70)")
    s.add_argument("--build", type=float, default=None,
                   help="body widths x this, 0.7 slim - 1.4 broad (default 1)")
    s.add_argument("--clothing", default=None, metavar="SHIRT[,TROUSERS]",
                   help="clothing colours: names (red, blue, green, yellow, purple, white, orange, navy, grey, "
                        "denim, black, brown, beige, pink) or #rrggbb; default drawn from the seed")
    s.add_argument("--setup", type=float, default=None, metavar="SECONDS",
                   help="seconds still in the start posture before the first rep (default 1.5)")
    s.add_argument("--sets", type=positive_int, default=None, help="sets of the reps or holds (default 1)")
    s.add_argument("--rest", type=float, default=None, metavar="SECONDS",
                   help="rest after each set: between sets, and at the end (default 0: none)")
    s.add_argument("--near-side", choices=["left", "right"], default=None,
                   help="body side facing the camera in side and oblique views (default left)")
    s.add_argument("--azimuth-offset", type=float, default=None, metavar="DEGREES",
                   help="turn the camera about the person by this much from the view's direction")
    s.add_argument("--distance-scale", type=float, default=None,
                   help="camera distance x this, 0.5-3 (>1: a smaller person in the frame)")
    s.add_argument("--fault", action="append", help="inject a form fault (repeatable)")
    s.add_argument("--seed", type=int, default=0, help="random seed (same seed, same clip)")
    s.add_argument("--variant", default=None, help="exercise variant: lying/seated/standing for hamstring_stretch, "
                   "arms_raised for glute_bridge, outer_hip for hip_stretch (the guides' version)")
    s.add_argument("--width", type=positive_int, default=480, help="frame width in pixels (default 480)")
    s.add_argument("--height", type=positive_int, default=360, help="frame height in pixels (default 360)")
    s.add_argument("--fps", type=positive_float, default=15.0, help="frames per second (default 15)")
    s.add_argument("--workers", type=positive_int, default=None, help="render processes (default: all cores)")
    s.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    s.set_defaults(func=run)



def run(args) -> int:
    from posecoach.cli import CliError

    scene = {"range_scale": args.range, "tempo": args.tempo, "body_height": args.body_height, "build": args.build,
             "setup": args.setup, "sets": args.sets, "rest": args.rest, "near_side": args.near_side,
             "azimuth_offset": args.azimuth_offset, "distance_scale": args.distance_scale}
    if args.camera_height is not None:
        try:
            scene["elevation"] = float(args.camera_height)
        except ValueError:
            scene["camera_height"] = args.camera_height
    if args.clothing:
        shirt, _, trousers = args.clothing.partition(",")
        scene.update(shirt=shirt or None, trousers=trousers or None)
    try:
        path = synth(args.exercise, out=args.out, reps=args.reps, hold=args.hold, view=args.view,
                     faults=args.fault or [], seed=args.seed, width=args.width, height=args.height, fps=args.fps,
                     variant=args.variant, workers=args.workers, progress=False if args.quiet else None, **scene)
    except ValueError as e:  # unknown exercise, view or fault: the message names the valid ones
        raise CliError(str(e).splitlines()[0]) from None
    truth = Path(path).with_suffix(".truth.json")
    print(f"wrote {path} and its ground truth {truth}")
    return 0


