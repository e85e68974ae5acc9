"""Which camera views each checker works from, measured on the synthetic exerciser (exact truth).

    PYTHONPATH=$PWD python bench/views_by_exercise.py [--seeds 3] [--out bench/results/views.md]

For every exercise and view (side, oblique, front, feet, head) it scripts clips at a few seeds with realistic
landmark noise, runs the pipeline's own per-frame step (cuts, One Euro, the checker) and compares with the truth:
complete reps (rep exercises) and seconds held (holds). A view "works" when every seed's reps are within one of
the truth and holds reach at least 70% of the true time. The exercise files' ``views`` come from this table; the
camera advice is given only outside them. The synthetic exerciser is kinder than a camera (no clothing, no
occlusion by furniture, MediaPipe's errors only as modelled noise), so a view that fails here fails for real.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from posecoach.exercises import list_exercises, make_checker  # noqa: E402
from posecoach.frame_step import FrameStep  # noqa: E402
from posecoach.synth.landmarks import LandmarkNoise, generate  # noqa: E402

VIEWS = ("side", "oblique", "front", "feet", "head")


def run(exercise: str, view: str, seed: int) -> tuple[int, int, float, float] | None:
    try:
        frames, truth = generate(exercise, view=view, seed=seed, noise=LandmarkNoise.realistic())
    except ValueError:
        return None
    step = FrameStep(make_checker(exercise), "one_euro")
    for f in frames:
        step(f)
    res = step.finish()
    return res.complete_reps, truth.complete_reps, res.hold_seconds, truth.hold_seconds


def works(rows, kind: str) -> bool:
    for got, want, held, true_held in rows:
        if kind != "hold" and want and abs(got - want) > 1:
            return False
        if kind == "hold" and true_held and held < 0.7 * true_held:
            return False
    return bool(rows)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    lines = ["| exercise | " + " | ".join(VIEWS) + " | works from |", "|---" * (len(VIEWS) + 2) + "|"]
    for spec in list_exercises():
        cells, ok = [], []
        for view in VIEWS:
            rows = [r for s in range(1, args.seeds + 1) if (r := run(spec.id, view, s)) is not None]
            if not rows:
                cells.append("n/a")
                continue
            if spec.kind == "hold":
                cells.append(" ".join(f"{h:.0f}/{t:.0f}s" for _, _, h, t in rows))
            else:
                cells.append(" ".join(f"{g}/{w}" for g, w, _, _ in rows))
            if works(rows, spec.kind):
                ok.append(view)
                cells[-1] = f"**{cells[-1]}**"
        lines.append(f"| {spec.id} | " + " | ".join(cells) + f" | {', '.join(ok) or '-'} |")
        print(lines[-1], flush=True)
    text = ("Counted/true reps (holds: held/true seconds) per seed, realistic landmark noise; bold: the view works "
            "(reps within 1 of the truth at every seed, holds at least 70% of the true time).\n\n" + "\n".join(lines)
            + "\n")
    if args.out:
        args.out.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
