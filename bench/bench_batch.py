"""Many clips: a loop of single `posecoach analyze` calls vs `posecoach batch` (pool) vs `--engine ray`, side by
side in one run, with no landmark cache (each run gets its own empty POSECOACH_CACHE), and the peak memory of each
(the sum of RSS over the process tree, sampled every 0.25 s). Then a long batch (the clips twice: with their
exercise, and as pose tracking only, so 2N distinct jobs) to see whether memory stays flat; with
``--memory-jobs N`` that long batch is instead N distinct short clips cut from the bundled sample videos (2 s each,
each stamped with its number so no two have the same content), for a batch of hundreds of clips in minutes.

    python bench/bench_batch.py [--clips 40] [--workers N] [--memory-jobs 500] [--out bench/results/batch.md]

Clips: the shortest N of ../shared/videos whose labelled exercise posecoach checks (by path; never copied).
Writes bench/results/batch.md. Run it once, on a machine as quiet as you can get: the load is recorded.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
VIDEOS = Path(os.environ.get("POSECOACH_SHARED_VIDEOS", REPO.parent / "shared" / "videos"))
sys.path.insert(0, str(REPO))


class TreeMemory:
    """Samples the summed RSS of a process and all its descendants in a thread: peak and a timeline."""

    def __init__(self, interval: float = 0.25):
        self.interval, self.samples, self._stop = interval, [], threading.Event()
        self.pids: list[int] = []
        self.t0 = time.perf_counter()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def watch(self, pid: int) -> None:
        self.pids = [pid]

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            total, procs = 0, []
            for pid in list(self.pids):
                try:
                    p = psutil.Process(pid)
                    procs = [p] + p.children(recursive=True)
                except psutil.Error:
                    continue
            for p in procs:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
            if total:
                self.samples.append((time.perf_counter() - self.t0, total, len(procs)))

    def stop(self) -> None:
        self._stop.set()
        self.thread.join()

    @property
    def peak_mb(self) -> float:
        return max((s[1] for s in self.samples), default=0) / 2**20


def run(cmd: list[str], env: dict, mem: TreeMemory) -> float:
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    mem.watch(p.pid)
    _, err = p.communicate()
    if p.returncode not in (0, 6, 7):
        raise SystemExit(f"{' '.join(cmd)} failed ({p.returncode}): {err.strip()[-500:]}")
    return time.perf_counter() - t0


def quarters(mem: TreeMemory) -> list[float]:
    """Peak summed RSS (MB) in each quarter of a run, to see whether memory grows as clips go by."""
    s = mem.samples
    q = max(1, len(s) // 4)
    return [max((x[1] for x in s[i * q:(i + 1) * q]), default=0) / 2**20 for i in range(4)]


def per_clip_wall(out: Path) -> float:
    """Sum of the clips' own wall seconds in a batch (how fast the workers ran, whatever the scheduling)."""
    return sum(json.loads(p.read_text())["wall_seconds"] for p in (out / "clips").glob("*.json"))


def pick_clips(n: int) -> list[dict]:
    from posecoach.exercises import list_exercises

    ids = {s.id for s in list_exercises()}
    labels = {d["clip"]: d for d in json.loads((VIDEOS / "labels.json").read_text())}
    with open(VIDEOS / "MANIFEST.tsv", newline="") as f:
        manifest = {r["path"]: r for r in csv.DictReader(f, delimiter="\t")}
    clips = [{"path": VIDEOS / rel, "exercise": d["exercise"], "duration": float(manifest[rel]["duration_s"]),
              "size": f"{manifest[rel]['width']}x{manifest[rel]['height']}@{float(manifest[rel]['fps']):g}"}
             for rel, d in labels.items() if d["exercise"] in ids and rel in manifest and (VIDEOS / rel).exists()]
    clips.sort(key=lambda c: (c["duration"], str(c["path"])))
    return clips[:n]


def env_with_cache(tmp: Path, name: str) -> dict:
    env = dict(os.environ, POSECOACH_CACHE=str(tmp / f"cache_{name}"), PYTHONPATH=str(REPO),
               OPENBLAS_NUM_THREADS="1")
    return env


def short_clips(n: int, folder: Path) -> Path:
    """``n`` distinct 2 s clips cut from the bundled sample videos (each stamped with its number in a corner, so no
    two share a content hash), listed with their exercise in a CSV; written once and reused."""
    import cv2

    folder.mkdir(parents=True, exist_ok=True)
    listing = folder / f"clips_{n}.csv"
    if listing.exists():
        return listing
    samples = sorted((REPO / "sample_videos").glob("*.mp4"))
    frames = {}
    for p in samples:
        cap = cv2.VideoCapture(str(p))
        fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
        seq = []
        ok, img = cap.read()
        while ok:
            seq.append(img)
            ok, img = cap.read()
        cap.release()
        frames[p] = (fps, seq)
    rows = []
    for i in range(n):
        p = samples[i % len(samples)]
        fps, seq = frames[p]
        length = int(2 * fps)
        start = (i // len(samples)) * int(fps // 2) % max(1, len(seq) - length)
        out = folder / f"{i:04d}_{p.stem}.mp4"
        w = cv2.VideoWriter(str(out), cv2.VideoWriter_fourcc(*"mp4v"), fps, (seq[0].shape[1], seq[0].shape[0]))
        for img in seq[start:start + length]:
            img = img.copy()
            cv2.putText(img, str(i), (8, 24), cv2.FONT_HERSHEY_SIMPLEX, 0.7, (255, 255, 255), 2)
            w.write(img)
        w.release()
        exercise = p.stem.replace("_side", "").replace("_oblique", "").replace("_hips_sagging", "")
        rows.append(f"{out},{exercise}\n")
    listing.write_text("path,exercise\n" + "".join(rows))
    return listing


def long_batch(args, clips, listing: Path, tmp: Path, py: list[str], workers: list[str]) -> dict:
    """One long pool batch with memory sampled every 0.5 s: peaks per quarter, medians of the first and last."""
    if args.memory_jobs:
        inputs = [str(short_clips(args.memory_jobs, Path.home() / ".cache/posecoach/bench_batch_clips"))]
        jobs, what = args.memory_jobs, (f"{args.memory_jobs} distinct 2 s clips cut from sample_videos, each with "
                                        f"its exercise")
    else:
        plain = tmp / "again.txt"
        plain.write_text("".join(f"{c['path']}\n" for c in clips))  # no exercise: other jobs, same videos
        inputs, jobs = [str(listing), str(plain)], 2 * len(clips)
        what = f"the {len(clips)} clips with their exercise, then as pose tracking only"
    mem = TreeMemory(interval=0.5)
    t = run(py + ["batch", *inputs, "--out", str(tmp / "long"), "--no-cache", "-q"] + workers,
            env_with_cache(tmp, "long"), mem)
    mem.stop()
    s = mem.samples
    q = max(1, len(s) // 4)
    records = [json.loads(p.read_text()) for p in (tmp / "long" / "clips").glob("*.json")]
    print(f"long: {t:.0f} s", file=sys.stderr, flush=True)
    return {"wall": t, "jobs": jobs, "what": what, "peak": mem.peak_mb, "done": len(records),
            "failed": sum(1 for r in records if r.get("error")),
            "quarters": [max(x[1] for x in s[i * q:(i + 1) * q] or [(0, 0, 0)]) / 2**20 for i in range(4)],
            "median_first": statistics.median(x[1] for x in s[:q]) / 2**20,
            "median_last": statistics.median(x[1] for x in s[-q:]) / 2**20,
            "after_60s": [round(x[1] / 2**20) for x in s if x[0] >= 60][::max(1, len(s) // 12)]}


def long_lines(long: dict, clips) -> list[str]:
    return [f"## Memory over a long batch ({long['jobs']} jobs: {long['what']}; pool)", "",
            f"{long['wall']:.0f} s wall ({long['done']} records, {long['failed']} failed); peak {long['peak']:.0f} MB. "
            "Peak of each quarter of the run: " + ", ".join(f"{x:.0f}" for x in long["quarters"])
            + f" MB; median of the first quarter {long['median_first']:.0f} MB, of the last "
            f"{long['median_last']:.0f} MB. Samples after the first minute (MB): "
            f"{', '.join(str(x) for x in long['after_60s'])}."]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clips", type=int, default=40)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--skip-long", action="store_true", help="skip the long (memory) batch")
    ap.add_argument("--memory-jobs", type=int, default=0,
                    help="the long batch: this many distinct 2 s clips cut from sample_videos (0: the clips twice)")
    ap.add_argument("--skip-compare", action="store_true", help="only the long (memory) batch")
    ap.add_argument("--out", default=str(REPO / "bench" / "results" / "batch.md"))
    args = ap.parse_args()
    from bench.machine import describe
    from posecoach.sources import DEFAULT_ANALYSIS_FPS

    clips = pick_clips(args.clips)
    if len(clips) < args.clips:
        print(f"only {len(clips)} usable clips in {VIDEOS}", file=sys.stderr)
    video_s = sum(c["duration"] for c in clips)
    load_start = os.getloadavg()
    tmp = Path(tempfile.mkdtemp(prefix="bench_batch_"))
    listing = tmp / "clips.csv"
    listing.write_text("path,exercise\n" + "".join(f"{c['path']},{c['exercise']}\n" for c in clips))
    py = [sys.executable, "-m", "posecoach"]
    workers = ["--workers", str(args.workers)] if args.workers else []
    results: dict[str, dict] = {}
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())

    if args.skip_compare:
        long = long_batch(args, clips, listing, tmp, py, workers)
        lines = [f"## Memory over a long batch ({stamp})", "", f"Machine: {describe()}.", "",
                 f"Load average at the start: {load_start[0]:.2f}; at the end: {os.getloadavg()[0]:.2f}.", "",
                 *long_lines(long, clips)]
        Path(args.out).write_text("\n".join(lines) + "\n")
        print("\n".join(lines))
        return 0

    # (a) a loop of single analyze calls
    mem = TreeMemory()
    env = env_with_cache(tmp, "loop")
    t_loop = 0.0
    for i, c in enumerate(clips):
        t_loop += run(py + ["analyze", str(c["path"]), "-e", c["exercise"], "-r", str(tmp / f"loop_{i}.json"),
                            "--no-cache", "-q"], env, mem)
        print(f"loop {i + 1}/{len(clips)} {t_loop:.0f} s", file=sys.stderr, flush=True)
    mem.stop()
    results["loop of `posecoach analyze`"] = {"wall": t_loop, "peak": mem.peak_mb, "load": os.getloadavg()}

    # (b) the pool, (c) Ray
    for name, extra in (("pool", []), ("ray", ["--engine", "ray"])):
        mem = TreeMemory()
        t = run(py + ["batch", str(listing), "--out", str(tmp / name), "--no-cache", "-q"] + workers + extra,
                env_with_cache(tmp, name), mem)
        mem.stop()
        label = "`posecoach batch` (pool)" if name == "pool" else "`posecoach batch --engine ray` (local Ray)"
        results[label] = {"wall": t, "peak": mem.peak_mb, "load": os.getloadavg(), "quarters": quarters(mem)}
        print(f"{name}: {t:.0f} s", file=sys.stderr, flush=True)

    # agreement: per-clip reps / hold seconds of the three runs
    def recs(name):
        out = {}
        for p in (tmp / name / "clips").glob("*.json"):
            r = json.loads(p.read_text())
            out[r["clip"]] = r["report"] or {}
        return out

    pool, ray_ = recs("pool"), recs("ray")
    loop = {str(c["path"]): json.loads((tmp / f"loop_{i}.json").read_text()) for i, c in enumerate(clips)
            if (tmp / f"loop_{i}.json").exists()}

    def key(r):
        return (r.get("reps"), r.get("partial_reps"), round(r.get("hold_seconds") or 0, 1))

    same_ray = sum(1 for c in pool if c in ray_ and key(pool[c]) == key(ray_[c]))
    same_loop = sum(1 for c in pool if c in loop and key(pool[c]) == key(loop[c]))

    # (d) a long batch, memory over time
    long = None if args.skip_long else long_batch(args, clips, listing, tmp, py, workers)
    load_end = os.getloadavg()

    # report
    base = results["`posecoach batch` (pool)"]["wall"]
    lines = [f"# Many clips: loop of analyze vs batch (pool) vs batch on Ray ({stamp})", "",
             f"Machine: {describe()}.", "",
             f"Load average (1, 5, 15 min) at the start: {', '.join(f'{x:.2f}' for x in load_start)}; at the end: "
             f"{', '.join(f'{x:.2f}' for x in load_end)} (the "
             f"runs' own workers count in it; the three runs were timed one after the other in one run of this "
             f"script).", "",
             f"Clips: the {len(clips)} shortest of ../shared/videos whose labelled exercise posecoach checks "
             f"({clips[0]['duration']:.1f}-{clips[-1]['duration']:.1f} s each, {video_s:.0f} s of video in all; "
             f"sizes from {min(c['size'] for c in clips)} to {max(c['size'] for c in clips)}), each with its "
             f"labelled exercise; analysis at the default {DEFAULT_ANALYSIS_FPS:g} fps; no landmark cache (a fresh POSECOACH_CACHE per "
             f"run, and --no-cache). Workers: {args.workers or os.cpu_count()} (one per core).", "",
             "| run | wall s | clips/min | x real time | vs pool | peak memory (sum of RSS, process tree) | "
             "sum of per-clip wall s | load avg (1 min) after |",
             "|---|---|---|---|---|---|---|---|"]
    clip_walls = {"`posecoach batch` (pool)": per_clip_wall(tmp / "pool"),
                  "`posecoach batch --engine ray` (local Ray)": per_clip_wall(tmp / "ray")}
    for label, r in results.items():
        cw = clip_walls.get(label)
        lines.append(f"| {label} | {r['wall']:.1f} | {60 * len(clips) / r['wall']:.1f} | "
                     f"{video_s / r['wall']:.2f} | {base / r['wall']:.2f}x | {r['peak']:.0f} MB | "
                     f"{'' if cw is None else f'{cw:.0f}'} | {r['load'][0]:.1f} |")
    loop_t = results["loop of `posecoach analyze`"]["wall"]
    ray_t = results["`posecoach batch --engine ray` (local Ray)"]["wall"]
    lines += ["", f"- pool throughput / loop throughput: **{loop_t / base:.2f}x** (target >= 1.7x)",
              f"- Ray wall time / pool wall time: **{ray_t / base:.2f}** (target <= 1.2, i.e. within 20%)",
              f"- same reps, partial reps and hold seconds (0.1 s) per clip: pool vs Ray {same_ray}/{len(pool)}, "
              f"pool vs the loop {same_loop}/{len(pool)} (each clip gets a new landmarker, as in analyze)"]
    for label, r in results.items():
        if "quarters" in r:
            lines.append(f"- {label}: peak memory in each quarter of the run: "
                         + ", ".join(f"{x:.0f}" for x in r["quarters"]) + " MB")
    if long:
        lines += [""] + long_lines(long, clips)
    Path(args.out).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
