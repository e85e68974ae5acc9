"""In a programme session, the coach notices another of today's exercises being done instead of the one on screen
and asks (Y switches, N stays); an exercise not in today's session gets a note instead. The rule is tested on
scripted recogniser answers, the session on the synthetic avatar's landmarks with the real recogniser (no pose
model: a few seconds)."""
from __future__ import annotations

import json

import pytest

from posecoach.history import connect
from posecoach.programme.plan import ProgrammeRoutine, todays_plan
from posecoach.programme.spec import parse_programme
from posecoach.programme.switch import ANSWER_SECONDS, COOLDOWN, QUIET, SUSTAIN, SwitchWatch, Thresholds
from posecoach.recognition.stream import Recognition
from test_programme import FAST, StubEstimator, frames_source


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    monkeypatch.setenv("POSECOACH_HOME", str(tmp_path / "home"))


# --- the rule, on scripted recogniser answers -----------------------------------------------------------------------
def _drive(watch, answers, on_screen="glute_bridge", pending=("cat_cow",), counted_at=(), dt=0.1, t0=0.0):
    """Feed (label, confidence) answers one per ``dt``; returns [(t, Offer)] for the offers made."""
    out = []
    for i, (label, conf) in enumerate(answers):
        t = t0 + i * dt
        o = watch.decide(t, Recognition(label, conf), on_screen, set(pending), i in counted_at)
        if o is not None:
            out.append((round(t, 2), o))
    return out


def _watch(session=("glute_bridge", "cat_cow")):
    w = SwitchWatch(session)
    w.start_set(0.0)
    return w


def test_an_offer_needs_a_sustained_confident_label_and_a_quiet_checker():
    w = _watch()
    got = _drive(w, [("cat_cow", 0.9)] * 200)
    assert len(got) == 1
    t, o = got[0]
    assert (o.kind, o.exercise) == ("ask", "cat_cow")
    assert t == pytest.approx(max(SUSTAIN, QUIET), abs=0.11), "asked once both the label held and the set was quiet"

    # a count by the on-screen checker restarts the quiet time: the person is doing the exercise on screen
    w = _watch()
    got = _drive(w, [("cat_cow", 0.9)] * 300, counted_at={100})
    assert got and got[0][0] == pytest.approx(10.0 + QUIET, abs=0.11)

    # a dip in confidence, or a moment of another label, restarts the sustained run
    w = _watch()
    answers = [("cat_cow", 0.9)] * 100 + [("cat_cow", 0.4)] + [("cat_cow", 0.9)] * 100
    got = _drive(w, answers)
    assert got[0][0] == pytest.approx(10.1 + SUSTAIN, abs=0.11)
    w = _watch()
    answers = [("cat_cow", 0.9)] * 100 + [("cobra", 0.9)] + [("cat_cow", 0.9)] * 100
    assert _drive(w, answers)[0][0] == pytest.approx(10.1 + SUSTAIN, abs=0.11)


@pytest.mark.parametrize("label,conf", [("", 0.0), ("rest", 0.99), ("other", 0.99), ("glute_bridge", 0.99),
                                        ("cat_cow", 0.59), ("no_such_exercise", 0.99)])
def test_rest_other_the_shown_exercise_unknown_and_unsure_never_offer(label, conf):
    assert _drive(_watch(), [(label, conf)] * 400) == []


def test_no_means_not_again_for_a_while():
    w = _watch()
    first = _drive(w, [("cat_cow", 0.9)] * 200)
    assert len(first) == 1
    w.mute("cat_cow", first[0][0])
    again = _drive(w, [("cat_cow", 0.9)] * int((COOLDOWN + 30) * 10), t0=20.0)
    assert len(again) == 1 and again[0][0] >= first[0][0] + COOLDOWN, "asked again only after the cooldown"


def test_not_in_the_session_or_already_behind_is_a_note_shown_once_per_cooldown():
    w = _watch()
    got = _drive(w, [("cobra", 0.95)] * 600)
    assert [(o.kind, o.exercise, o.in_session) for _, o in got] == [("note", "cobra", False)]
    w = _watch()
    got = _drive(w, [("cat_cow", 0.95)] * 200, pending=())  # in today's plan, but already done
    assert [(o.kind, o.in_session) for _, o in got] == [("note", True)]


def test_a_new_set_starts_the_watch_over():
    w = _watch()
    _drive(w, [("cat_cow", 0.9)] * 100)  # 10 s: not yet
    w.start_set(10.0)
    got = _drive(w, [("cat_cow", 0.9)] * 200, t0=10.0)
    assert got[0][0] == pytest.approx(10.0 + QUIET, abs=0.11)


def test_thresholds_are_settable():
    w = SwitchWatch(["glute_bridge", "cat_cow"], thresholds=Thresholds(sustain=1.0, quiet=2.0))
    w.start_set(0.0)
    assert _drive(w, [("cat_cow", 0.9)] * 50)[0][0] == pytest.approx(2.0, abs=0.11)


# --- the routine's order after a switch -----------------------------------------------------------------------------
def test_switching_takes_up_the_step_left_right_after_at_its_set():
    prog = parse_programme({"steps": [{"exercise": "glute_bridge", "reps": 2, "sets": 2},
                                      {"exercise": "squat", "reps": 2},
                                      {"exercise": "cat_cow", "reps": 2, "sets": 2}]}, "t")
    r = ProgrammeRoutine(todays_plan(prog, [], None, "2026-12-01"))
    r.advance()  # bridge, set 2
    assert (r.spec.id, r.set_i) == ("glute_bridge", 2)
    assert r.pending() == {"squat": 1, "cat_cow": 2}
    r.switch_to(2)
    assert (r.spec.id, r.set_i) == ("cat_cow", 1) and r.pending() == {"glute_bridge": 0, "squat": 1}
    assert r.next_label() == "Cat-cow, set 2 of 2"
    r.advance()
    assert r.next_label() == "Glute bridge"
    assert r.advance() and (r.spec.id, r.set_i) == ("glute_bridge", 2), "back to the set that was left"
    assert r.advance() and r.spec.id == "squat"
    assert not r.advance() and r.pending() == {}
    with pytest.raises(ValueError):
        r.switch_to(0)  # a step already behind is never switched to


# --- a whole session, with the avatar's landmarks and the real recogniser ---------------------------------------------
@pytest.fixture(scope="module")
def catcow_frames():
    from posecoach.synth import generate

    frames, _ = generate("cat_cow", reps=14, fps=15, width=320, height=240)
    return frames


def _session(tmp_path, frames, prog, answer=None, n=4000, **kw):
    """Run a programme session; ``answer(g)`` -> a key code, asked on every frame with the GuidedSession."""
    import posecoach.programme.run as run_mod
    from posecoach.programme.run import run_programme

    holder = {}
    orig = run_mod.GuidedSession

    class Spy(orig):
        def __init__(self, *a, **k):
            super().__init__(*a, **k)
            holder["g"] = self

    def keys(i):
        g = holder.get("g")
        return answer(g) if (g is not None and answer is not None) else -1

    run_mod.GuidedSession = Spy
    try:
        res = run_programme(parse_programme(prog, "test"), source=frames_source(n), estimator=StubEstimator(frames),
                            display=False, db=tmp_path / "h.db", today="2026-12-01", demos={}, times=FAST,
                            pain_before=2, session_dir=tmp_path / "s", keys=keys, **kw)
    finally:
        run_mod.GuidedSession = orig
    events = [json.loads(x) for x in (res.live.session_dir / "events.jsonl").read_text().splitlines()]
    return res, holder["g"], events


# The squat checker counts the avatar's cat-cows only as periodic motion with its posture gate shut, which is not
# counting a squat (switch.shown_exercise_counted); the bridge checker would take them for bridges (gate open).
SQUAT_THEN_CATCOW = {"title": "T", "steps": [{"exercise": "squat", "reps": 3, "sets": 2, "rest": 1},
                                              {"exercise": "cat_cow", "reps": 3, "rest": 1}]}


def test_yes_switches_counts_what_was_done_and_takes_up_the_exercise_left_later(tmp_path, catcow_frames):
    state = {"asked": 0}

    def answer(g):
        if g.offers.question is not None:
            state["asked"] += 1
            return ord("y")
        if g.phase == "exercise" and g.routine.spec.id == "squat" and state["asked"]:
            return ord("n")  # back on the squat (never done by this avatar): skip its sets
        return -1

    res, g, events = _session(tmp_path, catcow_frames, SQUAT_THEN_CATCOW, answer)
    assert state["asked"] == 1
    offer = next(e for e in events if e["type"] == "SwitchOffer")
    assert (offer["kind"], offer["exercise"], offer["on_screen"]) == ("ask", "cat_cow", "squat")
    switch = next(e for e in events if e["type"] == "ExerciseSwitch")
    assert switch["left"] == "squat" and switch["replayed"] > 100
    assert any(e["type"] == "Rep" and e.get("replayed") for e in events), "reps done before the switch count"
    sets = [(s["exercise"], s["set"], s["ended"]) for s in res.sets]
    assert sets[0] == ("squat", 1, "switched")
    assert sets[1] == ("cat_cow", 1, "target reached")
    assert [x[:2] for x in sets[2:]] == [("squat", 1), ("squat", 2)], "the squat is taken up again"
    assert res.sets[1]["reps"] >= 3
    conn = connect(tmp_path / "h.db")
    rows = [tuple(r) for r in conn.execute("SELECT exercise, position, ended FROM exercises ORDER BY id")]
    assert rows == [("squat", 0, "switched"), ("cat_cow", 1, "done"), ("squat", 0, "skipped")]
    cat_set = conn.execute("SELECT s.reps FROM sets s JOIN exercises e ON s.exercise_id = e.id "
                           "WHERE e.exercise = 'cat_cow'").fetchone()[0]
    assert cat_set == res.sets[1]["reps"]
    assert conn.execute("SELECT COUNT(*) FROM reps r JOIN sets s ON r.set_id = s.id JOIN exercises e "
                        "ON s.exercise_id = e.id WHERE e.exercise = 'cat_cow' AND r.full = 1").fetchone()[0] >= 3
    assert res.live.summary["switches"][0]["answer"] == "switch"


def test_no_stays_and_does_not_ask_again_for_a_while(tmp_path, catcow_frames):
    # 40 squats: the periodic motion the squat checker counts (gate shut) never ends the set in these 160 s
    prog = {"title": "T", "steps": [{"exercise": "squat", "reps": 40}, {"exercise": "cat_cow", "reps": 3}]}
    res, g, events = _session(tmp_path, catcow_frames, prog,
                              lambda g: ord("n") if g.offers.question is not None else -1, n=2400)
    offers = [e for e in events if e["type"] == "SwitchOffer"]
    answers = [e["answer"] for e in events if e["type"] == "SwitchAnswer"]
    assert len(offers) == 1 and answers == ["stay"], "2400 frames = 160 s, one question within the 120 s cooldown"
    assert not any(e["type"] == "ExerciseSwitch" for e in events)
    assert all(s["exercise"] == "squat" for s in res.sets)


def test_no_answer_is_staying(tmp_path, catcow_frames):
    res, g, events = _session(tmp_path, catcow_frames, SQUAT_THEN_CATCOW, None, n=1500)
    offer = next(e for e in events if e["type"] == "SwitchOffer")
    answer = next(e for e in events if e["type"] == "SwitchAnswer")
    assert answer["answer"] == "no answer"
    assert answer["wall_time"] - offer["wall_time"] >= 0  # logged after the question
    assert not any(e["type"] == "ExerciseSwitch" for e in events)


def test_an_exercise_not_in_today_session_gets_a_note_not_a_switch(tmp_path, catcow_frames):
    prog = {"title": "T", "steps": [{"exercise": "squat", "reps": 3}]}
    res, g, events = _session(tmp_path, catcow_frames, prog, lambda g: ord("y") if g.offers.note is not None else -1,
                              n=900)
    offers = [e for e in events if e["type"] == "SwitchOffer"]
    assert [(o["kind"], o["exercise"]) for o in offers] == [("note", "cat_cow")]
    assert not any(e["type"] in ("ExerciseSwitch", "SwitchAnswer") for e in events), "Y does nothing to a note"
    (sw,) = res.live.summary["switches"]
    assert (sw["from"], sw["doing"], sw["answer"]) == ("squat", "cat_cow", "not in today's session")
    assert res.sets[0]["exercise"] == "squat" and res.sets[0]["ended"] != "switched"


def test_no_switch_turns_it_off_and_the_right_exercise_is_never_questioned(tmp_path, catcow_frames):
    _, g, events = _session(tmp_path, catcow_frames, SQUAT_THEN_CATCOW, None, n=900, switch=False)
    assert g.offers is None and not any(e["type"] == "SwitchOffer" for e in events)
    # the avatar doing the cat-cow of a cat-cow-first session: counted, never questioned
    prog = {"title": "T", "steps": [{"exercise": "cat_cow", "reps": 3, "sets": 3, "rest": 1},
                                    {"exercise": "squat", "reps": 3}]}
    res, _, events = _session(tmp_path / "b", catcow_frames, prog, None, n=1500)
    assert [s["ended"] for s in res.sets[:3]] == ["target reached"] * 3
    offers = [e for e in events if e["type"] == "SwitchOffer"]
    assert all(o["on_screen"] == "squat" for o in offers), "never while the cat-cow on screen is being done"
    # and on the squat afterwards, the cat-cow (done for today) is a note, not a question
    assert [(o["kind"], o["exercise"]) for o in offers] == [("note", "cat_cow")]
    assert res.live.summary["switches"][0]["answer"] == "done today"


def test_the_question_is_drawn_along_the_bottom(tmp_path):
    import numpy as np

    from posecoach.programme import screens

    img = np.full((720, 960, 3), 120, np.uint8)
    out = screens.switch_question(img.copy(), "Cat-cow", "Glute bridge", 0.25)
    changed = np.abs(out.astype(int) - 120).max(axis=2) > 10
    rows = np.flatnonzero(changed.any(axis=1))
    assert rows.min() > 720 / 2 and rows.max() < 720, "the panel sits in the lower half, the person stays in view"
    amber = (np.abs(out.astype(int) - (0, 180, 255)).max(axis=2) < 30).sum()
    assert amber > 2000, "the amber frame and the time-left bar"
    assert ANSWER_SECONDS > 5
