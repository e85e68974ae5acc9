"""The demonstration of an exercise: the synthetic avatar (posecoach.synth) doing it, rendered once and kept in
the cache ($POSECOACH_CACHE or ~/.cache/posecoach, folder ``demos``), so it starts at once the second time."""
from __future__ import annotations

import os
from pathlib import Path

# Bump when the demonstration's look or length changes, so old cached clips are not shown.
DEMO_VERSION = 1
DEMO_SIZE = (320, 240)
DEMO_FPS = 10.0

PLACEMENT = {
    "side": "Camera: side on to you, about hip height, 2-3 m away, with your whole body in view.",
    "front": "Camera: facing you, about hip height, 2-3 m away, with your whole body in view.",
    "any": "Camera: side on or facing you, 2-3 m away, with your whole body in view.",
}


def demos_dir() -> Path:
    env = os.environ.get("POSECOACH_CACHE")
    base = Path(env) if env else Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "posecoach"
    return base / "demos"


def placement(spec) -> str:
    """Where to put the camera for this exercise, in one sentence."""
    return PLACEMENT.get(spec.required_view, PLACEMENT["any"])


def demo_path(exercise: str) -> Path:
    return demos_dir() / f"{exercise}-v{DEMO_VERSION}.mp4"


def demo_clip(exercise: str, workers: int | None = None) -> Path | None:
    """The cached demonstration clip, rendered now if it is not there yet; None when the avatar cannot do this
    exercise (the session then shows the written instructions alone)."""
    from posecoach.exercises import get_exercise
    from posecoach.synth.motions import MOTIONS

    path = demo_path(exercise)
    if path.exists():
        return path
    if exercise not in MOTIONS:
        return None
    from posecoach.commands.synth import synth

    spec = get_exercise(exercise)
    path.parent.mkdir(parents=True, exist_ok=True)
    view = "front" if spec.required_view == "front" else "side"
    kw = {"hold": 4.0, "reps": 1} if spec.kind == "hold" else {"reps": 2, "hold": 1.0 if spec.target_hold else None}
    synth(exercise, path, view=view, seed=3, width=DEMO_SIZE[0], height=DEMO_SIZE[1], fps=DEMO_FPS,
          workers=workers, progress=False, setup=0.5, **kw)
    return path


def load_frames(path: Path | None) -> list:
    """The clip's frames (BGR), for looping in the window; [] without a clip."""
    if path is None:
        return []
    import cv2

    cap = cv2.VideoCapture(str(path))
    frames = []
    try:
        while True:
            ok, img = cap.read()
            if not ok:
                break
            frames.append(img)
    finally:
        cap.release()
    return frames


def prepare_demos(exercises: list[str], progress: bool | None = None) -> dict[str, list]:
    """Every exercise's demonstration frames, rendering the missing ones first (with a progress bar)."""
    from posecoach.progress import Progress

    missing = [e for e in dict.fromkeys(exercises) if not demo_path(e).exists()]
    if missing:
        with Progress(len(missing), label="rendering demonstrations (once)", enabled=progress) as bar:
            for e in missing:
                demo_clip(e)
                bar.update()
    return {e: load_frames(demo_clip(e)) for e in dict.fromkeys(exercises)}
