"""Rep-count and hold-time benchmark over the labelled real clips in ../shared/videos.

    python bench/bench_reps.py [--videos ../shared/videos] [--cached-only] [--smoothing one_euro]
                               [--only SUBSTRING] [--out bench/results/reps.md]

For every clip whose labelled exercise has a checker, the clip's landmarks (MediaPipe full model, from the
landmark cache; extracted on a miss unless --cached-only) go through ``make_checker(exercise)`` frame by
frame, and the result is compared with labels.json:

* rep clips (kind reps/mixed with at least one labelled complete rep): exact count, within one,
  MAE = |predicted - true| / true averaged over clips (as in RepCount);
* hold clips (kind hold): total hold time vs the summed labelled hold spans, within 15 %.

The whole clip is analysed (labels' active spans are not used to crop: a real session has intros too).
Diagnostics per clip help explain misses: share of frames without a pose, with the key measure gated by
visibility, and in position.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from posecoach.exercises import list_exercises, make_checker, report_dict  # noqa: E402

DEFAULT_VIDEOS = ROOT.parent / "shared" / "videos"


def checker_ids() -> set[str]:
    return {s.id for s in list_exercises()}


def load_labels(videos: Path) -> list[dict]:
    return json.loads((videos / "labels.json").read_text())


def cached_frames(video: Path, smoothing: str, cached_only: bool):
    """Landmarks from the cache (the same entries `posecoach analyze` uses); extracted on a miss unless
    ``cached_only``."""
    from posecoach import landmark_cache as lc
    from posecoach.models import resolve_model

    frames = lc.read(lc.cache_path(video, resolve_model(None)), smoothing)
    if frames is not None or cached_only:
        return frames
    return lc.load_landmarks(video, smoothing=smoothing)


def run_checker(exercise: str, frames) -> tuple[dict, dict]:
    checker = make_checker(exercise)
    n_none = n_gated = n_pos = 0
    t0 = time.perf_counter()
    for f in frames:
        fb = checker.update(f)
        if f.pose is None:
            n_none += 1
        elif math.isnan(fb.key_value) or fb.phase == "no_person":
            n_gated += 1
        if fb.in_position:
            n_pos += 1
    result = checker.finish()
    elapsed = time.perf_counter() - t0
    n = max(1, len(frames))
    duration = frames[-1].timestamp if frames else 0.0
    fps_video = (len(frames) - 1) / duration if duration > 0 else 0.0
    rep = report_dict(result, frames=len(frames), fps=fps_video, duration=duration, facts=checker.facts)
    diag = {"no_pose": n_none / n, "gated": n_gated / n, "in_position": n_pos / n,
            "checker_fps": len(frames) / max(elapsed, 1e-9)}
    return rep, diag


def evaluate(labels: list[dict], videos: Path, smoothing: str, cached_only: bool, only: str | None) -> list[dict]:
    ids = checker_ids()
    rows = []
    for lab in labels:
        if lab["exercise"] not in ids:
            continue
        if only and only not in lab["clip"]:
            continue
        frames = cached_frames(videos / lab["clip"], smoothing, cached_only)
        if frames is None:
            rows.append({"clip": lab["clip"], "exercise": lab["exercise"], "kind": lab["kind"], "missing": True})
            continue
        rep, diag = run_checker(lab["exercise"], frames)
        true_hold = sum(e - s for s, e in lab["holds"])
        row = {
            "clip": lab["clip"], "exercise": lab["exercise"], "kind": lab["kind"], "view": lab["view"],
            "difficulty": lab["difficulty"], "true_reps": lab["reps"], "reps": rep["reps"],
            "true_partial": lab["partial_reps"], "partial": rep["partial_reps"],
            "true_hold": true_hold, "hold": rep["hold_seconds"], "missing": False, **diag,
            "rep_clip": lab["kind"] in ("reps", "mixed") and lab["reps"] > 0,
            "hold_clip": lab["kind"] == "hold",
            "peaks": [e["peak"] for e in rep["rep_events"] if e["complete"]],
            "true_peaks": lab["rep_peaks"], "variant": rep.get("variant"),
        }
        if row["rep_clip"]:
            row["err"] = rep["reps"] - lab["reps"]
            row["rel"] = abs(row["err"]) / lab["reps"]
        if row["hold_clip"]:
            row["hold_rel"] = abs(rep["hold_seconds"] - true_hold) / true_hold if true_hold > 0 else float("nan")
        rows.append(row)
        print(_line(row), flush=True)
    return rows


def _line(r: dict) -> str:
    if r.get("missing"):
        return f"{r['clip'][:58]:58s} (landmarks not cached)"
    s = f"{r['clip'][:58]:58s} {r['exercise'][:13]:13s} {r['kind'][:5]:5s} "
    s += f"reps {r['reps']:>2}/{r['true_reps']:<2} part {r['partial']}/{r['true_partial']} "
    s += f"hold {r['hold']:5.1f}/{r['true_hold']:5.1f}s "
    s += f"nopose {r['no_pose']:.0%} gated {r['gated']:.0%} inpos {r['in_position']:.0%}"
    return s


def totals(rows: list[dict]) -> dict:
    rc = [r for r in rows if not r.get("missing") and r["rep_clip"]]
    hc = [r for r in rows if not r.get("missing") and r["hold_clip"]]
    fps = [r["checker_fps"] for r in rows if not r.get("missing")]
    return {
        "rep_clips": len(rc),
        "exact": sum(r["err"] == 0 for r in rc) / len(rc) if rc else float("nan"),
        "within_one": sum(abs(r["err"]) <= 1 for r in rc) / len(rc) if rc else float("nan"),
        "mae": sum(r["rel"] for r in rc) / len(rc) if rc else float("nan"),
        "hold_clips": len(hc),
        "hold_within_15": sum(r["hold_rel"] <= 0.15 for r in hc) / len(hc) if hc else float("nan"),
        "hold_mean_rel_err": sum(r["hold_rel"] for r in hc) / len(hc) if hc else float("nan"),
        "checker_fps": sum(fps) / len(fps) if fps else float("nan"),
        "missing": sum(1 for r in rows if r.get("missing")),
    }


def markdown(rows: list[dict], tot: dict, smoothing: str) -> str:
    out = ["# Rep counting and hold timing on the labelled real clips", "",
           f"`python bench/bench_reps.py --out bench/results/reps.md` (landmarks: MediaPipe Pose Landmarker full, smoothing `{smoothing}`; "
           "whole clips, no cropping to the labelled active spans).", "",
           "## Totals", "",
           "| rep clips | exact | within one | MAE (rel.) | hold clips | hold within 15 % | hold mean rel. error | checker fps |",
           "|---|---|---|---|---|---|---|---|",
           f"| {tot['rep_clips']} | {tot['exact']:.0%} | {tot['within_one']:.0%} | {tot['mae']:.2f} | "
           f"{tot['hold_clips']} | {tot['hold_within_15']:.0%} | {tot['hold_mean_rel_err']:.2f} | {tot['checker_fps']:.0f} |",
           "",
           "For comparison, the usual approach (one 3-keypoint angle on the better-visible side, a rep on entering "
           "'down', per-exercise thresholds) on the same landmarks: 44 % exact, 75 % within one, MAE 0.50, 6 of 20 "
           "hold clips within 15 % (figures from issue 4). Targets: 80 % exact, 95 % within one, 80 % of holds.",
           "",
           "MAE is |predicted - true| / true averaged over the rep clips (as in RepCount). 'checker fps' is frames per "
           "second through the checker alone (landmarks from the cache); pose estimation itself runs at about "
           "1.8x real time on this machine and is the pipeline's cost, not the checker's. Rep clips: kind reps or "
           "mixed with at least one labelled complete rep; hold clips: kind hold; both restricted to exercises "
           "posecoach has a checker for (the checker is chosen from the label's exercise).",
           ""]
    if tot["missing"]:
        out += [f"{tot['missing']} clips had no cached landmarks and were not run.", ""]
    out += ["## Rep clips", "",
            "| clip | exercise | view | difficulty | reps (pred/true) | error | partial (pred/true) | no pose | gated | in position |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        if r.get("missing") or not r["rep_clip"]:
            continue
        out.append(f"| {r['clip']} | {r['exercise']} | {r['view']} | {r['difficulty']} | {r['reps']}/{r['true_reps']} | "
                   f"{r['err']:+d} | {r['partial']}/{r['true_partial']} | {r['no_pose']:.0%} | {r['gated']:.0%} | "
                   f"{r['in_position']:.0%} |")
    out += ["", "## Hold clips", "",
            "| clip | exercise | view | hold s (pred/true) | rel. error | within 15 % | no pose | gated | in position |",
            "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        if r.get("missing") or not r["hold_clip"]:
            continue
        out.append(f"| {r['clip']} | {r['exercise']} | {r['view']} | {r['hold']:.1f}/{r['true_hold']:.1f} | "
                   f"{r['hold_rel']:.0%} | {'yes' if r['hold_rel'] <= 0.15 else 'no'} | {r['no_pose']:.0%} | "
                   f"{r['gated']:.0%} | {r['in_position']:.0%} |")
    other = [r for r in rows if not r.get("missing") and not r["rep_clip"] and not r["hold_clip"]]
    if other:
        out += ["", "## Clips with no complete rep in the labels (not in the totals)", "",
                "| clip | exercise | reps (pred/true) | partial (pred/true) |", "|---|---|---|---|"]
        for r in other:
            out.append(f"| {r['clip']} | {r['exercise']} | {r['reps']}/{r['true_reps']} | {r['partial']}/{r['true_partial']} |")
    notes = Path(__file__).resolve().parent / "results" / "miss_notes.md"
    if notes.exists():  # hand-written explanations of the misses (documentation only)
        out += ["", notes.read_text().rstrip()]
    return "\n".join(out) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--videos", type=Path, default=DEFAULT_VIDEOS)
    ap.add_argument("--smoothing", default="one_euro")
    ap.add_argument("--cached-only", action="store_true", help="skip clips whose landmarks are not cached yet")
    ap.add_argument("--only", default=None, help="only clips whose path contains this")
    ap.add_argument("--out", type=Path, default=None,
                    help="write the Markdown table here (the committed one is bench/results/reps.md)")
    ap.add_argument("--json", type=Path, default=None, help="also write the per-clip rows as JSON")
    args = ap.parse_args(argv)
    if not (args.videos / "labels.json").exists():
        print(f"no labels.json under {args.videos}", file=sys.stderr)
        return 2
    rows = evaluate(load_labels(args.videos), args.videos, args.smoothing, args.cached_only, args.only)
    tot = totals(rows)
    print()
    print(f"rep clips {tot['rep_clips']}: exact {tot['exact']:.0%}, within one {tot['within_one']:.0%}, "
          f"MAE {tot['mae']:.2f}; hold clips {tot['hold_clips']}: within 15% {tot['hold_within_15']:.0%} "
          f"(mean rel. error {tot['hold_mean_rel_err']:.2f}); checker {tot['checker_fps']:.0f} frames/s; "
          f"{tot['missing']} clips not cached")
    if args.out and not args.only:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(markdown(rows, tot, args.smoothing))
        print(f"wrote {args.out}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1, default=float))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
