"""Do the seams of chunked pose tracking change counts? Every dev clip analysed in one process and in chunks.

    nice python bench/bench_chunked_seams.py [--sets tune,check] [--workers 2] [--out bench/results/chunked_seams.md]

For each labelled dev clip (bench/split.json's tune and check halves, in ../shared/videos) at the default analysis
rate, with no landmark cache (the model runs every time):
  one pass    `session.analyze(clip, exercise, workers=1)`: today's path;
  as cached   the one pass's raw poses (float32, as the landmark cache stores them) through a new per-frame step:
              what a re-analysis from the cache gives, and what the chunked path gets (raw poses from files);
  chunked     `session.analyze(clip, exercise, workers=N)`: the timeline tracked in N chunks in parallel.
Reports reps, partial reps and hold seconds of each, the seams (frames compared, largest landmark offset between
the two chunks there, in torso lengths), and how far the stitched raw poses are from the one pass's after each
seam (so whether MediaPipe's tracking has settled). Results are kept per clip in a JSON-lines file next to --out,
so an interrupted run continues.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_counting import DEFAULT_VIDEOS, dev_items  # noqa: E402
from machine import describe  # noqa: E402


def outcome(result) -> dict:
    return {"reps": result.complete_reps, "partial": result.partial_reps, "hold": round(result.hold_seconds, 2)}


def after_seams(one, chunked, seams: list[float]) -> list[dict]:
    """Per seam: the stitched raw poses against the one pass's over the next 2 s (mean landmark offset, torso
    lengths; presence disagreements)."""
    from posecoach.parallel_tracking import _offset

    a = {f.index: f for f in one}
    out = []
    frames = list(chunked)
    for at in seams:
        offs, mismatched, n = [], 0, 0
        for f in frames:
            if not at <= f.timestamp < at + 2.0:
                continue
            g = a.get(f.index)
            n += 1
            if g is None or (g.pose is None) != (f.pose is None):
                mismatched += 1
            elif f.pose is not None:
                offs.append(_offset(g.pose, f.pose))
        out.append({"at": round(at, 2), "frames": n, "presence_differs": mismatched,
                    "max_offset": round(max(offs), 4) if offs else None,
                    "mean_offset": round(sum(offs) / len(offs), 4) if offs else None})
    return out


def run_clip(item: dict, workers: int) -> dict:
    from posecoach.exercises import make_checker
    from posecoach.frame_step import FrameStep
    from posecoach.session import analyze

    t0 = time.perf_counter()
    one = analyze(item["video"], item["exercise"], use_cache=False, keep_frames=False, analysis_fps=24.0)
    t1 = time.perf_counter()
    chunked = analyze(item["video"], item["exercise"], use_cache=False, keep_frames=False, analysis_fps=24.0,
                      workers=workers)
    t2 = time.perf_counter()
    step = FrameStep(make_checker(item["exercise"]), "one_euro")
    for f in one._raw():
        step(f)
    tracking = chunked.notes.get("pose_tracking")
    seams = [s["at"] for s in tracking["seams"]] if tracking else []
    return {"clip": item["clip"], "set": item["set"], "kind": item["kind"], "exercise": item["exercise"],
            "duration": round(one.duration, 2), "one": outcome(one.result), "cached": outcome(step.finish()),
            "chunked": outcome(chunked.result), "tracking": tracking,
            "same_frames": [f.index for f in one._raw()] == [f.index for f in chunked._raw()],
            "after_seams": after_seams(one._raw(), chunked._raw(), seams) if tracking and tracking["used"] else [],
            "wall_one": round(t1 - t0, 2), "wall_chunked": round(t2 - t1, 2)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--videos", type=Path, default=DEFAULT_VIDEOS)
    ap.add_argument("--sets", default="tune,check")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--only", default="")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "chunked_seams.md")
    args = ap.parse_args(argv)
    if not args.videos.exists():
        print(f"bench: no clips at {args.videos}", file=sys.stderr)
        return 2
    items = [it for s in args.sets.split(",") for it in dev_items(args.videos, s) if args.only in it["clip"]]
    done_file = args.out.with_suffix(".jsonl")
    done = {}
    if done_file.exists():
        for line in done_file.read_text().splitlines():
            r = json.loads(line)
            done[r["clip"]] = r
    load0 = os.getloadavg()
    with done_file.open("a") as log:
        for it in items:
            if it["clip"] in done:
                continue
            r = run_clip(it, args.workers)
            done[r["clip"]] = r
            log.write(json.dumps(r) + "\n")
            log.flush()
            seam = r["tracking"]["seams"] if r["tracking"] else "one chunk"
            print(f"{r['set']:5s} {r['clip'][:60]:60s} one {r['one']} cached {r['cached']} chunked {r['chunked']} "
                  f"seams {seam} after {r['after_seams']}", flush=True)
    rows = [done[it["clip"]] for it in items if it["clip"] in done]
    write_report(rows, args, load0)
    return 0


def _fmt(o: dict, kind: str) -> str:
    """Hold clips: seconds held; rep clips: reps (+partial), and the seconds held at the top when there are any."""
    if kind == "hold":
        return f"{o['hold']:.2f} s"
    return f"{o['reps']}" + (f" (+{o['partial']})" if o["partial"] else "") + (f", {o['hold']:.2f} s" if o["hold"]
                                                                               else "")


def write_report(rows: list[dict], args, load0) -> None:
    chunked = [r for r in rows if r["tracking"] and r["tracking"]["used"]]
    fell_back = [r for r in rows if r["tracking"] and not r["tracking"]["used"]]
    single = [r for r in rows if not r["tracking"]]
    same = [r for r in chunked if r["chunked"] == r["one"]]
    same_cached = [r for r in chunked if r["chunked"] == r["cached"]]
    same_counts = [r for r in rows if (r["chunked"]["reps"], r["chunked"]["partial"]) == (r["one"]["reps"],
                                                                                      r["one"]["partial"])]
    lines = ["# Chunked pose tracking: do the seams change counts?", "",
             f"`nice python bench/bench_chunked_seams.py --sets {args.sets} --workers {args.workers}`", "",
             f"Machine: {describe()}; load average {load0[0]:.1f} at the start, {os.getloadavg()[0]:.1f} at the end "
             f"({time.strftime('%Y-%m-%d %H:%M')}). Default analysis rate (24 fps), no landmark cache.", "",
             f"- clips: {len(rows)}; tracked in chunks: {len(chunked)}; too short for two chunks: {len(single)}; "
             f"a seam disagreed, tracked again in one pass: {len(fell_back)}",
             f"- reps and partial reps, chunked = one pass: {len(same_counts)} of {len(rows)} clips",
             f"- reps, partial reps and hold seconds all equal, chunked = one pass: {len(same)} of {len(chunked)} "
             f"clips tracked in chunks; chunked = the one pass's raw poses as the cache stores them (float32): "
             f"{len(same_cached)} of {len(chunked)}",
             f"- the same frames (indices, timestamps) as the one pass: "
             f"{sum(r['same_frames'] for r in rows)} of {len(rows)}",
             "", "| set | clip | s | one pass | as cached | chunked | seams: frames, largest offset | after the seam "
             "(2 s): presence differs, largest / mean offset |", "|---|---|---:|---:|---:|---:|---|---|"]
    for r in rows:
        k = r["kind"]
        tr = r["tracking"]
        seams = "one chunk" if not tr else "; ".join(
            f"{s['at']:.1f} s: {s['frames']}, {s['max_offset']}" + ("" if s["same_person"] else " **disagree**")
            for s in tr["seams"])
        after = "; ".join(f"{a['presence_differs']}/{a['frames']}, {a['max_offset']} / {a['mean_offset']}"
                          for a in r["after_seams"])
        mark = "" if r["chunked"] == r["one"] else " **"
        lines.append(f"| {r['set']} | {r['clip']} | {r['duration']:.0f} | {_fmt(r['one'], k)} | "
                     f"{_fmt(r['cached'], k)} | {_fmt(r['chunked'], k)}{mark} | {seams} | {after} |")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines[:9]))


if __name__ == "__main__":
    sys.exit(main())
