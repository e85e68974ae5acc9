"""The routine: which exercise and set is current, when a set is done, and what each set came to."""
from __future__ import annotations


def set_complete(fb, kind: str, extra_reps: int = 0) -> bool:
    """Whether a set has reached its target, from the checker's latest Feedback (``extra_reps``: the person's own
    corrections of the count, added to it)."""
    if fb is None:
        return False
    if kind == "hold" or fb.target_reps is None:
        return bool(fb.target_hold) and fb.hold_total >= fb.target_hold
    return bool(fb.target_reps) and fb.reps + extra_reps >= fb.target_reps


class Routine:
    """Which exercise and set is current, and the checker for it; a set's result is kept when it ends."""

    def __init__(self, exercises: list[str], sets: int, reps: int | None = None, hold: float | None = None):
        from posecoach.exercises import get_exercise, make_checker

        self.specs = [get_exercise(e) for e in exercises]
        self.sets = max(1, int(sets))
        self.reps, self.hold = reps, hold
        self._make = make_checker
        self.ex_i, self.set_i = 0, 1
        self.checker = self._new_checker()
        self.done: list[dict] = []

    def _new_checker(self):
        """A checker for the current exercise, with the routine's per-set targets where they apply."""
        over = {}
        if self.reps is not None and self.spec.kind != "hold":
            over["target_reps"] = self.reps
        if self.hold is not None and self.spec.target_hold is not None:
            over["target_hold"] = self.hold
        return self._make(self.spec.id, **over)

    @property
    def spec(self):
        return self.specs[self.ex_i]

    def title(self) -> str:
        t = self.spec.name
        if self.sets > 1:
            t += f" - set {self.set_i}/{self.sets}"
        if len(self.specs) > 1:
            t += f" ({self.ex_i + 1}/{len(self.specs)})"
        return t

    def close_set(self, frames: int, how: str) -> dict:
        from posecoach.exercises import report_dict

        res = self.checker.finish()
        d = report_dict(res, frames=frames, fps=0.0, duration=0.0, facts=self.checker.facts)
        rec = {"exercise": self.spec.id, "name": self.spec.name, "set": self.set_i, "ended": how,
               "reps": d["reps"], "partial_reps": d["partial_reps"], "hold_seconds": d["hold_seconds"],
               "target_reps": self.checker.facts.target_reps, "target_hold": self.checker.facts.target_hold,
               "faults": d["faults"], "rep_events": d["rep_events"], "holds": d["holds"]}
        self.done.append(rec)
        return rec

    def next_label(self) -> str | None:
        """What comes after the current set, or None when the routine is over."""
        if self.set_i < self.sets:
            return f"{self.spec.name}, set {self.set_i + 1} of {self.sets}"
        if self.ex_i + 1 < len(self.specs):
            return self.specs[self.ex_i + 1].name
        return None

    def advance(self) -> bool:
        """Move to the next set or exercise; False when there is none."""
        if self.set_i < self.sets:
            self.set_i += 1
        elif self.ex_i + 1 < len(self.specs):
            self.ex_i += 1
            self.set_i = 1
        else:
            return False
        self.checker = self._new_checker()
        return True

    def reset(self) -> None:
        self.checker = self._new_checker()
