"""Exercises as data: the package's exercise files, their validation, the named functions' declared reads, and
the facts a checker publishes."""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from posecoach.exercises import (ExerciseFileError, get_exercise, list_exercises, load_exercise_file, make_checker,
                                 report_dict)
from posecoach.exercises.body import Body
from posecoach.exercises.files import DATA_DIR, builtin_files
from posecoach.exercises.named import (MEASURE_FNS, POSTURE_FNS, VARIANT_FNS, NamedFn, UndeclaredLandmarkError,
                                       check_reads)

ROOT = Path(__file__).resolve().parents[1]

GOOD = '''
id = "wall_sit"
name = "Wall sit"
kind = "hold"
family = "standing"
views = ["side", "oblique"]
description = "Back against a wall, slide down until the knees are bent, hold."
measure = {kind = "angle", a = "hip", b = "knee", c = "ankle"}
start = 170.0
top = 100.0
target_hold = 20.0
posture = "any_posture"
'''


def _write(tmp_path, text: str) -> Path:
    p = tmp_path / "ex.toml"
    p.write_text(text)
    return p


# ------------------------------------------------------------------------------------ the package's files
def test_every_exercise_is_a_file_named_after_its_id():
    files = builtin_files()
    assert {p.stem for p in files} == {s.id for s in list_exercises()}
    for p in files:
        assert load_exercise_file(p).id == p.stem


def test_every_exercise_has_a_family_and_views():
    for s in list_exercises():
        assert s.family in ("lying", "floor", "kneeling", "seated", "standing")
        assert s.supported_views and set(s.supported_views) <= {"side", "oblique", "front", "feet", "head"}


# -------------------------------------------------------------------------------------------- validation
@pytest.mark.parametrize("change,message", [
    (("id = \"wall_sit\"", "id = \"wall_sit\"\ncolour = \"red\""), r"unknown field 'colour'; valid fields: .*aliases"),
    (("kind = \"angle\"", "kind = \"angel\""), r"unknown measure kind 'angel'; valid kinds: angle, incline"),
    (("{kind = \"angle\", a = \"hip\", b = \"knee\", c = \"ankle\"}", "{fn = \"knee_dorp\"}"),
     r"unknown measure function 'knee_dorp'; registered: .*knee_drop"),
    (("posture = \"any_posture\"", "posture = \"sitting\""), r"unknown posture 'sitting'; registered: .*lying"),
    (("c = \"ankle\"", "c = \"ankel\""), r"unknown landmark 'ankel'; valid: .*ankle"),
    (("family = \"standing\"", "family = \"upside_down\""), r"'upside_down' is not one of lying, floor"),
    (("views = [\"side\", \"oblique\"]", "views = [\"side\", \"above\"]"), r"'above' is not one of side, oblique"),
    (("start = 170.0", ""), r"missing required field 'start'"),
    (("start = 170.0", "start = \"high\""), r"start: must be float, not 'high'"),
    (("target_hold = 20.0", "target_hold = 20.0\n[[faults]]\ncode = \"x\"\nmessage = \"m\"\n"
      "measure = {kind = \"height\", point = \"hip\", ref = \"knee\"}\nbad = {low = 1.0}"),
     r"faults\[0\]\.bad: a zone is \{lo = number\}"),
    (("target_hold = 20.0", "target_hold = 20.0\n[[faults]]\ncode = \"x\"\nmessage = \"m\"\n"
      "measure = {kind = \"height\", point = \"hip\", ref = \"knee\"}\nbad = {lo = 2.0, hi = 1.0}"),
     r"lo 2 is above hi 1"),
    (("target_hold = 20.0", "target_hold = = 20"), r"not valid TOML"),
])
def test_a_bad_file_gets_one_line_naming_the_problem_and_the_choices(tmp_path, change, message):
    p = _write(tmp_path, GOOD.replace(*change))
    with pytest.raises(ExerciseFileError) as e:
        load_exercise_file(p)
    text = str(e.value)
    assert "\n" not in text and text.startswith(str(p))
    assert re.search(message, text), text


def test_a_good_file_is_an_exercise_a_checker_can_follow(tmp_path):
    spec = load_exercise_file(_write(tmp_path, GOOD))
    assert (spec.id, spec.kind, spec.family, spec.views) == ("wall_sit", "hold", "standing", ("side", "oblique"))
    checker = make_checker(spec)
    assert checker.facts.name == "Wall sit" and checker.facts.reading("knee").unit == "deg"


def test_an_unknown_setting_of_a_posture_is_refused(tmp_path):
    p = _write(tmp_path, GOOD.replace('posture = "any_posture"', 'posture = {fn = "lying", max_tilt = 3.0}'))
    with pytest.raises(ExerciseFileError, match=r"unknown setting 'max_tilt' for posture 'lying'; valid: max_torso"):
        load_exercise_file(p)


def test_fields_added_to_the_spec_with_a_default_can_be_written_at_once():
    """The file maps onto ExerciseSpec generically: every field with a plain type is accepted by name."""
    from posecoach.exercises.files import spec_from_data

    base = dataclasses.asdict(get_exercise("squat"))
    for f in dataclasses.fields(type(get_exercise("squat"))):
        assert f.name in base  # the loader's field list is the dataclass's
    spec = spec_from_data({"id": "x", "name": "X", "kind": "reps", "description": "d", "start": 1.0, "top": 0.0,
                           "measure": {"kind": "height", "point": "hip", "ref": "knee"},
                           "baseline_limits": [-0.2, 0.4], "min_hold": 2}, "x")
    assert spec.baseline_limits == (-0.2, 0.4) and spec.min_hold == 2.0


# ------------------------------------------------------------------------- named functions and their reads
def _bodies():
    from posecoach.synth.landmarks import generate

    out = []
    for s in list_exercises():
        for view in ("side", "oblique", "front"):
            try:
                frames, _ = generate(s.id, view=view, seed=5, reps=2, hold=2.0, fps=5.0)
            except ValueError:
                continue
            out += [Body(f.pose, 0.5) for f in frames[::3] if f.pose is not None]
    return out


@pytest.fixture(scope="module")
def bodies():
    return _bodies()


@pytest.mark.parametrize("entry", [*MEASURE_FNS.values(), *POSTURE_FNS.values(), *VARIANT_FNS.values()],
                         ids=lambda e: f"{e.kind}:{e.name}")
def test_registered_functions_read_only_what_they_declare(entry, bodies):
    for body in bodies:
        for side in ("left", "right"):
            check_reads(entry, body, side)


def test_a_function_that_reads_an_undeclared_landmark_fails(bodies):
    def sneaky(body, side):
        return body.p(side, "hip")[1] - body.p(side, "ankle")[1]  # the ankle is not declared

    entry = NamedFn("sneaky", "measure", sneaky, reads=("hip", "knee"), gate=("hip", "knee"))
    with pytest.raises(UndeclaredLandmarkError, match="ankle"):
        check_reads(entry, bodies[0], "left")

    def nose_peek(body, side):
        return body.xy[0][1]  # through the raw array

    entry = NamedFn("nose_peek", "measure", nose_peek, reads=("hip",), gate=("hip",))
    with pytest.raises(UndeclaredLandmarkError, match="nose"):
        check_reads(entry, bodies[0], "left")


def test_every_named_function_is_used_by_an_exercise_or_documented():
    used = set()
    for p in builtin_files():
        used |= set(re.findall(r'fn = "(\w+)"', p.read_text())) | set(re.findall(r'(?:posture|variant_of) = "(\w+)"',
                                                                                 p.read_text()))
    unused = (set(MEASURE_FNS) | set(POSTURE_FNS) | set(VARIANT_FNS)) - used
    # postures kept for exercise files of one's own (standing_upright: the hip stretch used it until its outer hip
    # version, which bends forward, came in)
    assert unused <= {"any_posture", "seated_legs_long", "standing_upright"}, unused


# ----------------------------------------------------------------------------------------------- facts
def test_the_report_shows_the_target_the_checker_ran_with():
    """The review's case: a checker run with target_reps=3 reported the catalogue's 10."""
    checker = make_checker("squat", target_reps=3)
    assert checker.facts.target_reps == 3
    result = checker.finish()
    assert report_dict(result, frames=0, fps=30.0, duration=0.0, facts=checker.facts)["target_reps"] == 3


def test_feedback_carries_the_facts(bodies):
    from posecoach.pose import PoseFrame

    checker = make_checker("plank", target_hold=12.0)
    fb = checker.update(PoseFrame(0, 0.0, None))
    assert fb.facts is checker.facts and fb.facts.target_hold == 12.0 and fb.facts.family == "floor"


def test_render_outputs_and_live_hold_no_exercise_ids():
    """Render, outputs and live learn about an exercise from its facts, never from lists of ids."""
    ids = {s.id for s in list_exercises()}
    for folder in ("render", "outputs", "live"):
        for path in (ROOT / "posecoach" / folder).glob("*.py"):
            text = path.read_text()
            found = {i for i in ids if re.search(rf"[\"']{i}[\"']", text)}
            assert not found, f"{path.name} names exercise ids {sorted(found)}"
            assert "get_exercise" not in text or folder == "live", path.name


# ------------------------------------------------------------------------------------------- user files
def test_a_user_file_joins_the_catalogue(tmp_path):
    from posecoach.exercises import add_exercise_file
    from posecoach.exercises.registry import _ALIASES, _SPECS

    saved = dict(_SPECS), dict(_ALIASES)
    try:
        spec = add_exercise_file(_write(tmp_path, GOOD.replace('name = "Wall sit"',
                                                               'name = "Wall sit"\naliases = ["wallsit"]')))
        assert get_exercise("wallsit") is spec
        assert make_checker("wall_sit").facts.target_hold == 20.0
        clash = _write(tmp_path, GOOD.replace('"wall_sit"', '"wall_sit_2"').replace(
            'name = "Wall sit"', 'name = "W"\naliases = ["squats"]'))
        with pytest.raises(ExerciseFileError, match="already 'squat'"):
            add_exercise_file(clash)
    finally:
        _SPECS.clear(), _SPECS.update(saved[0]), _ALIASES.clear(), _ALIASES.update(saved[1])


def test_the_readme_example_is_a_valid_file(tmp_path):
    text = (ROOT / "README.md").read_text()
    m = re.search(r"## Adding an exercise.*?```toml\n(.*?)```", text, re.S)
    assert m, "README has an 'Adding an exercise' section with a toml example"
    spec = load_exercise_file(_write(tmp_path, m.group(1)))
    assert make_checker(spec).facts.id == spec.id


def test_data_dir_is_package_data():
    text = (ROOT / "pyproject.toml").read_text()
    assert "data/*.toml" in text and DATA_DIR.is_dir()


def test_a_gate_must_be_among_the_reads():
    """What gates visibility is part of the declaration that is checked (the old Custom(needs=...) was not:
    bird dog gated on a hip it never read)."""
    from posecoach.exercises.named import measure_fn

    with pytest.raises(ValueError, match="'hip' is gated on or shown but not among its reads"):
        measure_fn("test_only_gate", reads=("shoulder", "wrist"), gate=("shoulder", "hip"))(lambda b, s: 0.0)
    assert "test_only_gate" not in MEASURE_FNS
