"""The pause at the top of each rep (lift, hold 3-5 s, lower), timed against the truth, on rep clips that pause.

    python bench/bench_pauses.py [--sets tune,check,synth_dev,synth] [--json FILE] [--before FILE]
                                 [--out bench/results/pauses.md]

bench_counting.py scores hold time on hold exercises only; a bridge, bird dog, cobra or knee to chest done as
reps with a pause at the top is scored on its reps there. Here: every rep clip of a rep exercise (kind "reps" or
"mixed"): those whose truth pauses add up to 1 s or more are scored (the dev clips' labelled holds, *tune* and
*check*, split by source repository, bench/split.json; the rendered sets' truth, synth_dev and the stress set: tops
held 1.5 s or more); on the others, the time timed is false pause time (a turn at the top taken for a pause).
Landmarks from the landmark cache (bench/extract_landmarks.py, bench/make_synth_set.py), fused counting, the
checker's total hold time (``SessionResult.hold_seconds``) against the truth's.

Choose on *tune* and synth_dev only; *check* and the stress set are reported, never tuned on. "Readable" clips are
those where the checker read the key measure in position on at least half of the frames it read at all (an
end-on view of a floor exercise often reads nothing: no pause can be timed there, by design).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_counting import DEFAULT_SYNTH, DEFAULT_SYNTH_DEV, DEFAULT_VIDEOS, cached, dev_items, synth_items  # noqa: E402
from machine import describe  # noqa: E402

from posecoach.exercises import get_exercise, make_checker  # noqa: E402

TOLERANCE = 0.15
PAUSED = 1.0  # seconds of truth pauses that make a clip one "with pauses"; the others count false pause time


def items(sets: list[str], videos: Path) -> list[dict]:
    labels = {lab["clip"]: lab for lab in json.loads((videos / "labels.json").read_text())} \
        if (videos / "labels.json").exists() else {}
    out = []
    for name in sets:
        if name in ("tune", "check"):
            found = dev_items(videos, name) if labels else []
            for it in found:
                it["true_hold"] = sum(e - s for s, e in labels[it["clip"]]["holds"])
        else:
            found = synth_items(DEFAULT_SYNTH_DEV if name == "synth_dev" else DEFAULT_SYNTH, name)
        out += [it for it in found if it["kind"] == "reps" and get_exercise(it["exercise"]).kind != "hold"]
    return out


def run(it: dict) -> dict | None:
    frames = cached(it["video"])
    if frames is None:
        return None
    checker = make_checker(it["exercise"])
    read = in_position = 0
    for f in frames:
        checker.update(f)
        if checker.sample is not None:
            read += 1
            in_position += bool(checker.sample.in_position)
    result = checker.finish()
    return {"set": it["set"], "clip": it["clip"], "exercise": it["exercise"], "view": it["view"],
            "true_hold": round(it["true_hold"], 3), "hold": round(result.hold_seconds, 3),
            "shallow": round(sum(h.seconds for h in result.holds if h.grade == "shallow"), 3),
            "readable": read > 0 and in_position >= 0.5 * read, "reps": result.complete_reps,
            "true_reps": it["true_reps"], "paused": it["true_hold"] >= PAUSED}


def ok(row: dict) -> bool:
    return abs(row["hold"] - row["true_hold"]) <= TOLERANCE * row["true_hold"]


def summary(rows: list[dict]) -> str:
    if not rows:
        return "- | - | -"
    errs = [(r["hold"] - r["true_hold"]) / r["true_hold"] for r in rows]
    return (f"{sum(map(ok, rows))}/{len(rows)} | {statistics.median(errs):+.0%} | "
            f"{statistics.fmean(abs(e) for e in errs):.2f}")


def _line(name: str, rows: list[dict]) -> str:
    paused = [r for r in rows if r.get("paused", True)]
    still = [r for r in rows if not r.get("paused", True)]
    false = sum(r["hold"] for r in still)
    return (f"| {name} | {len(paused)} | {summary(paused)} | "
            f"{sum(map(ok, [r for r in paused if r['readable']]))}/{sum(r['readable'] for r in paused)} | "
            f"{len(still)} | {false:.1f} s ({sum(r['hold'] >= 1.0 for r in still)}) |")


def markdown(rows: list[dict], before: list[dict] | None, command: str) -> str:
    sets = list(dict.fromkeys(r["set"] for r in rows))
    rows_all, rows = rows, [r for r in rows if r.get("paused", True)]
    out = ["# Pauses at the top of reps, timed against the truth", "", f"`{command}`", "",
           f"Machine: {describe()}. Fused counting, landmarks from the landmark cache. *tune* and synth_dev: "
           "chosen on; *check* and synth (the stress set): not tuned on.", "",
           "| set | clips with pauses | within 15 % | median error | mean abs error | readable clips within 15 % | "
           "clips without (truth < 1 s) | time timed there (clips with 1 s or more) |",
           "|---|---:|---|---|---|---|---:|---|"]
    prev = {(r["set"], r["clip"]): r for r in before or []}
    for s in sets:
        rs = [r for r in rows_all if r["set"] == s]
        out.append(_line(s, rs))
        if before:
            out.append(_line(f"{s} (before)", [prev[(s, r["clip"])] for r in rs if (s, r["clip"]) in prev]))
    out += ["", "By exercise (all sets; within 15 %):", "", "| exercise | " + " | ".join(sets) + " |",
            "|---|" + "---|" * len(sets)]
    by = defaultdict(list)
    for r in rows:
        by[r["exercise"]].append(r)
    for ex in sorted(by):
        cells = []
        for s in sets:
            rs = [r for r in by[ex] if r["set"] == s]
            cells.append(f"{sum(map(ok, rs))}/{len(rs)}" if rs else "-")
        out.append(f"| {ex} | " + " | ".join(cells) + " |")
    out += ["", "Every clip with pauses, and every clip without where 1 s or more was timed:", "",
            "| set | clip | view | readable | truth s | timed s (shallow) |"
            + (" before s |" if before else ""), "|---|---|---|---|---:|---:|" + ("---:|" if before else "")]
    for r in [r for r in rows_all if r.get("paused", True) or r["hold"] >= 1.0
              or prev.get((r["set"], r["clip"]), {}).get("hold", 0.0) >= 1.0]:
        b = prev.get((r["set"], r["clip"]))
        out.append(f"| {r['set']} | {r['clip'][:48]} | {r['view']} | {'yes' if r['readable'] else 'no'} | "
                   f"{r['true_hold']:.1f} | {r['hold']:.1f} ({r['shallow']:.1f}) |"
                   + (f" {b['hold']:.1f} |" if before and b else " - |" if before else ""))
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sets", default="tune,check,synth_dev,synth", help="comma-separated: tune, check, synth_dev, synth")
    ap.add_argument("--videos", type=Path, default=DEFAULT_VIDEOS, help="the dev clips (labels.json)")
    ap.add_argument("--json", type=Path, help="write the rows here")
    ap.add_argument("--before", type=Path, help="rows of an earlier run (--json) to compare with")
    ap.add_argument("--out", type=Path, help="write the markdown table here (default: print it)")
    a = ap.parse_args(argv)
    rows = []
    for it in items(a.sets.split(","), a.videos):
        row = run(it)
        if row is None:
            print(f"not cached, skipped: {it['clip']}", file=sys.stderr)
            continue
        rows.append(row)
        print(f"{row['set']:9s} {row['clip'][:50]:50s} truth {row['true_hold']:5.1f} timed {row['hold']:5.1f}"
              f"{'' if row['readable'] else '  (unreadable)'}", flush=True)
    if a.json:
        a.json.write_text(json.dumps(rows, indent=1))
    before = json.loads(a.before.read_text()) if a.before else None
    md = markdown(rows, before, "python bench/bench_pauses.py " + " ".join(argv if argv is not None else sys.argv[1:]))
    if a.out:
        a.out.write_text(md)
    else:
        print(md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
