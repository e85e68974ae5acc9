"""The programme's switch watch on the labelled real clips: wrong offers while the exercise on screen is done,
offers of the exercise really done while another is on screen, and the watch's cost per frame.

    python bench/bench_switch.py [--videos ../shared/videos] [--loop 60] [--out bench/results/switch.md]

Every cached labelled clip of a supported exercise E (never trained on) is looped to --loop seconds, as
`posecoach start --camera clip --loop` would play it, smoothed as live, and watched three ways:
- "shown = E": E's checker on screen, every other exercise still to do. Any offer is wrong.
- "shown = A" for two other exercises A (squat, else glute bridge; knee to chest, else cat-cow): E is to do.
  An ask for E is right; an ask or note for anything else is wrong.
The recogniser runs once per looped clip; each threshold setting then replays SwitchWatch.decide over the
recorded (time, recognition, counted) sequences, so the grid costs no extra model time. Cost: CPU time of the
watch per frame (the recogniser and the rule, as the live loop calls them) next to the frame step with the
checker, on the same frames.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_recognition import cached_landmarks  # noqa: E402
from machine import describe  # noqa: E402

from posecoach.exercises import list_exercises, make_checker  # noqa: E402
from posecoach.frame_step import FrameStep  # noqa: E402
from posecoach.pose import PoseFrame  # noqa: E402
from posecoach.programme.switch import (MIN_CONFIDENCE, QUIET, SUSTAIN, SwitchWatch, Thresholds,  # noqa: E402
                                        shown_exercise_counted)
from posecoach.recognition.model import load_model  # noqa: E402
from posecoach.recognition.stream import Recogniser  # noqa: E402

GRID = [(c, s, q) for c in (0.5, 0.6, 0.7, 0.8) for s in (2.0, 4.0, 6.0) for q in (8.0, 12.0)]


def looped(frames: list[PoseFrame], seconds: float) -> list[PoseFrame]:
    """The clip replayed until ``seconds`` (index and time keep counting, as live/stand_ins.LoopedSource)."""
    if not frames:
        return []
    dt = (frames[-1].timestamp - frames[0].timestamp) / max(1, len(frames) - 1) or 1 / 30
    out, offset = [], 0.0
    while not out or out[-1].timestamp < seconds:
        for f in frames:
            out.append(PoseFrame(len(out), offset + f.timestamp, f.pose))
        offset = out[-1].timestamp + dt
    return out


def partners(e: str) -> list[str]:
    return ["squat" if e != "squat" else "glute_bridge", "knee_to_chest" if e != "knee_to_chest" else "cat_cow"]


def any_count(fb, last):
    """The literal rule: the checker's numbers moved at all (any rep or attempt, whoever counted it, or a hold)."""
    now = (fb.reps, fb.partial_reps)
    return now != last or fb.holding, now


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--videos", type=Path, default=ROOT.parent / "shared" / "videos")
    ap.add_argument("--loop", type=float, default=60.0)
    ap.add_argument("--out", type=Path, default=None)
    a = ap.parse_args(argv)
    model = load_model()
    supported = {s.id for s in list_exercises()}
    labels = [lab for lab in json.loads((a.videos / "labels.json").read_text()) if lab["exercise"] in supported]
    scen = []  # (clip, exercise, shown, times, recognitions, counted (chosen rule), counted (any count))
    cost = {"watch": [], "step": []}
    t_all = time.time()
    for lab in labels:
        raw = cached_landmarks(a.videos / lab["clip"], fill=False)
        if not raw:
            continue
        frames = looped(raw, a.loop)
        e = lab["exercise"]
        for shown in [e] + partners(e):
            step = FrameStep(make_checker(shown), "one_euro")
            results = []
            c0 = time.process_time()
            for f in frames:
                results.append(step(f))
            c1 = time.process_time()
            if shown == e:
                # the watch as the live loop runs it: recogniser + rule, on the smoothed frames
                watch = SwitchWatch(supported, Recogniser(model))
                watch.start_set(frames[0].timestamp)
                pending = supported - {e}
                recs = []
                w0 = time.process_time()
                for r in results:
                    counted = shown_exercise_counted(r.feedback)
                    watch(r.frame, e, pending, counted)
                w1 = time.process_time()
                cost["watch"].append((w1 - w0) / len(frames) * 1000)
                cost["step"].append((c1 - c0) / len(frames) * 1000)
                rec = Recogniser(model)  # the same answers again, kept for the grid
                recs = [rec(r.frame) for r in results]
            last, anyc = (0, 0), []
            for r in results:
                c, last = any_count(r.feedback, last)
                anyc.append(c)
            scen.append((lab["clip"], e, shown, [r.timestamp for r in results], recs,
                         [shown_exercise_counted(r.feedback) for r in results], anyc))
        print(f"{e:20s} {lab['clip']:60s} {len(frames)} frames", flush=True)
    print(f"ran in {time.time() - t_all:.0f} s", flush=True)

    def evaluate(th: Thresholds, rule: int):
        wrong_same = secs_same = 0.0
        asked_right, wrong_other, n_other, delays = 0, 0, 0, []
        for _clip, e, shown, times, recs, counted, anyc in scen:
            w = SwitchWatch(supported, None, th)
            w.start_set(times[0])
            pending = supported - {shown}
            cs = counted if rule == 0 else anyc
            offers = [o for t, r, c in zip(times, recs, cs) if (o := w.decide(t, r, shown, pending, c))]
            if shown == e:
                secs_same += times[-1] - times[0]
                wrong_same += len(offers)
            else:
                n_other += 1
                right = [o for o in offers if o.exercise == e]
                wrong_other += len(offers) - len(right)
                if right:
                    asked_right += 1
                    delays.append(right[0].at - times[0])
        return wrong_same, secs_same, asked_right, n_other, wrong_other, delays

    lines = ["# The programme's switch watch on the real labelled clips", "",
             f"`python bench/bench_switch.py --loop {a.loop:g} --out bench/results/switch.md` on {describe()}.", "",
             f"{len({s[0] for s in scen})} cached labelled clips of supported exercises (../shared/videos, never "
             f"trained on), each looped to {a.loop:g} s. \"Shown = E\": the clip's own exercise on screen, so "
             "any offer is wrong. \"Shown = other\": squat (glute bridge for squat clips) or knee to chest (cat-cow "
             "for knee-to-chest clips) on screen with the clip's exercise still to do: the right offer is an ask "
             "for the clip's exercise. Seconds to ask are from the start of the set.", ""]
    hdr = ("| min confidence | sustain s | quiet s | wrong offers, shown = E (per hour) | shown = other: right ask | "
           "wrong offers there | median s to ask |")
    sep = "|---:|---:|---:|---:|---:|---:|---:|"

    def row(th, rule):
        ws, ss, ar, no, wo, d = evaluate(th, rule)
        return (f"| {th.min_confidence:g} | {th.sustain:g} | {th.quiet:g} | {ws:.0f} ({ws / ss * 3600:.1f}) | "
                f"{ar}/{no} ({100 * ar / max(no, 1):.0f}%) | {wo} | {np.median(d) if d else float('nan'):.1f} |")

    chosen = Thresholds(MIN_CONFIDENCE, SUSTAIN, QUIET)
    lines += ["## The chosen thresholds, and the rule for \"the checker counted nothing\"", "", hdr, sep,
              row(chosen, 0) + " counted = a rep by the checker's own rules with its posture gate open, or a hold "
              "(shipped)",
              row(chosen, 1) + " counted = any change of the checker's numbers (periodic motion included)", ""]
    lines += ["## Threshold grid (shipped counting rule)", "", hdr, sep]
    for c, s, q in GRID:
        lines.append(row(Thresholds(c, s, q), 0))
    ms = np.array(cost["watch"])
    st = np.array(cost["step"])
    lines += ["", "## Cost per frame", "",
              "CPU time (process time, the machine is shared) per frame over each looped clip, the watch as the "
              "live loop calls it (Recogniser + SwitchWatch rule) and, for scale, the frame step (One Euro "
              "smoothing + the checker) it rides on:", "",
              "| | clips | mean ms/frame | median | max over clips |", "|---|---:|---:|---:|---:|",
              f"| switch watch (recogniser + rule) | {len(ms)} | {ms.mean():.3f} | {np.median(ms):.3f} | "
              f"{ms.max():.3f} |",
              f"| frame step (smoothing + checker) | {len(st)} | {st.mean():.3f} | {np.median(st):.3f} | "
              f"{st.max():.3f} |"]
    text = "\n".join(lines) + "\n"
    print(text)
    if a.out:
        a.out.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
