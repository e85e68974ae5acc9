"""Engine behaviour at the edges of a recording, on synthetic landmark sequences: pose dropouts while the
person gets into position, camera cuts, and the end of the input."""
from __future__ import annotations

from posecoach.exercises import make_checker
from posecoach.pose import PoseFrame

from synthetic import Script, render


def _run(exercise: str, frames):
    c = make_checker(exercise)
    fbs = [c.update(f) for f in frames]
    return c.finish(), fbs


def _drop(frames, t0: float, t1: float):
    """The same frames with no pose from t0 to t1 (an intro flash, a fade, a moment the model lost the person)."""
    return [PoseFrame(f.index, f.timestamp, None) if t0 <= f.timestamp < t1 else f for f in frames]


def _situp_after_intro(dropout: tuple[float, float] | None):
    # lying at the start for 0.3 s, then straight into the first sit-up
    s = Script("supine_hook").hold(0.3)
    s.rep("crunch", up=0.6, pause=0.4, down=1.0, rest=1.0)
    s.rep("crunch", up=0.6, pause=0.4, down=1.0, rest=1.0)
    frames = render(s, noise=0.0, jitter=0.0, dropouts=0, vis_dips=0)
    return _drop(frames, *dropout) if dropout else frames


def test_short_dropout_in_setup_does_not_restart_it():
    # in position at the start for 0.1 s, the pose is lost for 0.3 s (an intro flash), back at the start for
    # a few frames, then the first rep: the person never left the start, so the setup is done and the rep counts
    result, _ = _run("situp", _situp_after_intro((0.1, 0.4)))
    assert result.complete_reps == 2, [(r.start, r.end, r.complete) for r in result.reps]


def test_long_dropout_in_setup_is_not_bridged():
    # a dropout longer than a moment proves nothing about where the person was: the first rep, started before
    # the person was seen at the start for long enough, is not counted
    s = Script("supine_hook").hold(1.0)
    s.rep("crunch", up=0.6, pause=0.4, down=1.0, rest=1.0)
    frames = _drop(render(s, noise=0.0, jitter=0.0, dropouts=0, vis_dips=0), 0.1, 1.07)
    result, _ = _run("situp", frames)
    assert result.complete_reps == 0, [(r.start, r.end, r.complete) for r in result.reps]


def test_checker_exposes_a_signal_sample_per_frame_for_a_second_counter():
    # what a periodicity counter beside the rule counter reads: time, progress, value, speed, side, in
    # position and the setup state, on every frame with a valid key value (None on the others)
    s = Script("stand").hold(1.5)
    s.rep("squat", up=1.2, pause=0.6, down=1.2, rest=1.0)
    frames = _drop(render(s, noise=0.0, jitter=0.0, dropouts=0, vis_dips=0), 2.0, 2.2)
    c = make_checker("squat")
    samples = []
    for f in frames:
        fb = c.update(f)
        samples.append(c.sample)
        if c.sample is not None:
            assert c.sample.t == f.timestamp and c.sample.p == fb.progress and c.sample.value == fb.key_value
            assert c.sample.in_position == fb.in_position and c.sample.state == c.state
            assert (c.p, c.side, c.in_position) == (c.sample.p, c.side, c.sample.in_position)
    assert all(x is None for x, f in zip(samples, frames) if f.pose is None)
    got = [x for x in samples if x is not None]
    assert got[0].state == "setup" and got[-1].state == "ready"
    assert max(x.p for x in got) > 0.9 and max(x.speed for x in got) > 0.3
    assert c.finish().complete_reps == 1


def test_what_the_end_decides_is_also_given_as_events():
    """A plank still held when the source ends: its hold is closed by ``finish``, and ``final_events`` carries it
    (the live coach logs these, so the history holds everything the set's result counts), without repeating the
    last frame's events."""
    from posecoach.exercises.events import Hold
    from posecoach.synth import generate

    frames, truth = generate("plank", fps=15, width=320, height=240)
    cut = [f for f in frames if f.timestamp < truth.holds[0]["start"] + 5.0]
    c = make_checker("plank")
    last = [c.update(f) for f in cut][-1]
    res = c.finish()
    holds = [e for e in c.final_events if isinstance(e, Hold)]
    assert res.holds and holds == [res.holds[-1]]
    assert not set(map(id, last.events)) & set(map(id, c.final_events))
