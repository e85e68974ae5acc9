"""Hold timing on synthetic landmark sequences, from every view, and the holds a checker times on other exercises.

    python bench/bench_holds_landmarks.py [--seeds 3,4] [--out FILE]

No rendering and no MediaPipe (``posecoach.synth.generate``: exact truth, clean or realistic landmark noise), so it
runs in about a minute: a quick first check of a change to hold timing before the rendered sets
(bench_counting.py). Two tables:

- per hold exercise and view: clips whose timed hold is within 15 % of the truth;
- false holds: seconds a hold exercise's checker times on clips of other exercises (side and front views), where
  the right answer is none; a change that times more real holds by trusting less must not raise this.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HOLDS = ("hip_stretch", "childs_pose", "plank", "hamstring_stretch")
VIEWS = ("side", "oblique", "front", "feet", "head")
OTHERS = ("childs_pose", "plank", "hamstring_stretch", "hip_stretch", "cobra", "glute_bridge", "squat",
          "knee_to_chest", "cat_cow", "pushup")
FPS = 15.0


def timed(checker: str, exercise: str, view: str, seed: int, noise: str) -> tuple[float, float]:
    """(true held seconds, seconds the checker timed) of one generated clip."""
    from posecoach.exercises import make_checker
    from posecoach.frame_step import FrameStep
    from posecoach.synth import LandmarkNoise, generate

    frames, truth = generate(exercise, view=view, seed=seed, fps=FPS,
                             noise=LandmarkNoise.realistic() if noise == "realistic" else LandmarkNoise())
    step = FrameStep(make_checker(checker), "one_euro")
    for f in frames:
        step(f)
    return sum(h["end"] - h["start"] for h in truth.holds), step.finish().hold_seconds


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", default="3,4")
    ap.add_argument("--out", type=Path, default=None)
    a = ap.parse_args(argv)
    seeds = [int(s) for s in a.seeds.split(",")]
    lines = ["| exercise | " + " | ".join(VIEWS) + " | all |", "|---|" + "---:|" * (len(VIEWS) + 1)]
    ok_all = n_all = 0
    for ex in HOLDS:
        cells, ok_ex, n_ex = [], 0, 0
        for view in VIEWS:
            ok = n = 0
            for seed in seeds:
                for noise in ("clean", "realistic"):
                    truth, got = timed(ex, ex, view, seed, noise)
                    ok += abs(got - truth) <= 0.15 * truth
                    n += 1
            cells.append(f"{ok}/{n}")
            ok_ex, n_ex = ok_ex + ok, n_ex + n
        lines.append(f"| {ex} | " + " | ".join(cells) + f" | {ok_ex}/{n_ex} |")
        ok_all, n_all = ok_all + ok_ex, n_all + n_ex
    lines += ["", f"Within 15 % of the true hold: {ok_all} of {n_all} clips (seeds {a.seeds}, clean and realistic noise).",
              "", "| checker | false hold seconds on other exercises' clips (side, front; seed 3, realistic) |",
              "|---|---:|"]
    total = 0.0
    for chk in HOLDS:
        s = sum(timed(chk, ex, view, 3, "realistic")[1] for ex in OTHERS if ex != chk for view in ("side", "front"))
        lines.append(f"| {chk} | {s:.1f} |")
        total += s
    lines += [f"| all | {total:.1f} |"]
    text = "\n".join(lines) + "\n"
    print(text)
    if a.out:
        a.out.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
