"""The progression rule, pure: past sessions in, today's level and the reason as a sentence out.

Targets rise one step only after ``good_sessions`` sessions in a row that were completed with good form and no
rise in pain; they fall back one step after a session in which pain rose (after minus before >= ``pain_rise``)
or an exercise was stopped with the "this hurts" key. A level is applied to a step's planned target: more reps,
then (at the guides' ceiling of reps) another set; longer holds up to the guides' 60 s.
"""
from __future__ import annotations

from dataclasses import dataclass

from posecoach.programme.spec import ProgressionRule, Step, Target


@dataclass(frozen=True)
class SessionOutcome:
    """What progression needs to know about one past session of the programme."""

    completed: bool  # every planned set was done (not skipped, not stopped)
    faults: int = 0  # distinct form faults seen
    pain_before: int | None = None
    pain_after: int | None = None
    hurt: bool = False  # the "this hurts" key was used
    stopped_for_pain: bool = False  # the session was ended by the pain rule

    def pain_rise(self) -> int | None:
        if self.pain_before is None or self.pain_after is None:
            return None
        return self.pain_after - self.pain_before


@dataclass(frozen=True)
class Level:
    """Today's step up (positive) or down (negative) from the planned targets, and why."""

    level: int
    reason: str
    changed: int = 0  # +1 / -1 / 0: what the latest session did to the level


def _painful(o: SessionOutcome, rule: ProgressionRule) -> str | None:
    rise = o.pain_rise()
    if rise is not None and rise >= rule.pain_rise:
        return f"your pain went up from {o.pain_before} to {o.pain_after} last session"
    if o.hurt:
        return "an exercise hurt last session"
    if o.stopped_for_pain:
        return "last session was stopped because of pain"
    return None


def next_level(outcomes: list[SessionOutcome], rule: ProgressionRule) -> Level:
    """Replay the programme's sessions, oldest first, through the rule; the level for the next session."""
    level, streak = 0, 0
    reason = "First session of this programme: the planned targets, to start gently."
    changed = 0
    for o in outcomes:
        changed = 0
        why_pain = _painful(o, rule)
        if why_pain:
            streak = 0
            if level > rule.min_level:
                level -= 1
                changed = -1
                reason = f"Targets are a step easier today because {why_pain}."
            else:
                reason = (f"Targets stay at the easiest level because {why_pain}; if it keeps hurting, "
                          "see a professional.")
        elif o.completed and o.faults <= rule.max_faults:
            streak += 1
            if streak >= rule.good_sessions and level < rule.max_level:
                level += 1
                changed = 1
                streak = 0
                n = rule.good_sessions
                reason = (f"Targets go up a step: your last {n} session{'s' if n > 1 else ''} were completed with "
                          f"good form and no rise in pain.")
            else:
                left = rule.good_sessions - streak
                reason = ("Targets stay the same: good session, well done; "
                          f"{left} more like it and they go up." if left > 0 else
                          "Targets stay at the programme's highest level: good session, well done.")
        else:
            streak = 0
            what = "was not completed" if not o.completed else f"showed {o.faults} form faults"
            reason = f"Targets stay the same: last session {what}, so we keep building at this level."
    return Level(level, reason, changed)


def apply_level(target: Target, level: int, rule: ProgressionRule) -> Target:
    """The planned target moved ``level`` steps: reps by ``reps_step`` up to ``max_reps`` (further rises add a set,
    up to ``max_sets``), holds by ``hold_step`` up to ``max_hold``; never below 1 rep, 1 set or 5 s."""
    sets, reps, hold = target.sets, target.reps, target.hold
    if reps is not None:
        raw = reps + level * rule.reps_step
        step = max(1, rule.reps_step)
        to_cap = max(0, -(-(rule.max_reps - reps) // step))  # levels until the reps reach the ceiling
        if raw > rule.max_reps and level > to_cap:
            sets = max(sets, min(rule.max_sets, sets + level - to_cap))  # each level past it: another set
            raw = max(reps, rule.max_reps)
        reps = max(1, raw)
    if hold is not None:
        hold = max(min(5.0, hold), min(max(rule.max_hold, hold), hold + level * rule.hold_step))
        if reps is None and level > 0 and target.hold + level * rule.hold_step > rule.max_hold:
            sets = min(rule.max_sets, sets + 1) if sets < rule.max_sets else sets
    if level < 0 and sets > 1:
        sets = max(1, sets + level // 2)
    return Target(sets, reps, hold)


def todays_target(step: Step, week: int, level: int, rule: ProgressionRule) -> Target:
    return apply_level(step.target(week), level, rule)


def week_of(first_day: str | None, today: str) -> int:
    """The programme week (from 1) of ``today`` (ISO dates), counting from the first session's day."""
    from datetime import date

    if not first_day:
        return 1
    return max(1, (date.fromisoformat(today) - date.fromisoformat(first_day)).days // 7 + 1)
