"""The history database: where it lives, its schema, its version and the migrations between versions.

SQLite (stdlib ``sqlite3``) in autocommit mode: every insert is its own transaction, committed when it returns,
so a crash, SIGKILL or Ctrl+C loses at most what was being written at that moment. ``PRAGMA user_version`` holds
the schema version; ``MIGRATIONS[i]`` takes a database from version i to i + 1, in one transaction.
"""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

DB_NAME = "history.sqlite3"


def home() -> Path:
    """posecoach's data folder: $POSECOACH_HOME, else $XDG_DATA_HOME/posecoach (~/.local/share/posecoach)."""
    env = os.environ.get("POSECOACH_HOME")
    if env:
        return Path(env)
    return Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "posecoach"


def default_path() -> Path:
    return home() / DB_NAME


# Version 1: sessions, the exercises in them, their sets, and each rep, hold and pain rating.
_V1 = """
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    programme TEXT NOT NULL,
    day TEXT NOT NULL,                 -- ISO date the session counts for
    started_at TEXT NOT NULL,          -- ISO time
    ended_at TEXT,
    ended_by TEXT,                     -- NULL while running (or after a crash)
    week INTEGER NOT NULL DEFAULT 1,
    planned_sets INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE exercises (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    exercise TEXT NOT NULL,
    target_sets INTEGER, target_reps INTEGER, target_hold REAL,
    ended TEXT                         -- done | skipped | hurt | stopped | switched (taken up later)
);
CREATE TABLE sets (
    id INTEGER PRIMARY KEY,
    exercise_id INTEGER NOT NULL REFERENCES exercises(id) ON DELETE CASCADE,
    set_no INTEGER NOT NULL,
    ended TEXT,                        -- target reached | next key | hurts | ... ; NULL while running
    reps INTEGER, attempts INTEGER, hold_seconds REAL
);
CREATE TABLE reps (
    id INTEGER PRIMARY KEY,
    set_id INTEGER NOT NULL REFERENCES sets(id) ON DELETE CASCADE,
    t_start REAL, t_end REAL, duration REAL,
    side TEXT,
    rom REAL,                          -- range of motion of the exercise's key measure, in rom_unit
    rom_unit TEXT,                     -- deg for angles; torso lengths or a 0-1 scale for the others
    range_share REAL,                  -- share of the exercise's nominal range reached (1.0 = all of it)
    full INTEGER NOT NULL,             -- 1: a full rep; 0: an attempt
    faults TEXT NOT NULL DEFAULT ''    -- comma-separated fault codes
);
CREATE TABLE holds (
    id INTEGER PRIMARY KEY,
    set_id INTEGER NOT NULL REFERENCES sets(id) ON DELETE CASCADE,
    t_start REAL, t_end REAL, seconds REAL NOT NULL, side TEXT
);
CREATE TABLE pain (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    moment TEXT NOT NULL,              -- before | after | hurt (the "this hurts" key, during an exercise)
    rating INTEGER,                    -- 0-10, NULL for a "this hurts" without a rating
    exercise TEXT
);
CREATE INDEX reps_set ON reps(set_id);
CREATE INDEX sets_exercise ON sets(exercise_id);
CREATE INDEX exercises_session ON exercises(session_id);
"""

# Version 2: corrections of the count (a rep the coach missed or miscounted), kept as such beside the counted
# reps; and each session's progression level and its reason.
_V2 = """
CREATE TABLE corrections (
    id INTEGER PRIMARY KEY,
    set_id INTEGER NOT NULL REFERENCES sets(id) ON DELETE CASCADE,
    delta INTEGER NOT NULL,            -- +1: a rep the coach missed; -1: one it counted wrongly
    t REAL
);
ALTER TABLE sessions ADD COLUMN level INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN reason TEXT NOT NULL DEFAULT '';
"""

MIGRATIONS: tuple[str, ...] = (_V1, _V2)
SCHEMA_VERSION = len(MIGRATIONS)


class HistoryError(RuntimeError):
    pass


def version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection, upto: int = SCHEMA_VERSION) -> int:
    """Bring the database to version ``upto``, one migration per transaction; returns the version reached."""
    v = version(conn)
    if v > SCHEMA_VERSION:
        raise HistoryError(f"the history database is version {v}, newer than this posecoach ({SCHEMA_VERSION}); "
                           "upgrade posecoach")
    while v < upto:
        script = MIGRATIONS[v]
        # executescript commits first; BEGIN ... COMMIT inside makes the step all-or-nothing.
        conn.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {v + 1};\nCOMMIT;")
        v += 1
    return v


def connect(path: str | Path | None = None, upto: int = SCHEMA_VERSION) -> sqlite3.Connection:
    """Open (creating and migrating as needed) the history database; autocommit, foreign keys on."""
    path = Path(path) if path else default_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(str(path), isolation_level=None, timeout=10)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        # WAL: a reader (posecoach history) never blocks the session writing; synchronous=NORMAL in WAL is still
        # crash-safe for the application (a power cut may lose the last transactions, never corrupt the file).
        conn.execute("PRAGMA journal_mode = WAL")
        migrate(conn, upto)
    except sqlite3.DatabaseError as e:
        raise HistoryError(f"{path}: cannot use the history database: {e}") from None
    return conn
