"""Regression over the labelled real clips in ../shared/videos (labels.json).

By default only three very short clips run (their landmarks come from the landmark cache, or are extracted
once, a few seconds each). The full benchmark over every labelled clip is ``-m slow``; it asserts floors at
the accuracy measured when it was written (see bench/results/reps.md), so a change that loses accuracy fails.
"""
from __future__ import annotations

import json
import sys

import pytest

from conftest import REPO, SHARED_VIDEOS

pytestmark = pytest.mark.realvideo

sys.path.insert(0, str(REPO / "bench"))


def _labels() -> dict:
    path = SHARED_VIDEOS / "labels.json"
    if not path.exists():
        pytest.skip(f"{SHARED_VIDEOS} is absent on this machine: no labelled real clips")
    return {lab["clip"]: lab for lab in json.loads(path.read_text())}


def _run(clip: str):
    from posecoach.exercises import make_checker
    from posecoach.landmark_cache import load_landmarks

    lab = _labels()[clip]
    frames = load_landmarks(SHARED_VIDEOS / clip)
    checker = make_checker(lab["exercise"])
    for f in frames:
        checker.update(f)
    return lab, checker.finish()


@pytest.mark.parametrize("clip", [
    "squat/kaiakol-computervision__squat_correct_007.mp4",
    "pushup/kaiakol-computervision__pushup_correct_001.mp4",
])
def test_short_rep_clip_counts_exactly(clip):
    lab, result = _run(clip)
    assert result.complete_reps == lab["reps"]


def test_short_plank_hold_within_15_percent():
    lab, result = _run("plank/kaiakol-computervision__plank_correct_001.mp4")
    truth = sum(e - s for s, e in lab["holds"])
    assert abs(result.hold_seconds - truth) <= 0.15 * truth
    assert result.complete_reps == 0


@pytest.mark.slow
def test_benchmark_floors():
    import bench_reps

    labels = list(_labels().values())
    rows = bench_reps.evaluate(labels, SHARED_VIDEOS, "one_euro", cached_only=False, only=None)
    tot = bench_reps.totals(rows)
    assert tot["rep_clips"] == 48 and tot["hold_clips"] == 20
    # the targets (80 % exact, 95 % within one, 80 % of holds within 15 %), all met as of 2026-11-21
    # (81 % / 96 % / 85 %): a regression below a target fails here
    assert tot["exact"] >= 0.80
    assert tot["within_one"] >= 0.95
    assert tot["hold_within_15"] >= 0.80
