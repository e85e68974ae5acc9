"""The grid ``TopPauseOptions`` were chosen from: pause time within 15 % on the sets one may choose on.

    python bench/grid_pauses.py [--rel 0.1,0.15,0.2,0.25,0.28] [--still 0,0.5] [--band 0.05,0.5] [--window 0.3,0.5]

Sets: *tune* (real rep clips with labelled pauses) and synth_dev (rendered), from the landmark cache as in
bench_pauses.py, and the synthetic oracle's scripted sequences (every rep exercise that pauses, side and oblique and
the oracle's extra views, clean and realistic noise, seeds 1 and 3, 15 fps: tests/test_synth_oracle.py). Each case
is run once through the checker, recording the key measure's samples, the counted reps and the live timer's holds;
each setting then replays ``TopPause`` on them (fast). Never *check* or the stress set.
"""
from __future__ import annotations

import argparse
import itertools
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_counting import DEFAULT_VIDEOS, cached  # noqa: E402
from bench_pauses import TOLERANCE, items  # noqa: E402

from posecoach.exercises import get_exercise, list_exercises, make_checker  # noqa: E402
from posecoach.exercises.top_pause import TopPause, TopPauseOptions  # noqa: E402
from posecoach.frame_step import FrameStep  # noqa: E402
from posecoach.synth.landmarks import LandmarkNoise, generate  # noqa: E402
from posecoach.synth.motions import MOTIONS  # noqa: E402

ORACLE_VIEWS = {"supine_twist": ("feet",)}  # tests/test_synth_oracle.py's EXTRA_VIEWS, for the rep exercises


def record(exercise: str, frames, smoothed: bool) -> dict | None:
    """Samples, counted reps and live holds of one case (None if the exercise times no pause)."""
    checker = make_checker(exercise)
    if checker.top_pause is None:
        return None
    reps, live = [], []
    tp = checker.top_pause
    # each rep with the number of samples there were when it was counted (the search sees no later ones)
    tp.rep_counted = lambda rep, _f=tp.rep_counted: (reps.append((rep, len(tp._t))), _f(rep))[1]
    tp.joined = lambda timed, _f=tp.joined: (live.extend(timed), _f(timed))[1]
    if smoothed:
        for f in frames:
            checker.update(f)
        checker.finish()
    else:
        step = FrameStep(checker, "one_euro")
        for f in frames:
            step(f)
        step.finish()
    return {"spec": checker.spec, "t": list(tp._t), "p": list(tp._p), "reps": reps, "live": live}


def cases() -> list[dict]:
    out = []
    for it in items(["tune", "synth_dev"], DEFAULT_VIDEOS):
        frames = cached(it["video"])
        rec = record(it["exercise"], frames, smoothed=True) if frames is not None and it["true_hold"] >= 1.0 else None
        if rec:
            out.append(dict(rec, set=it["set"], truth=it["true_hold"]))
    ids = {s.id for s in list_exercises()}
    for ex in sorted(set(MOTIONS) & ids):
        if not TopPause.wanted(get_exercise(ex)):
            continue
        for view, noise, seed in itertools.product(("side", "oblique") + ORACLE_VIEWS.get(ex, ()),
                                                   ("clean", "realistic"), (1, 3)):
            frames, truth = generate(ex, view=view, seed=seed, fps=15,
                                     noise=LandmarkNoise.realistic() if noise == "realistic" else LandmarkNoise())
            want = sum(h["end"] - h["start"] for h in truth.holds)
            rec = record(ex, frames, smoothed=False) if want > 0 else None
            if rec:
                out.append(dict(rec, set="oracle", truth=want))
    return out


def replay(case: dict, options: TopPauseOptions) -> float:
    tp = TopPause(case["spec"], options)
    for rep, n in case["reps"]:
        tp._t.extend(case["t"][len(tp._t):n])
        tp._p.extend(case["p"][len(tp._p):n])
        tp.rep_counted(rep)
    return sum(h.seconds for h in tp.joined(case["live"]))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    floats = lambda s: [float(x) for x in s.split(",")]  # noqa: E731
    ap.add_argument("--rel", type=floats, default=[0.1, 0.15, 0.2, 0.25, 0.28])
    ap.add_argument("--still", type=floats, default=[0.0, 0.5])
    ap.add_argument("--band", type=floats, default=[0.05, 0.5])
    ap.add_argument("--window", type=floats, default=[0.3, 0.5])
    ap.add_argument("--fast", type=floats, default=[90.0, 98.0, 100.0])
    a = ap.parse_args(argv)
    cs = cases()
    sets = list(dict.fromkeys(c["set"] for c in cs))
    print("| rel | still | band | window | fast | " + " | ".join(f"{s}: within 15 % (MAE)" for s in sets) + " |")
    print("|---|---|---|---|---|" + "---|" * len(sets))
    cells = []
    for s in sets:
        got = [(sum(h.seconds for h in c["live"]), c["truth"]) for c in cs if c["set"] == s]
        ok = sum(abs(g - t) <= TOLERANCE * t for g, t in got)
        cells.append(f"{ok}/{len(got)} ({statistics.fmean(abs(g - t) / t for g, t in got):.2f})")
    print("| live timer alone | | | | | " + " | ".join(cells) + " |", flush=True)
    for rel, still, band, window, fast in itertools.product(a.rel, a.still, a.band, a.window, a.fast):
        o = TopPauseOptions(rel=rel, still=still, band=band, window=window, fast=fast)
        cells = []
        for s in sets:
            got = [(replay(c, o), c["truth"]) for c in cs if c["set"] == s]
            ok = sum(abs(g - t) <= TOLERANCE * t for g, t in got)
            cells.append(f"{ok}/{len(got)} ({statistics.fmean(abs(g - t) / t for g, t in got):.2f})")
        print(f"| {rel} | {still} | {band} | {window} | {fast} | " + " | ".join(cells) + " |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
