"""How late the live count is: the time each rep reaches the count on screen, against the end of that rep.

    python bench/bench_live_lag.py [--exercises ID,ID] [--out FILE]

Issue 9 asks that live, the counter lags a rep by no more than about one rep period. The synthetic exerciser's
landmarks have exact rep ends; every rep exercise x view (side, oblique, front, feet, head), camera at mid height,
seed 5 (one set), realistic noise, 15 fps, through the same frame step as ``analyze``, fused counting. A rep's lag
is the time of the frame whose feedback first shows the count k, minus the end of the k-th true rep, in that
clip's rep periods (the median spacing of the true rep ends). Only clips whose final count is exact are timed: on
the others the k-th count is not the k-th rep. Rows split the reps by the signal that counted them (rules, both,
periodicity, alike, ...) and the first rep of a clip from the rest: the periodicity counter needs two or three
cycles of a rhythm before it trusts it, so its first reps come late by design.

The generator's front camera stands at the motion's front, which for most exercises is the feet or the head end of
the body: one view in five repeats another's landmarks (as in ``bench_generator_grid.py``), and the late-rep list
shows such pairs twice. Nothing is rendered and MediaPipe is not run: under a minute on 2 cores. Not a tuning set:
reported only.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from machine import describe  # noqa: E402

from posecoach.exercises import list_exercises, make_checker  # noqa: E402
from posecoach.exercises.events import Rep  # noqa: E402
from posecoach.frame_step import FrameStep  # noqa: E402
from posecoach.synth.landmarks import LandmarkNoise, generate  # noqa: E402

VIEWS = ("side", "oblique", "front", "feet", "head")


def lags(exercise: str, view: str) -> dict:
    """Per counted rep: (lag in periods, counted by, first of the clip); and whether the final count is exact."""
    frames, truth = generate(exercise, view=view, camera_height="mid", noise=LandmarkNoise.realistic(), fps=15.0,
                             seed=5)
    ends = sorted(r["end"] for r in truth.reps if r["complete"])
    step = FrameStep(make_checker(exercise), smoothing="one_euro")
    shown: dict[int, float] = {}  # count -> time it first showed
    sources: list[str] = []  # the source of each complete rep, in the order they were counted
    for f in frames:
        fb = step(f).feedback
        if fb is None:
            continue
        shown.setdefault(fb.reps, f.timestamp)
        sources += [e.source for e in fb.events if isinstance(e, Rep) and e.complete]
    result = step.finish()
    sources += [r.source for r in result.reps if r.complete][len(sources):]  # reps decided when the source ended
    end_t = frames[-1].timestamp if frames else 0.0
    period = statistics.median(b - a for a, b in zip(ends, ends[1:])) if len(ends) > 1 else float("nan")
    row = {"exercise": exercise, "view": view, "true": len(ends), "counted": result.complete_reps, "reps": []}
    if result.complete_reps != len(ends) or not ends or not period == period:
        return row
    for k, end in enumerate(ends):
        at = shown.get(k + 1, end_t)  # not shown live: counted when the source ended
        src = sources[k] if k < len(sources) else "?"
        row["reps"].append(((at - end) / period, src, k == 0))
    return row


def _line(label: str, xs: list[float]) -> str:
    if not xs:
        return f"| {label} | 0 | - | - | - | - |"
    xs = sorted(xs)
    p90 = xs[min(len(xs) - 1, int(round(0.9 * (len(xs) - 1))))]
    within = sum(x <= 1.0 for x in xs) / len(xs)
    return (f"| {label} | {len(xs)} | {statistics.median(xs):+.2f} | {p90:+.2f} | {xs[-1]:+.2f} | "
            f"{100 * within:.0f}% |")


def markdown(rows: list[dict], argv: list[str], seconds: float) -> str:
    exact = [r for r in rows if r["reps"]]
    out = ["# Live lag of the rep count", "", f"`python bench/bench_live_lag.py {' '.join(argv)}`".replace(" `", "`"),
           "", f"Machine: {describe()}; {seconds:.0f} s.", "",
           f"{len(exact)} of {len(rows)} clips counted exactly (only those are timed). Lag = when the count showed "
           "minus the end of the rep, in rep periods; negative: counted before the person was fully home.", "",
           "| reps | n | median | 90th percentile | max | within one period |", "|---|---:|---:|---:|---:|---:|"]
    every = [x for r in exact for x, _, _ in r["reps"]]
    out.append(_line("all", every))
    out.append(_line("first rep of a clip", [x for r in exact for x, _, first in r["reps"] if first]))
    out.append(_line("later reps", [x for r in exact for x, _, first in r["reps"] if not first]))
    by_src: dict[str, list[float]] = defaultdict(list)
    for r in exact:
        for x, src, _ in r["reps"]:
            by_src[src].append(x)
    for src in sorted(by_src):
        out.append(_line(f"counted by {src}", by_src[src]))
    late = sorted(((x, r["exercise"], r["view"], src) for r in exact for x, src, _ in r["reps"] if x > 1.0),
                  reverse=True)
    out += ["", "### Reps shown more than one period late", "",
            "| exercise | view | lag (periods) | counted by |", "|---|---|---:|---|"]
    out += [f"| {e} | {v} | {x:+.2f} | {s} |" for x, e, v, s in late] or ["| - | - | - | - |"]
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
        for view in VIEWS:
            rows.append(lags(ex, view))
            print(f"{ex:22s} {view:8s} {rows[-1]['counted']}/{rows[-1]['true']}", flush=True)
    md = markdown(rows, sys.argv[1:] if argv is None else argv, time.perf_counter() - t0)
    print(md)
    if args.out:
        Path(args.out).write_text(md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
