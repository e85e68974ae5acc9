"""The switch offers of one programme session: the question ("Looks like you are doing X - Y to switch, N to
stay") and the note ("that is not in today's session") on screen and by voice, their answers, and the log of
both for the summary. The rule that makes an offer is SwitchWatch's (programme/switch.py); what a switch does to
the session (sets, steps, history) is GuidedSession.switch_to's."""
from __future__ import annotations

from collections import deque

from posecoach.programme import screens
from posecoach.programme.switch import ANSWER_SECONDS, NOTE_SECONDS, shown_exercise_counted

YES_KEYS, NO_KEYS = (ord("y"), ord("Y")), (ord("n"), ord("N"))  # answers to "switch?" (N is "next" otherwise)
RECENT_FRAMES = 1200  # 40 s at 30 fps: the quiet time, the recogniser's run and the time to answer


class SwitchOffers:
    """``session``: the GuidedSession (its routine, recording, voice and ``switch_to``); ``watch``: a SwitchWatch."""

    def __init__(self, session, watch):
        self.session, self.watch = session, watch
        self.question = self.note = None  # the offer on screen, if any (switch.Offer)
        self.log: list[dict] = []  # every offer and its answer, for the summary
        self.recent: deque = deque(maxlen=RECENT_FRAMES)  # the running set's smoothed frames, for a switch

    def set_started(self, t: float) -> None:
        self.watch.start_set(t)
        self.recent.clear()

    def missed_frames(self, now: float) -> list:
        """The running set's frames since its checker last counted anything: the other exercise's, to replay."""
        since = self.watch.quiet_from if self.watch.quiet_from is not None else now
        return [f for f in self.recent if f.timestamp >= since]

    def on_checked(self, r) -> None:
        """Coach.on_checked: each checked frame of a running set goes to the watch."""
        routine = self.session.routine
        self.recent.append(r.frame)
        counted = shown_exercise_counted(r.feedback)
        if counted and self.question is not None:  # the exercise on screen is being done after all
            self.withdraw("the exercise on screen was counted")
        pending = set(routine.pending()) - {routine.spec.id}
        offer = self.watch(r.frame, routine.spec.id, pending, counted)
        if offer is None or self.question is not None or self.note is not None:
            return
        name = _name(offer.exercise)
        if offer.kind == "ask":
            self.question = offer
            self.session.say(f"Looks like you are doing {name}. Press Y to switch, N to stay.")
        else:
            self.note = offer
            self._log(offer, "done today" if offer.in_session else "not in today's session")
            self.session.say(f"That looks like {name}, " + ("which is done for today." if offer.in_session else
                                                             "which is not in today's session."))
        self.session.recording.log_event("SwitchOffer", kind=offer.kind, exercise=offer.exercise,
                                         on_screen=routine.spec.id)

    def draw(self, img, t: float):
        """The question or note over the picture (expiring them when their time is up)."""
        if self.question is not None and t - self.question.at >= ANSWER_SECONDS:
            self.answer(False, "no answer", t)
        if self.note is not None and t - self.note.at >= NOTE_SECONDS:
            self.note = None
        on_screen = self.session.routine.spec.name
        if self.question is not None:
            return screens.switch_question(img, _name(self.question.exercise), on_screen,
                                           (t - self.question.at) / ANSWER_SECONDS)
        if self.note is not None:
            return screens.switch_note(img, _name(self.note.exercise), on_screen, self.note.in_session)
        return img

    def key(self, code: int, t: float) -> bool:
        """Y or N while a question is up; True when the key was the answer."""
        if self.question is None or code not in YES_KEYS + NO_KEYS:
            return False
        self.answer(code in YES_KEYS, "switch" if code in YES_KEYS else "stay", t)
        return True

    def answer(self, yes: bool, how: str, t: float) -> None:
        q, self.question = self.question, None
        self._log(q, how)
        self.session.recording.log_event("SwitchAnswer", exercise=q.exercise,
                                         on_screen=self.session.routine.spec.id, answer=how)
        if yes:
            self.session.switch_to(q.exercise)
            return
        self.watch.mute(q.exercise, t)  # not asked again for a while, counted from the answer
        if how == "stay":
            self.session.say(f"OK, staying with {self.session.routine.spec.name}.")

    def withdraw(self, why: str) -> None:
        """Take the offer off the screen (the set ended, or the exercise on screen was counted after all)."""
        if self.question is not None:
            self._log(self.question, "withdrawn: " + why)
            self.session.recording.log_event("SwitchAnswer", exercise=self.question.exercise,
                                             on_screen=self.session.routine.spec.id, answer="withdrawn: " + why)
        self.question = self.note = None

    def _log(self, offer, answer: str) -> None:
        self.log.append({"t": round(offer.at, 2), "from": self.session.routine.spec.id, "doing": offer.exercise,
                         "answer": answer})


def _name(exercise: str) -> str:
    from posecoach.exercises import get_exercise

    return get_exercise(exercise).name
