"""Programmes: loading and validation, progression and pain rules, the history database (schema, migrations,
crash consistency), a whole guided session driven with injected poses (no model: milliseconds), three simulated
days -> a progress report, and the commands."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from posecoach.history import connect
from posecoach.history.db import MIGRATIONS, SCHEMA_VERSION, HistoryError, version
from posecoach.history.query import csv_text, session_outcomes, session_rows
from posecoach.programme import ProgrammeError, list_programmes, load_programme
from posecoach.programme.pain import pain_stop, valid_rating
from posecoach.programme.progression import SessionOutcome, apply_level, next_level
from posecoach.programme.spec import ProgressionRule, Target, parse_programme
from posecoach.sources import Frame

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    monkeypatch.setenv("POSECOACH_HOME", str(tmp_path / "home"))


# --- programmes as data -----------------------------------------------------------------------------------------
def test_shipped_programmes_load_and_name_real_exercises():
    from posecoach.exercises import get_exercise

    progs = {p.name: p for p in list_programmes()}
    assert {"starter_week", "standard_routine", "desk_break"} <= set(progs)
    std = progs["standard_routine"]
    assert [s.exercise for s in std.steps] == ["deep_breathing", "knee_to_chest", "ball_position", "back_roll",
                                              "pelvic_tilt", "glute_bridge", "cat_cow", "childs_pose", "cobra",
                                              "supine_twist", "hamstring_stretch", "bird_dog", "plank"]
    for p in progs.values():
        for s in p.steps:
            get_exercise(s.exercise)
            t = s.target(1)
            assert t.reps or t.hold
    # week-by-week targets: the latest entry at or before the week wins
    bridge = next(s for s in std.steps if s.exercise == "glute_bridge")
    assert bridge.target(1) == Target(1, 8, 5.0)
    assert bridge.target(3) == Target(2, 10, 5.0)
    assert bridge.target(9) == Target(2, 12, 5.0)


def _toml(tmp_path, text: str) -> Path:
    p = tmp_path / "mine.toml"
    p.write_text(textwrap.dedent(text))
    return p


@pytest.mark.parametrize("text,expect", [
    ('[[steps]]\nexercise = "bridge_of_doom"\nreps = 5\n', "unknown exercise 'bridge_of_doom'; valid exercises: "),
    ('[[steps]]\nexercise = "plank"\nreps = 5\n', "plank is a hold exercise"),
    ('[[steps]]\nexercise = "glute_bridge"\nrepz = 5\n', "unknown key 'repz'; valid keys: "),
    ('[[steps]]\nexercise = "glute_bridge"\nreps = 0\n', "reps must be 1 or more"),
    ('[[steps]]\nexercise = "glute_bridge"\nreps = "ten"\n', "reps must be a whole number"),
    ('title = "x"\n', "no [[steps]]"),
    ('[progression]\nspeed = 2\n[[steps]]\nexercise = "plank"\n', "unknown key 'speed'"),
    ('[[steps]\nexercise = 1', "not valid TOML"),
])
def test_validation_errors_are_one_line_naming_the_valid_choices(tmp_path, text, expect):
    with pytest.raises(ProgrammeError) as e:
        load_programme(_toml(tmp_path, text))
    msg = str(e.value)
    assert expect in msg and "\n" not in msg
    if "valid exercises" in expect:
        assert "glute_bridge" in msg and "plank" in msg


def test_unknown_programme_lists_the_shipped_ones():
    with pytest.raises(ProgrammeError, match="valid programmes: desk_break, standard_routine, starter_week"):
        load_programme("marathon")


def test_aliases_and_defaults():
    p = parse_programme({"steps": [{"exercise": "bridge"}, {"exercise": "knee_to_chest"}]}, "t")
    assert p.steps[0].exercise == "glute_bridge" and p.steps[0].reps == 10  # the exercise's own target
    assert p.steps[1].per_side is True  # sided exercises count each side


# --- progression -------------------------------------------------------------------------------------------------
GOOD = SessionOutcome(completed=True, faults=0, pain_before=3, pain_after=3)


def test_targets_rise_only_after_good_sessions_in_a_row():
    rule = ProgressionRule(good_sessions=2)
    assert next_level([], rule).level == 0
    one = next_level([GOOD], rule)
    assert one.level == 0 and "1 more like it" in one.reason
    two = next_level([GOOD, GOOD], rule)
    assert two.level == 1 and two.changed == 1
    assert "completed with good form and no rise in pain" in two.reason
    # an incomplete session or poor form breaks the streak, without lowering targets
    broken = next_level([GOOD, SessionOutcome(False, 0, 3, 3), GOOD], rule)
    assert broken.level == 0
    faulty = next_level([GOOD, SessionOutcome(True, 4, 3, 3)], rule)
    assert faulty.level == 0 and "form faults" in faulty.reason


@pytest.mark.parametrize("bad,words", [
    (SessionOutcome(True, 0, 2, 4), "your pain went up from 2 to 4"),
    (SessionOutcome(True, 0, 2, 2, hurt=True), "an exercise hurt"),
    (SessionOutcome(False, 0, 8, None, stopped_for_pain=True), "stopped because of pain"),
])
def test_targets_fall_back_after_pain_and_say_why(bad, words):
    rule = ProgressionRule(good_sessions=2)
    lv = next_level([GOOD, GOOD, bad], rule)
    assert lv.level == 0 and lv.changed == -1
    assert words in lv.reason and lv.reason.startswith("Targets are a step easier")


def test_apply_level_follows_the_guides_limits():
    rule = ProgressionRule(reps_step=2, hold_step=5, max_reps=15, max_hold=60, max_sets=3)
    assert apply_level(Target(1, 10, 5.0), 1, rule) == Target(1, 12, 10.0)
    up = apply_level(Target(1, 14, 5.0), 2, rule)
    assert up.reps == 15 and up.sets == 2, "past 15 reps a rise adds a set"
    assert apply_level(Target(1, None, 55.0), 3, rule).hold == 60.0
    assert apply_level(Target(1, 2, 5.0), -2, rule) == Target(1, 1, 5.0)


# --- pain ---------------------------------------------------------------------------------------------------------
def test_pain_rules():
    assert pain_stop(None, 6) is None
    assert "7 out of 10" in pain_stop(None, 7)
    assert pain_stop(3, 4) is None
    msg = pain_stop(3, 5)
    assert "went up from 3 to 5" in msg and "physiotherapist" in msg
    assert valid_rating("4") == 4
    with pytest.raises(ValueError):
        valid_rating(11)


# --- history: schema, migrations ----------------------------------------------------------------------------------
def test_new_database_is_at_the_current_version(tmp_path):
    conn = connect(tmp_path / "h.db")
    assert version(conn) == SCHEMA_VERSION == len(MIGRATIONS)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"sessions", "exercises", "sets", "reps", "holds", "pain", "corrections"} <= tables


def test_migration_from_version_1_keeps_the_data(tmp_path):
    path = tmp_path / "old.db"
    conn = connect(path, upto=1)
    assert version(conn) == 1
    conn.execute("INSERT INTO sessions (programme, day, started_at, ended_by) VALUES ('x', '2026-01-01', 't', 'done')")
    conn.close()
    conn = connect(path)
    assert version(conn) == SCHEMA_VERSION
    row = conn.execute("SELECT programme, level, reason FROM sessions").fetchone()
    assert tuple(row) == ("x", 0, "")


def test_a_newer_database_is_refused_in_one_line(tmp_path):
    path = tmp_path / "new.db"
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    raw.close()
    with pytest.raises(HistoryError, match="newer than this posecoach"):
        connect(path)


# --- demonstrations -------------------------------------------------------------------------------------------------
def test_demonstration_is_rendered_once_and_cached(tmp_path, monkeypatch):
    from posecoach.commands import synth as synth_cmd
    from posecoach.programme import demo

    monkeypatch.setenv("POSECOACH_CACHE", str(tmp_path / "cache"))
    path = demo.demo_clip("glute_bridge", workers=2)
    assert path == tmp_path / "cache" / "demos" / f"glute_bridge-v{demo.DEMO_VERSION}.mp4" and path.exists()
    frames = demo.load_frames(path)
    assert len(frames) > 20 and frames[0].shape == (240, 320, 3)

    def no_render(*a, **k):
        raise AssertionError("rendered again")

    monkeypatch.setattr(synth_cmd, "synth", no_render)
    assert demo.demo_clip("glute_bridge") == path
    assert len(demo.prepare_demos(["glute_bridge"], progress=False)["glute_bridge"]) == len(frames)


# --- a guided session with injected poses ---------------------------------------------------------------------------
class StubEstimator:
    """Poses from the synthetic avatar's landmarks instead of the model (index modulo the script)."""

    def __init__(self, frames):
        self.frames = frames

    def estimate(self, frame):
        return self.frames[frame.index % len(self.frames)].pose


@pytest.fixture(scope="module")
def bridge_frames():
    from posecoach.synth import generate

    frames, _ = generate("glute_bridge", reps=12, fps=15, width=320, height=240)
    return frames


def frames_source(n: int, fps: float = 15.0):
    img = np.zeros((240, 320, 3), np.uint8)
    for i in range(n):
        yield Frame(img, i, i / fps)


PROG = {"title": "Test", "steps": [{"exercise": "glute_bridge", "reps": 2, "sets": 2, "rest": 1},
                                  {"exercise": "glute_bridge", "reps": 1}]}
FAST = {"plan": 0.5, "demo": 0.5, "hurt": 0.5, "pain_after": 60, "closing": 0.5}


def run(tmp_path, frames, keys=None, prog=PROG, day="2026-12-01", n=3000, **kw):
    from posecoach.programme.run import run_programme

    keys = keys or {}
    kw.setdefault("pain_before", 2)
    return run_programme(parse_programme(prog, "test"), source=frames_source(n), estimator=StubEstimator(frames),
                         display=False, db=tmp_path / "h.db", today=day, demos={}, times=FAST,
                         session_dir=tmp_path / f"s-{day}-{len(list((tmp_path).glob('s-*')))}",
                         keys=keys if callable(keys) else (lambda i: keys.get(i, -1)), **kw)


def after_phase(phase_of, when: str, key: int):
    """A key script pressing ``key`` on the first frame after the session has been in ``when`` for a frame."""
    state = {"seen": 0}

    def keys(i):
        if phase_of() == when:
            state["seen"] += 1
            if state["seen"] == 2:
                return key
        return -1
    return keys


def test_whole_session_counts_rests_and_asks_pain_after(tmp_path, bridge_frames):
    holder = {}

    def keys(i):
        g = holder.get("g")
        return ord("3") if g is not None and g.phase == "pain_after" else -1

    import posecoach.programme.run as run_mod
    orig = run_mod.GuidedSession

    class Spy(orig):
        def __init__(self, *a, **k):
            super().__init__(*a, **k)
            holder["g"] = self

    run_mod.GuidedSession = Spy
    try:
        res = run(tmp_path, bridge_frames, keys=keys)
    finally:
        run_mod.GuidedSession = orig
    assert res.ended_by == "done" and (res.pain_before, res.pain_after) == (2, 3)
    assert [(s["reps"], s["ended"]) for s in res.sets] == [(2, "target reached")] * 2 + [(1, "target reached")]
    conn = connect(tmp_path / "h.db")
    assert conn.execute("SELECT COUNT(*) FROM reps WHERE full = 1").fetchone()[0] == 5
    assert [tuple(r) for r in conn.execute("SELECT moment, rating FROM pain ORDER BY id")] == [("before", 2),
                                                                                                ("after", 3)]
    assert [r[0] for r in conn.execute("SELECT ended FROM exercises ORDER BY id")] == ["done", "done"]
    rep = conn.execute("SELECT duration, rom, rom_unit, range_share, full FROM reps LIMIT 1").fetchone()
    assert rep["duration"] > 1.0 and rep["rom"] > 0.1 and rep["rom_unit"] == "torso", "duration and range of motion are kept"
    assert res.next_time == "Targets are a step easier today because your pain went up from 2 to 3 last session."
    kinds = [__import__("json").loads(x)["type"] for x in (res.live.session_dir / "events.jsonl").read_text().splitlines()]
    assert "RestStart" in kinds and kinds.count("SetEnd") == 3


def test_pain_of_7_before_ends_the_session_at_once(tmp_path, bridge_frames):
    res = run(tmp_path, bridge_frames, pain_before=7)
    assert res.ended_by == "pain" and res.sets == []
    assert "see a doctor or physiotherapist" in res.next_time
    assert session_outcomes(connect(tmp_path / "h.db"), "test")[0].stopped_for_pain


def test_pain_rise_of_2_after_ends_with_advice_and_lowers_next_targets(tmp_path, bridge_frames):
    # Build up to a level of 1 first, then a painful session.
    for day in ("2026-12-01", "2026-12-02"):
        run(tmp_path, bridge_frames, day=day, keys=_pain_after_key(ord("2")))
    res = run(tmp_path, bridge_frames, day="2026-12-03", keys=_pain_after_key(ord("4")))
    assert res.reason.startswith("Targets go up a step")
    assert res.ended_by == "pain" and "went up from 2 to 4" in res.next_time
    lv = next_level(session_outcomes(connect(tmp_path / "h.db"), "test"), ProgressionRule())
    assert lv.level == 0 and "pain went up from 2 to 4" in lv.reason


def _pain_after_key(code):
    """Press ``code`` once the session waits for the pain rating after (found from the events file's phases)."""
    def keys(i):
        return code if i % 5 == 0 else -1  # digits only act on the pain screens; pain before is given
    return keys


def test_this_hurts_stops_the_exercise_kindly_and_moves_on(tmp_path, bridge_frames):
    res = run(tmp_path, bridge_frames, keys={60: ord("h")})
    conn = connect(tmp_path / "h.db")
    assert [r[0] for r in conn.execute("SELECT ended FROM exercises ORDER BY id")] == ["hurt", "done"]
    assert conn.execute("SELECT moment, exercise FROM pain WHERE moment = 'hurt'").fetchone()["exercise"] == \
        "glute_bridge"
    assert res.sets[0]["ended"] == "hurts" and res.sets[-1]["ended"] == "target reached"
    assert not session_outcomes(conn, "test")[0].completed
    events = (res.live.session_dir / "events.jsonl").read_text()
    assert '"Hurt"' in events


def test_this_hurts_during_the_demonstration_skips_that_exercise(tmp_path, bridge_frames):
    res = run(tmp_path, bridge_frames, keys={12: ord("h")})  # frames 8-15: the first demonstration
    conn = connect(tmp_path / "h.db")
    assert [r[0] for r in conn.execute("SELECT ended FROM exercises ORDER BY id")] == ["hurt", "done"]
    assert [s["step"] for s in res.sets] == [1], "no set of the first exercise was started"


def test_corrections_are_stored_as_such(tmp_path, bridge_frames):
    res = run(tmp_path, bridge_frames, keys={40: ord("+"), 41: ord("-"), 42: ord("+")})
    conn = connect(tmp_path / "h.db")
    assert [r[0] for r in conn.execute("SELECT delta FROM corrections ORDER BY id")] == [1, -1, 1]
    first = res.sets[0]
    assert first["corrections"] == 1 and first["ended"] == "target reached"
    assert first["reps"] == 1, "one counted rep + one correction reached the target of 2; the count is unchanged"
    rows = session_rows(conn)
    assert rows[0]["corrections"] == 1


@pytest.mark.parametrize("corrections, live, final, settled", [
    (3, 0, 3, -3),   # three "+" for three missed reps, all found at the end: three reps, not six
    (3, 0, 2, -2),   # the end found two of the three: the person's third addition stays
    (1, 2, 5, -1),   # never more than was added
    (-1, 3, 4, 0),   # a rep the person removed stays removed
    (2, 2, 2, 0),    # nothing found at the end
])
def test_reps_found_at_the_end_settle_the_persons_additions(corrections, live, final, settled):
    from posecoach.programme.plan import settled_corrections

    assert settled_corrections(corrections, live, final) == settled


def test_guided_set_keeps_one_count_when_the_end_finds_the_reps_added_by_hand(tmp_path, bridge_frames, monkeypatch):
    """The person presses "+" twice for reps the coach did not count live; the set's end (Checker.finish, here
    made to find two more reps, as the end-of-set periodic pass does) must not count them a second time."""
    from dataclasses import replace

    from posecoach.exercises.engine import Checker

    finish = Checker.finish
    added = []

    def finish_finding_two_more(self):
        res = finish(self)
        if not added:  # the first set only
            last = res.reps[-1] if res.reps else None
            more = [replace(last, index=res.complete_reps + k, start=last.end + k, peak=last.end + k + 0.5,
                            end=last.end + k + 1, complete=True, grade="full", source="periodicity")
                    for k in (1, 2)] if last else []
            res.reps = list(res.reps) + more
            self.final_events = tuple(self.final_events) + tuple(more)  # decided at the end, as finish does
            added.append(len(more))
        return res

    monkeypatch.setattr(Checker, "finish", finish_finding_two_more)
    res = run(tmp_path, bridge_frames, keys={40: ord("+"), 41: ord("+")})
    conn = connect(tmp_path / "h.db")
    assert added == [2]
    first = res.sets[0]
    assert first["settled"] == -2 and first["corrections"] == 0
    assert [r[0] for r in conn.execute("SELECT delta FROM corrections ORDER BY id")] == [1, 1, -2]
    row = conn.execute("SELECT id, reps FROM sets ORDER BY id").fetchone()
    assert row["reps"] == first["reps"]
    # the reps the end found are in the history like live ones (the settlement took back the presses for them)
    stored = conn.execute("SELECT COUNT(*) FROM reps WHERE set_id = ? AND full = 1", (row["id"],)).fetchone()[0]
    assert stored == first["reps"]
    total = sum(r["reps"] for r in res.sets)
    assert session_rows(conn)[0]["corrections"] == 0 and session_rows(conn)[0]["reps"] == total
    events = [__import__("json").loads(x) for x in (res.live.session_dir / "events.jsonl").read_text().splitlines()]
    assert sum(1 for e in events if e["type"] == "Rep" and e.get("at_end") and e["complete"]) == 2
    assert next(e for e in events if e["type"] == "SetEnd")["settled"] == -2


def test_ctrl_c_mid_session_keeps_every_completed_rep(tmp_path, bridge_frames):
    def keys(i):
        if i == 300:
            raise KeyboardInterrupt
        return -1

    res = run(tmp_path, bridge_frames, keys=keys)
    assert res.ended_by == "interrupted"
    conn = connect(tmp_path / "h.db")
    reps_db = conn.execute("SELECT COUNT(*) FROM reps WHERE full = 1").fetchone()[0]
    events = [__import__("json").loads(x) for x in (res.live.session_dir / "events.jsonl").read_text().splitlines()]
    assert reps_db == sum(1 for e in events if e["type"] == "Rep" and e["complete"]) >= 2
    assert conn.execute("SELECT ended_by FROM sessions").fetchone()[0] == "interrupted"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


KILL_SCRIPT = r"""
import sys, numpy as np
sys.path.insert(0, {tests!r})
from test_programme import StubEstimator, frames_source, PROG, FAST
from posecoach.synth import generate
from posecoach.programme.spec import parse_programme
from posecoach.programme.run import run_programme
from posecoach.history.writer import SessionWriter
frames, _ = generate("glute_bridge", reps=12, fps=15, width=320, height=240)
orig = SessionWriter.add_rep
def add_rep(self, rep):
    orig(self, rep)
    print("rep", flush=True)   # committed: the parent may kill us now
SessionWriter.add_rep = add_rep
run_programme(parse_programme(PROG, "test"), source=frames_source(100000), estimator=StubEstimator(frames),
              display=False, db={db!r}, demos={{}}, times=FAST, pain_before=2, session_dir={sd!r})
"""


def test_sigkill_mid_session_leaves_a_consistent_database(tmp_path):
    db = tmp_path / "h.db"
    code = KILL_SCRIPT.format(tests=str(Path(__file__).parent), db=str(db), sd=str(tmp_path / "s"))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=env)
    seen = 0
    try:
        for line in proc.stdout:
            seen += line.strip() == "rep"
            if seen == 3:
                proc.send_signal(signal.SIGKILL)
                break
    finally:
        proc.wait(timeout=60)
    assert seen == 3, "the session printed three committed reps before the kill"
    conn = connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT COUNT(*) FROM reps").fetchone()[0] >= 3
    s = conn.execute("SELECT ended_by FROM sessions").fetchone()
    assert s["ended_by"] is None, "killed: the session is left unfinished, and shows so"
    assert session_rows(conn)[0]["ended_by"] == "unfinished"


@pytest.mark.parametrize("name", ["starter_week", "standard_routine", "desk_break"])
def test_every_shipped_programme_runs_through_when_each_set_is_skipped(tmp_path, bridge_frames, name):
    """The n key through every set of every exercise (holds per side, mixed, reps): no step trips the session."""
    from posecoach.programme.run import run_programme

    res = run_programme(load_programme(name), source=frames_source(4000), estimator=StubEstimator(bridge_frames),
                        display=False, db=tmp_path / "h.db", demos={}, times=FAST, pain_before=1,
                        session_dir=tmp_path / "s", keys=lambda i: ord("n") if i % 3 == 0 else -1)
    prog = load_programme(name)
    conn = connect(tmp_path / "h.db")
    ended = [r[0] for r in conn.execute("SELECT ended FROM exercises ORDER BY id")]
    assert len(ended) == len(prog.steps) and res.sets
    assert {s["step"] for s in res.sets} == set(range(len(prog.steps)))
    assert not session_outcomes(conn, name)[0].completed or all(e == "done" for e in ended)


# --- three simulated days -> report -----------------------------------------------------------------------------------
def test_three_days_give_a_report_with_the_three(tmp_path, bridge_frames):
    from posecoach.history.report import figures, write_report

    days = ["2026-12-01", "2026-12-02", "2026-12-04"]
    for d in days:
        run(tmp_path, bridge_frames, day=d, keys=_pain_after_key(ord("1")))
    conn = connect(tmp_path / "h.db")
    rows = session_rows(conn)
    assert [r["day"] for r in rows] == days
    # two good sessions (pain fell from 2 to 1): the third one's targets went up a step
    assert [r["level"] for r in rows] == [0, 0, 1]
    assert rows[0]["reps"] == rows[1]["reps"] == 5 and rows[2]["reps"] > 5
    assert [(r["pain_before"], r["pain_after"]) for r in rows] == [(2, 1)] * 3
    figs = figures(conn)
    assert [f["title"] for f in figs] == ["Reps per exercise", "Hold time per exercise", "Range of motion", "Pain",
                                          "Adherence"]
    out = write_report(conn, tmp_path / "progress.html")
    html = out.read_text()
    assert html.count("data:image/png;base64,") == 5
    for d in days:
        assert f"<td>{d}</td>" in html
    csv = csv_text(conn).splitlines()
    assert len(csv) == 1 + 6 and csv[0].startswith("session_id,day,programme,exercise")


# --- commands -------------------------------------------------------------------------------------------------------
def cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "posecoach", *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})})


def test_programme_commands():
    r = cli("programme", "list")
    assert r.returncode == 0 and "starter_week" in r.stdout and "standard_routine" in r.stdout
    r = cli("programme", "show", "standard_routine")
    assert r.returncode == 0 and "Glute bridge" in r.stdout and "from week 3" in r.stdout
    r = cli("programme", "show", "nope")
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "valid programmes:" in r.stderr
    r = cli("start", "--pain-before", "12")
    assert r.returncode == 2 and "pain must be from 0" in r.stderr
    r = cli("start", "starter_week", "--camera", "no_such_clip.mp4", "--no-display", "--mute")
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "no_such_clip.mp4" in r.stderr, r.stderr
    r = cli("start", "starter_week", "--mute", "--camera", str(REPO / "sample_videos" / "glute_bridge_side.mp4"),
            env={"DISPLAY": "", "WAYLAND_DISPLAY": ""})
    assert r.returncode == 4 and "no display" in r.stderr and "Traceback" not in r.stderr


def test_history_command_table_html_and_csv(tmp_path, bridge_frames):
    run(tmp_path, bridge_frames)
    r = cli("history", "--db", str(tmp_path / "h.db"), "--html", str(tmp_path / "p.html"), "--csv",
            str(tmp_path / "h.csv"))
    assert r.returncode == 0, r.stderr
    assert "2026-12-01" in r.stdout and (tmp_path / "p.html").exists() and (tmp_path / "h.csv").exists()
