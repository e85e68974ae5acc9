"""issue 14: one clip's pose tracking in timeline chunks, one spawned worker each (`analyze --workers`).

The chunks only make raw poses; the one per-frame step counts them. So a chunked analysis must give the counts of
one pass, frame for frame the same indices and timestamps; a failing or killed worker must end in one line and a
non-zero exit; Ctrl+C must leave no output, no temporary folder and no worker behind."""
from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from posecoach import parallel_tracking
from posecoach.parallel_tracking import LEAD_IN, MIN_CHUNK_SECONDS, TrackingError, plan
from posecoach.session import analyze

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "sample_videos"
BRIDGE = SAMPLES / "glute_bridge_side.mp4"  # 18.7 s, 15 fps, 3 reps: two chunks of 9.3 s


def _work(c, duration):
    """A chunk's cost as the plan counts it: seconds tracked (lead-in included), and the grabbed ones, cheaper."""
    return (min(c.end, duration) - c.lead_start) + parallel_tracking.GRAB_COST * c.lead_start


def test_plan_cuts_the_timeline_into_chunks_of_equal_work_no_shorter_than_the_break_even():
    for duration, n in ((18.7, 2), (100.0, 4), (13.1, 2)):
        chunks = plan(duration, n)
        assert len(chunks) == n and chunks[0].start == 0.0 and chunks[-1].end == float("inf")
        for a, b in zip(chunks, chunks[1:]):
            assert a.end == b.start and b.lead_start == pytest.approx(b.start - LEAD_IN)
        work = [_work(c, duration) for c in chunks]
        assert max(work) - min(work) < 0.01 * max(work), work
        # a later chunk re-tracks its lead-in and grabs what comes before it, so it is shorter
        assert chunks[1].start > duration / n
    assert len(plan(2 * MIN_CHUNK_SECONDS - 0.1, 2)) == 1  # too short to pay for a second process
    assert len(plan(100.0, 4)) == 4 and len(plan(100.0, 1)) == 1
    assert len(plan(3.5 * MIN_CHUNK_SECONDS, 8)) == 3


def _raw(an):
    return [(f.index, f.timestamp) for f in an._raw()]


@pytest.fixture(scope="module")
def one_pass():
    return analyze(BRIDGE, "glute_bridge", use_cache=False, keep_frames=False)


class _Count:
    def __init__(self):
        self.n = 0

    def update(self, n):
        self.n += n


def test_chunked_analysis_counts_as_one_pass(one_pass):
    bar = _Count()
    chunked = analyze(BRIDGE, "glute_bridge", use_cache=False, keep_frames=False, workers=2, progress=bar)
    a, b = one_pass.report(), chunked.report()
    assert bar.n == b["frames"]  # the bar counts each video frame once, whichever worker tracked it
    tracking = b["pose_tracking"]
    assert tracking["chunks"] == 2 and tracking["used"]
    assert all(s["same_person"] and s["frames"] == parallel_tracking.SEAM_FRAMES for s in tracking["seams"])
    assert "pose_tracking" not in a
    assert _raw(chunked) == _raw(one_pass)  # the same frames, the same timestamps: nothing lost or doubled
    for key in ("frames", "frames_analysed", "reps", "partial_reps"):
        assert b[key] == a[key], key
    assert b["reps"] == 3  # the clip's truth
    # MediaPipe's tracking state after the seam differs from the one pass's by under 1 % of a torso (it never
    # converges exactly), so a hold may start or end a frame apart
    assert abs(b["hold_seconds"] - a["hold_seconds"]) <= 0.15


def test_workers_1_and_video_outputs_stay_in_one_process(one_pass, tmp_path, monkeypatch):
    def no(*a, **k):
        raise AssertionError("parallel tracking must not run here")

    monkeypatch.setattr(parallel_tracking, "track", no)
    alone = analyze(BRIDGE, "glute_bridge", use_cache=False, keep_frames=False, workers=1)
    assert alone.report()["reps"] == one_pass.report()["reps"] and _raw(alone) == _raw(one_pass)
    # with a video to draw the frames are decoded once, for the model and the drawing together (issue 10)
    drawn = analyze(BRIDGE, "glute_bridge", out=tmp_path / "a.mp4", use_cache=False, keep_frames=False, workers=2)
    assert "pose_tracking" not in drawn.report() and (tmp_path / "a.mp4").exists()


def test_chunked_poses_fill_the_cache_and_a_rerun_reads_it(tmp_path, monkeypatch):
    monkeypatch.setenv("POSECOACH_CACHE", str(tmp_path / "cache"))
    bar = _Count()  # at 10 of the clip's 15 fps: frames skipped by the rate, on both sides of the seam
    first = analyze(BRIDGE, "glute_bridge", keep_frames=False, workers=2, analysis_fps=10, progress=bar)
    assert bar.n == first.report()["frames"] and first.report()["frames_analysed"] < bar.n
    again = analyze(BRIDGE, "glute_bridge", keep_frames=False, workers=2, analysis_fps=10)
    assert first.report()["pose_tracking"]["used"] and not first.cached
    assert again.cached and "pose_tracking" not in again.report()
    for key in ("reps", "partial_reps", "hold_seconds", "frames_analysed"):
        assert again.report()[key] == first.report()[key], key


class _KillAWorker:
    """A progress bar that kills one tracking worker (SIGKILL: a crash in native code looks the same)."""

    def __init__(self):
        self.killed = None

    def update(self, n):
        if self.killed is None:
            kids = [p for p in multiprocessing.active_children() if p.name.startswith("posecoach-track-")]
            if kids:
                self.killed = kids[-1].pid
                os.kill(self.killed, signal.SIGKILL)


def test_a_worker_that_dies_is_one_clear_error_and_leaves_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    bar = _KillAWorker()
    with pytest.raises(TrackingError) as e:
        analyze(BRIDGE, "glute_bridge", use_cache=False, keep_frames=False, workers=2, progress=bar)
    assert bar.killed is not None
    assert "died (exit code -9)" in str(e.value) and "glute_bridge_side.mp4" in str(e.value)
    assert e.value.exit_code == parallel_tracking.EXIT_WORKER
    assert not list(tmp_path.glob("posecoach-chunks-*"))
    assert not [p for p in multiprocessing.active_children() if p.name.startswith("posecoach-track-")]


def _cli(*args, env=None, **kw):
    env = dict(env or os.environ)
    # this checkout's posecoach, whatever the working folder (an installed one may be another checkout)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return subprocess.Popen([sys.executable, "-m", "posecoach", *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL, env=env, **kw)


def test_a_worker_that_fails_gives_one_line_and_its_exit_code(tmp_path):
    bad = tmp_path / "damaged.task"
    bad.write_bytes(b"not a model bundle" * 100)
    p = _cli("analyze", BRIDGE, "-e", "glute_bridge", "-q", "--no-cache", "--workers", "2", "--model", bad,
             "-r", tmp_path / "r.json")
    out, err = p.communicate(timeout=120)
    ours = [l for l in err.splitlines() if l.startswith("posecoach") or "Traceback" in l]
    assert p.returncode == 3, err  # a damaged model is exit 3 in a worker as in one process
    assert len(ours) == 1 and "failed in its worker" in ours[0] and "could not load the pose model" in ours[0], err
    assert not (tmp_path / "r.json").exists()


def _workers_of(pid: int) -> list[int]:
    kids = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                kids.append(int(d.name))
    return kids


def test_ctrl_c_stops_the_workers_and_leaves_nothing_half_written(tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    work = tmp_path / "out"
    work.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp)}
    p = _cli("analyze", BRIDGE, "-e", "glute_bridge", "-q", "--no-cache", "--workers", "2", "-r", "r.json",
             "--csv", "a.csv", cwd=work, env=env, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline and not list(tmp.glob("posecoach-chunks-*/*.raw")):
        time.sleep(0.05)
    assert list(tmp.glob("posecoach-chunks-*/*.raw")), "the workers never started writing"
    time.sleep(0.5)
    workers = _workers_of(p.pid)
    assert workers
    os.killpg(p.pid, signal.SIGINT)  # what Ctrl+C in a terminal does: the whole foreground process group
    out, err = p.communicate(timeout=60)
    assert p.returncode == 130, err
    ours = [l for l in err.splitlines() if l.startswith("posecoach") or "Traceback" in l or "Error" in l]
    assert ours == ["posecoach: interrupted; unfinished outputs were removed"], err
    assert sorted(x.name for x in work.iterdir()) == []
    assert [x.name for x in tmp.iterdir() if x.name.startswith("posecoach-")] == []
    time.sleep(0.2)
    assert [w for w in workers if Path(f"/proc/{w}").exists() and "Z" not in Path(f"/proc/{w}/stat").read_text()
            .rsplit(")", 1)[1].split()[0]] == []


def test_a_seam_that_disagrees_about_the_person_falls_back_to_one_pass(one_pass, monkeypatch):
    # Any offset now counts as another person (or a left/right swap) at the seam: the chunks' poses must not be
    # stitched; the clip is tracked again in one process and the report says why.
    monkeypatch.setattr(parallel_tracking, "SEAM_TOLERANCE", -1.0)
    an = analyze(BRIDGE, "glute_bridge", use_cache=False, keep_frames=False, workers=2)
    rep = an.report()
    assert rep["pose_tracking"]["chunks"] == 2 and not rep["pose_tracking"]["used"]
    assert not rep["pose_tracking"]["seams"][0]["same_person"]
    assert [(f.index, f.pose is None) for f in an._raw()] == [(f.index, f.pose is None) for f in one_pass._raw()]
    for key in ("reps", "partial_reps", "hold_seconds"):
        assert rep[key] == one_pass.report()[key], key


def test_workers_whose_parent_is_killed_stop_and_remove_their_files(tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    p = _cli("analyze", BRIDGE, "-e", "glute_bridge", "-q", "--no-cache", "--workers", "2", "-r", tmp_path / "r.json",
             env={**os.environ, "TMPDIR": str(tmp)})
    deadline = time.time() + 60
    while time.time() < deadline and not list(tmp.glob("posecoach-chunks-*/*.raw")):
        time.sleep(0.05)
    workers = _workers_of(p.pid)
    assert workers and list(tmp.glob("posecoach-chunks-*/*.raw"))
    p.kill()  # SIGKILL: no clean-up of its own; the workers notice within a few frames
    p.communicate(timeout=30)
    deadline = time.time() + 30
    while time.time() < deadline and (list(tmp.iterdir()) or any(Path(f"/proc/{w}").exists() for w in workers)):
        time.sleep(0.1)
    assert list(tmp.iterdir()) == []
    assert not any(Path(f"/proc/{w}").exists() for w in workers)
