"""How late the live count is: the time each rep reaches the count on screen, against the end of that rep.

    python bench/bench_live_lag.py [--exercises ID,ID] [--out FILE]

Issue 9 asks that live, the counter lags a rep by no more than about one rep period. The synthetic exerciser's
landmarks have exact rep ends; every rep exercise x view (side, oblique, front, feet, head), camera at mid height,
seed 5 (one set), realistic noise, 15 fps, through the same frame step as ``analyze``, fused counting. A rep's lag
is the time of the frame whose feedback first shows the count k, minus the end of the k-th true rep, in that
clip's rep periods (the median spacing of the true rep ends). A count may jump (0 -> 3 when a periodic run is
confirmed): each count it passes is timed at that frame. Reps decided only when the source ended are not shown
live and are counted apart. Only clips whose final count is exact are timed (the k-th count matched to the k-th
true rep in time order). Rows split the reps by the signal that counted them (rules, both, periodicity, alike,
...) and the first rep of a clip from the rest: the periodicity counter needs two or three cycles of a rhythm
before it trusts it, so its first reps come late by design.

The generator's front camera stands at the motion's front, which for most exercises is the feet or the head end of
the body: one view in five repeats another's landmarks (as in ``bench_generator_grid.py``); such a view is run
once. Nothing is rendered and MediaPipe is not run: under a minute on 2 cores. Not a tuning set:
reported only.
"""
from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import numpy as np  # noqa: E402
from machine import describe  # noqa: E402

from posecoach.exercises import list_exercises, make_checker  # noqa: E402
from posecoach.frame_step import FrameStep  # noqa: E402
from posecoach.synth.landmarks import LandmarkNoise, generate  # noqa: E402

VIEWS = ("side", "oblique", "front", "feet", "head")


def lags(exercise: str, view: str, seen: set) -> dict | None:
    """Per true rep: (lag in periods or None when it was not shown live, counted by, first of the clip); and
    whether the final count is exact. None when this view's landmarks repeat a view already run."""
    frames, truth = generate(exercise, view=view, camera_height="mid", noise=LandmarkNoise.realistic(), fps=15.0,
                             seed=5)
    posed = [f.pose.image for f in frames if f.pose is not None]
    fingerprint = hashlib.sha1(np.asarray(posed[:30]).tobytes()).hexdigest() if posed else view
    if fingerprint in seen:
        return None
    seen.add(fingerprint)
    ends = sorted(r["end"] for r in truth.reps if r["complete"])
    step = FrameStep(make_checker(exercise), smoothing="one_euro")
    shown: dict[int, float] = {}  # count k -> time the screen first showed k or more (a count may jump 0 -> 3)
    for f in frames:
        fb = step(f).feedback
        if fb is None:
            continue
        for k in range(len(shown) + 1, fb.reps + 1):
            shown[k] = f.timestamp
    result = step.finish()
    counted = sorted((r for r in result.reps if r.complete), key=lambda r: r.peak)  # in time, as the truth
    row = {"exercise": exercise, "view": view, "true": len(ends), "counted": result.complete_reps, "reps": []}
    if result.complete_reps != len(ends) or len(ends) < 2:
        return row
    period = statistics.median(b - a for a, b in zip(ends, ends[1:]))
    for k, end in enumerate(ends):
        lag = (shown[k + 1] - end) / period if k + 1 in shown else None  # None: decided when the source ended
        row["reps"].append((lag, counted[k].source, k == 0))
    return row


def _line(label: str, lags: list[float | None]) -> str:
    xs = sorted(x for x in lags if x is not None)
    at_end = len(lags) - len(xs)
    if not xs:
        return f"| {label} | {len(lags)} | {at_end} | - | - | - | - |"
    p90 = xs[min(len(xs) - 1, int(round(0.9 * (len(xs) - 1))))]
    within = sum(x <= 1.0 for x in xs) / len(xs)
    return (f"| {label} | {len(lags)} | {at_end} | {statistics.median(xs):+.2f} | {p90:+.2f} | {xs[-1]:+.2f} | "
            f"{100 * within:.0f}% |")


def markdown(rows: list[dict], argv: list[str], seconds: float) -> str:
    exact = [r for r in rows if r["reps"]]
    out = ["# Live lag of the rep count", "", "`python bench/bench_live_lag.py" + "".join(f" {a}" for a in argv) + "`",
           "", f"Machine: {describe()}; {seconds:.0f} s.", "",
           f"{len(rows)} clips with distinct landmarks (a view repeating another's is run once); {len(exact)} "
           "counted exactly, and only those are timed. Lag: when the screen first showed the count k, minus the end "
           "of the k-th true rep, in rep periods (negative: counted before the person was fully home). Reps that "
           "reached the count only when the source ended (decided at the end: attempts, alike reps) are not shown "
           "live and are counted apart. Counted by: the source of the k-th counted rep in time order.", "",
           "| reps | n | not shown live | median lag | 90th percentile | max | within one period (of those shown) |",
           "|---|---:|---:|---:|---:|---:|---:|"]
    every = [(x, src, first) for r in exact for x, src, first in r["reps"]]
    out.append(_line("all", [x for x, _, _ in every]))
    out.append(_line("first rep of a clip", [x for x, _, first in every if first]))
    out.append(_line("later reps", [x for x, _, first in every if not first]))
    by_src: dict[str, list] = defaultdict(list)
    for x, src, _ in every:
        by_src[src].append(x)
    for src in sorted(by_src):
        out.append(_line(f"counted by {src}", by_src[src]))
    late = sorted(((x, r["exercise"], r["view"], src, k + 1) for r in exact
                   for k, (x, src, _) in enumerate(r["reps"]) if x is not None and x > 1.0), reverse=True)
    out += ["", "### Reps shown more than one period late", "",
            "| exercise | view | rep | lag (periods) | counted by |", "|---|---|---:|---:|---|"]
    out += [f"| {e} | {v} | {k} | {x:+.2f} | {s} |" for x, e, v, s, k in late] or ["| - | - | - | - | - |"]
    return "\n".join(out) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--exercises", help="comma-separated exercise ids (default: every rep exercise)")
    ap.add_argument("--out", help="write the Markdown table here")
    args = ap.parse_args(argv)
    ids = args.exercises.split(",") if args.exercises else [s.id for s in list_exercises() if s.kind != "hold"]
    t0 = time.perf_counter()
    rows = []
    for ex in ids:
        seen: set = set()
        for view in VIEWS:
            row = lags(ex, view, seen)
            if row is None:
                print(f"{ex:22s} {view:8s} repeats another view's landmarks", flush=True)
                continue
            rows.append(row)
            print(f"{ex:22s} {view:8s} {row['counted']}/{row['true']}", flush=True)
    md = markdown(rows, sys.argv[1:] if argv is None else argv, time.perf_counter() - t0)
    print(md)
    if args.out:
        Path(args.out).write_text(md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
