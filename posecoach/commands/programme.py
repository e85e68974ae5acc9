"""``posecoach programme list|show NAME`` and ``posecoach start [NAME]``: programmes, and today's session of one.

Plain functions for the CLI (they never see argparse)::

    programme_list() -> str            one line per shipped programme
    programme_show(name) -> str        its steps and week-by-week targets
    default_programme(conn) -> str     the programme of the last session, else the starter week
"""
from __future__ import annotations

from posecoach.programme.spec import Programme, ProgrammeError, list_programmes, load_programme


def programme_list() -> str:
    lines = []
    for p in list_programmes():
        lines.append(f"{p.name:18s} {p.title}: {len(p.steps)} exercises, {p.weeks} weeks, "
                     f"{p.sessions_per_week} sessions a week")
    return "\n".join(lines)


def programme_show(name: str) -> str:
    from posecoach.exercises import get_exercise

    p: Programme = load_programme(name)
    out = [f"{p.title} ({p.name})", p.description, f"{p.weeks} weeks, {p.sessions_per_week} sessions a week", ""]
    for i, s in enumerate(p.steps, 1):
        spec = get_exercise(s.exercise)
        out.append(f"{i:2d}. {spec.name} [{s.exercise}]: {s.target(1).describe(s.per_side)}, rest {s.rest:g} s")
        for w in sorted(s.weeks, key=lambda w: w.week):
            out.append(f"      from week {w.week}: {s.target(w.week).describe(s.per_side)}")
    r = p.progression
    out += ["", f"Progression: targets rise (+{r.reps_step} reps, +{r.hold_step:g} s holds, up to {r.max_reps} reps, "
                f"{r.max_hold:g} s and {r.max_sets} sets) after {r.good_sessions} sessions in a row completed with "
                f"good form and no rise in pain; they fall back a step after pain rises by {r.pain_rise} or more."]
    return "\n".join(out)


def default_programme(conn) -> str:
    row = conn.execute("SELECT programme FROM sessions ORDER BY id DESC LIMIT 1").fetchone()
    return row[0] if row else "starter_week"


def cmd_programme(args) -> int:
    from posecoach.cli import CliError

    try:
        if args.action == "list":
            print(programme_list())
        else:
            if not args.name:
                raise CliError("programme show needs a NAME; see `posecoach programme list`")
            print(programme_show(args.name))
    except ProgrammeError as e:
        raise CliError(str(e)) from None
    return 0


def cmd_start(args) -> int:
    from posecoach.cli import CliError, _estimator_options, live_exit_code
    from posecoach.history import HistoryError, connect
    from posecoach.programme.pain import valid_rating
    from posecoach.programme.run import run_programme

    try:
        pain = None if args.pain_before is None else valid_rating(args.pain_before)
    except ValueError as e:
        raise CliError(f"--pain-before: {e}") from None
    if args.day is not None:
        from datetime import date

        try:
            date.fromisoformat(args.day)
        except ValueError:
            raise CliError(f"--day must be a date like 2026-12-05, got {args.day!r}") from None
    try:
        conn = connect(args.db)
        programme = load_programme(args.name or default_programme(conn))
    except (ProgrammeError, HistoryError) as e:
        raise CliError(str(e)) from None
    voice = None
    if not args.mute:
        from posecoach.voice import make_voice

        voice = make_voice(mute=False)
    camera = int(args.camera) if str(args.camera).isdigit() else args.camera
    times = {k: v for k, v in (("demo", args.demo_seconds), ("plan", args.plan_seconds)) if v is not None}
    res = run_programme(programme, camera, pain_before=pain, display=not args.no_display, db=conn, today=args.day,
                        session_dir=args.session_dir, estimator_options=_estimator_options(args),
                        mirror=None if args.mirror is None else args.mirror == "on", loop=args.loop, voice=voice,
                        times=times, summary_seconds=args.summary_seconds, max_seconds=args.seconds,
                        switch=not args.no_switch)
    s = res.live.summary
    print(f"{programme.title}: session ended ({res.ended_by}); {s.get('reps', 0)} reps, "
          f"{s.get('hold_seconds', 0):.0f} s held over {len(res.sets)} sets; pain "
          f"{'-' if res.pain_before is None else res.pain_before} before, "
          f"{'-' if res.pain_after is None else res.pain_after} after")
    print(f"next time: {res.next_time}")
    print(f"saved: {res.live.session_dir} and the history (session {res.session_id})")
    return live_exit_code(res.ended_by)


def add_parser(sub, model_opts) -> None:
    p = sub.add_parser("programme", help="list the programmes, or show one",
                       description="Programmes are TOML files: exercises with sets, reps or hold seconds, rest and "
                                   "week-by-week targets. Shipped ones are listed; a path to your own file works "
                                   "wherever a NAME does.")
    p.add_argument("action", choices=["list", "show"])
    p.add_argument("name", nargs="?", help="programme name or .toml path (show)")
    p.set_defaults(func=cmd_programme)

    s = sub.add_parser("start", help="today's session of a programme, in the live window",
                       description="Runs today's session: a pain check-in (keys 0-9), then each exercise's "
                                   "demonstration and its sets with rests, a pain check-in after, and what changes "
                                   "next time. Keys: h this hurts (stops the exercise), + / - correct the count, "
                                   "n next, p pause, q quit; y / n answer \"switch to ...?\" when the coach sees "
                                   "another of today's exercises being done. Everything is saved to the history "
                                   "as it happens.")
    s.add_argument("name", nargs="?", help="programme name or .toml path (default: the last one used, else "
                                           "starter_week)")
    s.add_argument("--camera", "-c", default="0", help="camera index, or a video file to stand in for one")
    s.add_argument("--pain-before", type=int, default=None, metavar="N",
                   help="today's pain 0-10 before the session (skips the check-in screen)")
    s.add_argument("--no-display", action="store_true", help="run without a window")
    s.add_argument("--loop", action="store_true", help="replay a video file standing in for a camera")
    s.add_argument("--mirror", choices=["on", "off"], default=None, help="mirror the view like a selfie screen")
    s.add_argument("--mute", action="store_true", help="no spoken instructions or cues")
    s.add_argument("--no-switch", action="store_true",
                   help="do not watch for another of today's exercises being done (normally the coach asks: "
                        "Y switches to it, N stays)")
    s.add_argument("--session-dir", help="where to save the session's events and summary")
    s.add_argument("--db", help="history database (default: $POSECOACH_HOME/history.sqlite3, "
                                "~/.local/share/posecoach)")
    s.add_argument("--day", default=None, help="the date the session counts for (default today), YYYY-MM-DD")
    s.add_argument("--demo-seconds", type=float, default=None, help="how long each demonstration plays (default 8)")
    s.add_argument("--plan-seconds", type=float, default=None, help="how long today's plan is shown (default 6)")
    s.add_argument("--seconds", type=float, default=None, help="stop after this many seconds")
    s.add_argument("--summary-seconds", type=float, default=8.0, help="how long the summary stays on screen")
    model_opts(s)
    s.set_defaults(func=cmd_start)
