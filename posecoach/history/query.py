"""Reading the history back: what progression needs, the recent-sessions table, and the report's series."""
from __future__ import annotations

import csv
import io
import sqlite3

from posecoach.programme.progression import SessionOutcome


def session_outcomes(conn: sqlite3.Connection, programme: str) -> list[SessionOutcome]:
    """The programme's finished sessions, oldest first, as progression sees them."""
    out = []
    for s in conn.execute("SELECT * FROM sessions WHERE programme = ? AND ended_by IS NOT NULL ORDER BY id",
                          (programme,)):
        sid = s["id"]
        pain = {r["moment"]: r["rating"] for r in
                conn.execute("SELECT moment, rating FROM pain WHERE session_id = ? ORDER BY id", (sid,))}
        hurt = conn.execute("SELECT COUNT(*) FROM pain WHERE session_id = ? AND moment = 'hurt'", (sid,)).fetchone()[0]
        # a row left for a switch ("switched") is taken up again in a row of its own, which counts
        skipped = conn.execute("SELECT COUNT(*) FROM exercises WHERE session_id = ? AND ended NOT IN ('done', "
                               "'switched')", (sid,)).fetchone()[0]
        codes = set()
        for r in conn.execute("SELECT faults FROM reps JOIN sets ON reps.set_id = sets.id JOIN exercises "
                              "ON sets.exercise_id = exercises.id WHERE exercises.session_id = ? AND faults != ''",
                              (sid,)):
            codes.update(r["faults"].split(","))
        out.append(SessionOutcome(completed=s["ended_by"] == "done" and skipped == 0, faults=len(codes),
                                  pain_before=pain.get("before"), pain_after=pain.get("after"), hurt=hurt > 0,
                                  stopped_for_pain=s["ended_by"] == "pain"))
    return out


def first_day(conn: sqlite3.Connection, programme: str) -> str | None:
    r = conn.execute("SELECT MIN(day) FROM sessions WHERE programme = ?", (programme,)).fetchone()
    return r[0]


_PER_EXERCISE = """
SELECT s.id AS session_id, s.day, s.programme, e.exercise,
       COUNT(DISTINCT st.id) AS sets,
       (SELECT COUNT(*) FROM reps r JOIN sets x ON r.set_id = x.id WHERE x.exercise_id = e.id AND r.full = 1) AS reps,
       (SELECT COUNT(*) FROM reps r JOIN sets x ON r.set_id = x.id WHERE x.exercise_id = e.id AND r.full = 0)
           AS attempts,
       (SELECT COALESCE(SUM(c.delta), 0) FROM corrections c JOIN sets x ON c.set_id = x.id WHERE x.exercise_id = e.id)
           AS corrections,
       (SELECT COALESCE(SUM(h.seconds), 0) FROM holds h JOIN sets x ON h.set_id = x.id WHERE x.exercise_id = e.id)
           AS hold_seconds,
       (SELECT AVG(r.rom) FROM reps r JOIN sets x ON r.set_id = x.id
        WHERE x.exercise_id = e.id AND r.full = 1 AND r.rom_unit = 'deg') AS rom_deg,
       (SELECT 100 * AVG(r.range_share) FROM reps r JOIN sets x ON r.set_id = x.id
        WHERE x.exercise_id = e.id AND r.full = 1) AS range_pct,
       e.ended
FROM exercises e JOIN sessions s ON e.session_id = s.id LEFT JOIN sets st ON st.exercise_id = e.id
GROUP BY e.id ORDER BY s.id, e.position
"""


def exercise_rows(conn: sqlite3.Connection) -> list[dict]:
    """One row per exercise done in a session: counted reps, attempts, corrections, hold seconds, and the mean
    range of motion of its full reps (degrees, for angle measures; and as % of the exercise's nominal range)."""
    return [dict(r) for r in conn.execute(_PER_EXERCISE)]


def session_rows(conn: sqlite3.Connection, limit: int | None = None) -> list[dict]:
    """One row per session, newest last: day, programme, how it ended, pain before/after, reps, hold time."""
    rows = []
    sql = "SELECT * FROM sessions ORDER BY id" + ("" if limit is None else f" DESC LIMIT {int(limit)}")
    sessions = list(conn.execute(sql))
    if limit is not None:
        sessions.reverse()
    per = {}
    for r in exercise_rows(conn):
        d = per.setdefault(r["session_id"], {"reps": 0, "hold_seconds": 0.0, "corrections": 0, "exercises": 0})
        d["reps"] += r["reps"] + r["corrections"]
        d["corrections"] += r["corrections"]
        d["hold_seconds"] += r["hold_seconds"] or 0.0
        d["exercises"] += 1
    for s in sessions:
        pain = {p["moment"]: p["rating"] for p in
                conn.execute("SELECT moment, rating FROM pain WHERE session_id = ? ORDER BY id", (s["id"],))}
        d = per.get(s["id"], {"reps": 0, "hold_seconds": 0.0, "corrections": 0, "exercises": 0})
        rows.append({"id": s["id"], "day": s["day"], "programme": s["programme"], "week": s["week"],
                     "level": s["level"], "ended_by": s["ended_by"] or "unfinished",
                     "pain_before": pain.get("before"), "pain_after": pain.get("after"),
                     "exercises": d["exercises"], "reps": d["reps"], "corrections": d["corrections"],
                     "hold_seconds": round(d["hold_seconds"], 1)})
    return rows


def table(rows: list[dict]) -> str:
    """The recent sessions as a plain text table."""
    if not rows:
        return "no sessions recorded yet (posecoach start runs one)"
    cols = [("day", "day"), ("programme", "programme"), ("week", "wk"), ("ended_by", "ended"),
            ("pain_before", "pain<"), ("pain_after", "pain>"), ("exercises", "ex"), ("reps", "reps"),
            ("hold_seconds", "held s")]
    cells = [[("-" if r[k] is None else str(r[k])) for k, _ in cols] for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, (_, h) in enumerate(cols)]
    lines = ["  ".join(h.ljust(w) for (_, h), w in zip(cols, widths))]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)) for row in cells]
    return "\n".join(lines)


def csv_text(conn: sqlite3.Connection) -> str:
    """Every exercise of every session, one CSV row each (with the session's pain ratings)."""
    sessions = {r["id"]: r for r in session_rows(conn)}
    buf = io.StringIO()
    fields = ["session_id", "day", "programme", "exercise", "sets", "reps", "attempts", "corrections",
              "hold_seconds", "rom_deg", "range_pct", "ended", "pain_before", "pain_after"]
    w = csv.DictWriter(buf, fields, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in exercise_rows(conn):
        s = sessions[r["session_id"]]
        w.writerow({**r, "pain_before": s["pain_before"], "pain_after": s["pain_after"],
                    "rom_deg": None if r["rom_deg"] is None else round(r["rom_deg"], 1),
                    "range_pct": None if r["range_pct"] is None else round(r["range_pct"], 1),
                    "hold_seconds": round(r["hold_seconds"] or 0.0, 1)})
    return buf.getvalue()
