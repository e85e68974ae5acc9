"""Fill the landmark cache for every labelled clip in ../shared/videos (run once before the benchmarks).

    python bench/extract_landmarks.py [--videos ../shared/videos] [--only SUBSTRING]

Prints one line per clip: frames, frames with a person, seconds, frames per second.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from posecoach.landmark_cache import load_landmarks


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--videos", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared" / "videos")
    ap.add_argument("--only", default="", help="only clips whose path contains this")
    args = ap.parse_args()
    labels = json.loads((args.videos / "labels.json").read_text())
    clips = [l["clip"] for l in labels if args.only in l["clip"]]
    print(f"{'clip':60} {'frames':>7} {'found':>6} {'sec':>6} {'fps':>6}")
    for c in clips:
        t0 = time.perf_counter()
        frames = load_landmarks(args.videos / c, smoothing="none")
        dt = time.perf_counter() - t0
        found = sum(f.pose is not None for f in frames)
        print(f"{c:60} {len(frames):7d} {found:6d} {dt:6.1f} {len(frames) / max(dt, 1e-9):6.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
