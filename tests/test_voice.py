"""Voice cues: cooldowns, one at a time, counts on request, and a missing or broken engine never fails a session."""
from __future__ import annotations

import shutil
import sys
import threading

import pytest

from posecoach import voice as voice_mod
from posecoach.exercises.events import Cue
from posecoach.voice import EspeakBackend, Voice, make_voice


class FakeTTS:
    name = "fake"

    def __init__(self, fail=False, block: threading.Event | None = None):
        self.said, self.fail, self.block = [], fail, block

    def speak(self, text):
        if self.block is not None:
            self.block.wait(5)
        if self.fail:
            raise RuntimeError("audio device not found\nmore detail")
        self.said.append(text)

    def close(self):
        pass


class Clock:
    def __init__(self):
        self.t = 100.0

    def __call__(self):
        return self.t


def voice(**kw):
    clock = Clock()
    tts = FakeTTS(**kw)
    return Voice(tts, clock=clock, threaded=False, repeat_cooldown=8.0, gap=2.5), tts, clock


# (seconds after the first cue, text, said?)
SCHEDULE = [
    (0.0, "Lift your hips", True),
    (1.0, "Keep your back flat", False),  # within the 2.5 s gap
    (3.0, "Keep your back flat", True),
    (6.0, "Lift your hips", False),  # same text within 8 s
    (9.0, "Lift your hips", True),
]


def test_gap_and_repeat_cooldown():
    v, tts, clock = voice()
    start = clock.t
    for dt, text, said in SCHEDULE:
        clock.t = start + dt
        assert v.say(text) is said, (dt, text)
    assert tts.said == [t for _, t, s in SCHEDULE if s]


def test_counts_only_when_asked():
    v, tts, clock = voice()
    assert not v.cue(Cue(0, "3", "count"))
    v.count_aloud = True
    assert v.cue(Cue(0, "3", "count"))
    assert v.say("3 reps of 10", force=True)  # the 'c' key: spoken even right after another cue
    assert tts.said == ["3", "3 reps of 10"]


def test_one_cue_at_a_time_while_speaking():
    gate = threading.Event()
    tts = FakeTTS(block=gate)
    clock = Clock()
    v = Voice(tts, clock=clock, gap=0.0, repeat_cooldown=0.0)
    assert v.say("first")
    for _ in range(100):  # wait until the worker is speaking
        if v._busy.is_set():
            break
        threading.Event().wait(0.01)
    assert v._busy.is_set()
    clock.t += 10
    assert not v.say("second"), "nothing is queued behind a cue being spoken"
    gate.set()
    v.close()
    assert tts.said == ["first"]


def test_broken_engine_warns_once_and_goes_silent():
    lines = []
    v = Voice(FakeTTS(fail=True), clock=Clock(), threaded=False, warn=lines.append)
    v.say("Lift your hips")
    v.say("Keep your back flat", force=True)
    assert len(lines) == 1 and "voice off" in lines[0] and "\n" not in lines[0]
    assert v.muted


def test_missing_engine_is_one_warning_line(monkeypatch):
    monkeypatch.setattr(voice_mod, "find_backend", lambda prefer="auto": None)
    lines = []
    v = make_voice(warn=lines.append)
    assert len(lines) == 1 and "\n" not in lines[0] and "--mute" in lines[0]
    assert not v.say("anything") and not v.available


def test_mute_needs_no_engine_and_says_nothing(monkeypatch):
    monkeypatch.setattr(voice_mod, "find_backend", lambda prefer="auto": pytest.fail("must not look"))
    lines = []
    v = make_voice(mute=True, warn=lines.append)
    assert lines == [] and not v.say("x")


def test_toggle_mute():
    v, tts, clock = voice()
    assert v.toggle_mute() is True
    assert not v.say("quiet")
    assert v.toggle_mute() is False
    assert v.say("loud") and tts.said == ["loud"]


def test_espeak_program_runs_when_installed(tmp_path):
    prog = shutil.which("espeak-ng") or shutil.which("espeak")
    if not prog:
        pytest.skip("espeak-ng is not installed (apt install espeak-ng)")
    # Write to a WAV instead of the sound card, which a CI machine does not have.
    import subprocess

    out = tmp_path / "cue.wav"
    r = subprocess.run([prog, "-w", str(out), "Lift your hips"], capture_output=True, timeout=30)
    assert r.returncode == 0 and out.stat().st_size > 1000
    assert EspeakBackend(prog).name in ("espeak-ng", "espeak")


@pytest.mark.parametrize("platform,which,expected", [
    ("linux", {"espeak-ng": "/usr/bin/espeak-ng"}, "espeak-ng"),
    ("linux", {"espeak": "/usr/bin/espeak"}, "espeak"),
    ("linux", {}, None),  # pyttsx3 on Linux needs aplay; without it and without espeak: no engine
    ("darwin", {"espeak-ng": "/opt/bin/espeak-ng"}, "pyttsx3"),
])
def test_backend_order(monkeypatch, platform, which, expected):
    import types

    monkeypatch.setattr(voice_mod.sys, "platform", platform)
    monkeypatch.setattr(voice_mod.shutil, "which", lambda name: which.get(name))
    monkeypatch.setitem(sys.modules, "pyttsx3", types.ModuleType("pyttsx3"))  # importable stand-in
    b = voice_mod.find_backend()
    assert (b.name if b else None) == expected
