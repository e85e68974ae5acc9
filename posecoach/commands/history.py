"""``posecoach history``: the recent sessions as a table; ``--html`` writes the progress report, ``--csv`` exports.

Plain functions: ``history_table(conn, limit)``, ``posecoach.history.report.write_report(conn, out)``,
``posecoach.history.query.csv_text(conn)``.
"""
from __future__ import annotations


def history_table(conn, limit: int | None = 20) -> str:
    from posecoach.history.query import session_rows, table

    return table(session_rows(conn, limit))


def cmd_history(args) -> int:
    from posecoach.atomic import write_text
    from posecoach.cli import CliError
    from posecoach.history import HistoryError, connect
    from posecoach.history.query import csv_text

    try:
        conn = connect(args.db)
    except HistoryError as e:
        raise CliError(str(e)) from None
    print(history_table(conn, args.limit))
    if args.html:
        from posecoach.history.report import write_report

        print(f"wrote {write_report(conn, args.html)}")
    if args.csv:
        write_text(args.csv, csv_text(conn), what="history CSV")
        print(f"wrote {args.csv}")
    return 0


def add_parser(sub, model_opts) -> None:
    h = sub.add_parser("history", help="recent sessions; a progress report (--html) or CSV (--csv)",
                       description="Every session, exercise, set, rep, hold, pain rating and correction is kept in "
                                   "a SQLite database ($POSECOACH_HOME/history.sqlite3, default "
                                   "~/.local/share/posecoach).")
    h.add_argument("--html", help="write the progress report (plots of reps, holds, range of motion, pain, "
                                  "adherence) to this HTML file")
    h.add_argument("--csv", help="export every exercise of every session to this CSV file")
    h.add_argument("--limit", type=int, default=20, help="sessions in the table (default 20)")
    h.add_argument("--db", help="history database (default: $POSECOACH_HOME/history.sqlite3)")
    h.set_defaults(func=cmd_history)
