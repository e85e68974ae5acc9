"""Counting on the synthetic exerciser's landmark sequences from every view and camera height: a tuning grid.

    python bench/bench_generator_grid.py [--exercises ID,ID] [--json FILE] [--before FILE] [--out FILE]

Every exercise x view (side, oblique, front, feet, head) x camera height (low, mid, high) x two seeds: seed 5 one
set, seed 6 two sets with a rest between. Landmarks from ``posecoach.synth.landmarks.generate`` with realistic noise
(jitter, bias, dropouts, far-side limbs), 15 fps, through the same frame step as ``analyze`` (One Euro smoothing),
fused counting. Nothing is rendered and MediaPipe is not run, so the 630 cases take about 15 minutes on 2 cores.

This grid is for choosing: its depth is near the truth, where MediaPipe's world landmarks on video are not, so a
change it favours must also hold on the rendered tuning set (synth_dev) and *tune* before it is taken, and it is
reported on *check* and the stress set (bench_counting.py). Rep exercises: reps exact against the truth's
complete reps; hold exercises: holds within 15 % of the truth.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from machine import describe  # noqa: E402

from posecoach.exercises import get_exercise, list_exercises, make_checker  # noqa: E402
from posecoach.frame_step import FrameStep  # noqa: E402
from posecoach.synth.landmarks import LandmarkNoise, generate  # noqa: E402

VIEWS = ("side", "oblique", "front", "feet", "head")
HEIGHTS = ("low", "mid", "high")
SEEDS = {5: 1, 6: 2}  # seed: sets


def one(exercise: str, view: str, height: str, seed: int) -> dict:
    frames, truth = generate(exercise, view=view, camera_height=height, noise=LandmarkNoise.realistic(), fps=15.0,
                             seed=seed, sets=SEEDS[seed])
    step = FrameStep(make_checker(exercise), smoothing="one_euro")
    for f in frames:
        step(f)
    result = step.finish()
    return {"exercise": exercise, "kind": get_exercise(exercise).kind, "view": view, "height": height, "seed": seed,
            "true_reps": sum(1 for r in truth.reps if r["complete"]), "reps": result.complete_reps,
            "true_hold": sum(h["end"] - h["start"] for h in truth.holds), "hold": result.hold_seconds}


def ok(row: dict) -> bool:
    if row["kind"] == "hold":
        return abs(row["hold"] - row["true_hold"]) <= 0.15 * row["true_hold"]
    return row["reps"] == row["true_reps"]


def cell(rows: list[dict], before: dict | None) -> str:
    if not rows:
        return "-"
    now = f"{sum(map(ok, rows))}/{len(rows)}"
    if before is None:
        return now
    was = [before[key(r)] for r in rows if key(r) in before]
    return f"{sum(map(ok, was))} -> {now}" if len(was) == len(rows) else now


def key(row: dict) -> tuple:
    return row["exercise"], row["view"], row["height"], row["seed"]


def markdown(rows: list[dict], before: dict | None, command: str, seconds: float) -> str:
    by = defaultdict(list)
    for r in rows:
        by[(r["exercise"], r["view"])].append(r)
        by[(r["exercise"], "all")].append(r)
        by[("all", r["view"])].append(r)
        by[("all", "all")].append(r)
    lines = [f"# Counting on generated landmarks, every view (a tuning grid)\n\n`{command}` ({seconds:.0f} s)\n",
             f"Machine: {describe()}\n",
             "Cases right per exercise and view (rep exercises: reps exact; hold exercises: holds within 15 %), over "
             "3 camera heights x 2 seeds (one set, two sets)" + ("; before -> after" if before else "") + ".\n",
             "| exercise | " + " | ".join(VIEWS) + " | all |", "|---|" + "---:|" * (len(VIEWS) + 1)]
    exercises = sorted({r["exercise"] for r in rows})
    for ex in [*exercises, "all"]:
        lines.append(f"| {ex} | " + " | ".join(cell(by[(ex, v)], before) for v in (*VIEWS, "all")) + " |")
    wrong = [r for r in rows if not ok(r)]
    lines.append("\nWrong cases (view, height, seed: counted / truth):\n")
    for ex in exercises:
        mine = [r for r in wrong if r["exercise"] == ex]
        if mine:
            lines.append(f"- {ex}: " + ", ".join(
                f"{r['view']}/{r['height']}/{r['seed']}: " + (f"{r['hold']:.1f}/{r['true_hold']:.1f} s"
                                                             if r["kind"] == "hold" else f"{r['reps']}/{r['true_reps']}")
                for r in mine))
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--exercises", help="comma-separated exercise ids (default: all)")
    ap.add_argument("--json", type=Path, help="write every case here (for --before in a later run)")
    ap.add_argument("--before", type=Path, help="a --json file from an earlier run to compare with")
    ap.add_argument("--out", type=Path, help="write the Markdown table here")
    args = ap.parse_args(argv)
    exercises = args.exercises.split(",") if args.exercises else [s.id for s in list_exercises()]
    before = {key(r): r for r in json.loads(args.before.read_text())} if args.before else None
    rows, t0 = [], time.perf_counter()
    for ex in exercises:
        for view in VIEWS:
            for height in HEIGHTS:
                for seed in SEEDS:
                    try:
                        rows.append(one(ex, view, height, seed))
                    except Exception as exc:  # a case the exerciser cannot generate: say so, go on
                        print(f"{ex} {view} {height} seed {seed}: not generated ({exc})", file=sys.stderr)
        mine = [r for r in rows if r["exercise"] == ex]
        print(f"{ex:22s} {sum(map(ok, mine))}/{len(mine)} right", flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows))
    command = "python bench/bench_generator_grid.py" + "".join(f" {a}" for a in (argv if argv is not None else sys.argv[1:]))
    text = markdown(rows, before, command, time.perf_counter() - t0)
    print(text)
    if args.out:
        args.out.write_text(text)
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
