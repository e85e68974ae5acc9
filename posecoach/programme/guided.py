"""Today's programme session as it runs, frame by frame: plan -> (for each exercise: demonstration -> sets and
rests) -> pain check-in after -> closing message; the pain check-in before comes first unless it was given.

``GuidedSession`` takes the frames and keys; it never opens a camera or a window, so a test drives it with
injected poses (a stub estimator) in milliseconds. The sets themselves are the live Coach's (checker, cues,
rest countdown); everything the person does goes into the history as it happens, through ``writer``.

While a set runs, a SwitchWatch (programme/switch.py) looks for another exercise of today's session being done
instead: the coach asks (Y switches, N stays) and, on Y, the step switched to becomes the current one and the
step left is taken up again right after it, at the set it was in (the interrupted set is kept as "switched").
"""
from __future__ import annotations

import time

from posecoach.live.coach import Coach
from posecoach.live.window import command_for
from posecoach.programme import screens
from posecoach.programme.demo import placement
from posecoach.programme.pain import hurt_message, pain_stop
from posecoach.programme.plan import Plan, ProgrammeRoutine
from posecoach.programme.progression import SessionOutcome, next_level
from posecoach.programme.offers import SwitchOffers
from posecoach.programme.switch import SwitchWatch

# How long each screen stays up, in seconds of the camera's clock (N moves on sooner).
TIMES = {"plan": 6.0, "demo": 8.0, "hurt": 6.0, "pain_after": 30.0, "closing": 8.0}
HURT_KEY, ADD_KEYS, REMOVE_KEYS = ord("h"), (ord("+"), ord("=")), (ord("-"), ord("_"))
ENTER_KEYS = (13, 10, ord(" "))
SWITCHED = "switched"  # how a set or an exercise left for another one ended


class _Tee:
    """The session recording, also feeding each finished rep, hold and set to ``on_record``."""

    def __init__(self, recording, on_record):
        self._rec, self._on = recording, on_record

    def log(self, rec: dict) -> None:
        self._rec.log(rec)
        self._on(rec)

    def log_event(self, type_: str, now: float | None = None, **fields) -> None:
        self._rec.log_event(type_, now, **fields)
        self._on({"type": type_, **fields})

    def __getattr__(self, name):
        return getattr(self._rec, name)


class GuidedSession:
    """The state machine of one programme session. ``phase``: pain_before | plan | demo | exercise | hurt |
    pain_after | closing | finished. ``demos``: exercise id -> demonstration frames (may be empty)."""

    def __init__(self, plan: Plan, recording, writer, demos: dict | None = None, voice=None,
                 pain_before: int | None = None, previous: list[SessionOutcome] | None = None,
                 times: dict | None = None, smoothing: str = "one_euro", switch: bool = True, watch=None):
        self.plan, self.writer, self.voice = plan, writer, voice
        self.recording = recording
        self.demos = demos or {}
        self.previous = list(previous or [])
        self.times = {**TIMES, **(times or {})}
        self.routine = ProgrammeRoutine(plan)
        self.coach = Coach(self.routine, _Tee(recording, self._on_record), voice, self.routine.rest, smoothing)
        self.pain_before, self.pain_after = None, None
        self.hurt, self.ended_by, self.message = False, None, ""
        self.phase, self._t0, self._t = "", None, 0.0
        self._ex_i, self._need_set = -1, True
        # Is another of today's exercises being done? (``watch``: a SwitchWatch, for tests; ``switch=False``: off)
        self.offers = None
        if watch is not None or switch:
            self.offers = SwitchOffers(self, watch or SwitchWatch([p.exercise for p in plan.steps], _recogniser()))
            self.coach.on_checked = self.offers.on_checked
        if pain_before is not None:
            self._rate("before", pain_before)
        else:
            self._enter("pain_before")
            self.say("How is your back pain right now? Press a number from 0 to 9.")

    # --- phases -------------------------------------------------------------------------------------------------
    def _enter(self, phase: str) -> None:
        self.phase, self._t0 = phase, None
        self.recording.log_event("Phase", phase=phase)

    def say(self, text: str) -> None:
        if self.voice is not None:
            self.voice.say(text, force=True)

    def _elapsed(self, t: float) -> float:
        if self._t0 is None:
            self._t0 = t
        return t - self._t0

    def _start_exercise(self) -> None:
        """Enter the demonstration of the routine's current exercise, and open its row in the history."""
        r = self.routine
        self._ex_i = r.ex_i
        t = r.planned.target
        self.writer.start_exercise(r.ex_i, r.spec.id, t.sets, t.reps, t.hold)
        self._need_set = True
        if self.coach.rest_until is not None:  # the demonstration is the rest before a new exercise
            self.coach.rest_until = None
            self.recording.log_event("RestEnd", replaced_by="demo")
        self._enter("demo")
        self.say(f"Next: {r.spec.name}. {r.spec.guidance}")

    def _end_exercise(self) -> None:
        mine = [s for s in self.routine.done if s.get("step") == self._ex_i and s["ended"] != SWITCHED]
        ok = mine and all(s["ended"] == "target reached" for s in mine) and len(mine) >= self.routine.plan.steps[
            self._ex_i].target.sets
        self.writer.end_exercise("done" if ok else "skipped")

    def _after_exercise(self) -> None:
        """Move on after an exercise ended early (hurt): the next one's demonstration, or the pain check."""
        if self.routine.next_exercise():
            self._start_exercise()
        else:
            self._to_pain_after()

    def _to_pain_after(self) -> None:
        self._enter("pain_after")
        self.say("Well done. How is your back pain now? Press a number from 0 to 9.")

    def _rate(self, moment: str, n: int) -> None:
        self.writer.pain(moment, n)
        self.recording.log_event("Pain", moment=moment, rating=n)
        if moment == "before":
            self.pain_before = n
            stop = pain_stop(None, n)
            if stop:
                return self._close("pain", stop)
            self._enter("plan")
            self.say(self.plan.level.reason)
        else:
            self.pain_after = n
            stop = pain_stop(self.pain_before, n)
            if stop:
                return self._close("pain", stop)
            self._close("done", "")

    def outcome(self) -> SessionOutcome:
        """This session as progression will see it."""
        codes = {f for s in self.routine.done for r in s.get("rep_events", ()) for f in r.get("faults", ())}
        sets = [s for s in self.routine.done if s["ended"] != SWITCHED]  # a switched set is done again later
        done_all = (self.ended_by == "done" and not self.hurt and all(s["ended"] == "target reached" for s in sets)
                    and len(sets) >= self.plan.planned_sets)
        return SessionOutcome(completed=done_all, faults=len(codes), pain_before=self.pain_before,
                              pain_after=self.pain_after, hurt=self.hurt, stopped_for_pain=self.ended_by == "pain")

    def next_time(self) -> str:
        """The progression message for the next session, given this one."""
        return next_level(self.previous + [self.outcome()], self.plan.programme.progression).reason

    def _close(self, ended_by: str, stop_message: str) -> None:
        self.ended_by = ended_by
        self.message = stop_message or ("Next time: " + self.next_time())
        self.recording.log_event("SessionEnd", ended_by=ended_by, message=self.message)
        self._enter("closing")
        self.say(self.message)

    # --- frames -------------------------------------------------------------------------------------------------
    def step(self, frame, img, estimator, fps: float | None = None):
        """The picture for this frame and whether the session is over."""
        t = self._t = frame.timestamp
        ph = self.phase
        if ph == "pain_before":
            return screens.pain_card(img, "before"), False
        if ph == "plan":
            e = self._elapsed(t)
            if e >= self.times["plan"]:
                self._start_exercise()
            return screens.plan_card(img, self.plan.programme.title, self.plan.week, self.plan.level.reason,
                                     self.plan.lines(), e / self.times["plan"]), False
        if ph == "demo":
            e = self._elapsed(t)
            if e >= self.times["demo"]:
                self._begin_sets()
            spec, p = self.routine.spec, self.routine.planned
            return screens.demo_screen(img, self.demos.get(spec.id, []), e, spec.name,
                                       p.target.describe(p.step.per_side), spec.guidance, placement(spec),
                                       e / self.times["demo"]), False
        if ph == "exercise":
            return self._exercise(frame, img, estimator, fps)
        if ph == "hurt":
            e = self._elapsed(t)
            if e >= self.times["hurt"]:
                self._after_exercise()
            return screens.hurt_card(img, hurt_message(self.routine.spec.name), e / self.times["hurt"]), False
        if ph == "pain_after":
            e = self._elapsed(t)
            if e >= self.times["pain_after"]:
                self.recording.log_event("Pain", moment="after", rating=None, skipped=True)
                self._close("done", "")
            return screens.pain_card(img, "after", "No answer in time is fine: it is skipped."), False
        if ph == "closing":
            e = self._elapsed(t)
            if e >= self.times["closing"]:
                self._enter("finished")
                return img, True
            if self.ended_by == "pain":
                return screens.stop_card(img, self.message), False
            pain = (f"Pain: {self.pain_before} before, {self.pain_after} after." if self.pain_after is not None
                    else "")
            return screens.card(img, "WELL DONE", [s for s in (pain, self.message) if s],
                                footer="The session is saved: posecoach history shows your progress.",
                                color=screens.GREEN, progress=e / self.times["closing"]), False
        return img, True

    def _begin_sets(self) -> None:
        self.coach.frame_step.reset()  # the smoother starts afresh: the demonstration was a gap in tracking
        self._enter("exercise")

    def _exercise(self, frame, img, estimator, fps):
        r, coach = self.routine, self.coach
        if self._need_set and coach.rest_until is None:
            self.writer.start_set(r.set_i)
            self._need_set = False
            if self.offers is not None:
                self.offers.set_started(frame.timestamp)
        coach.rest_seconds = r.rest
        coach.update_rest(frame.timestamp, time.perf_counter())
        img, done = coach.step(frame, img, estimator, fps)
        self._after_coach(done)
        if self.offers is not None and self.phase == "exercise":
            img = self.offers.draw(img, frame.timestamp)
        return img, False

    def _after_coach(self, done: bool) -> None:
        """After the coach ended a set: a new exercise gets its demonstration; the end of the routine, the pain
        check."""
        if done:
            self._end_exercise()
            self._to_pain_after()
        elif self.routine.ex_i != self._ex_i:
            self._end_exercise()
            self._start_exercise()

    def _on_record(self, rec: dict) -> None:
        kind = rec.get("type")
        if kind == "Rep":
            self.writer.add_rep(rec)
        elif kind == "Hold":
            self.writer.add_hold(rec)
        elif kind == "SetEnd" and self.routine.done:
            rec = self.routine.done[-1]
            if rec.get("settled"):
                self.writer.add_correction(rec["settled"], self._t)
            self.writer.end_set(rec)
            self._need_set = True
            if self.offers is not None:
                self.offers.withdraw("set ended")

    @property
    def switches(self) -> list[dict]:
        """Every switch offer and its answer (for the summary)."""
        return self.offers.log if self.offers is not None else []

    # --- another of today's exercises being done --------------------------------------------------------------
    def switch_to(self, exercise: str) -> None:
        """Y: end the set on screen as switched, make the step of ``exercise`` the current one (the step left comes
        right after it), and give its checker the frames since the one on screen last counted anything."""
        r, coach = self.routine, self.coach
        step = r.pending().get(exercise)
        if step is None:
            return
        left = r.spec
        missed = self.offers.missed_frames(self._t)
        if coach.rest_until is None and coach.set_frames > 0:
            coach.end_set(SWITCHED)
        self.writer.end_exercise(SWITCHED)
        r.switch_to(step)
        self._ex_i = r.ex_i
        t = r.planned.target
        self.writer.start_exercise(r.ex_i, r.spec.id, t.sets, t.reps, t.hold)
        self.writer.start_set(r.set_i)
        self._need_set = False
        self.offers.set_started(self._t)
        coach.rest_until = None
        coach.replay(missed)
        self.recording.log_event("ExerciseSwitch", exercise=exercise, left=left.id, step=step, replayed=len(missed))
        self.say(f"Switching to {r.spec.name}. {left.name} comes after it.")

    # --- keys ---------------------------------------------------------------------------------------------------
    def key(self, code: int) -> str | None:
        """Carry out a key (raw code, -1 for none); returns "quit" when the person asked to stop."""
        if code is None or code < 0:
            return None
        code &= 0xFF
        ph, cmd = self.phase, command_for(code)
        if cmd == "quit":
            return "quit"
        if ph == "exercise" and self.offers is not None and self.offers.key(code, self._t):
            return None  # Y / N answered the question on screen
        if ph in ("pain_before", "pain_after") and ord("0") <= code <= ord("9"):
            self._rate(ph.split("_")[1], code - ord("0"))
        elif ph == "demo" and code == HURT_KEY:  # it hurts just to watch or get into position: skip it
            self._hurts()
        elif ph in ("plan", "demo", "hurt", "closing") and (cmd == "next" or code in ENTER_KEYS):
            self._t0 = -1e9  # the screen's time is up: the next frame moves on
        elif ph == "exercise":
            self._exercise_key(code, cmd)
        return None

    def _hurts(self) -> None:
        """The "this hurts" key: end the exercise (its set, if one is running), say so kindly, log it, move on."""
        r = self.routine
        if self.phase == "exercise" and self.coach.rest_until is None:
            self.coach.end_set("hurts")
        self.hurt = True
        self.writer.pain("hurt", None, r.spec.id)
        self.writer.end_exercise("hurt")
        self.recording.log_event("Hurt", exercise=r.spec.id)
        self.coach.rest_until = None
        self._enter("hurt")
        self.say(hurt_message(r.spec.name))

    def _exercise_key(self, code: int, cmd: str | None) -> None:
        r = self.routine
        if code == HURT_KEY:
            self._hurts()
        elif code in ADD_KEYS or code in REMOVE_KEYS:
            delta = 1 if code in ADD_KEYS else -1
            counted = getattr(getattr(r.checker, "result", None), "complete_reps", 0)
            if delta < 0 and counted + r.corrections <= 0:
                return
            if self._need_set:
                self.writer.start_set(r.set_i)
                self._need_set = False
            r.corrections += delta
            self.writer.add_correction(delta, self._t)
            self.recording.log_event("Correction", exercise=r.spec.id, set=r.set_i, delta=delta)
        elif cmd is not None:
            done = self.coach.command(cmd)
            self._after_coach(done)

    def close(self, ended_by: str) -> list[dict]:
        """End whatever is open (the session was ended from outside: quit key, Ctrl+C, end of the video)."""
        if self.phase == "exercise":
            sets = self.coach.close(ended_by)
        else:
            sets = self.routine.done
        if self._ex_i >= 0 and self.phase in ("demo", "exercise", "hurt"):
            self.writer.end_exercise("stopped")
        return sets


def _recogniser():
    from posecoach.recognition.stream import Recogniser

    return Recogniser()
