"""Offline outputs: angles CSV, moment selection, the report's plot, HTML report, the report's WebM clip, and the CLI."""
from __future__ import annotations

import csv
import json
import math
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace

import cv2
import numpy as np
import pytest

from posecoach.exercises.events import Feedback, FormFault, Hold, JointReading, Rep, SessionResult
from posecoach.outputs.csv import angle_rows, write_angles_csv
from posecoach.outputs.html import build_html, write_html_report
from posecoach.outputs.plot import TargetZone, measure_plot
from posecoach.frame_step import FrameResult
from posecoach.outputs.frame_log import FrameLog
from posecoach.outputs.moments import worst_moments
from posecoach.pose import Landmark as L
from posecoach.pose import Pose, PoseFrame

from conftest import SAMPLES, shared_clip


def knee_pose(knee_deg: float, w=640, h=480, t=0.0) -> Pose:
    """Left hip above the left knee, ankle placed so the knee angle is ``knee_deg`` (in isotropic pixels)."""
    img = np.full((33, 3), 0.5)
    hip = np.array([0.5, 0.3])
    knee = np.array([0.5, 0.5])
    ang = math.radians(180 - knee_deg)
    d = np.array([math.sin(ang) * (h / w), math.cos(ang)]) * 0.2  # keep the angle in isotropic units
    img[int(L.LEFT_HIP), :2] = hip
    img[int(L.LEFT_KNEE), :2] = knee
    img[int(L.LEFT_ANKLE), :2] = knee + d
    vis = np.zeros(33)
    vis[[int(L.LEFT_HIP), int(L.LEFT_KNEE), int(L.LEFT_ANKLE)]] = 1.0
    return Pose(image=img, visibility=vis, timestamp=t, image_size=(w, h))


def feedback(i, t, **kw):
    base = dict(time=t, exercise="glute_bridge", phase="active", reps=i // 10, target_reps=10, target_hold=5.0,
                key_value=float(np.sin(t)), progress=0.5, in_position=True,
                joints=(JointReading("hip_lift", 0.1, "ok", (24, 12, 26)),))
    base.update(kw)
    return Feedback(**base)


def test_csv_has_one_row_per_frame_and_measured_angles():
    frames = [PoseFrame(i, i / 10, knee_pose(90.0 + i, t=i / 10)) for i in range(5)] + [PoseFrame(5, 0.5, None)]
    fbs = [feedback(i, i / 10) for i in range(5)]
    fbs.append(feedback(5, 0.5, joints=(JointReading("hips_sagging", -0.2, "bad", (23, 11, 27)),)))
    header, rows = angle_rows(frames, fbs)
    assert len(rows) == 6
    col = header.index("left_knee")
    for i in range(5):
        assert float(rows[i][col]) == pytest.approx(90.0 + i, abs=0.15)
    assert rows[5][col] == "" and rows[5][header.index("person")] == "0"
    assert header.index("right_knee") and rows[0][header.index("right_knee")] == "", "invisible side stays empty"
    # Readings seen anywhere get columns; frames without them leave them empty.
    assert rows[0][header.index("hips_sagging")] == "" and rows[5][header.index("hips_sagging_status")] == "bad"


def test_csv_file_is_complete_and_parses(tmp_path):
    frames = [PoseFrame(i, i / 10, knee_pose(120.0, t=i / 10)) for i in range(3)]
    p = write_angles_csv(tmp_path / "a" / "angles.csv", frames, [feedback(i, i / 10) for i in range(3)])
    rows = list(csv.DictReader(open(p)))
    assert [r["frame"] for r in rows] == ["0", "1", "2"]
    assert not list(tmp_path.rglob("*.part"))


def result_with(faults=(), partial=True):
    reps = [Rep(1, 1.0, 1.5, 2.0, range_of_motion=40.0), Rep(2, 3.0, 3.5, 4.0, faults=("hips_sagging",))]
    if partial:
        reps.append(Rep(0, 6.0, 6.4, 7.0, complete=False))
    return SessionResult("glute_bridge", reps=reps, holds=[Hold(1.2, 1.9)], faults=list(faults))


FRAMES = [PoseFrame(i, i / 10, None) for i in range(100)]
FBS = [feedback(i, i / 10) for i in range(100)]
LOG = FrameLog.of(FrameResult(f.index, f.timestamp, f.pose, f.pose, fb) for f, fb in zip(FRAMES, FBS))
# The same frames with somebody in them (the log keeps the key measure only where a pose was found).
SEEN = object()
LOG_SEEN = FrameLog.of(FrameResult(f.index, f.timestamp, SEEN, SEEN, fb) for f, fb in zip(FRAMES, FBS))


def test_worst_moments_prefer_faults_and_keep_apart():
    faults = [FormFault(3.5, "hips_sagging", "Lift your hips", "bad"), FormFault(3.6, "hips_sagging", "Lift", "bad"),
              FormFault(8.0, "feet", "Feet closer", "warn")]
    ms = worst_moments(LOG, result_with(faults), n=3, min_gap=1.5)
    assert [round(m.time, 1) for m in ms] == [3.5, 6.4, 8.0]
    assert ms[0].reason == "Lift your hips"
    assert all(b.time - a.time >= 1.5 for a, b in zip(ms, ms[1:]))


def test_worst_moments_fall_back_to_rep_peaks_when_all_is_well():
    ms = worst_moments(LOG, result_with(partial=False), n=6)
    assert [round(m.time, 1) for m in ms][:2] == [1.5, 3.5]
    assert "no faults" in ms[0].reason


SVG = "{http://www.w3.org/2000/svg}"


def svg_group(root, gid):
    return next((g for g in root.iter(f"{SVG}g") if g.get("id") == gid), None)


def test_plot_is_valid_svg_and_marks_reps_holds_faults_zone_and_gaps():
    t = np.arange(100) / 10
    v = np.sin(t)
    v[40:45] = np.nan
    plot = measure_plot(t, v, reps=result_with().reps, holds=[Hold(1.2, 1.9)],
                        faults=[FormFault(3.5, "x", "Lift <your> hips", "bad"), FormFault(8.0, "y", "Feet", "warn")],
                        duration=10.0, y_label="hip & knee", zone=TargetZone(edge=0.5, top=0.9))
    root = ET.fromstring(plot.svg)
    ids = {g.get("id") for g in root.iter(f"{SVG}g")}
    assert {"rep-0", "rep-1", "partial-2", "hold-0", "faults-bad", "faults-warn", "target-zone", "measure",
            "gap-0"} <= ids and "gap-1" not in ids
    line = svg_group(root, "measure").find(f"{SVG}path").get("d")
    assert line.count("M") == 2, "the line breaks where the measure is unknown"
    assert 0.0 < plot.x_span[0] < plot.x_span[1] < 1.0 and plot.t_span == (0.0, 10.0)


def test_plot_without_data_or_marks_still_draws():
    for t, v in (([], []), ([0.0, 0.1], [math.nan, math.nan])):
        root = ET.fromstring(measure_plot(t, v, duration=0.0).svg)
        assert svg_group(root, "measure") is not None
    long = measure_plot(np.arange(0, 3600, 0.5), np.zeros(7200), duration=3600.0)
    assert len(long.svg) < 200_000, "an hour of video does not make a huge plot (matplotlib simplifies the line)"


def fake_analysis(tmp_path, result):
    rep = {"frames": 100, "fps": 10.0, "duration": 10.0, "detection_rate": 0.95, "target_reps": 10,
           "target_hold": 5.0, "reps": result.complete_reps}
    from posecoach.exercises import make_checker

    return SimpleNamespace(video=tmp_path / "clip.mp4", exercise="glute_bridge", log=LOG_SEEN,
                           result=result, duration=10.0, fps=10.0, report=lambda: rep,
                           facts=make_checker("glute_bridge").facts)  # what analyze() keeps of its checker


def test_html_report_has_its_sections_and_escapes_text(tmp_path):
    faults = [FormFault(3.5, "hips_sagging", "Hips <script>alert(1)</script> sagging", "bad")]
    from posecoach.outputs.moments import Moment

    thumbs = [(Moment(35, 3.5, "Lift your hips", 13), cv2.imencode(".jpg", np.zeros((20, 30, 3), np.uint8))[1].tobytes())]
    page = build_html(fake_analysis(tmp_path, result_with(faults)), video_src="clip.webm", thumbs=thumbs)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    for needle in ("<video id='clip'", "<img class='plot'", "data:image/svg+xml;base64,", "Reps</h2>",
                   "Moments to look at", "data:image/jpeg;base64,", "How to do it", "Glute bridge", "Safety:"):
        assert needle in page, needle
    assert page.count("<tr data-t=") == 3 + 1  # 3 reps + 1 hold
    assert "data-t='3.50'>0:03.5</a>" in page, "a fault's time seeks the video"
    mp4 = build_html(fake_analysis(tmp_path, result_with()), video_src="clip.mp4")
    assert "<video" not in mp4 and "does not play in browsers" in mp4


def test_html_report_escapes_what_the_user_controls(tmp_path):
    """The video's file name, warnings and the clip's URL are text in the page, never markup."""
    an = fake_analysis(tmp_path, result_with())
    an.video = tmp_path / "<script>alert('x')<script>.mp4"  # (a file name cannot hold the '/' of </script>)
    rep = an.report()
    rep["warnings"] = ["the person was lost <b>twice</b>"]
    page = build_html(an, video_src="a'onerror='alert(1).webm")
    assert "<script>alert(" not in page and "&lt;script&gt;alert(&#39;x&#39;)&lt;script&gt;.mp4" in page
    assert "<b>twice</b>" not in page and "&lt;b&gt;twice&lt;/b&gt;" in page
    assert "src='a&#39;onerror=&#39;alert(1).webm'" in page
    assert page.count("<script>") == 1, "only the page's own script"


def test_html_report_plot_is_present_and_decodes(tmp_path):
    import base64
    import re

    page = build_html(fake_analysis(tmp_path, result_with([FormFault(3.5, "hips_sagging", "Lift", "bad")])))
    m = re.search(r"<img class='plot' id='plot' src='data:image/svg\+xml;base64,([^']+)' alt='([^']*)'", page)
    assert m, "the plot is embedded"
    root = ET.fromstring(base64.b64decode(m.group(1)))
    assert root.tag == f"{SVG}svg" and svg_group(root, "measure") is not None
    assert svg_group(root, "target-zone") is not None and svg_group(root, "faults-bad") is not None
    assert "2 reps" in m.group(2)


def test_html_report_when_nobody_was_found(tmp_path):
    an = fake_analysis(tmp_path, SessionResult("glute_bridge"))
    rep = an.report()
    rep.update(nobody_found=True, detection_rate=0.0, warnings=["nobody was found in the video"])
    page = build_html(an)
    assert "nobody was found</div>" in page and "<span class='v bad'>–</span>" in page
    assert "Please note:" in page and "No reps were counted." in page
    assert "No form faults were seen" not in page and "form could not be checked" in page
    an.log = LOG  # nobody in any frame
    page = build_html(an)
    assert "<img class='plot'" not in page and "nothing to plot" in page


def test_html_report_without_an_exercise_shows_tracking_only(tmp_path):
    an = fake_analysis(tmp_path, result_with())
    an.exercise, an.result, an.facts = None, None, None  # analyze() without an exercise has no checker
    page = build_html(an)
    assert "Pose tracking" in page and "Person tracked" in page
    assert "<img class='plot'" not in page and "How to do it" not in page


def test_html_report_links_the_clip_relative_to_itself(tmp_path):
    p = write_html_report(tmp_path / "out" / "r.html", fake_analysis(tmp_path, result_with()),
                          video=tmp_path / "out" / "r.webm")
    assert "src='r.webm'" in p.read_text()
    q = write_html_report(tmp_path / "out" / "set #2.html", fake_analysis(tmp_path, result_with()),
                          video=tmp_path / "out" / "set #2.webm")
    assert "src='set%20%232.webm'" in q.read_text(), "a '#' in the name does not cut the URL short"


def make_video(path: Path, n=20, size=(160, 120)) -> Path:
    w = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10.0, size)
    for i in range(n):
        img = np.full((size[1], size[0], 3), 30, np.uint8)
        cv2.circle(img, (10 + 6 * i, 60), 8, (255, 255, 255), -1)
        w.write(img)
    w.release()
    return path


def test_report_clip_is_a_readable_webm_with_every_frame(tmp_path):
    from posecoach.session import analyze

    src = make_video(tmp_path / "in.avi")
    an = analyze(src, "glute_bridge", clip=tmp_path / "clip.webm", use_cache=False, keep_frames=False)
    cap = cv2.VideoCapture(str(tmp_path / "clip.webm"))
    n = 0
    while cap.read()[0]:
        n += 1
    assert n == 20 == len(an.log)
    assert not list(tmp_path.glob("clip.*.part.webm"))


def test_worst_moments_see_joints_out_of_range_from_the_log():
    bad = feedback(0, 0.0, joints=(JointReading("hip_lift", 0.1, "ok", (24, 12, 26)),
                                   JointReading("hips_sagging", -0.2, "bad", (23, 11, 27))))
    fbs = FBS[:50] + [bad] + FBS[51:]
    log = FrameLog.of(FrameResult(f.index, f.timestamp, f.pose, f.pose, fb) for f, fb in zip(FRAMES, fbs))
    ms = worst_moments(log, None, n=1)
    assert [(m.index, m.reason, m.score) for m in ms] == [(50, "Out of range: hips sagging", 2.0)]


def run_cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "posecoach.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=900)


def check_outputs(tmp_path, clip, exercise):
    r = run_cli("analyze", clip, "-e", exercise, "-q", "--out", tmp_path / "annotated.mp4", "--report",
                tmp_path / "r.json", "--csv", tmp_path / "angles.csv", "--html", tmp_path / "report.html")
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    rep = json.loads((tmp_path / "r.json").read_text())
    rows = list(csv.DictReader(open(tmp_path / "angles.csv")))
    assert len(rows) == rep["frames_analysed"] <= rep["frames"]  # a row per frame the model ran on
    assert int(rows[-1]["reps"]) == rep["reps"], "the CSV's running count ends at the report's count"
    page = (tmp_path / "report.html").read_text()
    assert "<video id='clip'" in page and "src='report.webm'" in page
    assert page.count("data:image/jpeg;base64,") >= 1
    assert f">{rep['reps']}</span>" in page
    for name in ("annotated.mp4", "report.webm"):
        cap = cv2.VideoCapture(str(tmp_path / name))
        assert cap.isOpened() and cap.read()[0], name
    return rep


@pytest.mark.realvideo
def test_analyze_writes_all_outputs_for_a_real_clip(tmp_path):
    clip = shared_clip("glute_bridge/my-guides__glute-bridge.mp4")
    rep = check_outputs(tmp_path, clip, "glute_bridge")
    assert rep["reps"] >= 1


def test_analyze_writes_all_outputs_for_the_synthetic_sample(tmp_path):
    clip = SAMPLES / "glute_bridge_side.mp4"
    if not clip.exists():
        pytest.skip(f"synthetic sample {clip.name} is not in sample_videos/ yet")
    check_outputs(tmp_path, clip, "glute_bridge")


def test_csv_needs_an_exercise(tmp_path):
    # (--html without --exercise shows the timeline of recognised exercises: tests/test_recognition.py)
    src = make_video(tmp_path / "in.avi")
    r = run_cli("analyze", src, "--csv", tmp_path / "a.csv")
    assert r.returncode == 2 and r.stderr.strip().count("\n") == 0 and "--exercise" in r.stderr


def test_unwritable_output_is_one_line_and_exit_5(tmp_path):
    src = make_video(tmp_path / "in.avi")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    r = run_cli("analyze", src, "-e", "glute_bridge", "-q", "--csv", blocker / "sub" / "angles.csv")
    assert r.returncode == 5, r.stderr
    assert "Traceback" not in r.stderr and r.stderr.strip().count("\n") == 0


def test_routine_table_shows_a_dash_where_an_exercise_has_no_reps_or_no_hold():
    """A rep exercise's segment has no hold time and a hold exercise's no reps: a dash, not "0.0 s" or "0"."""
    from posecoach.outputs.html import timeline_view

    timeline = [{"exercise": "squat", "start": 0.0, "end": 10.0}, {"exercise": "plank", "start": 10.0, "end": 30.0}]
    segments = [dict(exercise="lunge", kind="reps", segment_start=0.0, segment_end=10.0, reps=5, hold_seconds=0.0),
                dict(exercise="plank", kind="hold", segment_start=10.0, segment_end=30.0, reps=0, hold_seconds=18.4),
                dict(exercise="cobra", kind="mixed", segment_start=30.0, segment_end=40.0, reps=2, partial_reps=1,
                     hold_seconds=4.0),
                # rep exercises that time holds: the back extension's pause at the top, the squat's target hold
                dict(exercise="back_extension", kind="reps", segment_start=40.0, segment_end=50.0, reps=3,
                     hold_seconds=3.9, target_hold=3.0),
                dict(exercise="squat", kind="reps", segment_start=50.0, segment_end=60.0, reps=4, hold_seconds=0.0,
                     target_hold=20.0)]
    _, rows = timeline_view(timeline, segments)
    assert [(r.reps, r.held) for r in rows] == [("5", "-"), ("-", "18.4 s"), ("2 (+1 partial)", "4.0 s"),
                                                ("3", "3.9 s"), ("4", "0.0 s")]


def test_html_report_says_a_rep_counted_where_the_view_hid_its_range_was_not_measured(tmp_path):
    reps = [Rep(1, 1.0, 1.5, 2.0, source="periodicity", grade="unmeasured"),
            Rep(2, 3.0, 3.5, 4.0, range_of_motion=40.0)]
    page = build_html(fake_analysis(tmp_path, SessionResult("glute_bridge", reps=reps)), video_src="clip.webm")
    assert page.count("not measured from this angle") == 1
    assert "<td>40.00</td>" in page  # a measured range is shown as before
