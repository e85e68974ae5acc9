"""The command line as a user meets it: real processes, exit codes, one-line errors."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

cv2 = pytest.importorskip("cv2")

from conftest import shared_clip  # noqa: E402


def run(*args, env=None, timeout=300):
    e = dict(os.environ)
    e.pop("DISPLAY", None)
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "posecoach", *args], capture_output=True, text=True,
                          timeout=timeout, env=e, stdin=subprocess.DEVNULL)


def one_line_error(proc):
    lines = [l for l in proc.stderr.splitlines() if l.strip()]
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("posecoach: error:"), proc.stderr
    assert "Traceback" not in proc.stderr
    return lines[0]


def test_help_explains_every_command():
    p = run("--help")
    assert p.returncode == 0
    for cmd in ("analyze", "live", "exercises", "models", "synth", "demo"):
        assert cmd in p.stdout


def test_missing_file(tmp_path):
    p = run("analyze", str(tmp_path / "nope.mp4"))
    assert p.returncode == 2
    assert "no such file" in one_line_error(p)


def test_file_that_is_not_a_video(tmp_path):
    f = tmp_path / "notes.mp4"
    f.write_text("these are my notes, not a video")
    p = run("analyze", str(f))
    assert p.returncode == 2
    assert "not a video" in one_line_error(p)


def _tiny_video(path, n=15):
    w = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 15.0, (160, 120))
    for i in range(n):
        w.write(np.full((120, 160, 3), 100 + i, np.uint8))
    w.release()
    return path


def test_unknown_exercise_lists_the_valid_ones(tmp_path):
    p = run("analyze", str(_tiny_video(tmp_path / "a.avi")), "--exercise", "moonwalk")
    assert p.returncode == 2
    line = one_line_error(p)
    assert "moonwalk" in line and "glute_bridge" in line


WALL_SIT = """id = "wall_sit"
name = "Wall sit"
kind = "hold"
description = "Back against a wall, slide down, hold."
measure = {kind = "angle", a = "hip", b = "knee", c = "ankle"}
start = 170.0
top = 100.0
target_hold = 20.0
"""


def test_exercises_check_validates_a_file(tmp_path):
    good = tmp_path / "wall_sit.toml"
    good.write_text(WALL_SIT)
    p = run("exercises", "--check", str(good))
    assert p.returncode == 0 and "ok: wall_sit (Wall sit), hold" in p.stdout, p.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text(WALL_SIT.replace('kind = "angle"', 'kind = "angel"'))
    p = run("exercises", "--check", str(bad))
    assert p.returncode == 2
    line = one_line_error(p)
    assert "bad.toml" in line and "unknown measure kind 'angel'" in line and "line_offset" in line


def test_analyze_follows_an_exercise_file(tmp_path):
    ex = tmp_path / "wall_sit.toml"
    ex.write_text(WALL_SIT)
    rep = tmp_path / "r.json"
    p = run("analyze", str(_tiny_video(tmp_path / "a.avi")), "--exercise-file", str(ex), "-r", str(rep),
            "--no-cache")
    assert p.returncode in (0, 6), p.stderr  # 6: nobody in this grey video, which is fine here
    report = json.loads(rep.read_text())
    assert report["exercise"] == "wall_sit" and report["target_hold"] == 20.0 and report["kind"] == "hold"
    ex.write_text(WALL_SIT.replace("start = 170.0\n", ""))
    p = run("analyze", str(tmp_path / "a.avi"), "--exercise-file", str(ex))
    assert p.returncode == 2 and "missing required field 'start'" in one_line_error(p)


def test_no_camera_is_one_line_and_nonzero():
    p = run("live", "--camera", "7", "--no-display", timeout=60)
    assert p.returncode == 4
    assert "no camera" in one_line_error(p)


def test_no_camera_is_reported_before_no_display():
    p = run("live", "--camera", "7", timeout=60)  # run() clears DISPLAY: neither a camera nor a screen
    assert p.returncode == 4
    assert "no camera" in one_line_error(p)


def test_live_window_without_display_says_so(tmp_path):
    p = run("live", "--camera", str(_tiny_video(tmp_path / "a.avi")), timeout=60)
    assert p.returncode == 4
    assert "display" in one_line_error(p)


def test_live_loop_runs_end_to_end_on_a_file_without_display(tmp_path):
    sess = tmp_path / "sess"
    p = run("live", "--camera", str(_tiny_video(tmp_path / "a.avi", n=20)), "--no-display",
            "--session-dir", str(sess), timeout=120)
    assert p.returncode == 0, p.stderr
    summary = json.loads((sess / "summary.json").read_text())
    assert summary["frames"] == 20 and summary["ended_by"] == "end of source"


@pytest.mark.realvideo
def test_analyze_real_clip_writes_playable_annotated_video_and_report(tmp_path):
    clip = shared_clip("glute_bridge/fitness_gem__glute_bridge.mp4")
    out, rep = tmp_path / "annotated.mp4", tmp_path / "r.json"
    p = run("analyze", str(clip), "--out", str(out), "--report", str(rep), "-q")
    assert p.returncode == 0, p.stderr
    report = json.loads(rep.read_text())
    assert report["frames"] == 145 and report["detection_rate"] > 0.9
    cap = cv2.VideoCapture(str(out))
    n = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
    ok, img = cap.read()
    cap.release()
    assert ok and n == 145
    # The skeleton is drawn: the annotated frame differs from the source frame.
    src = cv2.VideoCapture(str(clip))
    _, raw = src.read()
    src.release()
    assert np.abs(img.astype(int) - raw.astype(int)).mean() > 0.5

    # A second analysis with the same model reads the landmark cache instead of running the model.
    p2 = run("analyze", str(clip), "--json", "-q")
    assert json.loads(p2.stdout)["landmarks_from_cache"] is True


def test_the_summary_never_says_more_shallow_time_than_was_held():
    """Holds' seconds are rounded one by one; their sum may pass the total's rounding (10.85 s held, all of it at
    the person's own depth, read "held 10.8 s ... (10.9 s of it less deep ...)")."""
    from posecoach.commands.analyze import _print_summary

    holds = [{"start": 0.0, "end": 2.65, "seconds": 2.65, "grade": "shallow"},
             {"start": 5.0, "end": 7.65, "seconds": 2.65, "grade": "shallow"},
             {"start": 9.0, "end": 11.75, "seconds": 2.75, "grade": "shallow"},
             {"start": 14.0, "end": 16.8, "seconds": 2.8, "grade": "shallow"}]
    report = {"video": "v.mp4", "frames": 10, "duration": 20.0, "fps": 8.0, "detection_rate": 1.0,
              "timings": {"fps": 100, "wall": 1.0, "inference": 0.0, "decode": 0.0, "drawing": 0.0},
              "landmarks_from_cache": True, "exercise": "knee_to_chest", "kind": "mixed", "reps": 4,
              "hold_seconds": 10.849999999, "holds": holds}
    lines = []
    _print_summary(report, None, print=lines.append)
    assert "knee_to_chest: 4 reps, held 10.8 s, all of it less deep than the exercise asks" in lines
    report["holds"] = holds[:2] + [dict(h, grade="full") for h in holds[2:]]
    lines = []
    _print_summary(report, None, print=lines.append)
    assert "knee_to_chest: 4 reps, held 10.8 s in correct posture (5.3 s of it less deep than the exercise asks)" \
        in lines
