"""Rep counting and hold timing, honestly: the rule counter, the periodicity counter and their fusion, side by side,
on the dev clips' *tune* and *check* halves (split by source repository, bench/split.json) and on the synthetic
stress set, per exercise and per view, with the per-frame cost of counting.

    python bench/bench_counting.py [--videos ../shared/videos] [--synth ~/.cache/posecoach/synth_stress]
                                   [--sets tune,check,synth] [--out bench/results/counting.md]

Landmarks come from the landmark cache (fill it with bench/extract_landmarks.py and bench/make_synth_set.py);
clips whose landmarks are not cached are listed, not silently dropped. Rules and parameters are chosen on *tune*
only; *check* and *synth* are reported, never tuned on.

Rep clips: exact, within one, MAE = mean |predicted - true| / true, zero counts where the truth is 3 or more.
Hold clips: total hold time within 15 % of the truth. Cost: checker.update per frame (median and mean, ms) for
each counting mode; "counting adds" is the fused checker's median minus the rules-only checker's.
"""
from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from posecoach.exercises import list_exercises, make_checker  # noqa: E402
from machine import describe  # noqa: E402
from split import load_split  # noqa: E402

DEFAULT_VIDEOS = ROOT.parent / "shared" / "videos"
DEFAULT_SYNTH = Path.home() / ".cache" / "posecoach" / "synth_stress"
# the small synthetic set with other seeds (bench/make_synth_set.py --set synth_dev): the synthetic clips
# parameters may be chosen on, beside the dev clips' tune half
DEFAULT_SYNTH_DEV = Path.home() / ".cache" / "posecoach" / "synth_dev"
MODES = ("rules", "periodicity", "fused")


def cached(video: Path):
    from posecoach import landmark_cache as lc
    from posecoach.models import resolve_model

    return lc.read(lc.cache_path(video, resolve_model(None)), "one_euro")


def dev_items(videos: Path, half: str) -> list[dict]:
    ids = {s.id for s in list_exercises()}
    split = load_split()
    out = []
    for lab in json.loads((videos / "labels.json").read_text()):
        if split.get(lab["clip"]) != half or lab["exercise"] not in ids:
            continue
        kind = "hold" if lab["kind"] == "hold" else ("reps" if lab["reps"] > 0 else None)
        if kind is None:
            continue
        out.append({"set": half, "clip": lab["clip"], "video": videos / lab["clip"], "exercise": lab["exercise"],
                    "view": lab["view"], "kind": kind, "true_reps": lab["reps"],
                    "true_partial": lab.get("partial_reps", 0), "true_hold": sum(e - s for s, e in lab["holds"])})
    return out


def synth_items(folder: Path, name: str = "synth") -> list[dict]:
    index = folder / "index.json"
    if not index.exists():
        return []
    out = []
    for c in json.loads(index.read_text())["clips"]:
        kind = "reps" if c["kind"] in ("reps", "mixed") and c["truth_reps"] > 0 else "hold"
        out.append({"set": name, "clip": c["id"], "video": Path(c["video"]), "exercise": c["exercise"],
                    "view": f"{c['view']}/{c['camera_height']}", "kind": kind, "true_reps": c["truth_reps"],
                    "true_partial": c.get("truth_partial_reps", 0),
                    "true_hold": c["truth_hold_s"], "detection": c.get("detection_rate", math.nan),
                    "range_scale": c.get("range_scale"), "tempo": c.get("tempo")})
    return out


def run(item: dict, frames, mode: str) -> dict:
    checker = make_checker(item["exercise"], counting=mode)
    costs = []
    for f in frames:
        t0 = time.perf_counter()
        checker.update(f)
        costs.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    result = checker.finish()
    costs[-1] += time.perf_counter() - t0
    return {"reps": result.complete_reps, "partial": result.partial_reps, "hold": result.hold_seconds, "costs": costs,
            "sources": [r.source for r in result.reps if r.complete]}


def evaluate(items: list[dict]) -> tuple[list[dict], list[dict]]:
    rows, missing = [], []
    for it in items:
        frames = cached(it["video"])
        if frames is None:
            missing.append(it)
            continue
        row = dict(it, video=str(it["video"]))
        for mode in MODES:
            r = run(it, frames, mode)
            row[mode] = r["reps"] if it["kind"] == "reps" else r["hold"]
            row[f"{mode}_ms"] = r["costs"]
            row[f"{mode}_partial"] = r["partial"]
            if mode == "fused":
                row["sources"] = r["sources"]
        rows.append(row)
        truth = it["true_reps"] if it["kind"] == "reps" else round(it["true_hold"], 1)
        print(f"{it['set']:5s} {it['clip'][:56]:56s} {it['kind']:4s} true {truth:>5} | "
              + " ".join(f"{m[:5]} {row[m]:>5.1f}" if it["kind"] == "hold" else f"{m[:5]} {row[m]:>3d}" for m in MODES),
              flush=True)
    return rows, missing


def scores(rows: list[dict], mode: str) -> dict:
    rc = [r for r in rows if r["kind"] == "reps"]
    hc = [r for r in rows if r["kind"] == "hold"]
    err = [r[mode] - r["true_reps"] for r in rc]
    return {
        "rep_clips": len(rc),
        "exact": sum(e == 0 for e in err) / len(rc) if rc else math.nan,
        "within_one": sum(abs(e) <= 1 for e in err) / len(rc) if rc else math.nan,
        "mae": sum(abs(e) / r["true_reps"] for e, r in zip(err, rc)) / len(rc) if rc else math.nan,
        "zeros": sum(1 for r in rc if r[mode] == 0 and r["true_reps"] >= 3),
        "hold_clips": len(hc),
        "hold_ok": sum(abs(r[mode] - r["true_hold"]) <= 0.15 * r["true_hold"] for r in hc if r["true_hold"] > 0),
    }


def cost(rows: list[dict], mode: str) -> tuple[float, float]:
    c = [x for r in rows for x in r[f"{mode}_ms"]]
    return (1000 * statistics.median(c), 1000 * statistics.fmean(c)) if c else (math.nan, math.nan)


def _pct(x: float) -> str:
    return "-" if math.isnan(x) else f"{x:.0%}"


def table(groups: dict[str, list[dict]], title: str) -> list[str]:
    out = [f"### {title}", "",
           "| set | rep clips | exact: rules / periodicity / fused | within one: r / p / f | MAE: r / p / f | "
           "0 counts (truth >= 3): r / p / f | hold clips within 15 %: r / p / f |",
           "|---|---:|---|---|---|---|---|"]
    for name, rows in groups.items():
        s = {m: scores(rows, m) for m in MODES}
        f = s["fused"]
        out.append(
            f"| {name} | {f['rep_clips']} | " + " / ".join(_pct(s[m]["exact"]) for m in MODES) + " | "
            + " / ".join(_pct(s[m]["within_one"]) for m in MODES) + " | "
            + " / ".join("-" if math.isnan(s[m]["mae"]) else f"{s[m]['mae']:.2f}" for m in MODES) + " | "
            + " / ".join(str(s[m]["zeros"]) for m in MODES) + " | "
            + (" / ".join(f"{s[m]['hold_ok']}" for m in MODES) + f" of {f['hold_clips']}" if f["hold_clips"] else "-")
            + " |")
    return out + [""]


def attempts_table(groups: dict[str, list[dict]]) -> list[str]:
    """Attempts (partial reps) on the rep clips, fused counting: the count of attempts against the truth's."""
    out = ["### Attempts (partial reps, fused counting)", "",
           "| set | rep clips | attempts exact | clips with attempts over / under the truth | attempts: truth / found |",
           "|---|---:|---|---|---|"]
    for name, rows in groups.items():
        rc = [r for r in rows if r["kind"] == "reps" and "fused_partial" in r]
        if not rc:
            continue
        err = [r["fused_partial"] - r.get("true_partial", 0) for r in rc]
        out.append(f"| {name} | {len(rc)} | {_pct(sum(e == 0 for e in err) / len(rc))} | "
                   f"{sum(e > 0 for e in err)} / {sum(e < 0 for e in err)} | "
                   f"{sum(r.get('true_partial', 0) for r in rc)} / {sum(r['fused_partial'] for r in rc)} |")
    return out + [""]


def markdown(rows: list[dict], missing: list[dict], argv: list[str]) -> str:
    by_set = defaultdict(list)
    for r in rows:
        by_set[r["set"]].append(r)
    out = ["# Counting: rules, periodicity and their fusion", "",
           f"`python bench/bench_counting.py {' '.join(argv)}`".replace("  ", " "), "",
           f"Machine: {describe()}. Landmarks: MediaPipe Pose Landmarker full, One Euro smoothing, "
           "from the landmark cache. *tune*: the dev clips rules and parameters were chosen on; *check*: dev clips "
           "from other source repositories, not tuned on; *synth*: the rendered stress set, not tuned on.", ""]
    out += table(dict(by_set), "By set")
    out += attempts_table(dict(by_set))
    for s in by_set:
        out += table({f"{s}: {ex}": [r for r in by_set[s] if r["exercise"] == ex]
                      for ex in sorted({r["exercise"] for r in by_set[s]})}, f"{s}, by exercise")
        out += table({f"{s}: {v}": [r for r in by_set[s] if r["view"] == v]
                      for v in sorted({r["view"] for r in by_set[s]})}, f"{s}, by view")
    out += ["### Cost of counting (checker.update per frame, all sets)", "", "| mode | median ms | mean ms |",
            "|---|---:|---:|"]
    for m in MODES:
        med, mean = cost(rows, m)
        out.append(f"| {m} | {med:.3f} | {mean:.3f} |")
    med_r, med_f = cost(rows, "rules")[0], cost(rows, "fused")[0]
    out += ["", f"Counting adds {med_f - med_r:+.3f} ms per frame (median, fused minus rules); the whole checker "
            f"with fused counting takes {med_f:.3f} ms per frame (median), against the issue's 1 ms."]
    out += ["", "### Misses (fused)", "", "| set | clip | exercise | view | truth | rules | periodicity | fused | counted by |",
            "|---|---|---|---|---:|---:|---:|---:|---|"]
    for r in rows:
        if r["kind"] == "reps" and r["fused"] != r["true_reps"]:
            src = ", ".join(f"{k} {v}" for k, v in sorted(_count(r["sources"]).items()))
            out.append(f"| {r['set']} | {r['clip']} | {r['exercise']} | {r['view']} | {r['true_reps']} | {r['rules']} | "
                       f"{r['periodicity']} | {r['fused']} | {src} |")
        if r["kind"] == "hold" and r["true_hold"] > 0 and abs(r["fused"] - r["true_hold"]) > 0.15 * r["true_hold"]:
            out.append(f"| {r['set']} | {r['clip']} | {r['exercise']} | {r['view']} | {r['true_hold']:.1f} s | "
                       f"{r['rules']:.1f} s | {r['periodicity']:.1f} s | {r['fused']:.1f} s | hold |")
    if missing:
        out += ["", f"{len(missing)} clips without cached landmarks were not run: "
                + ", ".join(m["clip"] for m in missing[:20]) + (" ..." if len(missing) > 20 else "")]
    return "\n".join(out) + "\n"


def before_after(rows: list[dict], before: list[dict], before_cmd: str) -> list[str]:
    """Fused counting before (another checkout's --json rows, same clips) and after, per set, and every clip
    whose fused result changed."""
    old = {(r["set"], r["clip"]): r for r in before}
    out = ["## Before and after (fused counting)", "",
           f"Before: `{before_cmd}` (rows in the JSON it wrote); after: this checkout. Same clips, same landmarks.",
           "", "| set | rep clips | exact: before -> after | within one | MAE | 0 counts (truth >= 3) | "
           "hold clips within 15 % | attempts found (truth) |", "|---|---:|---|---|---|---|---|---|"]
    sets = list(dict.fromkeys(r["set"] for r in rows))
    for s in sets:
        now = [r for r in rows if r["set"] == s and (s, r["clip"]) in old]
        was = [dict(old[(s, r["clip"])]) for r in now]
        if not now:
            continue
        a, b = scores(was, "fused"), scores(now, "fused")
        hold = f"{a['hold_ok']} -> {b['hold_ok']} of {b['hold_clips']}" if b["hold_clips"] else "-"
        tries = "-"
        if all("fused_partial" in r for r in was + now):
            rc = [(w, n) for w, n in zip(was, now) if n["kind"] == "reps"]
            tries = (f"{sum(w['fused_partial'] for w, _ in rc)} -> {sum(n['fused_partial'] for _, n in rc)} "
                     f"({sum(n.get('true_partial', 0) for _, n in rc)})")
        out.append(f"| {s} | {b['rep_clips']} | {_pct(a['exact'])} -> {_pct(b['exact'])} | "
                   f"{_pct(a['within_one'])} -> {_pct(b['within_one'])} | {a['mae']:.2f} -> {b['mae']:.2f} | "
                   f"{a['zeros']} -> {b['zeros']} | {hold} | {tries} |")
    out += ["", "| set | clip | exercise | view | truth | before | after |", "|---|---|---|---|---:|---:|---:|"]
    for r in rows:
        o = old.get((r["set"], r["clip"]))
        if o is None or (o["fused"] == r["fused"] and o.get("fused_partial") == r.get("fused_partial")):
            continue
        if r["kind"] == "reps":
            out.append(f"| {r['set']} | {r['clip']} | {r['exercise']} | {r['view']} | "
                       f"{_reps(r['true_reps'], r.get('true_partial'))} | {_reps(o['fused'], o.get('fused_partial'))} | "
                       f"{_reps(r['fused'], r.get('fused_partial'))} |")
        else:
            out.append(f"| {r['set']} | {r['clip']} | {r['exercise']} | {r['view']} | {r['true_hold']:.1f} s | "
                       f"{o['fused']:.1f} s | {r['fused']:.1f} s |")
    return out + [""]


def _reps(n: int, attempts: int | None) -> str:
    """A rep count with its attempts, when the rows have them (older --json rows do not)."""
    return f"{n}" if attempts is None else f"{n} + {attempts} attempts"


def _count(xs):
    d = defaultdict(int)
    for x in xs:
        d[x] += 1
    return d


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--videos", type=Path, default=DEFAULT_VIDEOS)
    ap.add_argument("--synth", type=Path, default=DEFAULT_SYNTH)
    ap.add_argument("--synth-dev", type=Path, default=DEFAULT_SYNTH_DEV)
    ap.add_argument("--sets", default="tune,check,synth",
                    help="comma-separated: tune, check, synth (the stress set), synth_dev (the tuning set)")
    ap.add_argument("--only", default="", help="only clips whose name contains this")
    ap.add_argument("--out", type=Path, help="write the Markdown tables here")
    ap.add_argument("--json", type=Path, help="write the per-clip rows here")
    ap.add_argument("--before", type=Path, help="per-clip rows (--json) of another checkout: a before/after table")
    ap.add_argument("--before-command", default="", help="the command that wrote --before (for the table)")
    args = ap.parse_args(argv)
    sets = [s.strip() for s in args.sets.split(",") if s.strip()]
    items = []
    for s in sets:
        if s in ("tune", "check"):
            if not (args.videos / "labels.json").exists():
                print(f"bench_counting: no labels.json under {args.videos}; skipping {s}", file=sys.stderr)
                continue
            items += dev_items(args.videos, s)
        elif s == "synth":
            got = synth_items(args.synth)
            if not got:
                print(f"bench_counting: no stress set at {args.synth} (make it with bench/make_synth_set.py)",
                      file=sys.stderr)
            items += got
        elif s == "synth_dev":
            got = synth_items(args.synth_dev, "synth_dev")
            if not got:
                print(f"bench_counting: no synth dev set at {args.synth_dev} (make_synth_set.py --set synth_dev)",
                      file=sys.stderr)
            items += got
        else:
            ap.error(f"unknown set {s!r}")
    items = [i for i in items if args.only in i["clip"]]
    rows, missing = evaluate(items)
    text = markdown(rows, missing, argv)
    if args.before:
        head, _, rest = text.partition("\n### By set")
        text = head + "\n".join(before_after(rows, json.loads(args.before.read_text()), args.before_command)) \
            + "\n### By set" + rest
    print()
    print("\n".join(line for line in text.splitlines() if line.startswith("| ") and "by" not in line)[:4000])
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text)
        print(f"wrote {args.out}")
    if args.json:
        slim = [{k: v for k, v in r.items() if not k.endswith("_ms")} for r in rows]
        args.json.write_text(json.dumps(slim, indent=1, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
