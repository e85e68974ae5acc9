"""posecoach batch: inputs, the pool and Ray engines, resumability, recorded failures, the summary, CLI errors.

Kept short: two synthetic sample clips (15 fps, 480x360, ~200 frames), a corrupt file and a blank clip (nobody in
view) made here, two workers.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from posecoach.batch.inputs import InputError, expand, make_jobs
from posecoach.batch.run import run_batch
from posecoach.batch.summary import COLUMNS
from posecoach.batch.worker import NOBODY, BatchSettings
from posecoach.cli import main

SAMPLES = Path(__file__).resolve().parents[1] / "sample_videos"
CLIPS = {"pushup": SAMPLES / "pushup_side.mp4", "plank": SAMPLES / "plank_side.mp4"}
SETTINGS = BatchSettings(use_cache=False)


def _blank_video(path: Path, frames: int = 20) -> Path:
    import cv2

    w = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 15.0, (160, 120))
    for _ in range(frames):
        w.write(np.full((120, 160, 3), 90, np.uint8))
    w.release()
    return path


@pytest.fixture(scope="module")
def batch_inputs(tmp_path_factory) -> dict:
    d = tmp_path_factory.mktemp("batch_inputs")
    broken = d / "broken.mp4"
    broken.write_bytes(CLIPS["pushup"].read_bytes()[:4000])  # cut off: OpenCV cannot read it
    blank = _blank_video(d / "empty_room.mp4")
    listing = d / "clips.csv"
    listing.write_text("path,exercise\n" + "".join(f"{p},{ex}\n" for ex, p in CLIPS.items())
                       + f"broken.mp4,pushup\n{blank.name},\n")
    return {"dir": d, "list": listing, "broken": broken, "blank": blank}


@pytest.fixture(scope="module")
def pool_run(batch_inputs, tmp_path_factory):
    out = tmp_path_factory.mktemp("batch_pool")
    rc = main(["batch", str(batch_inputs["list"]), "--out", str(out), "-j", "2", "--no-cache", "-q"])
    return rc, out


def _records(out: Path) -> dict[str, dict]:
    return {Path(r["clip"]).name: r for r in (json.loads(p.read_text()) for p in (out / "clips").glob("*.json"))}


# --- inputs (no model) -------------------------------------------------------------------------------------------
def test_inputs_expand_files_folders_and_lists(tmp_path):
    (tmp_path / "sub").mkdir()
    a = tmp_path / "a.mp4"
    a.write_bytes(b"a")
    (tmp_path / "sub" / "b.MOV").write_bytes(b"b")
    (tmp_path / "sub" / "notes.md").write_text("not a video")
    (tmp_path / "list.txt").write_text("# clips\na.mp4\n\nsub/b.MOV\n")
    (tmp_path / "list.csv").write_text("path,exercise\na.mp4,squat\nsub/b.MOV,\n")
    assert [p.name for p, _ in expand([tmp_path / "sub"])] == ["b.MOV"]
    assert [p.name for p, _ in expand([tmp_path / "list.txt"])] == ["a.mp4", "b.MOV"]
    assert [(p.name, ex) for p, ex in expand([tmp_path / "list.csv"])] == [("a.mp4", "squat"), ("b.MOV", None)]
    jobs = make_jobs([tmp_path / "list.csv", a])  # a.mp4 twice with the same (no) exercise: one job each way
    assert [(j.path.name, j.exercise) for j in jobs] == [("a.mp4", "squat"), ("b.MOV", None), ("a.mp4", None)]
    assert jobs[0].id.endswith("-squat") and jobs[0].sha256 == jobs[2].sha256
    assert len(make_jobs([a, tmp_path / "list.txt"], exercise="squat")) == 2  # same content, same exercise
    with pytest.raises(InputError, match="no such file"):
        expand([tmp_path / "missing.mp4"])
    with pytest.raises(InputError, match="unknown exercise"):
        make_jobs([a], exercise="jumping_jack_flips")


# --- the pool: failures recorded, exit 7, summary, resumable ----------------------------------------------------
@pytest.mark.model
def test_pool_records_failures_and_exits_7(pool_run, batch_inputs):
    rc, out = pool_run
    assert rc == 7
    recs = _records(out)
    assert set(recs) == {"pushup_side.mp4", "plank_side.mp4", "broken.mp4", "empty_room.mp4"}
    assert "not a video" in recs["broken.mp4"]["error"]
    assert recs["empty_room.mp4"]["error"] == NOBODY and recs["empty_room.mp4"]["exercise"] is None
    assert recs["pushup_side.mp4"]["error"] is None and recs["pushup_side.mp4"]["report"]["reps"] >= 1
    assert recs["plank_side.mp4"]["report"]["hold_seconds"] > 0
    assert len({r["worker"] for r in recs.values()}) <= 2


@pytest.mark.model
def test_summary_csv_columns(pool_run):
    _, out = pool_run
    with open(out / "summary.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert tuple(rows[0]) == COLUMNS
    by_clip = {Path(r["clip"]).name: r for r in rows}
    assert [Path(r["clip"]).name for r in rows] == ["pushup_side.mp4", "plank_side.mp4", "broken.mp4",
                                                     "empty_room.mp4"]  # input order
    assert by_clip["pushup_side.mp4"]["exercise"] == "pushup" and int(by_clip["pushup_side.mp4"]["reps"]) >= 1
    assert by_clip["pushup_side.mp4"]["error"] == "" and float(by_clip["pushup_side.mp4"]["wall_seconds"]) > 0
    assert "not a video" in by_clip["broken.mp4"]["error"]
    assert (out / "index.html").read_text().count("clips/") >= 4
    if _has("pyarrow"):
        import pyarrow.parquet as pq

        assert pq.read_table(out / "summary.parquet").column_names == list(COLUMNS)


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


@pytest.mark.model
def test_rerun_skips_done_clips_by_content(pool_run, batch_inputs, tmp_path):
    _, out = pool_run
    renamed = tmp_path / "same_pushup_other_name.mp4"
    renamed.write_bytes(CLIPS["pushup"].read_bytes())
    before = {p.name: p.stat().st_mtime_ns for p in (out / "clips").glob("*.json")}
    jobs = make_jobs([batch_inputs["list"]]) + make_jobs([renamed], exercise="pushup")
    res = run_batch(jobs, out, SETTINGS, workers=2, progress=False)  # nothing to run: no worker is started
    assert (res.analysed, res.skipped, res.pending) == (0, 4, 0)
    assert len(res.failed) == 2
    assert {p.name: p.stat().st_mtime_ns for p in (out / "clips").glob("*.json")} == before
    # other settings make a clip's record stale: it is done again
    stale = run_batch(make_jobs([batch_inputs["broken"]], exercise="pushup"), out,
                      BatchSettings(use_cache=False, analysis_fps=10.0), workers=1, progress=False)
    assert (stale.analysed, stale.skipped) == (1, 0)


# --- Ray ----------------------------------------------------------------------------------------------------------
@pytest.mark.model
def test_ray_engine_matches_the_pool(pool_run, batch_inputs, tmp_path):
    if not _has("ray"):
        pytest.skip('Ray is not installed (pip install "posecoach[ray]"); the Ray engine is not tested')
    _, pool_out = pool_run
    jobs = [j for j in make_jobs([batch_inputs["list"]]) if j.exercise]  # the two sample clips and the broken one
    res = run_batch(jobs, tmp_path / "ray", SETTINGS, engine="ray", workers=2, progress=False)
    assert res.analysed == len(jobs) and not res.interrupted
    pool = _records(pool_out)

    def essentials(r):
        rep = r["report"] or {}
        return (r["error"], rep.get("reps"), rep.get("partial_reps"), rep.get("hold_seconds"),
                len(rep.get("faults", [])), rep.get("frames"), rep.get("frames_analysed"),
                rep.get("frames_with_person"))

    for rec in res.records:
        assert essentials(rec) == essentials(pool[Path(rec["clip"]).name]), rec["clip"]


# --- CLI errors: one line, exit 2 -------------------------------------------------------------------------------
@pytest.mark.parametrize("args, message", [
    (["batch", "/nonexistent/clips", "--out", "{tmp}/o"], "no such file or folder"),
    (["batch", str(CLIPS["plank"]), "--out", "{tmp}/o", "-e", "moonwalk"], "unknown exercise"),
    (["batch", str(CLIPS["plank"]), "--out", "{tmp}/o", "--ray-address", "auto"], "needs --engine ray"),
    (["batch", str(CLIPS["plank"]), "--out", "{tmp}/afile"], "is a file"),
    (["batch", "{tmp}", "--out", "{tmp}/o"], "no video files"),
])
def test_cli_errors_are_one_line(args, message, tmp_path, capsys):
    (tmp_path / "afile").write_text("x")
    rc = main([a.replace("{tmp}", str(tmp_path)) for a in args])
    err = capsys.readouterr().err
    assert rc == 2
    assert err.count("\n") == 1 and err.startswith("posecoach: error:") and message in err


# --- Ctrl+C: finished clips kept, the summary written, the rest pending; a re-run does only those ----------------
def test_interrupt_keeps_finished_clips_and_rerun_continues(tmp_path, monkeypatch):
    import posecoach.batch.run as run_mod
    from posecoach.batch.worker import record

    clips = []
    for i in range(3):
        p = tmp_path / f"c{i}.mp4"
        p.write_bytes(bytes([i]) * 10)
        clips.append(p)
    jobs = make_jobs(clips)
    ran: list[str] = []
    stopped: list[bool] = []

    def interrupted_engine(engine, todo, settings, workers, address):
        try:
            for job in todo:
                ran.append(job.path.name)
                yield record(job, settings, report={"frames": 1, "duration": 0.1}, wall=0.01)
                raise KeyboardInterrupt  # Ctrl+C after the first clip
        finally:
            stopped.append(True)  # the engine is closed: its workers are stopped

    monkeypatch.setattr(run_mod, "run_engine", interrupted_engine)
    res = run_batch(jobs, tmp_path / "out", SETTINGS, progress=False)
    assert res.interrupted and (len(res.records), res.pending) == (1, 2) and stopped == [True]
    assert (tmp_path / "out" / "summary.csv").read_text().count("\n") == 2  # header + the finished clip

    def engine(engine, todo, settings, workers, address):
        for job in todo:
            ran.append(job.path.name)
            yield record(job, settings, report={"frames": 1, "duration": 0.1}, wall=0.01)

    monkeypatch.setattr(run_mod, "run_engine", engine)
    res = run_batch(jobs, tmp_path / "out", SETTINGS, progress=False)
    assert not res.interrupted and (res.skipped, res.analysed, res.pending) == (1, 2, 0)
    assert ran == ["c0.mp4", "c1.mp4", "c2.mp4"]


@pytest.mark.model
def test_a_workers_second_clip_gets_the_landmarks_analyze_gives(tmp_path, monkeypatch):
    """A worker runs many clips; each must come out as `posecoach analyze` makes it, whatever came before (a
    landmarker reused across clips did not: MediaPipe's filters carry state from one clip into the next, moving
    landmarks by ~1e-3 and, on 1 of 40 real clips, a rep count). Compared on the raw landmarks the worker cached."""
    from posecoach.models import file_sha256
    from posecoach.landmark_cache import iter_raw
    from posecoach.session import analyze

    monkeypatch.setenv("POSECOACH_CACHE", str(tmp_path / "cache"))  # inherited by the spawned worker
    squat = SAMPLES / "squat_side.mp4"
    jobs = make_jobs([CLIPS["plank"], squat], exercise="squat")
    res = run_batch(jobs, tmp_path / "out", BatchSettings(use_cache=True), workers=1, progress=False)
    assert len({r["worker"] for r in res.records}) == 1  # one worker did both, squat second
    entry, = (tmp_path / "cache").rglob(f"*{file_sha256(squat)[:20]}*.npz")
    in_batch = list(iter_raw(entry))
    alone = list(analyze(squat, "squat", use_cache=False, analysis_fps=SETTINGS.analysis_fps)._raw())
    assert len(in_batch) == len(alone) > 100
    for a, b in zip(in_batch, alone):
        assert (a.pose is None) == (b.pose is None)
        if a.pose is not None:
            assert np.array_equal(a.pose.image, b.pose.image), a.index
