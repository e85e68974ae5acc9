"""Exercise recognition on the labelled real clips (never trained on): accuracy per clip, exercise, view, half.

    python bench/bench_recognition.py [--videos ../shared/videos] [--model PATH] [--half tune|check|all]
                                      [--out bench/results/recognition.md] [--fill]

A clip counts as recognised when the majority label of its frames inside its labelled active spans (frames
labelled rest are left out of the vote unless nothing else is there) is its exercise. Only clips whose
exercise posecoach supports are scored; the others are listed with what they were taken for ("other" is the
right answer there). Landmarks come from the cache (bench/extract_landmarks.py); clips not cached yet are
skipped unless --fill. Also measures the live recogniser's cost per frame.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from split import load_split  # noqa: E402

from posecoach.exercises import list_exercises  # noqa: E402
from posecoach.frame_step import FrameStep  # noqa: E402
from posecoach.recognition.model import REST, load_model  # noqa: E402
from posecoach.recognition.routine import routine_segments  # noqa: E402
from posecoach.recognition.stream import Recogniser, frame_labels  # noqa: E402


def cached_landmarks(path: Path, fill: bool):
    from posecoach import landmark_cache
    from posecoach.estimation import EstimatorOptions
    from posecoach.models import resolve_model

    opts = EstimatorOptions()
    if not fill and not landmark_cache.check(landmark_cache.cache_path(path, resolve_model(opts.model), opts)):
        return None
    return landmark_cache.load_landmarks(path, smoothing="none")  # raw: smoothed as analyze does, in the routine


def vote(frames, labels, active, times, proba, names) -> tuple[str, Counter]:
    """The majority label of the frames in the active spans, rest left out; when everything there was taken
    for rest, the label with the highest mean probability other than rest."""
    inside = lambda t: not active or any(a <= t <= b for a, b in active)  # noqa: E731
    c = Counter(lab for f, lab in zip(frames, labels) if inside(f.timestamp))
    ex = Counter({k: v for k, v in c.items() if k != REST})
    if ex:
        return ex.most_common(1)[0][0], c
    sel = np.array([inside(t) for t in times], bool)
    if not sel.any():
        return REST, c
    p = proba[sel].mean(0)
    p[names.index(REST)] = -1
    return names[int(np.argmax(p))], c


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--videos", type=Path, default=ROOT.parent / "shared" / "videos")
    ap.add_argument("--model", type=Path, default=None)
    ap.add_argument("--half", choices=("tune", "check", "all"), default="all")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--fill", action="store_true", help="run the pose model on clips missing from the cache")
    a = ap.parse_args(argv)
    model = load_model(a.model)
    supported = {e.id for e in list_exercises()}
    labels = json.loads((a.videos / "labels.json").read_text())
    split = load_split()
    rows, others, missing = [], [], []
    per_frame_ms = []
    for lab in labels:
        half = split.get(lab["clip"], "?")
        if a.half != "all" and half != a.half:
            continue
        frames = cached_landmarks(a.videos / lab["clip"], a.fill)
        if frames is None:
            missing.append(lab["clip"])
            continue
        times, proba, segs = routine_segments(frames, model=model)
        got, counts = vote(frames, frame_labels(frames, segs), lab.get("active") or [], times, proba, model.labels)
        act = lab.get("active") or []
        sel = np.array([not act or any(x <= t <= y for x, y in act) for t in times], bool)
        q = proba[sel] if sel.any() else proba
        q = np.delete(q, model.labels.index(REST), axis=1)
        names = [n for n in model.labels if n != REST]
        alt = names[Counter(np.argmax(q, 1)).most_common(1)[0][0]] if len(q) else REST
        row = {"clip": lab["clip"], "exercise": lab["exercise"], "view": lab["view"], "half": half, "got": got,
               "ok": got == lab["exercise"], "votes": dict(counts.most_common(3)), "alt_ok": alt == lab["exercise"]}
        (rows if lab["exercise"] in supported else others).append(row)
        print(f"{'ok ' if row['ok'] else 'BAD'} {half:5s} {lab['exercise']:20s} {lab['view']:8s} -> {got:20s} "
              f"{row['votes']}", flush=True)
        if len(per_frame_ms) < 5 and len(frames) > 300:
            rec = Recogniser(model)
            step = FrameStep(None, "one_euro")
            smoothed = [step(f).frame for f in frames]  # live, the recogniser is fed the smoothed frames
            # CPU time of this process: the machine is shared, and wall time would measure the neighbours.
            t0 = time.process_time()
            for f in smoothed:
                rec(f)
            per_frame_ms.append((time.process_time() - t0) / len(frames) * 1000)
    print("decision-level vote without rest:", _acc([dict(r, ok=r["alt_ok"]) for r in rows]))
    text = report(rows, others, missing, per_frame_ms)
    print(text)
    if a.out:
        a.out.write_text(text)
    return 0


def _acc(rs) -> str:
    return f"{sum(r['ok'] for r in rs)}/{len(rs)} ({100 * sum(r['ok'] for r in rs) / len(rs):.0f}%)" if rs else "-"


def report(rows, others, missing, ms) -> str:
    out = ["# Exercise recognition on the real labelled clips", "",
           "`python bench/bench_recognition.py --out bench/results/recognition.md`. The classifier is trained on "
           "synthetic landmark sequences only (bench/train_recognition.py); these clips are never trained on. "
           "A clip is recognised when the majority label of its frames inside its labelled active spans "
           "(rest left out; if all of it was taken for rest, the most probable label other than rest) is its "
           "exercise. Design choices were made on the tune half only.", "",
           "| | tune | check | all |", "|---|---|---|---|",
           f"| **all supported clips** | {_acc([r for r in rows if r['half'] == 'tune'])} | "
           f"{_acc([r for r in rows if r['half'] == 'check'])} | {_acc(rows)} |"]
    for key, title in (("exercise", "exercise"), ("view", "view")):
        groups = defaultdict(list)
        for r in rows:
            groups[r[key]].append(r)
        out += ["", f"| {title} | tune | check | all | taken for (when wrong) |", "|---|---|---|---|---|"]
        for g in sorted(groups):
            rs = groups[g]
            wrong = Counter(r["got"] for r in rs if not r["ok"])
            out.append(f"| {g} | {_acc([r for r in rs if r['half'] == 'tune'])} | "
                       f"{_acc([r for r in rs if r['half'] == 'check'])} | {_acc(rs)} | "
                       f"{', '.join(f'{k} x{v}' for k, v in wrong.most_common())} |")
    if ms:
        out += ["", f"Live recogniser cost: {np.mean(ms):.2f} ms of CPU per frame on average (max over clips "
                f"{max(ms):.2f} ms), over {len(ms)} clips at their native frame rate on this machine (2 cores "
                "shared with other jobs; CPU time, not wall time)."]
    out += ["", "## Every clip", "", "| half | clip | exercise | view | recognised as | votes |", "|---|---|---|---|---|---|"]
    for r in sorted(rows, key=lambda r: (r["half"], r["exercise"], r["clip"])):
        out.append(f"| {r['half']} | {r['clip']} | {r['exercise']} | {r['view']} | "
                   f"{'' if r['ok'] else '**'}{r['got']}{'' if r['ok'] else '**'} | {r['votes']} |")
    if others:
        n_other = sum(r["got"] == "other" for r in others)
        out += ["", "## Clips of exercises posecoach does not support (\"other\" is right)", "",
                f"Taken for \"other\" on {n_other} of {len(others)} clips; the rest were taken for the nearest "
                "supported exercise (e.g. a swimmer or quadruped leg raise for a bird dog).", "",
                "| half | clip | exercise | recognised as |", "|---|---|---|---|"]
        for r in sorted(others, key=lambda r: (r["half"], r["exercise"])):
            out.append(f"| {r['half']} | {r['clip']} | {r['exercise']} | {r['got']} |")
    if missing:
        out += ["", f"Not in the landmark cache (skipped): {len(missing)} clips."]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.exit(main())
