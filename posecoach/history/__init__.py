"""The history of sessions in SQLite: every session, exercise, set, rep, hold, pain rating and correction.

    db.py      where the database lives (POSECOACH_HOME), schema, version, migrations; connect()
    writer.py  SessionWriter: rows committed as the session goes
    query.py   outcomes for progression, the recent-sessions table, CSV
    report.py  the progress report: matplotlib plots embedded in an HTML page (Jinja2)
"""
from posecoach.history.db import HistoryError, connect, default_path, home
from posecoach.history.writer import SessionWriter

__all__ = ["HistoryError", "SessionWriter", "connect", "default_path", "home"]
