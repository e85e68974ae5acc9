"""No counts while holding: one rep held 40 s (mixed exercises) or one 40 s hold (hold exercises), with the
synthetic exerciser's breathing, from every view. The truth is 1 rep (mixed) or 0 reps (hold); every rep more is
a breath or a sway counted.

    python bench/bench_long_holds.py [--seeds 0,1] [--hold 40] [--out bench/results/long_holds.md]

Landmark sequences from ``posecoach.synth.landmarks.generate`` (realistic noise: jitter, bias, dropouts, far-side
limbs), 15 fps, through the same frame step as ``analyze`` (One Euro smoothing). Nothing is rendered, so the whole
grid takes a few minutes. Not a tuning set for counting: it was made to measure the held-top rule
(``tally_rules.held_through``), which was chosen on four of its cases (bridge, cobra, bird dog, knee to chest; see
bench/results/counting.md).
"""
from __future__ import annotations

import argparse
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


def one(exercise: str, view: str, seed: int, hold: float) -> tuple[int, int, float, float]:
    """(reps counted, reps true, seconds held as timed, seconds held in truth)."""
    kind = get_exercise(exercise).kind
    frames, truth = generate(exercise, reps=1 if kind == "mixed" else None, hold=hold, view=view,
                             noise=LandmarkNoise.realistic(), fps=15.0, seed=seed)
    step = FrameStep(make_checker(exercise), smoothing="one_euro")
    for f in frames:
        step(f)
    result = step.finish()
    return (result.complete_reps, len(truth.reps), result.hold_seconds,
            sum(h["end"] - h["start"] for h in truth.holds))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", default="0,1", help="comma-separated seeds (each one another breathing phase)")
    ap.add_argument("--hold", type=float, default=40.0, help="seconds held")
    ap.add_argument("--out", type=Path, help="write the Markdown table here")
    args = ap.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",")]
    exercises = [s.id for s in list_exercises() if s.kind in ("mixed", "hold")]
    rows, t0 = defaultdict(list), time.perf_counter()
    for ex in exercises:
        for view in VIEWS:
            for seed in seeds:
                try:
                    rows[(ex, view)].append(one(ex, view, seed, args.hold))
                except Exception as exc:  # an exercise the exerciser cannot hold from this view: say so, go on
                    print(f"{ex} {view} seed {seed}: not generated ({exc})", file=sys.stderr)
            got = rows[(ex, view)]
            print(f"{ex:22s} {view:8s} counted {[r[0] for r in got]} (truth {[r[1] for r in got]})", flush=True)
    lines = [f"# No counts while holding\n\n`python bench/bench_long_holds.py --seeds {args.seeds} --hold "
             f"{args.hold:g}` ({time.perf_counter() - t0:.0f} s)\n\nMachine: {describe()}\n",
             "Reps counted over the truth (1 for a mixed exercise: the rep held; 0 for a hold exercise), one "
             "figure per seed; holds timed against the truth, summed over the seeds.\n",
             "| exercise | kind | " + " | ".join(VIEWS) + " | cases over the truth |",
             "|---|---|" + "---|" * len(VIEWS) + "---:|"]
    total = over = 0
    for ex in exercises:
        cells, n_over = [], 0
        for view in VIEWS:
            got = rows[(ex, view)]
            extra = [c - t for c, t, _, _ in got]
            n_over += sum(e > 0 for e in extra)
            total += len(got)
            held = sum(h for _, _, h, _ in got)
            true = sum(h for _, _, _, h in got)
            cells.append(("/".join(f"{e:+d}" for e in extra) if got else "-")
                         + (f" ({held:.0f} of {true:.0f} s)" if got else ""))
        over += n_over
        lines.append(f"| {ex} | {get_exercise(ex).kind} | " + " | ".join(cells) + f" | {n_over} |")
    lines.append(f"\n{over} of {total} cases counted more reps than were done.\n")
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.write_text(text)
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
