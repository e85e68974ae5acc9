"""A hold ends where the posture leaves tolerance (a plank dropping to the knees), and its cue goes with it."""
from __future__ import annotations

import json
from pathlib import Path

from posecoach.exercises import make_checker
from posecoach.exercises.cue_board import CueBoard
from posecoach.exercises.events import Cue
from posecoach.landmark_cache import load_landmarks

SAMPLES = Path(__file__).resolve().parents[1] / "sample_videos"


def test_withdrawn_cue_leaves_the_screen_at_once():
    board = CueBoard()
    cue = Cue(1.0, "Good, hold it. Keep breathing.", "info", 1)
    board.say(cue)
    assert board.current(1.5) is cue
    board.withdraw(cue)
    assert board.current(1.6) is None
    board.withdraw(None)  # nothing on screen: nothing happens


def test_plank_hold_stops_when_the_knees_go_down_and_its_cue_goes_too(tmp_path, monkeypatch):
    """The bundled plank sample starts and ends on the knees: only the time on the toes is hold time (this read
    10.1 s against 8.0 s true while the knees-down plank still counted)."""
    monkeypatch.setenv("POSECOACH_CACHE", str(tmp_path))
    clip = SAMPLES / "plank_side.mp4"
    truth = json.loads(clip.with_suffix(".truth.json").read_text())
    frames = load_landmarks(clip, smoothing="one_euro")
    checker = make_checker("plank")
    feedback = [checker.update(f) for f in frames]
    result = checker.finish()
    true_hold = sum(h["end"] - h["start"] for h in truth["holds"])
    assert abs(result.hold_seconds - true_hold) <= 0.10 * true_hold, (result.holds, truth["holds"])
    end = max(h.end for h in result.holds)
    late = [fb for fb in feedback if fb.time > end + 0.2 and fb.cue is not None and "hold it" in fb.cue.text]
    assert not late, f"'{late[0].cue.text}' still on screen at {late[0].time:.2f} s after the hold ended at {end:.2f} s"
