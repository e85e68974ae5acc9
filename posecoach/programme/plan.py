"""Today's session of a programme: its steps with today's targets (the week's plan moved by the progression
level), and the routine the live coach follows through them."""
from __future__ import annotations

from dataclasses import dataclass

from posecoach.live.routine import Routine
from posecoach.programme.progression import Level, SessionOutcome, next_level, todays_target, week_of
from posecoach.programme.spec import Programme, Step, Target


@dataclass(frozen=True)
class PlannedStep:
    step: Step
    target: Target

    @property
    def exercise(self) -> str:
        return self.step.exercise


@dataclass(frozen=True)
class Plan:
    programme: Programme
    week: int
    level: Level
    steps: tuple[PlannedStep, ...]

    @property
    def planned_sets(self) -> int:
        return sum(p.target.sets for p in self.steps)

    def lines(self) -> list[str]:
        from posecoach.exercises import get_exercise

        return [f"{get_exercise(p.exercise).name}: {p.target.describe(p.step.per_side)}" for p in self.steps]


def todays_plan(programme: Programme, outcomes: list[SessionOutcome], first_day: str | None, today: str) -> Plan:
    """The plan for a session on ``today`` (ISO date), given the programme's past sessions (oldest first)."""
    week = min(week_of(first_day, today), max(1, programme.weeks))
    level = next_level(outcomes, programme.progression)
    steps = tuple(PlannedStep(s, todays_target(s, week, level.level, programme.progression)) for s in programme.steps)
    return Plan(programme, week, level, steps)


def settled_corrections(corrections: int, live: int, final: int) -> int:
    """The correction that settles a set's count when it ends. ``live``: reps the coach had counted while the
    person watched; ``final``: after the set's end, which may add reps seen only then; ``corrections``: the
    person's own net "+"/"-" presses. A person who did three reps the coach missed pressed "+" three times; if the
    end then finds those three, the set holds three, not six: the additions the end explains are taken back
    (never more than were added, and never any "-": a rep the person removed stays removed)."""
    if corrections <= 0 or final <= live:
        return 0
    return -min(corrections, final - live)


class ProgrammeRoutine(Routine):
    """The live Routine for a plan: each step with its own sets, reps, hold (per side when sided) and rest."""

    def __init__(self, plan: Plan):
        from posecoach.exercises import get_exercise, make_checker

        self.plan = plan
        self.specs = [get_exercise(p.exercise) for p in plan.steps]
        self._make = make_checker
        self.ex_i, self.set_i = 0, 1
        # The steps in the order they are done: the plan's, until the person switches to a later step (switch_to)
        self.order = list(range(len(self.specs)))
        self._pos = 0  # where in ``order`` the current step is
        self._resume: dict[int, int] = {}  # a step left for a switch -> the set it is taken up again at
        self.corrections = 0  # the person's own corrections of the current set's count
        self.checker = self._new_checker()
        self.done: list[dict] = []

    @property
    def planned(self) -> PlannedStep:
        return self.plan.steps[self.ex_i]

    @property
    def sets(self) -> int:  # Routine's per-exercise sets, now per step
        return self.planned.target.sets

    @property
    def rest(self) -> float:
        return self.planned.step.rest

    def _new_checker(self):
        t, spec = self.planned.target, self.spec
        both = 2 if self.planned.step.per_side else 1  # a sided target counts each side
        over = {}
        if t.reps is not None and spec.kind != "hold":
            over["target_reps"] = t.reps * both
        if t.hold is not None and spec.target_hold is not None:
            over["target_hold"] = t.hold * (both if spec.kind == "hold" else 1)
        self.corrections = 0
        return self._make(spec.id, **over)

    def title(self) -> str:
        t = self.spec.name
        if self.sets > 1:
            t += f" - set {self.set_i}/{self.sets}"
        t += f" ({self.ex_i + 1}/{len(self.specs)})"
        if self.corrections:
            t += f" [{self.corrections:+d} corrected]"
        return t

    def close_set(self, frames: int, how: str) -> dict:
        live = getattr(getattr(self.checker, "result", None), "complete_reps", 0)
        rec = super().close_set(frames, how)
        # Reps found only when the set ends (periodic peaks the live zones never counted) may be the very reps
        # the person already added with "+": the settlement takes back as many of those additions.
        rec["settled"] = settled_corrections(self.corrections, live, rec["reps"])
        self.corrections += rec["settled"]
        rec["corrections"] = self.corrections  # kept beside the coach's count, never merged into it
        rec["step"] = self.ex_i  # a programme may do one exercise at two places
        return rec

    def next_label(self) -> str | None:
        if self.set_i < self.sets:
            return f"{self.spec.name}, set {self.set_i + 1} of {self.sets}"
        following = self._following()
        return None if following is None else self.specs[following].name

    def advance(self) -> bool:
        """Move to the next set, or the next step in ``order``; False when there is none."""
        if self.set_i < self.sets:
            self.set_i += 1
        elif not self._go_on():
            return False
        self.checker = self._new_checker()
        return True

    def next_exercise(self) -> bool:
        """Skip the rest of this exercise's sets; False when it was the last."""
        if not self._go_on():
            return False
        self.checker = self._new_checker()
        return True

    def pending(self) -> dict[str, int]:
        """Exercises of the steps still ahead (not started, or left for a switch) -> the first such step."""
        out: dict[str, int] = {}
        for i in self.order[self._pos + 1:]:
            out.setdefault(self.specs[i].id, i)
        return out

    def switch_to(self, step: int) -> None:
        """Make ``step`` (one still ahead) the current one; the step left is taken up right after it, at the
        set it was in (that set is done again: the one left was interrupted)."""
        if step not in self.order[self._pos + 1:]:
            raise ValueError(f"step {step} is not ahead in today's session")
        self._resume[self.ex_i] = self.set_i
        self.order.remove(step)
        self.order.insert(self._pos, step)
        self.ex_i, self.set_i = step, self._resume.pop(step, 1)
        self.checker = self._new_checker()

    def _following(self) -> int | None:
        return self.order[self._pos + 1] if self._pos + 1 < len(self.order) else None

    def _go_on(self) -> bool:
        following = self._following()
        if following is None:
            return False
        self._pos += 1
        self.ex_i, self.set_i = following, self._resume.pop(following, 1)
        return True
