"""``posecoach start`` in the real window under Xvfb, end to end, with the sample clip standing in for the camera:
pain check-in (key 2), today's plan, the demonstration, counting, the rest, the second set, the pain check after
(key 1), the progression message and the summary card; screenshots of each (set POSECOACH_SCREENSHOT_DIR to keep
them). Skips with the reason when xvfb, xdotool or imagemagick are missing."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from test_live import _keep, _need, _screen_until, _seen, _start_xvfb, clip

PROGRAMME = """
title = "Window test"
[[steps]]
exercise = "glute_bridge"
reps = 2
sets = 2
rest = 3
"""


def _phases(sess: Path) -> list[dict]:
    p = sess / "events.jsonl"
    if not p.exists():
        return []
    out = []
    for line in p.read_text().splitlines():
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            pass  # a line being written
    return out


def _wait_for(sess: Path, pred, what: str, proc, timeout: float = 120.0) -> list[dict]:
    deadline = time.time() + timeout
    while time.time() < deadline:
        ev = _phases(sess)
        if pred(ev):
            return ev
        if proc.poll() is not None:
            pytest.fail(f"posecoach start ended before {what}: {proc.stderr.read()[-800:]}")
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}; last events: {[e.get('type') for e in _phases(sess)][-10:]}")


def _phase_is(name):
    return lambda ev: any(e.get("type") == "Phase" and e.get("phase") == name for e in ev)



def _press(env: dict, k: str) -> None:
    """A key pressed in the posecoach window, as a person would."""
    win = subprocess.run(["xdotool", "search", "--name", "^posecoach$"], env=env, capture_output=True,
                         text=True).stdout.split()
    assert win, "no posecoach window"
    subprocess.run(["xdotool", "key", "--window", win[0], k], env=env, check=True, timeout=10)


def _stop(proc, xvfb) -> None:
    if proc is not None and proc.poll() is None:
        proc.kill()
        proc.wait()
    xvfb.terminate()
    xvfb.wait(timeout=10)


def test_start_runs_a_whole_session_in_the_window(tmp_path):
    _need("Xvfb", "xdotool", "import")
    video = clip()
    prog = tmp_path / "window_test.toml"
    prog.write_text(PROGRAMME)
    xvfb, n = _start_xvfb()
    env = {**os.environ, "DISPLAY": f":{n}", "POSECOACH_HOME": str(tmp_path / "home")}
    sess, db = tmp_path / "session", tmp_path / "home" / "history.sqlite3"
    proc = None
    shots = {}

    def shot(name, until=None, timeout=0.0):
        """A screenshot of the window; with ``until``, taken again until the picture shows what it should (the
        screen of a phase can take a moment to appear: the first one waits for the model's start-up, and on a
        loaded machine the window may still be drawing the previous picture)."""
        time.sleep(0.6)  # let the window draw the new screen
        img = _screen_until(env, tmp_path / f"start_{name}.png", lambda im: until is None or until(im[:720, :960]),
                            timeout)[:720, :960]
        _keep(tmp_path / f"start_{name}.png")
        shots[name] = img
        return img

    def blue_frame(img):
        return (np.abs(img.astype(int) - (235, 160, 40)).max(axis=2) < 30).sum()

    def green_frame(img):
        return (np.abs(img.astype(int) - (80, 200, 60)).max(axis=2) < 30).sum()

    try:
        proc = subprocess.Popen([sys.executable, "-m", "posecoach", "start", str(prog), "--camera", str(video),
                                 "--loop", "--mute", "--session-dir", str(sess), "--demo-seconds", "5",
                                 "--plan-seconds", "3", "--summary-seconds", "60"],
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        _wait_for(sess, _phase_is("pain_before"), "the pain check-in", proc, timeout=240)
        # The card stays until a key is pressed, so the test may wait for it (150 s: the model's start-up on a
        # loaded machine comes first).
        pain = shot("1_pain_before", until=lambda im: blue_frame(im) > 1000, timeout=150)
        assert blue_frame(pain) > 1000, f"the PAIN CHECK card's blue frame is not on screen; {_seen(pain, env)}"
        _press(env, "2")
        _wait_for(sess, _phase_is("plan"), "today's plan", proc, timeout=30)
        shot("2_plan")
        _wait_for(sess, _phase_is("demo"), "the demonstration", proc, timeout=60)
        demo = shot("3_demo", until=lambda im: green_frame(im) > 300, timeout=3.0)  # the demonstration lasts 5 s
        assert green_frame(demo) > 300, f"the demonstration's green frame is not on screen; {_seen(demo, env)}"
        _wait_for(sess, _phase_is("exercise"), "the first set", proc, timeout=60)
        _wait_for(sess, lambda ev: any(e.get("type") == "Rep" for e in ev), "the first rep", proc, timeout=120)
        shot("4_counting")
        _wait_for(sess, lambda ev: any(e.get("type") == "RestStart" for e in ev), "the rest", proc, timeout=120)
        shot("5_rest")
        _wait_for(sess, _phase_is("pain_after"), "the pain check after", proc, timeout=180)
        shot("6_pain_after")
        _press(env, "1")
        _wait_for(sess, _phase_is("closing"), "the closing message", proc, timeout=30)
        closing = shot("7_progression")
        _wait_for(sess, lambda ev: (sess / "summary.json").exists(), "the summary", proc, timeout=60)
        time.sleep(1.0)
        summary_img = shot("8_summary")
        assert summary_img.mean() < demo.mean() + 40 and summary_img.std() > 10
        _press(env, "Escape")
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert "Traceback" not in err
        assert "session ended (done)" in out and "pain 2 before, 1 after" in out
        assert "next time: Targets stay the same: good session" in out
        summary = json.loads((sess / "summary.json").read_text())
        assert summary["ended_by"] == "done" and summary["reps"] == 4 and summary["pain_after"] == 1
        conn = sqlite3.connect(db)
        assert conn.execute("SELECT COUNT(*) FROM reps WHERE full = 1").fetchone()[0] == 4
        assert conn.execute("SELECT ended_by FROM sessions").fetchone()[0] == "done"
        assert closing.std() > 10
    finally:
        _stop(proc, xvfb)


SWITCH_PROGRAMME = """
title = "Switch test"
[[steps]]
exercise = "squat"
reps = 3
[[steps]]
exercise = "glute_bridge"
reps = 2
"""


def test_start_asks_to_switch_when_another_exercise_of_today_is_done(tmp_path):
    """The squat is on screen, the clip shows a glute bridge (today's second exercise): the coach asks, Y switches,
    the bridge is counted (the reps done before the question too), and the squat is taken up after it."""
    _need("Xvfb", "xdotool", "import")
    video = clip()
    prog = tmp_path / "switch_test.toml"
    prog.write_text(SWITCH_PROGRAMME)
    xvfb, n = _start_xvfb()
    env = {**os.environ, "DISPLAY": f":{n}", "POSECOACH_HOME": str(tmp_path / "home")}
    sess, db = tmp_path / "session", tmp_path / "home" / "history.sqlite3"
    proc = None

    try:
        proc = subprocess.Popen([sys.executable, "-m", "posecoach", "start", str(prog), "--camera", str(video),
                                 "--loop", "--mute", "--session-dir", str(sess), "--pain-before", "2",
                                 "--demo-seconds", "2", "--plan-seconds", "1", "--summary-seconds", "1"],
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        _wait_for(sess, _phase_is("exercise"), "the squat set", proc, timeout=240)
        _wait_for(sess, lambda ev: any(e.get("type") == "SwitchOffer" for e in ev), "the question", proc,
                  timeout=120)
        # The question stays until answered (15 s of video)
        def panel(img):
            return np.abs(img[:720, :960].astype(int) - (0, 180, 255)).max(axis=2) < 30

        path = tmp_path / "start_switch_question.png"
        img = _screen_until(env, path, lambda im: panel(im).sum() > 2000, 14)[:720, :960]
        amber = panel(img)
        _keep(path)
        assert amber.sum() > 2000, f"the amber question panel is not on screen; {_seen(img, env)}"
        assert amber[360:].sum() > 0.9 * amber.sum(), "along the bottom, the person stays in view"
        _press(env, "y")
        _wait_for(sess, lambda ev: any(e.get("type") == "ExerciseSwitch" for e in ev), "the switch", proc, timeout=30)
        ev = _wait_for(sess, lambda ev: any(e.get("type") == "SetEnd" and e.get("exercise") == "glute_bridge"
                                            for e in ev), "the bridge set", proc, timeout=120)
        offer = next(e for e in ev if e.get("type") == "SwitchOffer")
        assert (offer["kind"], offer["exercise"], offer["on_screen"]) == ("ask", "glute_bridge", "squat")
        _wait_for(sess, lambda ev: sum(e.get("type") == "Phase" and e.get("phase") == "demo" for e in ev) >= 2,
                  "the squat taken up again", proc, timeout=60)
        _press(env, "q")
        out, err = proc.communicate(timeout=60)
        assert "Traceback" not in err, err
        summary = json.loads((sess / "summary.json").read_text())
        sets = [(s["exercise"], s["ended"]) for s in summary["sets"]]
        assert sets[:2] == [("squat", "switched"), ("glute_bridge", "target reached")]
        assert summary["switches"][0]["answer"] == "switch"
        conn = sqlite3.connect(db)
        rows = [tuple(r) for r in conn.execute("SELECT exercise, ended FROM exercises ORDER BY id")]
        assert rows[:2] == [("squat", "switched"), ("glute_bridge", "done")] and rows[2][0] == "squat"
        assert conn.execute("SELECT COUNT(*) FROM reps r JOIN sets s ON r.set_id = s.id JOIN exercises e ON "
                            "s.exercise_id = e.id WHERE e.exercise = 'glute_bridge' AND r.full = 1").fetchone()[0] >= 2
    finally:
        _stop(proc, xvfb)
