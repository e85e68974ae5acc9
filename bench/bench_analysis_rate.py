"""Does analysing fewer frames a second cost counting accuracy? The dev clips analysed by `session.analyze` at every
frame and at lower model rates (the model really runs on the kept frames only, with its own tracking), scored
against the labels like bench_counting.py (fused counting), per half of the tune / check split.

    python bench/bench_analysis_rate.py [--rates all,15,10] [--sets tune,check] [--out bench/results/analysis_rate.md]

Every rate's landmarks are cached under their own key, so a second run only re-checks. ``--simulate`` instead
keeps the frames a rate would keep from the every-frame landmark cache (seconds, not an hour; MediaPipe's
tracking between kept frames is not re-run, so it is an approximation the real runs check). The default of
`posecoach analyze --analysis-fps` is chosen from this table: the lowest rate whose counts and holds are no worse
than every frame on *tune*; *check* is reported, not used for the choice.
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

from bench_counting import DEFAULT_VIDEOS, _pct, dev_items, scores  # noqa: E402
from machine import describe  # noqa: E402

from posecoach.session import analyze  # noqa: E402


def rate_name(rate: float | None) -> str:
    return "all" if rate is None else f"{rate:g}"


def simulated(item: dict, rate: float | None):
    """The checker's result on the every-frame cached landmarks, keeping only the frames ``rate`` keeps."""
    from posecoach.exercises import make_checker
    from posecoach.frame_step import FrameStep
    from posecoach.sources import AnalysisRate

    raw = cached_raw(item["video"])
    keep = AnalysisRate(rate) if rate else (lambda t: True)
    step = FrameStep(make_checker(item["exercise"]), "one_euro")
    n = 0
    for f in raw:
        if keep(f.timestamp):
            step(f)
            n += 1
    return step.finish(), n


def cached_raw(video: Path):
    from posecoach import landmark_cache as lc
    from posecoach.models import resolve_model

    path = lc.cache_path(video, resolve_model(None))
    if not lc.check(path):
        raise SystemExit(f"bench: no cached landmarks for {video}; run bench/extract_landmarks.py first")
    return list(lc.iter_raw(path))


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--videos", type=Path, default=DEFAULT_VIDEOS)
    ap.add_argument("--rates", default="all,15,10", help="comma-separated model rates; `all`: every frame")
    ap.add_argument("--sets", default="tune,check")
    ap.add_argument("--only", default="", help="only clips whose name contains this")
    ap.add_argument("--out", type=Path, help="write the Markdown table here")
    ap.add_argument("--simulate", action="store_true",
                    help="subsample the every-frame landmark cache instead of running the model at each rate")
    args = ap.parse_args(argv)
    rates = [None if r == "all" else float(r) for r in args.rates.split(",")]
    items = [it for s in args.sets.split(",") for it in dev_items(args.videos, s) if args.only in it["clip"]]
    rows = []
    seconds = defaultdict(float)
    for it in items:
        row = dict(it, video=str(it["video"]))
        for rate in rates:
            t0 = time.perf_counter()
            if args.simulate:
                res, n = simulated(it, rate)
            else:
                an = analyze(it["video"], it["exercise"], keep_frames=False, analysis_fps=rate)
                res, n = an.result, len(an.log)
            seconds[rate_name(rate)] += time.perf_counter() - t0
            row[rate_name(rate)] = res.complete_reps if it["kind"] == "reps" else res.hold_seconds
            row[f"{rate_name(rate)}_frames"] = n
        rows.append(row)
        truth = it["true_reps"] if it["kind"] == "reps" else round(it["true_hold"], 1)
        print(f"{it['set']:5s} {it['clip'][:56]:56s} {it['kind']:4s} true {truth:>5} | "
              + " ".join(f"{rate_name(r)} {row[rate_name(r)]:>5.1f}" for r in rates), flush=True)
    by_set = defaultdict(list)
    for r in rows:
        by_set[r["set"]].append(r)
    out = ["# Analysis frame rate: counts and holds at every frame and at lower model rates", "",
           f"`python bench/bench_analysis_rate.py {' '.join(argv)}`".replace("  ", " "), "",
           f"Machine: {describe()}. "
           + ("Simulated: the every-frame cached landmarks (MediaPipe Pose Landmarker full), keeping the frames each "
              "rate keeps, through the per-frame step (One Euro smoothing, fused counting). "
              if args.simulate else
              "`session.analyze(video, exercise, analysis_fps=RATE)` per dev clip (MediaPipe Pose Landmarker full "
              "run on the kept frames only, One Euro smoothing, fused counting). ")
           + "Frames: frames the checker saw, summed over the set.", "",
           "| set | rate | frames | rep clips | exact | within one | MAE | 0 counts (truth >= 3) | holds within 15 % |",
           "|---|---|---:|---:|---:|---:|---:|---:|---|"]
    for s, rs in by_set.items():
        for rate in rates:
            name = rate_name(rate)
            sc = scores(rs, name)
            out.append(f"| {s} | {name} | {sum(r[f'{name}_frames'] for r in rs)} | {sc['rep_clips']} | "
                       f"{_pct(sc['exact'])} | {_pct(sc['within_one'])} | {sc['mae']:.2f} | {sc['zeros']} | "
                       f"{sc['hold_ok']} of {sc['hold_clips']} |")
    out += ["", "### Clips whose result changes with the rate", "",
            "| set | clip | kind | truth | " + " | ".join(rate_name(r) for r in rates) + " |",
            "|---|---|---|---:|" + "---:|" * len(rates)]
    for r in rows:
        vals = [r[rate_name(x)] for x in rates]
        if len({round(v, 1) for v in vals}) > 1:
            truth = r["true_reps"] if r["kind"] == "reps" else f"{r['true_hold']:.1f} s"
            out.append(f"| {r['set']} | {r['clip']} | {r['kind']} | {truth} | "
                       + " | ".join(f"{v:.1f}" if r["kind"] == "hold" else str(v) for v in vals) + " |")
    out += ["", "Wall time of the analyses (with cache hits for rates run before): "
            + ", ".join(f"{k}: {v:.0f} s" for k, v in seconds.items()), ""]
    text = "\n".join(out)
    print(text)
    if args.out:
        args.out.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
