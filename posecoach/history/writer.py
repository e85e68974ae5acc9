"""Writing one session into the history as it goes: each rep, hold, pain rating and correction is committed
the moment it is known (the connection is in autocommit mode), so an interrupted session keeps all of them."""
from __future__ import annotations

import math
import sqlite3
from datetime import datetime


def rom_unit(exercise: str) -> str:
    """The unit of an exercise's range of motion: its key measure's declared unit ("deg", "torso"), or "scale" for
    a unitless 0-1 measure (and for a hand-written Custom measure left at "deg" whose whole range is a few units)."""
    from posecoach.exercises import get_exercise

    spec = get_exercise(exercise)
    unit = getattr(spec.measure, "unit", "deg") or "scale"
    return unit if unit != "deg" or abs(spec.top - spec.start) >= 5 else "scale"


def _num(x):
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else x


class SessionWriter:
    """One session's rows. ``exercise``/``set`` rows are made when they start; reps and holds attach to the
    current set."""

    def __init__(self, conn: sqlite3.Connection, programme: str, *, day: str | None = None, week: int = 1,
                 level: int = 0, reason: str = "", planned_sets: int = 0, now: datetime | None = None):
        self.conn = conn
        now = now or datetime.now()
        self.day = day or now.date().isoformat()
        cur = conn.execute("INSERT INTO sessions (programme, day, started_at, week, planned_sets, level, reason) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?)",
                           (programme, self.day, now.isoformat(timespec="seconds"), week, planned_sets, level, reason))
        self.session_id = cur.lastrowid
        self.exercise_id: int | None = None
        self.set_id: int | None = None
        self._unit = "deg"
        self._held: set[tuple] = set()  # holds already written for the current set (by start time and side)

    def start_exercise(self, position: int, exercise: str, sets: int, reps: int | None, hold: float | None) -> int:
        self.end_set_if_open("stopped")
        cur = self.conn.execute("INSERT INTO exercises (session_id, position, exercise, target_sets, target_reps, "
                                "target_hold) VALUES (?, ?, ?, ?, ?, ?)",
                                (self.session_id, position, exercise, sets, reps, hold))
        self.exercise_id = cur.lastrowid
        self._unit = rom_unit(exercise)
        return self.exercise_id

    def end_exercise(self, how: str) -> None:
        if self.exercise_id is not None:
            self.conn.execute("UPDATE exercises SET ended = ? WHERE id = ?", (how, self.exercise_id))

    def start_set(self, set_no: int) -> int:
        self.end_set_if_open("stopped")
        cur = self.conn.execute("INSERT INTO sets (exercise_id, set_no) VALUES (?, ?)", (self.exercise_id, set_no))
        self.set_id = cur.lastrowid
        self._held = set()
        return self.set_id

    def add_rep(self, rep: dict) -> None:
        """A completed rep or attempt (``event_record`` of a Rep: start, end, side, complete, faults,
        range_of_motion)."""
        if self.set_id is None:
            return
        start, end = _num(rep.get("start")), _num(rep.get("end"))
        self.conn.execute("INSERT INTO reps (set_id, t_start, t_end, duration, side, rom, rom_unit, range_share, full, "
                          "faults) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          (self.set_id, start, end, None if start is None or end is None else round(end - start, 3),
                           rep.get("side"), _num(rep.get("range_of_motion")), self._unit,
                           _num(rep.get("range_share")), int(bool(rep.get("complete", True))),
                           ",".join(rep.get("faults") or ())))

    def add_hold(self, hold: dict) -> None:
        """A finished hold (start, end, side; seconds computed if absent); each hold is written once."""
        if self.set_id is None:
            return
        key = (round(float(hold.get("start", 0.0)), 2), hold.get("side"))
        if key in self._held:
            return
        self._held.add(key)
        secs = hold.get("seconds")
        if secs is None:
            secs = max(0.0, float(hold["end"]) - float(hold["start"]))
        self.conn.execute("INSERT INTO holds (set_id, t_start, t_end, seconds, side) VALUES (?, ?, ?, ?, ?)",
                          (self.set_id, hold.get("start"), hold.get("end"), round(float(secs), 3), hold.get("side")))

    def add_correction(self, delta: int, t: float | None = None) -> None:
        if self.set_id is not None:
            self.conn.execute("INSERT INTO corrections (set_id, delta, t) VALUES (?, ?, ?)", (self.set_id, delta, t))

    def end_set(self, rec: dict) -> None:
        """The set's closing record (Routine.close_set): its totals, and any hold still open when it ended."""
        if self.set_id is None:
            return
        for h in rec.get("holds", ()):
            self.add_hold(h)
        self.conn.execute("UPDATE sets SET ended = ?, reps = ?, attempts = ?, hold_seconds = ? WHERE id = ?",
                          (rec.get("ended"), rec.get("reps"), rec.get("partial_reps"), rec.get("hold_seconds"),
                           self.set_id))
        self.set_id = None

    def end_set_if_open(self, how: str) -> None:
        if self.set_id is not None:
            self.conn.execute("UPDATE sets SET ended = ? WHERE id = ? AND ended IS NULL", (how, self.set_id))
            self.set_id = None

    def pain(self, moment: str, rating: int | None, exercise: str | None = None) -> None:
        self.conn.execute("INSERT INTO pain (session_id, moment, rating, exercise) VALUES (?, ?, ?, ?)",
                          (self.session_id, moment, rating, exercise))

    def finish(self, ended_by: str, now: datetime | None = None) -> None:
        self.end_set_if_open(ended_by)
        now = now or datetime.now()
        self.conn.execute("UPDATE sessions SET ended_at = ?, ended_by = ? WHERE id = ?",
                          (now.isoformat(timespec="seconds"), ended_by, self.session_id))
