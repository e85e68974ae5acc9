"""How fast is `posecoach analyze` next to the least a pipeline can do?

    python bench/bench_pipeline.py [VIDEO] [--repeat 3] [--exercise glute_bridge]

Runs, alternately and ``--repeat`` times each (the best time is kept, so a busy neighbour on the machine hurts
both sides alike):
  bare      decode each frame with OpenCV and run the MediaPipe Pose Landmarker on it, nothing else;
  analyze   posecoach's whole pipeline, model included (no landmark cache): threaded decode, estimator, One Euro
            smoothing, the exercise checker, the overlay and the annotated .mp4 written on its own thread;
  cached    the same analysis with landmarks from the cache (what a re-analysis with other settings costs);
  bare, end to end / posecoach analyze, end to end
            the first two as commands, timed from outside: a fresh Python running this file's bare loop, and
            `posecoach analyze VIDEO -e EXERCISE -o annotated.mp4 -r report.json` with an empty landmark cache
            (what a user runs on a fresh clone), interpreter start-up and imports included.
Prints a table: wall seconds, frames per second, x real time, and where analyze's time went.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import cpu_name  # bench/machine.py: the script's own folder is on sys.path

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


def timed_command(cmd: list[str], env: dict | None = None) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def bare_command(video: Path) -> float:
    return timed_command([sys.executable, str(Path(__file__).resolve()), "--bare-only", str(video)])


def cli_command(video: Path, exercise: str) -> tuple[float, dict]:
    """`posecoach analyze` as a user runs it on a fresh clone (empty cache); returns wall time and its report."""
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, POSECOACH_CACHE=str(Path(tmp) / "cache"))
        report = Path(tmp) / "report.json"
        t = timed_command([sys.executable, "-m", "posecoach", "analyze", str(video), "-e", exercise,
                           "-o", str(Path(tmp) / "annotated.mp4"), "-r", str(report)], env)
        return t, json.loads(report.read_text())


def posecoach_run(video: Path, exercise: str | None, cache_dir: str, use_cache: bool):
    from posecoach.session import analyze

    os.environ["POSECOACH_CACHE"] = cache_dir
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        an = analyze(video, exercise, out=Path(tmp) / "annotated.mp4", use_cache=use_cache)
        return time.perf_counter() - t0, len(an.frames), an


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("video", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--exercise", default="glute_bridge")
    ap.add_argument("--out", type=Path, default=None, help="also write the table (Markdown) to this file")
    ap.add_argument("--bare-only", action="store_true", help=argparse.SUPPRESS)  # the timed bare command
    args = ap.parse_args()
    if not args.video.exists():
        print(f"bench: no such video: {args.video}", file=sys.stderr)
        return 2
    if args.bare_only:
        bare_loop(args.video)
        return 0
    cache = tempfile.mkdtemp(prefix="posecoach-bench-cache-")
    best = {"bare": (1e9, 0), "analyze": (1e9, 0, None), "cached": (1e9, 0, None)}
    e2e_bare, e2e_cli, cli_report = [], [], None
    for _ in range(args.repeat):
        t, n = bare_loop(args.video)
        best["bare"] = min(best["bare"], (t, n), key=lambda x: x[0])
        r = posecoach_run(args.video, args.exercise, cache, use_cache=False)
        best["analyze"] = min(best["analyze"], r, key=lambda x: x[0])
        # alternate which command goes first, so neither always runs on a machine warmed by the other
        if len(e2e_bare) % 2 == 0:
            e2e_bare.append(bare_command(args.video))
            t, rep = cli_command(args.video, args.exercise)
        else:
            t, rep = cli_command(args.video, args.exercise)
            e2e_bare.append(bare_command(args.video))
        if not e2e_cli or t < min(e2e_cli):
            cli_report = rep
        e2e_cli.append(t)
    posecoach_run(args.video, args.exercise, cache, use_cache=True)  # fill the cache
    for _ in range(args.repeat):
        r = posecoach_run(args.video, args.exercise, cache, use_cache=True)
        best["cached"] = min(best["cached"], r, key=lambda x: x[0])

    from posecoach.sources import probe

    fps, frames, size = probe(args.video)
    duration = frames / fps
    lines = [f"video: {args.video.name}  {size[0]}x{size[1]}  {frames} frames  {duration:.1f} s at {fps:.1f} fps",
             f"machine: {platform.machine()}, {os.cpu_count()} cores, {cpu_name()}, Python "
             f"{platform.python_version()}, best of {args.repeat}, {time.strftime('%Y-%m-%d')}",
             "",
             "| run | wall s | frames/s | x real time |",
             "|---|---:|---:|---:|"]
    for name in ("bare", "analyze", "cached"):
        t, n = best[name][0], best[name][1]
        lines.append(f"| {name} | {t:.2f} | {n / t:.1f} | {t / duration:.2f} |")
    n = best["bare"][1]
    for name, ts in (("bare, end to end", e2e_bare), ("posecoach analyze, end to end", e2e_cli)):
        t = min(ts)
        lines.append(f"| {name} | {t:.2f} | {n / t:.1f} | {t / duration:.2f} |")
    ratio = sorted(c / b for c, b in zip(e2e_cli, e2e_bare))
    tm = best["analyze"][2].timings
    lines += ["",
              f"`posecoach analyze -o` / bare loop, end to end: best {min(e2e_cli) / min(e2e_bare):.2f}, median "
              f"pair {statistics.median(ratio):.2f} (pairs, sorted: {', '.join(f'{r:.2f}' for r in ratio)})",
              "",
              f"analyze, where the time went (s): inference {tm.inference:.2f} on the main thread (which does "
              f"nothing else); decoding and making the model's input {tm.decode:.2f} on the decoder thread (main "
              f"thread waited {tm.waiting_for_frames:.2f}); smoothing + checking {tm.checking:.2f}, overlay "
              f"drawing + mp4v encoding {tm.drawing:.2f} on the writer thread at idle priority (main thread "
              f"waited {tm.waiting_for_writer:.2f}, and {tm.finishing_video:.2f} for the last frames); "
              f"wall {tm.wall:.2f}"]
    if cli_report:
        ct = cli_report.get("timings", {})
        lines.append(f"`posecoach analyze` end to end, from its report: {ct.get('fps')} fps over the frames, "
                     f"inference {ct.get('inference')}, wall inside analyze {ct.get('wall')}")
    print("\n".join(lines))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text("# Pipeline speed\n\n`python bench/bench_pipeline.py "
                            f"--repeat {args.repeat} --out bench/results/pipeline.md`\n\n"
                            + "\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
