"""In a programme session: is the person doing another exercise than the one on screen? If so, ask.

The streaming recogniser (recognition/stream.py, the one ``live --auto`` uses) is fed every smoothed frame of a
running set. An offer is made only when all of these hold, so a recogniser that is wrong for a moment, or a
person who pauses, never interrupts a set:

- the recogniser's label (already held by its own hysteresis: three decisions in a row, 1.5 s) has been the same
  exercise, other than the one on screen, with a smoothed confidence of at least ``MIN_CONFIDENCE``, for
  ``SUSTAIN`` seconds without a break. Its 6 s window plus the hysteresis plus this means ~10 s of the other
  exercise: two or three of its reps, not a stray movement;
- the on-screen checker has counted nothing (``shown_exercise_counted``: no rep by its own rules with its posture
  gate open, no second of hold) for ``QUIET`` seconds, or since the set started: a person whose reps are being
  counted is doing the exercise on screen, whatever the recogniser says. 12 s is longer than the slowest rep
  (8 s periods) plus its lag. Reps counted only as periodic motion, or with the posture gate shut, are left out:
  every checker counts the periodic motion of any rhythmic exercise (a squat checker gives 5 reps for the
  avatar's 8 cat-cows, all with its gate shut), so they say nothing about which exercise it is;
- that exercise was not offered in the last ``COOLDOWN`` seconds (declined with N, unanswered, or noted).

Then: an exercise of today's session still to do -> ``ask`` ("press Y to switch, N to stay"); one of today's
already behind (done, skipped, hurt) or one not in today's session -> ``note`` (shown, never switched to);
"rest" and "other" never count. The thresholds are measured on the real clips in bench/bench_switch.py
(bench/results/switch.md): wrong offers while the shown exercise is being done, and how soon the right one comes.

``SwitchWatch.decide`` is the rule alone (a Recognition and whether the checker counted, in; an Offer or None,
out), so tests and the benchmark drive it without any model; ``SwitchWatch.__call__`` adds the recogniser.
"""
from __future__ import annotations

from dataclasses import dataclass

from posecoach.recognition.model import OTHER, REST

MIN_CONFIDENCE = 0.6  # smoothed probability of the recognised label
SUSTAIN = 4.0  # seconds the label must hold, after the recogniser's own hysteresis
QUIET = 12.0  # seconds without anything counted by the on-screen checker
COOLDOWN = 120.0  # seconds before the same exercise is offered again (after N, no answer, or a note)
ANSWER_SECONDS = 15.0  # how long a question waits for Y / N; no answer means stay
NOTE_SECONDS = 6.0  # how long a note stays on screen


@dataclass(frozen=True)
class Offer:
    kind: str  # "ask": switch to a step still to do | "note": not in today's session, or already behind
    exercise: str
    at: float  # source time it was made
    in_session: bool = False  # for a note: the exercise is one of today's, already behind


@dataclass(frozen=True)
class Thresholds:
    min_confidence: float = MIN_CONFIDENCE
    sustain: float = SUSTAIN
    quiet: float = QUIET
    cooldown: float = COOLDOWN


def shown_exercise_counted(fb) -> bool:
    """Whether the on-screen checker's Feedback of this frame counts the exercise it checks as being done: a
    rep or attempt its own rules counted (alone or with the periodicity counter) with its posture gate open, or
    a hold being timed."""
    if fb is None:
        return False
    if fb.holding:
        return True
    # (an attempt found on the person's own range, source "range", is judged at the end: not the rules' either)
    return fb.in_position and any(type(e).__name__ == "Rep"
                                  and getattr(e, "source", "rules") not in ("periodicity", "range")
                                  for e in (fb.events or ()))


class SwitchWatch:
    """Watches one set at a time (``start_set``); ``session``: the exercise ids of today's whole plan."""

    def __init__(self, session: list[str] | set[str], recogniser=None, thresholds: Thresholds | None = None):
        from posecoach.exercises import list_exercises

        self.session = set(session)
        self.known = {s.id for s in list_exercises()}
        self.recogniser = recogniser
        self.th = thresholds or Thresholds()
        self._muted: dict[str, float] = {}  # exercise -> source time before which it is not offered
        self.start_set(None)

    def start_set(self, t: float | None) -> None:
        """A set begins (or the exercise on screen changed): the checker's quiet time and the label start over,
        and the recogniser forgets the poses before (a rest or a demonstration came between)."""
        self._quiet_from = t
        self._label, self._since = "", None
        if self.recogniser is not None and hasattr(self.recogniser, "reset"):
            self.recogniser.reset()

    @property
    def quiet_from(self) -> float | None:
        """Since when the on-screen checker has counted nothing (source time; None before the first frame)."""
        return self._quiet_from

    def mute(self, exercise: str, t: float) -> None:
        """Do not offer ``exercise`` again for the cooldown (N pressed, no answer, or a note shown)."""
        self._muted[exercise] = t + self.th.cooldown

    def __call__(self, frame, on_screen: str, pending: set[str], counted: bool) -> Offer | None:
        """Feed one smoothed frame of the running set. ``pending``: exercises of today's steps still to do
        (other than the one on screen); ``counted``: the on-screen checker counted something on this frame."""
        return self.decide(frame.timestamp, self.recogniser(frame), on_screen, pending, counted)

    def decide(self, t: float, rec, on_screen: str, pending: set[str], counted: bool) -> Offer | None:
        if self._quiet_from is None or counted:
            self._quiet_from = t
        label = rec.label
        if (not label or label in (REST, OTHER) or label == on_screen or label not in self.known
                or rec.confidence < self.th.min_confidence):
            self._label, self._since = "", None
            return None
        if label != self._label:
            self._label, self._since = label, t
        if t - self._since < self.th.sustain or t - self._quiet_from < self.th.quiet:
            return None
        if t < self._muted.get(label, -float("inf")):
            return None
        self._label, self._since = "", None  # the next offer needs its own sustained run
        self.mute(label, t)  # offered once per cooldown (N, or no answer, mutes it again from then)
        if label in pending:
            return Offer("ask", label, t)
        return Offer("note", label, t, in_session=label in self.session)
