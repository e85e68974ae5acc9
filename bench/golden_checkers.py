"""Golden output of every checker, to prove a refactoring of the engine changes no behaviour.

    PYTHONPATH=$PWD python bench/golden_checkers.py --out /tmp/golden_before.json [--no-real] [--no-synth]
    ... change the engine ...
    PYTHONPATH=$PWD python bench/golden_checkers.py --out /tmp/golden_after.json
    cmp /tmp/golden_before.json /tmp/golden_after.json

Runs ``make_checker(exercise)`` over
  * the hand-scripted sequences of ``tests/synthetic.py`` (every scenario the checker tests use, under their
    three conditions, plus the hamstring variants, and the same scenarios cut in the middle with and without
    the per-frame step's cut detection and One Euro smoothing),
  * ``posecoach.synth.landmarks.generate`` for every exercise id at several seeds, views and noise levels,
  * every labelled real clip in ../shared/videos whose landmarks are already cached (never extracts; the list
    of clips used is written to the output, so two runs can only be equal on the same clips; ``--clips``
    takes the clip list of an earlier output to run exactly those).
For each sequence it writes the full ``SessionResult`` (every Rep, Hold, FormFault and Cue with its times) and
a SHA-256 of the per-frame ``Feedback`` stream (phase, counts, hold times, progress and key value rounded to
1e-9, side, cue, joints, events). The JSON is written with sorted keys so equal behaviour is equal bytes.
"""
from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import math
import sys
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from posecoach.exercises import list_exercises, make_checker  # noqa: E402
from posecoach.pose import Pose, PoseFrame  # noqa: E402

DEFAULT_VIDEOS = ROOT.parent / "shared" / "videos"


def _r(x: float) -> float | str:
    """A float rounded to 1e-9, or a tag for NaN / inf (so the JSON stays strict and comparable)."""
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return round(x, 9)


def _plain(obj):
    """Dataclasses, tuples and floats as JSON-ready values (floats rounded as in ``_r``)."""
    if dataclasses.is_dataclass(obj):
        d = {"_type": type(obj).__name__}
        d.update({f.name: _plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)})
        return d
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, float):
        return _r(obj)
    return obj


def _feedback_row(fb) -> list:
    cue = None if fb.cue is None else [_r(fb.cue.time), fb.cue.text, fb.cue.kind, fb.cue.priority]
    joints = [[j.name, _r(j.value), j.status, list(j.landmarks)] for j in fb.joints]
    return [_r(fb.time), fb.phase, fb.reps, fb.partial_reps, _r(fb.hold_seconds), _r(fb.hold_total), fb.holding,
            fb.side, cue, joints, bool(fb.in_position), _r(fb.key_value), _r(fb.progress), fb.variant,
            _plain(list(fb.events))]


def run_one(exercise: str, frames, **settings) -> dict:
    checker = make_checker(exercise, **settings)
    h = hashlib.sha256()
    phases: dict[str, int] = {}
    for f in frames:
        fb = checker.update(f)
        h.update(json.dumps(_feedback_row(fb), sort_keys=True).encode())
        phases[fb.phase] = phases.get(fb.phase, 0) + 1
    result = checker.finish()
    return {"exercise": exercise, "frames": len(frames), "phases": phases, "feedback_sha256": h.hexdigest(),
            "result": _plain(result), "complete_reps": result.complete_reps, "partial_reps": result.partial_reps,
            "hold_seconds": _r(result.hold_seconds)}


# ------------------------------------------------------------------------------------------ scripted (tests)
def _moved(frame: PoseFrame, dx: float, zoom: float) -> PoseFrame:
    img = frame.pose.image.copy()
    c = img[:, :2].mean(axis=0)
    img[:, :2] = c + (img[:, :2] - c) * zoom
    img[:, 0] += dx
    return PoseFrame(frame.index, frame.timestamp, Pose(img, frame.pose.visibility, frame.timestamp,
                                                        frame.pose.image_size))


def _cut(frames, t_cut: float):
    return [_moved(f, 0.3, 0.8) if f.pose is not None and f.timestamp >= t_cut else f for f in frames]


def _one_euro(frames):
    from posecoach.frame_step import FrameStep  # cuts found on raw poses, then One Euro: the pipeline's own step

    step = FrameStep(None, "one_euro")
    return [step(f).frame for f in frames]


def scripted_sequences():
    import test_exercises_synthetic as tes
    from synthetic import render

    for exercise, make in tes.SCENARIOS.items():
        for cond, opts in tes.CONDITIONS.items():
            script = make()
            seed = zlib.crc32(f"{exercise}/{cond}".encode()) % 1000
            frames = render(script, seed=seed, **opts)
            yield f"scripted/{exercise}/{cond}", exercise, frames
            if cond == "noisy":
                # a cut at 55% of the clip: seen by the checker alone (raw) and flagged by the smoother
                t_cut = 0.55 * frames[-1].timestamp
                yield f"scripted/{exercise}/cut_raw", exercise, _cut(frames, t_cut)
                yield f"scripted/{exercise}/cut_one_euro", exercise, _one_euro(_cut(frames, t_cut))
    for name, (exercise, make, _variant) in tes.VARIANTS.items():
        frames = render(make(), seed=3, noise=0.003, jitter=0.02, dropouts=1, vis_dips=0)
        yield f"scripted/{name}", exercise, frames


# ----------------------------------------------------------------------------------------- posecoach.synth
def synth_sequences():
    from posecoach.synth.landmarks import LandmarkNoise, generate

    noisy = dataclasses.replace(LandmarkNoise.realistic(), spike=0.002, swap=0.01)
    plans = [("side", 1, "none", LandmarkNoise()), ("side", 2, "realistic", LandmarkNoise.realistic()),
             ("oblique", 3, "realistic", LandmarkNoise.realistic()), ("front", 4, "spikes_swaps", noisy)]
    for spec in list_exercises():
        for view, seed, noise_name, noise in plans:
            try:
                frames, _truth = generate(spec.id, view=view, seed=seed, noise=noise)
            except ValueError as e:  # a view the synthesiser does not support for this exercise
                yield f"synth/{spec.id}/{view}/s{seed}/{noise_name}", spec.id, None, str(e)
                continue
            yield f"synth/{spec.id}/{view}/s{seed}/{noise_name}", spec.id, frames, None


# -------------------------------------------------------------------------------------------- real clips
def real_sequences(videos: Path, clips: list[str] | None):
    from bench_reps import cached_frames, checker_ids, load_labels

    ids = checker_ids()
    for lab in load_labels(videos):
        if lab["exercise"] not in ids or (clips is not None and lab["clip"] not in clips):
            continue
        frames = cached_frames(videos / lab["clip"], "one_euro", cached_only=True)
        if frames is None:
            if clips is not None:
                raise SystemExit(f"{lab['clip']} was cached for the earlier run but is not now")
            continue
        yield f"real/{lab['clip']}", lab["exercise"], frames


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--videos", type=Path, default=DEFAULT_VIDEOS)
    ap.add_argument("--no-real", action="store_true")
    ap.add_argument("--no-synth", action="store_true", help="skip both synthetic sets")
    ap.add_argument("--clips", type=Path, help="an earlier output: run exactly its real clips")
    args = ap.parse_args(argv)

    out: dict = {"sequences": {}, "real_clips": []}
    t0 = time.perf_counter()
    if not args.no_synth:
        for key, exercise, frames in scripted_sequences():
            out["sequences"][key] = run_one(exercise, frames)
        print(f"scripted: done in {time.perf_counter() - t0:.0f} s", flush=True)
        for key, exercise, frames, err in synth_sequences():
            out["sequences"][key] = {"skipped": err} if frames is None else run_one(exercise, frames)
        print(f"synth: done in {time.perf_counter() - t0:.0f} s", flush=True)
    if not args.no_real:
        clips = None
        if args.clips:
            clips = json.loads(args.clips.read_text())["real_clips"]
        for key, exercise, frames in real_sequences(args.videos, clips):
            out["sequences"][key] = run_one(exercise, frames)
            out["real_clips"].append(key.removeprefix("real/"))
            print(f"{key} {out['sequences'][key]['complete_reps']} reps "
                  f"{out['sequences'][key]['hold_seconds']} s", flush=True)
    n = {k: sum(1 for s, v in out["sequences"].items() if s.startswith(k) and "skipped" not in v)
         for k in ("scripted/", "synth/", "real/")}
    print(f"sequences: {n} in {time.perf_counter() - t0:.0f} s", flush=True)
    args.out.write_text(json.dumps(out, sort_keys=True, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
