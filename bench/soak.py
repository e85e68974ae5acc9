"""Soak: does memory stay flat over a long `analyze` and a long `live` session?

    python bench/soak.py [--analyze-minutes 60] [--live-minutes 60] [--interval 5] [--out bench/results/soak.md]

analyze: the bundled glute bridge sample (18.7 s, 480x360, 15 fps) looped into one long .mp4 of
``--analyze-minutes`` of video, then `posecoach analyze LONG -e glute_bridge -q -o annotated.mp4 -r report.json
--csv angles.csv --html report.html` (model, checker, overlay, both encoders, the CSV and the report's thumbnails
all running; an empty landmark cache), then the same command again with `-r` only, reading the landmarks it cached.
live: `posecoach live --camera SAMPLE --loop --no-display --mute -e glute_bridge --reps 1000000 --seconds S` for
``--live-minutes`` of wall time (no pacing without a window: frames go as fast as the model takes them).

Each process's resident set (VmRSS) and its peak so far (VmHWM) are read from /proc every ``--interval`` seconds.
The verdict compares the peak one minute after start-up ended (imports and the model loaded, which on a loaded
machine takes more than a minute) with the peak at the end: "flat" when within 10%.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import describe  # bench/machine.py: the script's own folder is on sys.path

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_videos" / "glute_bridge_side.mp4"


def loop_video(src: Path, out: Path, minutes: float) -> int:
    """``src`` repeated until ``minutes`` of video; returns the frame count."""
    import cv2

    cap = cv2.VideoCapture(str(src))
    fps = cap.get(cv2.CAP_PROP_FPS) or 15.0
    frames = []
    while True:
        ok, img = cap.read()
        if not ok:
            break
        frames.append(img)
    cap.release()
    h, w = frames[0].shape[:2]
    want = int(minutes * 60 * fps)
    wr = cv2.VideoWriter(str(out), cv2.VideoWriter_fourcc(*"mp4v"), fps, (w, h))
    for i in range(want):
        wr.write(frames[i % len(frames)])
    wr.release()
    return want


def memory_kib(pid: int) -> tuple[int, int] | None:
    """(VmRSS, VmHWM) in KiB, or None once the process is gone."""
    try:
        fields = dict(l.split(":", 1) for l in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in l)
        return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])
    except (OSError, KeyError, ValueError):
        return None


def watch(cmd: list[str], env: dict, interval: float, label: str) -> tuple[list[tuple[float, int, int]], int, str]:
    """Run ``cmd`` at nice 10, sampling its memory; returns the samples, the exit code and stderr's last line."""
    p = subprocess.Popen(["nice", "-n", "10", *cmd], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, stdin=subprocess.DEVNULL)
    t0 = time.time()
    samples: list[tuple[float, int, int]] = []
    last_print = 0.0
    while p.poll() is None:
        m = memory_kib(p.pid)
        if m:
            t = time.time() - t0
            samples.append((t, *m))
            if t - last_print >= 60:
                last_print = t
                print(f"{label}: {t / 60:5.1f} min  RSS {m[0] / 1024:7.1f} MiB  peak {m[1] / 1024:7.1f} MiB",
                      file=sys.stderr, flush=True)
        time.sleep(interval)
    out, err = p.communicate()
    tail = (err.strip().splitlines() or out.strip().splitlines() or [""])[-1]
    return samples, p.returncode, tail


def at(samples, t: float):
    """The last sample taken at or before ``t`` seconds."""
    before = [s for s in samples if s[0] <= t]
    return before[-1] if before else samples[0]


def started(samples) -> float:
    """When start-up (imports, loading the model) ended: the first sample whose RSS reaches 90% of the median RSS
    of the run's second half. On a loaded machine start-up alone can take over a minute."""
    import statistics

    half = [s[1] for s in samples[len(samples) // 2:]]
    level = 0.9 * statistics.median(half)
    return next((s[0] for s in samples if s[1] >= level), samples[0][0])


def table(name: str, samples, rc: int, tail: str, every_min: float) -> list[str]:
    end = samples[-1]
    # Judged from one minute after start-up ended (see ``started``); a run shorter than two minutes (a cached
    # re-analysis) from a quarter of the way in instead.
    t0 = started(samples)
    first_t = t0 + 60.0 if end[0] - t0 >= 120 else t0 + (end[0] - t0) / 4
    first = at(samples, first_t)
    since = (f"the first minute of work (start-up ended at {t0 / 60:.1f} min)" if end[0] - t0 >= 120
             else f"{first_t:.0f} s")
    ratio = end[2] / first[2] if first[2] else float("nan")
    rows = [f"### {name}", "", f"exit code {rc}; last line: `{tail}`", "",
            "| minute | RSS MiB | peak RSS MiB |", "|---:|---:|---:|"]
    marks, k = [first_t], 1
    while k * every_min * 60 < end[0]:
        if k * every_min * 60 > 60:
            marks.append(k * every_min * 60)
        k += 1
    marks.append(end[0])
    seen = set()
    for t in marks:
        s = at(samples, t)
        if s[0] in seen:
            continue
        seen.add(s[0])
        rows.append(f"| {s[0] / 60:.1f} | {s[1] / 1024:.1f} | {s[2] / 1024:.1f} |")
    slope = (end[1] - first[1]) / 1024 / max((end[0] - first[0]) / 60, 1e-9)
    verdict = "flat (within 10%)" if ratio <= 1.10 else "NOT flat (grows more than 10%)"
    rows += ["", f"Peak RSS after {since} {first[2] / 1024:.1f} MiB, at the end {end[2] / 1024:.1f} MiB: "
                 f"x{ratio:.3f}, {verdict}. RSS trend after {since}: {slope:+.2f} MiB/min.", ""]
    return rows


def samples_from_log(path: Path, label: str) -> list[tuple[float, int, int]]:
    """The once-a-minute samples a run printed to stderr (``LABEL:  12.0 min  RSS 340.1 MiB  peak 345.0 MiB``), for
    judging a run again (``--judge-log``) with the rule as it is now."""
    out = []
    for line in Path(path).read_text().splitlines():
        if line.startswith(label + ":"):
            f = line.split()
            out.append((float(f[-8]) * 60, int(float(f[-5]) * 1024), int(float(f[-2]) * 1024)))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--judge-log", nargs=2, metavar=("LOG", "LABEL"),
                    help="print the table and verdict of an earlier run from its stderr log (LABEL: analyze, live)")
    ap.add_argument("--analyze-minutes", type=float, default=60.0, help="minutes of video to analyse")
    ap.add_argument("--live-minutes", type=float, default=60.0, help="minutes of wall time to run live")
    ap.add_argument("--interval", type=float, default=5.0, help="seconds between memory samples")
    ap.add_argument("--every", type=float, default=5.0, help="table row every this many minutes")
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "soak.md")
    args = ap.parse_args()
    if args.judge_log:
        log, label = args.judge_log
        print("\n".join(table(f"{label} (from {Path(log).name}, one sample a minute)", samples_from_log(Path(log), label),
                              0, "", args.every)))
        return 0
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    py = [sys.executable, "-m", "posecoach"]
    lines = ["# Soak: memory over a long analysis and a long live session", "",
             f"`python bench/soak.py --analyze-minutes {args.analyze_minutes:g} --live-minutes {args.live_minutes:g}` "
             f"on {time.strftime('%Y-%m-%d')}: {describe()}; load average at the start {os.getloadavg()[0]:.1f} (other jobs share the cores).", ""]
    with tempfile.TemporaryDirectory(prefix="posecoach-soak-") as tmp:
        tmp = Path(tmp)
        env["POSECOACH_CACHE"] = str(tmp / "cache")
        env["POSECOACH_SESSIONS"] = str(tmp / "sessions")
        if args.analyze_minutes > 0:
            long = tmp / "long.mp4"
            n = loop_video(SAMPLE, long, args.analyze_minutes)
            t0 = time.time()
            samples, rc, tail = watch([*py, "analyze", str(long), "-e", "glute_bridge", "-q", "-o",
                                       str(tmp / "annotated.mp4"), "-r", str(tmp / "report.json"), "--csv",
                                       str(tmp / "angles.csv"), "--html", str(tmp / "report.html")],
                                      env, args.interval, "analyze")
            wall = time.time() - t0
            lines += table(f"analyze -o -r --csv --html: {args.analyze_minutes:g} min of video ({n} frames) in "
                           f"{wall / 60:.1f} min", samples, rc, tail, args.every)
            sizes = {p.name: p.stat().st_size for p in sorted(tmp.iterdir()) if p.is_file() and p != long}
            lines += ["Outputs: " + ", ".join(f"{k} {v / 1e6:.1f} MB" for k, v in sizes.items()), ""]
            for p in (tmp / "annotated.mp4", tmp / "report.webm"):
                p.unlink(missing_ok=True)
            t0 = time.time()
            samples, rc, tail = watch([*py, "analyze", str(long), "-e", "glute_bridge", "-q", "-r",
                                       str(tmp / "report2.json")], env, min(args.interval, 1.0), "analyze (cached)")
            wall = time.time() - t0
            lines += table(f"analyze -r again, landmarks from the cache: {n} frames in {wall:.0f} s", samples, rc,
                           tail, args.every)
        if args.live_minutes > 0:
            samples, rc, tail = watch([*py, "live", "--camera", str(SAMPLE), "--loop", "--no-display", "--mute",
                                       "-e", "glute_bridge", "--reps", "1000000", "--seconds",
                                       str(args.live_minutes * 60)], env, args.interval, "live")
            lines += table(f"live: {args.live_minutes:g} min on the looped sample", samples, rc, tail, args.every)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
