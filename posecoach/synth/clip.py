"""Write a rendered synthetic clip (mp4) and its truth JSON, rendering frames on all cores.

The scene (motion, bodies, camera) is made once in this process; worker processes only ray-cast frames, each
from its own body and a per-frame noise seed, so the result does not depend on how frames are shared out.
"""
from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from posecoach.synth.landmarks import scene_truth
from posecoach.synth.look import Look
from posecoach.synth.render import render_frame
from posecoach.synth.scene import Scene, SceneOptions, make_scene
from posecoach.synth.truth import truth_path

FOURCC = "mp4v"  # the OpenCV wheel has no H.264 encoder


def clip_look(seed: int) -> Look:
    """The clip's colours and light: drawn from the seed on a stream of its own (the motion does not change)."""
    return Look.random(np.random.default_rng([seed, 2]))


def scene_look(opts: SceneOptions) -> Look:
    """The seed's look, wearing the clothing colours the options name."""
    return clip_look(opts.seed).dressed(opts.shirt, opts.trousers)


def _render_one(args) -> np.ndarray:
    body, cam, look, noise_seed = args
    return render_frame(body, cam, look, noise_seed=noise_seed)[..., ::-1]  # RGB -> BGR for OpenCV


def render_scene(scene: Scene, look: Look | None = None, workers: int | None = None, frames=None):
    """Yield BGR frames in order (``frames``: indices to render; default all)."""
    look = look or scene_look(scene.options)
    idx = range(len(scene.bodies)) if frames is None else frames
    jobs = [(scene.bodies[i], scene.camera, look, int(scene.options.seed) * 100003 + i) for i in idx]
    workers = workers or os.cpu_count() or 1
    if workers <= 1 or len(jobs) <= 2:
        for j in jobs:
            yield _render_one(j)
        return
    import multiprocessing as mp
    ctx = mp.get_context("spawn")  # never fork a process that may hold MediaPipe or OpenCV threads
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx)
    try:
        yield from pool.map(_render_one, jobs, chunksize=2)
    finally:
        # Interrupted (Ctrl+C, SIGTERM): drop the frames not started yet instead of rendering the whole clip
        # for nobody, as the plain ``with`` would.
        pool.shutdown(wait=True, cancel_futures=True)


def write_clip(opts: SceneOptions, out: str | Path, command: str = "", workers: int | None = None,
               progress: bool | None = None, look: Look | None = None) -> tuple[Path, Path]:
    """Render the clip to ``out`` (.mp4) and its truth to ``<stem>.truth.json``; returns both paths.

    The video is rendered under a temporary name, read back, and only then renamed (posecoach.atomic): an
    interrupted or failed render leaves no broken clip under ``out``, nor a truth file without its clip."""
    import cv2

    from posecoach.atomic import AtomicFile, OutputError
    from posecoach.outputs.verify import check_video
    from posecoach.progress import Progress

    out = Path(out)
    scene = make_scene(opts)
    truth = scene_truth(scene, command=command)
    look = look or scene_look(opts)
    truth.extra["look"] = {k: getattr(look, k) for k in look.__dataclass_fields__}
    with AtomicFile(out, suffix=out.suffix or ".mp4", what="synthetic clip") as tmp:
        writer = cv2.VideoWriter(str(tmp.path), cv2.VideoWriter_fourcc(*FOURCC), opts.fps, (opts.width, opts.height))
        if not writer.isOpened():
            raise OutputError(f"cannot write the synthetic clip {out}: OpenCV could not open it ({FOURCC})")
        n = 0
        try:
            with Progress(len(scene.bodies), label=f"rendering {out.name}", enabled=progress) as bar:
                for img in render_scene(scene, look, workers):
                    writer.write(np.ascontiguousarray(img))
                    n += 1
                    bar.update()
        finally:
            writer.release()
        check_video(tmp.path, n, name=str(out), what="synthetic clip")
    tpath = truth.to_json(truth_path(out))
    return out, tpath


def rewrite_truth(video: str | Path) -> Path:
    """Re-derive a clip's truth file from its recorded options without re-rendering (the frames depend only
    on the motion and camera, which the options fix); keeps the recorded command and look."""
    from posecoach.synth.truth import Truth

    video = Path(video)
    old = Truth.from_json(truth_path(video))
    scene = make_scene(SceneOptions.from_dict(old.options))
    new = scene_truth(scene, command=old.command)
    new.extra = old.extra
    return new.to_json(truth_path(video))
