"""How fast is `posecoach analyze` next to the least a pipeline can do?

    python bench/bench_pipeline.py [VIDEO] [--repeat 3] [--exercise glute_bridge]

Runs, alternately and ``--repeat`` times each (the best time is kept, so a busy neighbour on the machine hurts
both sides alike):
  bare      decode each frame with OpenCV and run the MediaPipe Pose Landmarker on it, nothing else;
  analyze   posecoach's whole pipeline, model included (no landmark cache): threaded decode, estimator, One Euro
            smoothing, the exercise checker, the overlay and the annotated .mp4 written on its own thread;
  cached    the same analysis with landmarks from the cache (what a re-analysis with other settings costs).
Prints a table: wall seconds, frames per second, x real time, and where analyze's time went.
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT = REPO.parent / "shared" / "videos" / "glute_bridge" / "my-guides__glute-bridge.mp4"


def bare_loop(video: Path) -> tuple[float, int]:
    import cv2
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision

    from posecoach.models import resolve_model

    opts = vision.PoseLandmarkerOptions(base_options=BaseOptions(model_asset_path=str(resolve_model())),
                                        running_mode=vision.RunningMode.VIDEO)
    t0 = time.perf_counter()
    n = 0
    with vision.PoseLandmarker.create_from_options(opts) as lm:
        cap = cv2.VideoCapture(str(video))
        fps = cap.get(cv2.CAP_PROP_FPS) or 30
        while True:
            ok, img = cap.read()
            if not ok:
                break
            rgb = cv2.cvtColor(img, cv2.COLOR_BGR2RGB)
            lm.detect_for_video(mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb), int(n * 1000 / fps))
            n += 1
        cap.release()
    return time.perf_counter() - t0, n


def posecoach_run(video: Path, exercise: str | None, cache_dir: str, use_cache: bool):
    from posecoach.session import analyze

    os.environ["POSECOACH_CACHE"] = cache_dir
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        an = analyze(video, exercise, out=Path(tmp) / "annotated.mp4", use_cache=use_cache)
        return time.perf_counter() - t0, len(an.frames), an


def _cpu_name() -> str:
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("video", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--exercise", default="glute_bridge")
    ap.add_argument("--out", type=Path, default=None, help="also write the table (Markdown) to this file")
    args = ap.parse_args()
    if not args.video.exists():
        print(f"bench: no such video: {args.video}", file=sys.stderr)
        return 2
    cache = tempfile.mkdtemp(prefix="posecoach-bench-cache-")
    best = {"bare": (1e9, 0), "analyze": (1e9, 0, None), "cached": (1e9, 0, None)}
    for _ in range(args.repeat):
        t, n = bare_loop(args.video)
        best["bare"] = min(best["bare"], (t, n), key=lambda x: x[0])
        r = posecoach_run(args.video, args.exercise, cache, use_cache=False)
        best["analyze"] = min(best["analyze"], r, key=lambda x: x[0])
    posecoach_run(args.video, args.exercise, cache, use_cache=True)  # fill the cache
    for _ in range(args.repeat):
        r = posecoach_run(args.video, args.exercise, cache, use_cache=True)
        best["cached"] = min(best["cached"], r, key=lambda x: x[0])

    from posecoach.sources import probe

    fps, frames, size = probe(args.video)
    duration = frames / fps
    lines = [f"video: {args.video.name}  {size[0]}x{size[1]}  {frames} frames  {duration:.1f} s at {fps:.1f} fps",
             f"machine: {platform.machine()}, {os.cpu_count()} cores, {_cpu_name()}, Python "
             f"{platform.python_version()}, best of {args.repeat}, {time.strftime('%Y-%m-%d')}",
             "",
             "| run | wall s | frames/s | x real time |",
             "|---|---:|---:|---:|"]
    for name in ("bare", "analyze", "cached"):
        t, n = best[name][0], best[name][1]
        lines.append(f"| {name} | {t:.2f} | {n / t:.1f} | {t / duration:.2f} |")
    tm = best["analyze"][2].timings
    lines += ["",
              f"analyze, where the time went (s): inference {tm.inference:.2f} on the main thread; decode "
              f"{tm.decode:.2f} on its own thread (main thread waited {tm.waiting_for_frames:.2f}); checking "
              f"{tm.checking:.2f}; overlay drawing + mp4v encoding {tm.drawing:.2f} on the writer thread; "
              f"wall {tm.wall:.2f}"]
    print("\n".join(lines))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text("# Pipeline speed\n\n`python bench/bench_pipeline.py --out bench/results/pipeline.md`\n\n"
                            + "\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
