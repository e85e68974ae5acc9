"""``posecoach live --auto``: the recognised exercise is checked, reps done while the recogniser made up its mind
still count, a new exercise ends the set and starts its own, and rest / other never switch."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import cv2
import pytest

from posecoach.live import run_live
from posecoach.live.auto import AutoExercise
from posecoach.pose import PoseFrame
from posecoach.recognition.stream import Recognition

SAMPLES = Path(__file__).resolve().parents[1] / "sample_videos"

pytestmark = pytest.mark.model


def _truth(name: str) -> int:
    return json.loads((SAMPLES / f"{name}.truth.json").read_text())["summary"]["complete_reps"]


def _events(folder: Path) -> list[dict]:
    return [json.loads(line) for line in (folder / "events.jsonl").read_text().splitlines() if line.strip()]


def test_the_recognised_exercise_is_counted_from_the_start(tmp_path):
    res = run_live(SAMPLES / "glute_bridge_side.mp4", None, display=False, session_dir=tmp_path / "s",
                   summary_seconds=0, auto=True)
    assert [s["exercise"] for s in res.sets] == ["glute_bridge"]
    assert res.sets[0]["reps"] == _truth("glute_bridge_side")  # the first rep came before recognition
    assert any(e["type"] == "ExerciseRecognised" for e in _events(tmp_path / "s"))
    assert res.summary["exercises"] == ["glute_bridge"]


def test_a_new_exercise_ends_the_set_and_starts_its_own(tmp_path):
    video = tmp_path / "two.mp4"
    w = None
    for name in ("squat_side", "glute_bridge_side"):
        cap = cv2.VideoCapture(str(SAMPLES / f"{name}.mp4"))
        ok, img = cap.read()
        while ok:
            if w is None:
                w = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"mp4v"), cap.get(cv2.CAP_PROP_FPS),
                                    (img.shape[1], img.shape[0]))
            w.write(img)
            ok, img = cap.read()
        cap.release()
    w.release()
    res = run_live(video, None, display=False, session_dir=tmp_path / "s", summary_seconds=0, auto=True)
    assert [s["exercise"] for s in res.sets] == ["squat", "glute_bridge"]
    assert res.sets[0]["ended"] == "another exercise recognised"
    assert all(s["reps"] >= 1 for s in res.sets)


class _Fixed:
    def __init__(self, answers):
        self.answers = iter(answers)

    def __call__(self, frame):
        return next(self.answers)


def test_rest_other_unknown_and_unsure_never_switch():
    auto = AutoExercise(_Fixed([Recognition("", 0.0), Recognition("rest", 0.9), Recognition("other", 0.9),
                                Recognition("nonsense", 0.9), Recognition("squat", 0.3), Recognition("squat", 0.8),
                                Recognition("squat", 0.9), Recognition("plank", 0.7)]))
    got = [auto(PoseFrame(i, i / 15, None)) for i in range(8)]
    assert got == [None, None, None, None, None, "squat", None, "plank"]


def test_a_cobra_whose_hips_move_with_the_shoulders_is_recognised_as_a_push_up():
    from posecoach.synth import LandmarkNoise, generate

    for exercise, want in (("pushup", "pushup"), ("cobra", "cobra")):
        frames, _ = generate(exercise, reps=4, seed=7, fps=15, noise=LandmarkNoise.realistic())
        auto = AutoExercise(_Fixed([Recognition("", 0.0)] * (len(frames) - 1) + [Recognition("cobra", 0.9)]))
        got = [auto(f) for f in frames]
        assert got[-1] == want and set(got[:-1]) == {None}


@pytest.mark.model
def test_auto_and_exercise_together_is_a_usage_error(tmp_path):
    p = subprocess.run([sys.executable, "-m", "posecoach", "live", "--camera", str(SAMPLES / "squat_side.mp4"),
                        "--auto", "-e", "squat", "--no-display"], capture_output=True, text=True, cwd=tmp_path)
    assert p.returncode == 2 and p.stderr.strip().count("\n") == 0 and "--auto" in p.stderr
