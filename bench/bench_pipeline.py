"""How fast is `posecoach analyze` next to the least a pipeline can do?

    python bench/bench_pipeline.py [VIDEO] [--repeat 3] [--exercise glute_bridge] [--workers 2] [--quick]

Runs, alternately and ``--repeat`` times each (best and median kept, so a busy neighbour on the machine hurts
every side alike):
  in process   a bare loop (decode each frame with OpenCV, run the MediaPipe Pose Landmarker on it, nothing
               else); `session.analyze` with the annotated video (-o) at every frame and at the default analysis
               rate (no landmark cache); and from the landmark cache (what a re-analysis costs);
  end to end   commands timed from outside, as a user runs them on a fresh clone (empty landmark cache,
               interpreter start-up and imports included): the bare loop in a fresh Python, and
               `posecoach analyze VIDEO -e EXERCISE -r report.json` in one process (`--workers 1`) at every frame
               and at the default rate, the same tracked in chunks by ``--workers`` processes (issue 14), and with
               `-o annotated.mp4` at the default rate (one process: the video is decoded once for both).
``--quick`` times only the three rows issue 14 asks for, side by side: the bare loop, analyze in one process, and
analyze in chunks (end to end).
Prints a table: wall seconds (best, median), x real time (video seconds per wall second), the load average (1 min)
before each run, the bare loop's time over each command's, and where analyze's time went.
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
sys.path.insert(0, str(REPO))  # this checkout's posecoach, in process and (PYTHONPATH) in the timed commands
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
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


CPU: dict[str, list[float]] = {}  # CPU seconds (user + system) of each timed command's process tree, by row


def timed_command(cmd: list[str], env: dict | None = None, row: str = "") -> float:
    """Wall seconds of ``cmd``; its CPU seconds (its own and its workers') go to ``CPU[row]``: on a busy machine
    the wall time says little, the CPU time still says how much work the command did."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.setdefault(row, []).append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return wall


def bare_command(video: Path) -> float:
    return timed_command([sys.executable, str(Path(__file__).resolve()), "--bare-only", str(video)], row=BARE)


def cli_command(video: Path, exercise: str, *extra: str, row: str = "") -> tuple[float, dict]:
    """`posecoach analyze` as a user runs it on a fresh clone (empty cache); returns wall time and its report."""
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, POSECOACH_CACHE=str(Path(tmp) / "cache"))
        report = Path(tmp) / "report.json"
        extra = tuple(str(Path(tmp) / "annotated.mp4") if a == "{video}" else a for a in extra)
        t = timed_command([sys.executable, "-m", "posecoach", "analyze", str(video), "-e", exercise,
                           "-r", str(report), *extra], env, row)
        return t, json.loads(report.read_text())


def posecoach_run(video: Path, exercise: str | None, cache_dir: str, use_cache: bool, rate: float | None):
    from posecoach.session import analyze

    os.environ["POSECOACH_CACHE"] = cache_dir
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        an = analyze(video, exercise, out=Path(tmp) / "annotated.mp4", use_cache=use_cache, keep_frames=False,
                     analysis_fps=rate)
        return time.perf_counter() - t0, an.video_frames, an


BARE = "bare loop, every frame (decode + model)"
ONE = "posecoach analyze -r, default rate, one process (--workers 1)"
CHUNKED = "posecoach analyze -r, default rate, in chunks (--workers {n})"


def e2e_commands(workers: int, quick: bool) -> dict:
    """The commands timed end to end, alternated in each round (each with an empty landmark cache)."""
    rows = {BARE: None}
    if not quick:
        rows["posecoach analyze -r, every frame, one process (--analysis-fps all --workers 1)"] = (
            "--analysis-fps", "all", "--workers", "1")
    rows[ONE] = ("--workers", "1")
    rows[CHUNKED.format(n=workers)] = ("--workers", str(workers))
    if not quick:
        rows["posecoach analyze -o -r, default rate (one process)"] = ("-o", "{video}")
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("video", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--exercise", default="glute_bridge")
    ap.add_argument("--workers", type=int, default=2, help="processes of the chunked row (default 2)")
    ap.add_argument("--quick", action="store_true", help="only the bare loop, analyze in one process and analyze "
                                                         "in chunks, end to end")
    ap.add_argument("--out", type=Path, default=None, help="also write the table (Markdown) to this file")
    ap.add_argument("--bare-only", action="store_true", help=argparse.SUPPRESS)  # the timed bare command
    args = ap.parse_args()
    if not args.video.exists():
        print(f"bench: no such video: {args.video}", file=sys.stderr)
        return 2
    if args.bare_only:
        bare_loop(args.video)
        return 0
    from posecoach.commands.analyze import DEFAULT_ANALYSIS_FPS
    from posecoach.sources import probe

    fps, frames, size = probe(args.video)
    duration = frames / fps
    load0 = os.getloadavg()[0]
    cache = tempfile.mkdtemp(prefix="posecoach-bench-cache-")
    E2E = e2e_commands(args.workers, args.quick)
    inproc = {} if args.quick else {"bare": [], "analyze -o, every frame": [], "analyze -o, default rate": [],
                                    "cached": []}
    e2e: dict[str, list[float]] = {k: [] for k in E2E}
    loads: dict[str, list[float]] = {k: [] for k in E2E}
    reports: dict[str, dict] = {}
    tm_every = None
    for k in range(args.repeat):
        if not args.quick:
            inproc["bare"].append(bare_loop(args.video))
            r = posecoach_run(args.video, args.exercise, cache, False, None)
            inproc["analyze -o, every frame"].append(r)
            tm_every = r[2].timings
            r = posecoach_run(args.video, args.exercise, cache, False, DEFAULT_ANALYSIS_FPS)
            inproc["analyze -o, default rate"].append(r)
        names = list(E2E)
        for name in (names if k % 2 == 0 else names[::-1]):  # neither always runs on a machine warmed by another
            loads[name].append(os.getloadavg()[0])
            if E2E[name] is None:
                e2e[name].append(bare_command(args.video))
            else:
                t, rep = cli_command(args.video, args.exercise, *E2E[name], row=name)
                e2e[name].append(t)
                reports[name] = rep
            print(f"round {k + 1}: {name}: {e2e[name][-1]:.2f} s (load {loads[name][-1]:.1f})", file=sys.stderr)
    if not args.quick:
        posecoach_run(args.video, args.exercise, cache, True, None)  # fill the cache
        for _ in range(args.repeat):
            inproc["cached"].append(posecoach_run(args.video, args.exercise, cache, True, None))

    lines = [f"video: {args.video.name}  {size[0]}x{size[1]}  {frames} frames  {duration:.1f} s at {fps:.1f} fps; "
             f"default analysis rate {DEFAULT_ANALYSIS_FPS:g} fps",
             f"machine: {platform.machine()}, {os.cpu_count()} cores, {cpu_name()}, Python "
             f"{platform.python_version()}, best of {args.repeat}, {time.strftime('%Y-%m-%d')}, load average "
             f"{load0:.1f} at the start, {os.getloadavg()[0]:.1f} at the end",
             "",
             "| run | wall s (best) | wall s (median) | x real time (best) | x real time (median) | CPU s "
             "(median, process tree) | load average before each run |",
             "|---|---:|---:|---:|---:|---:|---|"]
    for name, runs in inproc.items():
        ts = [r[0] for r in runs]
        lines.append(f"| in process: {name} | {min(ts):.2f} | {statistics.median(ts):.2f} | "
                     f"{duration / min(ts):.2f} | {duration / statistics.median(ts):.2f} | | |")
    for name, ts in e2e.items():
        lines.append(f"| end to end: {name} | {min(ts):.2f} | {statistics.median(ts):.2f} | "
                     f"{duration / min(ts):.2f} | {duration / statistics.median(ts):.2f} | "
                     f"{statistics.median(CPU[name]):.2f} | {', '.join(f'{x:.1f}' for x in loads[name])} |")
    bare = e2e[BARE]
    lines.append("")
    for name in list(E2E)[1:]:
        pairs = sorted(b / c for b, c in zip(bare, e2e[name]))
        lines.append(f"- bare loop / {name}: best {min(bare) / min(e2e[name]):.2f}x, median pair "
                     f"{statistics.median(pairs):.2f}x (pairs: {', '.join(f'{p:.2f}' for p in pairs)})")
    for name, rep in reports.items():
        lines.append(f"- {name}: reps {rep.get('reps')}, frames analysed {rep.get('frames_analysed')} of "
                     f"{rep.get('frames')}" + (f", tracked in {rep['pose_tracking']['chunks']} chunks, seams "
                                               f"{rep['pose_tracking']['seams']}" if rep.get("pose_tracking") else ""))
    for name, rep in reports.items():
        tr = rep.get("pose_tracking")
        if tr:  # where a chunked run's time went (last round): the workers' start, their tracking, the rest
            ws = "; ".join(f"chunk {k}: landmarker ready {w['ready']:.2f} s, done {w['done']:.2f} s, model "
                           f"{w['inference']:.2f} s for {w['frames']} frames" for k, w in enumerate(tr["workers"]))
            lines.append(f"- {name}, last round, from the start of the tracking: {ws}; tracking {tr['wall']:.2f} s "
                         f"of analyze's {rep['timings']['wall']:.2f} s; the process: {e2e[name][-1]:.2f} s")
    if args.quick:
        _emit(lines, args)
        return 0
    tm = inproc["analyze -o, default rate"][-1][2].timings
    lines += ["",
              f"analyze -o at the default rate, where the time went (s, last round): inference {tm.inference:.2f}; "
              f"decoding and making the model's input {tm.decode:.2f} on the decoder thread (main thread waited "
              f"{tm.waiting_for_frames:.2f}); smoothing + checking {tm.checking:.2f}; overlay drawing + encoding "
              f"{tm.drawing:.2f} on the writer thread (main thread waited {tm.waiting_for_writer:.2f}, and "
              f"{tm.finishing_video:.2f} for the last frames); wall {tm.wall:.2f}. Every frame: inference "
              f"{tm_every.inference:.2f}, wall {tm_every.wall:.2f}"]
    _emit(lines, args)
    return 0


def _emit(lines: list[str], args) -> None:
    print("\n".join(lines))
    if args.out:
        flags = f"--repeat {args.repeat} --workers {args.workers}" + (" --quick" if args.quick else "")
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text("# Pipeline speed\n\n`python bench/bench_pipeline.py "
                            f"{flags} --out {args.out}`\n\n" + "\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main())
