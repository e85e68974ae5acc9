"""Render the synthetic stress set (issue 9) once, outside the repository, and fill the landmark cache for it.

    python bench/make_synth_set.py [--out ~/.cache/posecoach/synth_stress] [--per-item 8] [--seed 9]
                                   [--workers 2] [--plan-only] [--limit N]

Every exercise (and variant) the synthesiser supports, at views side / oblique / front / feet / head, camera
height low / mid / high, range of motion 0.5-1.2 of nominal (holds 0.7-1.2), 3-5 reps or 5-12 s holds (sided: 5-8 s a side), tempo 0.5 (rushed) - 1.4 (slow), five body shapes,
eight clothing pairs, 1.5-3 s of set-up, and on about 40% of clips a rest after the set (half of those as two
sets with the rest between). Factors are dealt out per exercise from shuffled, repeated level lists, so every
level turns up about equally often with every exercise; the plan depends only on --seed and --per-item.

This set is for measuring, never for tuning: do not choose thresholds by looking at its results.

Writes into --out: ``plan.json`` (the options of every clip, before rendering), ``clips/<id>.mp4`` with
``<id>.truth.json`` beside each, and ``index.json`` (one record per clip: truth counts, factors, MediaPipe's
detection rate). Clips already rendered are skipped, so an interrupted run resumes; landmarks go to posecoach's
own landmark cache (``posecoach.landmark_cache``, keyed by the video's sha256), where benchmarks find them with
``load_landmarks(video, smoothing=...)`` without running MediaPipe again.
"""
from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from posecoach.synth.motions import MOTION_VARIANTS, MOTIONS, get_motion  # noqa: E402

DEFAULT_OUT = Path.home() / ".cache" / "posecoach" / "synth_stress"
PLAN_VERSION = 1
# Measured on the shared 2-core machine: ~0.09 s of CPU to render a 320x240 frame and ~0.02 s for MediaPipe, so
# 160 clips of ~25 s fit the hour of one core only at 8 fps. The person still fills ~78% of the frame's height or
# width (MediaPipe's landmark crop is 256 px), and a rushed 1.3 s rep still spans 10 frames.
FRAME = {"width": 320, "height": 240, "fps": 8.0}

VIEWS_PER_ITEM = ("side", "side", "oblique", "oblique", "front", "feet", "head")  # + extras from EXTRA_VIEWS
EXTRA_VIEWS = ("side", "oblique", "front")
DISTINCT_VIEWS = ("side", "oblique", "front", "feet", "head")
# Named sets: the stress set is for reporting only; the dev set (other seed, fewer clips) is the one that
# parameters may be chosen on. Explicit --out/--seed/--per-item override these.
SETS = {"stress": {"out": DEFAULT_OUT, "seed": 9, "per_item": 8},
        "synth_dev": {"out": DEFAULT_OUT.parent / "synth_dev", "seed": 23, "per_item": 3}}
HEIGHTS = ("low", "mid", "high")
REP_RANGES = (0.5, 0.65, 0.8, 1.0, 1.1, 1.2)
# Holds stop at 0.7: half-way into a child's pose is still a hold, but the scripts interpolate from a start
# posture that is not the exercise (a plank starts on the knees), so a half plank would be a different exercise.
HOLD_RANGES = (0.7, 0.85, 1.0, 1.1, 1.2)
RANGE_LIMITS = {"plank": (0.9, 1.0)}  # beyond 1.0 the knees hyperextend; below 0.9 it is no longer a plank
TEMPOS = (0.5, 0.7, 0.9, 1.1, 1.4)
BODIES = ((1.55, 0.9), (1.70, 1.0), (1.85, 1.15), (1.62, 1.25), (1.92, 0.85))  # (height m, build)
CLOTHES = (("red", "navy"), ("white", "beige"), ("black", "black"), ("green", "grey"), ("yellow", "denim"),
           ("purple", "brown"), ("beige", "black"), ("orange", "navy"))


def items() -> list[tuple[str, str | None]]:
    """Every (exercise, variant) the synthesiser scripts, from its motion registry."""
    return [(e, None) for e in MOTIONS] + [(e, v) for (e, v) in MOTION_VARIANTS]


def _deal(levels, n: int, rng: np.random.Generator) -> list:
    """n values cycling through ``levels`` from a random first one (each about n/len times, and even over many
    exercises), in a random order."""
    k = int(rng.integers(len(levels)))
    out = [levels[(k + i) % len(levels)] for i in range(n)]
    return [out[i] for i in rng.permutation(n)]


def _upright(exercise: str, variant: str | None) -> bool:
    m = get_motion(exercise, variant)
    on_feet = any(c.startswith(("feet", "foot", "toe")) for c in m.start.contacts)
    return 60.0 <= m.start.params.get("pitch", 90.0) <= 120.0 and on_feet and "buttocks" not in m.start.contacts


def make_plan(seed: int = 9, per_item: int = 8) -> list[dict]:
    """The clip list: ``per_item`` clips for each exercise/variant, factors dealt out evenly (see module doc)."""
    rng = np.random.default_rng(seed)
    plan = []
    for j, (e, v) in enumerate(items()):
        m = get_motion(e, v)
        n = per_item
        if n >= len(VIEWS_PER_ITEM):
            views = list(VIEWS_PER_ITEM) + [EXTRA_VIEWS[(j + i) % len(EXTRA_VIEWS)]
                                            for i in range(n - len(VIEWS_PER_ITEM))]
        else:  # a small set (the dev set): rotate through the five views across items, not side/side/oblique...
            views = [DISTINCT_VIEWS[(j * n + i) % len(DISTINCT_VIEWS)] for i in range(n)]
        views = [views[i] for i in rng.permutation(n)]
        upright = _upright(e, v)
        ranges = REP_RANGES if m.kind == "reps" else HOLD_RANGES
        lo, hi = RANGE_LIMITS.get(e, (0.0, 9.0))
        ranges = tuple(r for r in ranges if lo <= r <= hi)
        cols = {"camera_height": _deal(HEIGHTS, n, rng), "range_scale": _deal(ranges, n, rng),
                "tempo": _deal(TEMPOS, n, rng), "body": _deal(BODIES, n, rng), "clothes": _deal(CLOTHES, n, rng),
                "rest": _deal((0, 0, 0, 1, 2), n, rng)}  # 0 none, 1 rest at the end, 2 two sets with a rest
        for k in range(n):
            view, height = views[k], cols["camera_height"][k]
            if view in ("front", "feet", "head") and not upright and height == "low":
                # End-on from the floor (for floor work "front" is an end too: the feet end when lying on the back,
                # the head end on all fours), the nearest body part hides the rest: not even a person could
                # coach from there. The rng has drawn already, so this changes no other clip.
                height = "mid"
            rest_kind = cols["rest"][k]
            sets = 2 if rest_kind == 2 else 1
            if m.kind == "reps":
                per_set = int(rng.integers(3, 6)) if sets == 1 else int(rng.integers(2, 4))
                if m.sided == "blocks":  # reps per side
                    per_set = max(2, (per_set + 1) // 2)
                reps, hold = per_set, None
            else:
                reps, hold = 1, float(np.round(rng.uniform(5.0, 12.0 if m.sided == "none" else 8.0), 1))
            body_h, build = cols["body"][k]
            shirt, trousers = cols["clothes"][k]
            opts = {"exercise": e, "variant": v, "reps": reps, "hold": hold, "view": view, "camera_height": height,
                    "range_scale": cols["range_scale"][k], "tempo": cols["tempo"][k], "body_height": body_h,
                    "build": build, "shirt": shirt, "trousers": trousers,
                    "setup": float(np.round(rng.uniform(1.5, 3.0), 1)), "sets": sets,
                    "rest": float(np.round(rng.uniform(3.0, 6.0), 1)) if rest_kind else 0.0,
                    "near_side": "left" if rng.random() < 0.6 else "right",
                    "azimuth_offset": float(np.round(rng.uniform(-10.0, 10.0), 1)),
                    "seed": int(seed * 100000 + len(plan)), **FRAME}
            cid = f"{len(plan):03d}_{e}{'-' + v if v else ''}_{view}_{height}"
            plan.append({"id": cid, "kind": m.kind, "sided": m.sided, "upright": upright, "options": opts})
    return plan


def planned_seconds(plan: list[dict]) -> float:
    """Total clip duration of the plan (scripts only, no bodies or pixels: a second or two)."""
    from posecoach.synth.body import Proportions
    from posecoach.synth.motions import ScriptOptions, build_timeline

    total = 0.0
    for c in plan:
        o = c["options"]
        _, tl = build_timeline(o["exercise"], ScriptOptions(
            reps=o["reps"], hold=o["hold"], variant=o["variant"], tempo=o["tempo"], setup_seconds=o["setup"],
            props=Proportions(o["body_height"], o["build"]), range_scale=o["range_scale"], sets=o["sets"],
            rest=o["rest"]), np.random.default_rng(o["seed"]))
        total += tl.duration
    return total


def _synth_command(c: dict, video: Path) -> str:
    from posecoach.commands.synth import command_line, scene_flags, scene_options

    o = dict(c["options"])
    base = {k: o.pop(k) for k in ("exercise", "reps", "hold", "view", "seed", "width", "height", "fps", "variant")}
    opts = scene_options(**base, **o)
    return command_line(base["exercise"], video, base["reps"], base["hold"], base["view"], (), base["seed"],
                        width=base["width"], height=base["height"], fps=base["fps"],
                        variant=base["variant"]) + scene_flags(opts)


def _same_options(truth_file: Path, options: dict) -> bool:
    """Whether a rendered clip was made from these options (a changed plan re-renders, never reuses)."""
    recorded = json.loads(truth_file.read_text())["options"]
    return all(recorded.get(k) == v for k, v in options.items())


def _work(c: dict, clips: Path, nice: int) -> dict:
    """Render one clip (unless present) and extract its landmarks (unless cached); returns its index record."""
    if os.nice(0) < nice:  # a worker runs many clips: raise its niceness once, to the level asked
        os.nice(nice - os.nice(0))
    from posecoach.commands.synth import scene_options
    from posecoach.landmark_cache import load_landmarks
    from posecoach.synth.clip import write_clip
    from posecoach.synth.truth import Truth, truth_path

    video = clips / f"{c['id']}.mp4"
    t0 = time.perf_counter()
    rendered = False
    if not (video.exists() and truth_path(video).exists() and _same_options(truth_path(video), c["options"])):
        o = dict(c["options"])
        opts = scene_options(**o)
        tmp = video.with_name(video.stem + ".part.mp4")
        write_clip(opts, tmp, command=_synth_command(c, video), workers=1, progress=False)
        truth_path(tmp).replace(truth_path(video))
        tmp.replace(video)  # the video last: its presence means the clip is complete
        rendered = True
    t1 = time.perf_counter()
    frames = load_landmarks(video, smoothing="none")
    t2 = time.perf_counter()
    truth = Truth.from_json(truth_path(video))
    cam = np.asarray(truth.camera["position"])
    return record(c, video, truth, frames, cam) | {
        "render_s": round(t1 - t0, 2) if rendered else None, "extract_s": round(t2 - t1, 2)}


def record(c: dict, video: Path, truth, frames, cam: np.ndarray) -> dict:
    """One line of index.json (see the README section on the stress set for the fields)."""
    o = c["options"]
    det = [f.pose is not None for f in frames]
    setup_end = next(p["end"] for p in truth.phases if p["name"] == "setup")
    ex = [d for d, f in zip(det, frames) if f.timestamp >= setup_end]
    s = truth.summary()
    return {
        "id": c["id"], "video": str(video), "truth": str(video.with_name(video.stem + ".truth.json")),
        "exercise": truth.exercise, "variant": truth.variant or None, "kind": truth.kind, "sided": c["sided"],
        "upright": c["upright"], "view": o["view"], "camera_height": o["camera_height"],
        "camera_position": [round(float(v), 3) for v in cam], "range_scale": o["range_scale"],
        "tempo": o["tempo"], "body_height": o["body_height"], "build": o["build"], "shirt": o["shirt"],
        "trousers": o["trousers"], "setup_s": round(setup_end, 2), "sets": o["sets"], "rest_s": o["rest"],
        "near_side": truth.near_side, "truth_reps": s["complete_reps"], "truth_partial_reps": s["partial_reps"],
        "truth_reps_by_side": s["reps_by_side"], "truth_hold_s": s["hold_seconds"], "truth_holds": s["holds"],
        "duration_s": s["duration"], "frames": len(frames), "fps": truth.fps,
        "detected_frames": int(sum(det)), "detection_rate": round(sum(det) / max(len(det), 1), 4),
        "detection_rate_after_setup": round(sum(ex) / max(len(ex), 1), 4), "command": truth.command,
    }


def detection_table(records: list[dict]) -> str:
    """Markdown: MediaPipe's per-frame detection rate by view (and by camera height), frames pooled."""
    lines = ["| view | clips | frames | with a pose | clips < 90% |", "|---|---:|---:|---:|---:|"]
    for key, levels in (("view", ("side", "oblique", "front", "feet", "head")), ("camera_height", HEIGHTS)):
        for lv in levels:
            rs = [r for r in records if r[key] == lv]
            if not rs:
                continue
            fr, dt = sum(r["frames"] for r in rs), sum(r["detected_frames"] for r in rs)
            low = sum(r["detection_rate"] < 0.9 for r in rs)
            name = lv if key == "view" else f"camera {lv}"
            lines.append(f"| {name} | {len(rs)} | {fr} | {100 * dt / max(fr, 1):.1f}% | {low} |")
    return "\n".join(lines)


def composition(records: list[dict]) -> str:
    """Markdown: clips per exercise and view, with the truth's reps and hold seconds summed."""
    views = ("side", "oblique", "front", "feet", "head")
    lines = ["| exercise | kind | " + " | ".join(views) + " | clips | truth reps | truth held s |",
             "|---|---|" + "---:|" * (len(views) + 3)]
    for e, v in items():
        rs = [r for r in records if r["exercise"] == e and (r["variant"] or None) == (v or get_motion(e).variant
                                                                                       or None)]
        if not rs:
            continue
        counts = " | ".join(str(sum(r["view"] == w for r in rs)) for w in views)
        lines.append(f"| {e}{' (' + v + ')' if v else ''} | {rs[0]['kind']} | {counts} | {len(rs)} | "
                     f"{sum(r['truth_reps'] for r in rs)} | {sum(r['truth_hold_s'] for r in rs):.0f} |")
    return "\n".join(lines)


def detection_matrix(records: list[dict]) -> str:
    """Markdown: frames with a pose per exercise and view (pooled over that cell's clips; '-' no clip)."""
    views = ("side", "oblique", "front", "feet", "head")
    lines = ["| exercise | " + " | ".join(views) + " |", "|---|" + "---:|" * len(views)]
    for e in dict.fromkeys(r["exercise"] + (f" ({r['variant']})" if r["variant"] else "") for r in records):
        cells = []
        for w in views:
            rs = [r for r in records if r["view"] == w
                  and r["exercise"] + (f" ({r['variant']})" if r["variant"] else "") == e]
            fr = sum(r["frames"] for r in rs)
            cells.append(f"{100 * sum(r['detected_frames'] for r in rs) / fr:.0f}%" if fr else "-")
        lines.append(f"| {e} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def report(index: dict) -> str:
    """The markdown kept in bench/results/synth_set.md (tables only; the README says what they mean)."""
    rs = index["clips"]
    made = index.get("made", {})
    return (f"# Synthetic stress set\n\nMade by `{index['command']}` ({len(rs)} clips, "
            f"{sum(r['frames'] for r in rs)} frames at {index['frame']['width']}x{index['frame']['height']}, "
            f"{index['frame']['fps']:g} fps; {sum(r['duration_s'] for r in rs) / 60:.0f} min of video; "
            f"render + MediaPipe: {made.get('worker_s', 0) / 60:.0f} min of worker time, "
            f"{made.get('wall_s', 0) / 60:.0f} min wall on {made.get('workers', '?')} workers).\n\n"
            f"## Clips per exercise and view\n\n{composition(rs)}\n\n"
            f"## MediaPipe (full model, VIDEO mode, no smoothing): frames with a pose\n\n{detection_table(rs)}\n\n"
            f"By exercise and view:\n\n{detection_matrix(rs)}\n\n"
            "Notes. \"truth held s\" sums the truth's holds: the holds of hold exercises, and for rep exercises the "
            "held top of each rep (tops of 1.5 s or more). Camera heights are confounded with views: end-on views "
            "of floor work (front, feet, head) are never low, so mid holds most of the hard end-on clips. "
            "\"Worker time\" is wall time inside the two worker processes on a shared, busy machine (load 5-13 "
            "on 2 cores), not CPU time; 7 clips from an interrupted first run have no timings.\n")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", choices=sorted(SETS), default="stress",
                    help="stress (default: seed 9, 8 per item, for reporting only) or synth_dev (seed 23, 3 per "
                         "item, in ~/.cache/posecoach/synth_dev: the synthetic set parameters may be tuned on)")
    ap.add_argument("--out", type=Path, default=None,
                    help=f"folder for the set (default {DEFAULT_OUT}, or $POSECOACH_SYNTH_STRESS, for the stress set)")
    ap.add_argument("--seed", type=int, default=None, help="plan seed (default: the set's, 9 for stress)")
    ap.add_argument("--per-item", type=int, default=None,
                    help="clips per exercise/variant (default: the set's, 8 for stress: 160 clips)")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="clips rendered at once (all cores)")
    ap.add_argument("--nice", type=int, default=10, help="niceness of the workers (default 10)")
    ap.add_argument("--limit", type=int, default=None, help="only the first N clips of the plan (a trial run)")
    ap.add_argument("--plan-only", action="store_true", help="write plan.json and stop")
    ap.add_argument("--report", type=Path, default=None,
                    help="also write the composition and detection tables as markdown here "
                         "(e.g. bench/results/synth_set.md)")
    ap.add_argument("--report-only", action="store_true", help="rewrite --report from an existing index.json")
    args = ap.parse_args()
    from tqdm import tqdm

    named = SETS[args.set]
    if args.out is None:
        args.out = Path(os.environ.get("POSECOACH_SYNTH_STRESS", DEFAULT_OUT)) if args.set == "stress" \
            else named["out"]
    args.seed = named["seed"] if args.seed is None else args.seed
    args.per_item = named["per_item"] if args.per_item is None else args.per_item

    out = args.out.expanduser()
    if args.report_only:
        args.report.write_text(report(json.loads((out / "index.json").read_text())))
        return 0
    clips = out / "clips"
    clips.mkdir(parents=True, exist_ok=True)
    plan = make_plan(args.seed, args.per_item)
    cmd = shlex.join(["python", "bench/make_synth_set.py", "--out", str(args.out), "--seed", str(args.seed),
                      "--per-item", str(args.per_item)])
    (out / "plan.json").write_text(json.dumps({"version": PLAN_VERSION, "command": cmd, "frame": FRAME,
                                               "clips": plan}, indent=1))
    print(f"{len(plan)} clips planned in {out / 'plan.json'}; {planned_seconds(plan):.0f} s of video")
    if args.plan_only:
        return 0
    todo = plan[:args.limit] if args.limit else plan
    # Round-robin over exercises (the k-th clip of every exercise/variant before any (k+1)-th), so that a run cut
    # short by the clock still leaves a set that covers every exercise, not the first few exercises completely.
    rank: dict[str, int] = {}
    order = []
    for c in todo:
        key = c["options"]["exercise"] + str(c["options"]["variant"])
        order.append((rank.get(key, 0), len(order), c))
        rank[key] = rank.get(key, 0) + 1
    todo = [c for _, _, c in sorted(order, key=lambda t: t[:2])]
    # Earlier runs' records stay (with their timings) unless their clip is re-rendered; written after every clip,
    # so an interrupted run leaves a usable index of what is done ("complete": false until all are).
    old = {}
    if (out / "index.json").exists():
        old = {r["id"]: r for r in json.loads((out / "index.json").read_text())["clips"]}
    done: dict[str, dict] = {}
    t0 = time.perf_counter()

    def write_index(complete: bool) -> dict:
        recs = [done[c["id"]] for c in plan if c["id"] in done]
        made = {"wall_s": round(time.perf_counter() - t0, 1), "workers": args.workers,
                "worker_s": round(sum((r["render_s"] or 0.0) + r["extract_s"] for r in recs), 1)}
        index = {"version": PLAN_VERSION, "command": cmd, "frame": FRAME, "complete": complete,
                 "planned": len(plan), "made": made, "clips": recs}
        tmp = out / "index.json.part"
        tmp.write_text(json.dumps(index, indent=1))
        tmp.replace(out / "index.json")
        return index

    import multiprocessing as mp

    # spawn: MediaPipe's landmarker must not inherit a forked copy of another process's threads
    with ProcessPoolExecutor(args.workers, mp_context=mp.get_context("spawn")) as pool:
        futs = [pool.submit(_work, c, clips, args.nice) for c in todo]
        with tqdm(total=len(futs), unit="clip", desc="stress set") as bar:
            for f in as_completed(futs):
                r = f.result()
                if r["render_s"] is None and r["id"] in old:  # skipped: keep the first run's timings
                    r["render_s"], r["extract_s"] = old[r["id"]]["render_s"], old[r["id"]]["extract_s"]
                done[r["id"]] = r
                write_index(False)
                bar.set_postfix_str(f"{r['id'][:28]} det {r['detection_rate']:.0%}")
                bar.update()
    index = write_index(len(done) == len(plan))
    records = index["clips"]
    wall, cpu = index["made"]["wall_s"], index["made"]["worker_s"]
    if args.report:
        args.report.write_text(report(index))
    print(detection_table(records))
    print(f"{len(records)} clips, {sum(r['frames'] for r in records)} frames; wall {wall:.0f} s, "
          f"worker time {cpu:.0f} s; index: {out / 'index.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
