"""Spoken cues: one at a time, never nagging, and never a reason for the session to fail.

    voice = make_voice(mute=False)        # a Voice; speaks through pyttsx3 (espeak-ng on Linux) or espeak-ng
    voice.cue(feedback.cue)               # says it unless it is in cooldown or something is being said
    voice.say("3 reps of 10", force=True) # on request (the live loop's 'c' key)
    voice.close()

Rules: a cue is dropped while another is being spoken (the newest waiting cue replaces an older waiting one);
the same text is not repeated within ``repeat_cooldown`` seconds; no two cues start within ``gap`` seconds;
rep-count cues are spoken only when ``count_aloud`` is on. A missing speech engine prints one warning line and
the session goes on silently; an engine that fails mid-session is switched off the same way.

Backends: on Linux the ``espeak-ng`` (or ``espeak``) program (``apt install espeak-ng``), then ``pyttsx3``;
on macOS and Windows ``pyttsx3`` (the optional extra ``pip install posecoach[voice]``) first.
"""
from __future__ import annotations

import queue
import shutil
import subprocess
import sys
import threading
import time
from typing import Callable, Protocol


class SpeechBackend(Protocol):
    name: str

    def speak(self, text: str) -> None: ...  # blocks until said

    def close(self) -> None: ...


class Pyttsx3Backend:
    """pyttsx3 in the speaking thread (its engine must live and run in one thread)."""

    name = "pyttsx3"

    def __init__(self, rate: int = 165):
        import pyttsx3  # noqa: F401 - ImportError means the extra is not installed

        self.rate = rate
        self._engine = None

    def speak(self, text: str) -> None:
        if self._engine is None:
            import pyttsx3

            self._engine = pyttsx3.init()
            self._engine.setProperty("rate", self.rate)
        self._engine.say(text)
        self._engine.runAndWait()

    def close(self) -> None:
        if self._engine is not None:
            try:
                self._engine.stop()
            except Exception:
                pass


class EspeakBackend:
    """The espeak-ng (or espeak) command-line program."""

    def __init__(self, program: str, rate: int = 165):
        self.program, self.rate = program, rate
        self.name = program.rsplit("/", 1)[-1]

    def speak(self, text: str) -> None:
        r = subprocess.run([self.program, "-s", str(self.rate), "--", text], stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, timeout=30)
        err = r.stderr.decode(errors="replace").strip().splitlines()
        # Without a sound card espeak-ng still exits 0, but reports the failure to open the audio device.
        failed = r.returncode != 0 or any(line.lower().startswith("error") or "unknown pcm" in line.lower()
                                          for line in err)
        if failed:
            last = err[-1] if err else f"exit status {r.returncode}"
            raise RuntimeError(f"{self.name} could not play sound: {last}")

    def close(self) -> None:
        pass


def find_backend(prefer: str = "auto") -> SpeechBackend | None:
    """The first available backend (or the one named); None if none. Linux: espeak-ng, espeak, pyttsx3;
    elsewhere pyttsx3 first."""
    if prefer != "auto":
        order = [prefer]
    elif sys.platform.startswith("linux"):
        # On Linux pyttsx3 drives espeak-ng too, but plays through the `aplay` program and only prints a shell
        # error when that is missing; the espeak-ng program plays sound itself and reports failures.
        order = ["espeak-ng", "espeak", "pyttsx3"]
    else:  # macOS (NSSpeechSynthesizer) and Windows (SAPI5) through pyttsx3
        order = ["pyttsx3", "espeak-ng", "espeak"]
    for name in order:
        if name == "pyttsx3":
            if sys.platform.startswith("linux") and not shutil.which("aplay"):
                continue
            try:
                return Pyttsx3Backend()
            except Exception:
                continue
        elif name in ("espeak-ng", "espeak"):
            path = shutil.which(name)
            if path:
                return EspeakBackend(path)
    return None


class Voice:
    def __init__(self, backend: SpeechBackend | None, *, repeat_cooldown: float = 8.0, gap: float = 2.5,
                 count_aloud: bool = False, clock: Callable[[], float] = time.monotonic,
                 warn: Callable[[str], None] | None = None, threaded: bool = True):
        self.backend = backend
        self.repeat_cooldown, self.gap, self.count_aloud = repeat_cooldown, gap, count_aloud
        self.clock = clock
        self.warn = warn or (lambda msg: print(msg, file=sys.stderr))
        self.spoken: list[str] = []  # what was handed to the engine, in order (for tests and the session log)
        self.muted = backend is None
        self._last_said: dict[str, float] = {}
        self._last_start = -1e9
        self._busy = threading.Event()
        self._q: queue.Queue = queue.Queue(maxsize=1)
        self._threaded = threaded
        self._thread = None
        if backend is not None and threaded:
            self._thread = threading.Thread(target=self._run, name="posecoach-voice", daemon=True)
            self._thread.start()

    @property
    def available(self) -> bool:
        return self.backend is not None

    def _run(self) -> None:
        while True:
            text = self._q.get()
            if text is None:
                return
            self._speak_now(text)

    def _speak_now(self, text: str) -> None:
        self._busy.set()
        try:
            self.backend.speak(text)
        except Exception as e:  # a broken engine ends speech, not the session
            why = str(e).splitlines()[0] if str(e) else type(e).__name__
            self.warn(f"posecoach: voice off: the speech engine failed ({why})")
            self.backend = None
            self.muted = True
        finally:
            self._busy.clear()

    def say(self, text: str, *, force: bool = False) -> bool:
        """Queue ``text``; True if it was accepted. ``force`` skips the cooldowns (not the one-at-a-time rule
        for text already waiting, which it replaces)."""
        if self.muted or self.backend is None or not text:
            return False
        now = self.clock()
        if not force:
            if self._busy.is_set() or now - self._last_start < self.gap:
                return False
            if now - self._last_said.get(text, -1e9) < self.repeat_cooldown:
                return False
        self._last_start = now
        self._last_said[text] = now
        self.spoken.append(text)
        if not self._threaded:
            self._speak_now(text)
            return True
        try:
            self._q.get_nowait()  # drop a cue still waiting: only the newest is worth saying
        except queue.Empty:
            pass
        try:
            self._q.put_nowait(text)
        except queue.Full:
            return False
        return True

    def cue(self, cue) -> bool:
        """Say a checker Cue (count cues only with ``count_aloud``)."""
        if cue is None:
            return False
        if cue.kind == "count" and not self.count_aloud:
            return False
        return self.say(cue.text, force=cue.kind == "count")

    def toggle_mute(self) -> bool:
        """Mute/unmute (no effect without an engine); returns the new muted state."""
        if self.backend is not None:
            self.muted = not self.muted
        return self.muted

    def close(self, timeout: float = 4.0) -> None:
        if self._thread is not None and self._thread.is_alive():
            # Let a waiting cue (e.g. "well done") be said, but never hang the end of a session on speech.
            try:
                self._q.put(None, timeout=timeout)
            except queue.Full:
                pass
            self._thread.join(timeout=timeout)
        if self.backend is not None:
            self.backend.close()


def make_voice(mute: bool = False, *, prefer: str = "auto", count_aloud: bool = False,
               warn: Callable[[str], None] | None = None) -> Voice:
    """A Voice with the best engine found; without one, a silent Voice and a one-line warning."""
    warn = warn or (lambda msg: print(msg, file=sys.stderr))
    if mute:
        return Voice(None, count_aloud=count_aloud, warn=warn)
    backend = find_backend(prefer)
    if backend is None:
        warn("posecoach: voice off: no speech engine found (install espeak-ng, or pip install 'posecoach[voice]'); "
             "use --mute to hide this")
    return Voice(backend, count_aloud=count_aloud, warn=warn)


__all__ = ["Voice", "make_voice", "find_backend", "Pyttsx3Backend", "EspeakBackend", "SpeechBackend"]
