"""A whole routine in one video: stitched from real and synthetic clips of different exercises with rests
between, then segmented and counted by `posecoach analyze` without --exercise.

    python bench/bench_routine.py [--work ~/.cache/posecoach/routine] [--out bench/results/routine.md]

Pieces (chosen by a fixed rule, before any result): from ../shared/videos the first clip (by name) of each
supported exercise that shows one full body for 6-25 s; and clips rendered by `posecoach synth` for exercises
the real ones do not cover. Every piece is letterboxed to 640x360 at 15 fps; between pieces 4 s of an empty
frame (the person steps away). Each piece is also written alone, and `analyze --exercise` on it gives the count
a segment must match. Everything is written under --work (a cache folder), never into the repository.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

FPS, SIZE, GAP = 15.0, (640, 360), 4.0
SYNTH = (("back_extension", ["--reps", "3"]), ("supine_twist", ["--reps", "3"]), ("squat", ["--reps", "3"]))
# The tune half has no real cobra, forward fold or hamstring stretch: held ones are rendered instead (a long still
# hold is what the routine of all halves loses), and a supine twist.
SYNTH_TUNE = (("cobra", ["--reps", "1", "--hold", "12"]), ("forward_bend", ["--reps", "1", "--hold", "12"]),
              ("hamstring_stretch", ["--view", "front", "--hold", "12"]), ("supine_twist", ["--reps", "3"]))


def real_pieces(videos: Path, supported: set[str], limit: int, half: str = "all") -> list[tuple[str, Path]]:
    import csv

    from split import load_split

    man = {r["path"]: r for r in csv.DictReader(open(videos / "MANIFEST.tsv"), delimiter="\t")}
    halves = load_split() if half != "all" else {}
    seen, out = set(), []
    for lab in sorted(json.loads((videos / "labels.json").read_text()), key=lambda r: r["clip"]):
        e = lab["exercise"]
        dur = float(man[lab["clip"]]["duration_s"])
        if half != "all" and halves.get(lab["clip"]) != half:
            continue
        if e in supported and e not in seen and lab.get("full_body") and lab.get("people") == 1 and 6 <= dur <= 25:
            seen.add(e)
            out.append((e, videos / lab["clip"]))
    return out[:limit]


def frames_of(path: Path):
    """The clip's frames resampled to FPS and letterboxed to SIZE."""
    import cv2

    cap = cv2.VideoCapture(str(path))
    fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
    src = []
    while True:
        ok, img = cap.read()
        if not ok:
            break
        src.append(img)
    cap.release()
    n = int(len(src) / fps * FPS)
    W, H = SIZE
    for k in range(n):
        img = src[min(len(src) - 1, int(round(k / FPS * fps)))]
        h, w = img.shape[:2]
        s = min(W / w, H / h)
        small = cv2.resize(img, (int(w * s) // 2 * 2, int(h * s) // 2 * 2), interpolation=cv2.INTER_AREA)
        canvas = np.zeros((H, W, 3), np.uint8)
        y, x = (H - small.shape[0]) // 2, (W - small.shape[1]) // 2
        canvas[y:y + small.shape[0], x:x + small.shape[1]] = small
        yield canvas


def write(path: Path, frames) -> int:
    import cv2

    w = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), FPS, SIZE)
    n = 0
    for f in frames:
        w.write(f)
        n += 1
    w.release()
    return n


def analyze_json(video: Path, exercise: str | None, work: Path) -> dict:
    out = work / (video.stem + (f".{exercise}" if exercise else "") + ".json")
    # Every run analyses again (landmarks come from the cache, so this takes seconds): a piece's count alone
    # does not depend on recognition, but it does on the checkers, and a kept one went stale when they changed.
    out.unlink(missing_ok=True)  # a failed run must not leave an older result to be read
    cmd = [sys.executable, "-m", "posecoach", "analyze", str(video), "-r", str(out), "-q"]
    if exercise:
        cmd += ["-e", exercise]
    subprocess.run(cmd, check=False, cwd=ROOT, capture_output=True)
    return json.loads(out.read_text())


def main(argv=None) -> int:
    from posecoach.exercises import list_exercises

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--videos", type=Path, default=ROOT.parent / "shared" / "videos")
    ap.add_argument("--work", type=Path, default=None,
                    help="cache folder (default ~/.cache/posecoach/routine, routine_tune for --half tune)")
    ap.add_argument("--real", type=int, default=6, help="real pieces")
    ap.add_argument("--half", choices=("all", "tune", "check"), default="all",
                    help="real pieces only from this half of bench/split.json (choose on 'tune', report on 'all')")
    ap.add_argument("--synth-seed", type=int, default=5, help="seed of the rendered pieces")
    ap.add_argument("--out", type=Path, default=None)
    a = ap.parse_args(argv)
    a.work = a.work or Path.home() / ".cache" / "posecoach" / ("routine" if a.half == "all" else f"routine_{a.half}")
    a.work.mkdir(parents=True, exist_ok=True)
    supported = {e.id for e in list_exercises()}
    pieces = real_pieces(a.videos, supported, a.real, a.half)
    have = {e for e, _ in pieces}
    for e, extra in (SYNTH_TUNE if a.half == "tune" else SYNTH):
        if e in have:
            continue
        p = a.work / f"synth_{e}.mp4"
        if not p.is_file():
            subprocess.run([sys.executable, "-m", "posecoach", "synth", e, "-o", str(p), "--seed", str(a.synth_seed),
                            "--workers", "1", "--quiet", *extra], check=True, cwd=ROOT)
        pieces.append((e, p))
    # Alternate lying / standing / kneeling pieces as a routine would; keep the rule simple: the given order.
    rows, t = [], 0.0
    blank = np.full((SIZE[1], SIZE[0], 3), 40, np.uint8)
    all_frames = []
    for i, (e, src) in enumerate(pieces):
        piece = a.work / f"piece{i:02d}_{e}.mp4"
        fr = list(frames_of(src))
        if not piece.is_file():
            write(piece, fr)
        start = t
        t += len(fr) / FPS
        rows.append({"exercise": e, "source": src.name, "piece": piece, "start": start, "end": t})
        all_frames += fr
        all_frames += [blank] * int(GAP * FPS)
        t += GAP
    routine = a.work / "routine.mp4"
    write(routine, all_frames)
    for r in rows:
        alone = analyze_json(r["piece"], r["exercise"], a.work)
        r["alone_reps"], r["alone_hold"] = alone.get("reps", 0), alone.get("hold_seconds", 0.0)
    rep = analyze_json(routine, None, a.work)
    segs = rep.get("segments", [])
    lines = ["# A recorded routine, segmented and counted" if a.half == "all" else
             f"# A recorded routine from the {a.half} half, segmented and counted (for choosing; the report is "
             "routine.md)", "",
             f"`python bench/bench_routine.py{'' if a.half == 'all' else ' --half ' + a.half} --out "
             f"{a.out or '...'}`: {len(rows)} pieces "
             f"({sum(1 for r in rows if r['source'].startswith('synth_'))} rendered by `posecoach synth`, the rest "
             f"real clips from ../shared/videos), letterboxed to {SIZE[0]}x{SIZE[1]} at {FPS:g} fps, with {GAP:g} s "
             f"of empty frame between them; {t:.0f} s in all. `posecoach analyze routine.mp4` (no --exercise) "
             "found the segments below; each piece's count is compared with `posecoach analyze piece.mp4 "
             "--exercise ID` on the same frames alone.", "",
             "| piece | exercise | true span (s) | segment found | start err | end err | reps alone | reps in "
             "routine | hold alone | hold in routine | ok |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    ok_all = True
    used = set()
    for i, r in enumerate(rows):
        cands = [(min(s["segment_end"], r["end"]) - max(s["segment_start"], r["start"]), j)
                 for j, s in enumerate(segs) if s["exercise"] == r["exercise"]]
        cands = [c for c in cands if c[0] > 0]
        if not cands:
            ok_all = False
            lines.append(f"| {i} {r['source']} | {r['exercise']} | {r['start']:.1f}-{r['end']:.1f} | none | | | "
                         f"{r['alone_reps']} | | {r['alone_hold']:.1f} | | no |")
            continue
        j = max(cands)[1]
        used.add(j)
        s = segs[j]
        es, ee = s["segment_start"] - r["start"], s["segment_end"] - r["end"]
        ok = abs(es) <= 2 and abs(ee) <= 2 and s.get("reps", 0) == r["alone_reps"]
        ok_all &= ok
        lines.append(f"| {i} {r['source']} | {r['exercise']} | {r['start']:.1f}-{r['end']:.1f} | "
                     f"{s['segment_start']:.1f}-{s['segment_end']:.1f} | {es:+.1f} | {ee:+.1f} | {r['alone_reps']} | "
                     f"{s.get('reps', 0)} | {r['alone_hold']:.1f} | {s.get('hold_seconds', 0):.1f} | "
                     f"{'yes' if ok else 'no'} |")
    extra = [s for j, s in enumerate(segs) if j not in used]
    lines += ["", f"Extra exercise segments (not matching a piece): {len(extra)}"
              + (": " + ", ".join(f"{s['exercise']} {s['segment_start']:.1f}-{s['segment_end']:.1f}" for s in extra)
                 if extra else "") + ".",
              f"All boundaries within 2 s and all counts equal: {'yes' if ok_all and not extra else 'no'}.", "",
              "Timeline (every segment, rest and other included): "
              + "; ".join(f"{s['exercise']} {s['start']:.1f}-{s['end']:.1f}" for s in rep.get("timeline", []))]
    text = "\n".join(lines) + "\n"
    print(text)
    if a.out:
        a.out.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
