"""How well MediaPipe sees the avatar: detection rate and near-side joint error against the exact truth.

    python -m posecoach.synth.evaluate sample_videos/*.mp4     # one line per clip, then a JSON summary

Errors are in pixels of the clip's own frame, for the near-side shoulder, elbow, wrist, hip, knee and ankle
(both sides in a front view), in IMAGE mode without smoothing so every frame is judged on its own.
"""
from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from posecoach.pose import Landmark
from posecoach.synth.truth import Truth, truth_path

KEY_PARTS = ("SHOULDER", "ELBOW", "WRIST", "HIP", "KNEE", "ANKLE")


def near_joints(near_side: str) -> list[int]:
    sides = ("LEFT_", "RIGHT_") if near_side == "n/a" else ("LEFT_" if near_side == "left" else "RIGHT_",)
    return [int(Landmark[s + p]) for s in sides for p in KEY_PARTS]


@dataclass
class DetectionReport:
    clip: str
    exercise: str
    view: str
    frames: int
    detected: int
    mean_px: float  # mean near-side joint error over detected frames
    median_px: float
    p90_px: float
    per_joint_px: dict[str, float]
    swapped_frames: int  # frames where the estimate fits the truth better with left and right exchanged

    @property
    def detection_rate(self) -> float:
        return self.detected / max(self.frames, 1)


def compare(estimates: list, truth: Truth, clip: str = "") -> DetectionReport:
    """Compare per-frame estimated Poses (None = nobody found) with the truth's projected landmarks."""
    from posecoach.pose import mirror_index

    idx = near_joints(truth.near_side)
    mirror = mirror_index()
    errs, swapped = [], 0
    for i, pose in enumerate(estimates):
        if pose is None:
            continue
        est = pose.pixels()
        gt = np.asarray(truth.landmarks_px[i])
        e = np.linalg.norm(est[idx] - gt[idx], axis=1)
        e_sw = np.linalg.norm(est[mirror][idx] - gt[idx], axis=1)
        if e_sw.mean() + 5.0 < e.mean():
            swapped += 1
        errs.append(e)
    E = np.array(errs) if errs else np.full((1, len(idx)), np.nan)
    names = [Landmark(j).name.lower() for j in idx]
    return DetectionReport(
        clip=clip, exercise=truth.exercise, view=truth.options.get("view", "?"), frames=len(estimates),
        detected=len(errs), mean_px=float(np.nanmean(E)), median_px=float(np.nanmedian(E)),
        p90_px=float(np.nanpercentile(E, 90)), per_joint_px={n: round(float(np.nanmean(E[:, k])), 2)
                                                             for k, n in enumerate(names)},
        swapped_frames=swapped)


def estimate_images(images: list[np.ndarray], fps: float, mode: str = "image") -> list:
    """Run the project's estimator (no smoothing) over BGR images."""
    from posecoach.estimation import EstimatorOptions, PoseEstimator
    from posecoach.sources import Frame

    out = []
    with PoseEstimator.create_from_options(EstimatorOptions(mode=mode, smoothing="none")) as est:
        for i, img in enumerate(images):
            out.append(est.estimate(Frame(image=img, index=i, timestamp=i / fps)))
    return out


def evaluate_clip(video: str | Path, mode: str = "image") -> DetectionReport:
    import cv2

    video = Path(video)
    truth = Truth.from_json(truth_path(video))
    cap = cv2.VideoCapture(str(video))
    images = []
    while True:
        ok, img = cap.read()
        if not ok:
            break
        images.append(img)
    cap.release()
    if len(images) != truth.n_frames:
        raise RuntimeError(f"{video}: {len(images)} frames decoded, truth has {truth.n_frames}")
    return compare(estimate_images(images, truth.fps, mode), truth, clip=video.name)


def main(argv: list[str] | None = None) -> int:
    paths = (argv if argv is not None else sys.argv[1:]) or sorted(str(p) for p in Path("sample_videos").glob("*.mp4"))
    reports = []
    for p in paths:
        r = evaluate_clip(p)
        reports.append(r)
        print(f"{r.clip:34s} {r.exercise:16s} {r.view:8s} detected {r.detected:4d}/{r.frames:<4d} "
              f"({100 * r.detection_rate:5.1f}%)  near-side error mean {r.mean_px:5.1f} px, median "
              f"{r.median_px:5.1f}, p90 {r.p90_px:5.1f}; L/R swapped in {r.swapped_frames} frames", flush=True)
    total = sum(r.frames for r in reports)
    det = sum(r.detected for r in reports)
    print(json.dumps({"frames": total, "detected": det, "detection_rate": round(det / max(total, 1), 4),
                      "clips": [asdict(r) | {"detection_rate": round(r.detection_rate, 4)} for r in reports]},
                     indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
