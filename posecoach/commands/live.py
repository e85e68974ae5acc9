"""``posecoach live``: the live coach (the work is in ``posecoach.live.run_live``; this maps the options onto it)."""
from __future__ import annotations

from posecoach.cli import (CliError, _add_exercise_file, _check_exercise, live_exit_code,
                           _estimator_options, positive_float)


def run(args) -> int:
    from posecoach.live import run_live

    _add_exercise_file(args)
    exercises = [e.strip() for e in (args.exercises or "").split(",") if e.strip()]
    if args.exercise:
        exercises.insert(0, args.exercise)
    for e in exercises:
        _check_exercise(e)
    if args.sets < 1 or (args.reps is not None and args.reps < 1):
        raise CliError("--sets and --reps must be 1 or more")
    if args.hold is not None and args.hold <= 0:
        raise CliError("--hold must be a positive number of seconds")
    if args.rest < 0 or args.summary_seconds < 0:
        raise CliError("--rest and --summary-seconds cannot be negative")
    if args.auto and exercises:
        raise CliError("--auto recognises the exercise; leave out --exercise/--exercises (or --auto)")
    voice = None
    if exercises or args.auto:
        from posecoach.voice import make_voice

        voice = make_voice(mute=args.mute, count_aloud=args.count_aloud)
    res = run_live(args.camera, exercises or None, display=not args.no_display, record=args.record,
                   session_dir=args.session_dir, estimator_options=_estimator_options(args),
                   mirror=None if args.mirror is None else args.mirror == "on", max_seconds=args.seconds,
                   sets=args.sets, rest_seconds=args.rest, voice=voice, summary_seconds=args.summary_seconds,
                   reps=args.reps, hold=args.hold, loop=args.loop, auto=args.auto)
    s = res.summary
    msg = f"session ended ({res.ended_by}): {res.frames} frames in {res.seconds:.1f} s ({res.fps:.1f} fps)"
    if exercises or s.get("sets"):
        counts = [f"{s.get('reps', 0)} reps"] if any(x.get("target_reps") for x in s.get("sets", [])) else []
        msg += "; " + ", ".join(counts + [f"{s.get('hold_seconds', 0):.1f} s held"])
        if len(s.get("sets", [])) > 1:
            msg += f" over {len(s['sets'])} sets"
    print(msg)
    print(f"saved: {res.session_dir}")
    return live_exit_code(res.ended_by)


def add_parser(sub, model_opts) -> None:
    lv = sub.add_parser("live", help="coach live from a webcam (or a video standing in for one)",
                        description="The live coach: camera -> pose -> checks -> overlay in a window. Keys: p pause, "
                                    "n next set/exercise, r reset the set, c say the count, m mute, q or Esc "
                                    "quit. Events and a summary are saved as you go.")
    lv.add_argument("--camera", "-c", default="0", help="camera index, or a video file to stand in for one (default 0)")
    lv.add_argument("--exercise", "-e", help="exercise id or alias (see `posecoach exercises`)")
    lv.add_argument("--exercise-file", metavar="PATH.toml",
                    help="your own exercise file; followed first unless --exercise names another (its id can "
                         "also go in --exercises)")
    lv.add_argument("--no-display", action="store_true", help="run without a window (e.g. headless, or recording)")
    lv.add_argument("--record", help="also record the annotated view to this video file")
    lv.add_argument("--session-dir", help="where to save the session's events and summary "
                                          "(default: ~/.local/share/posecoach/sessions/<time>)")
    lv.add_argument("--mirror", choices=["on", "off"], default=None,
                    help="mirror the camera view like a selfie screen (default: on for cameras, off for files)")
    lv.add_argument("--seconds", type=positive_float, default=None, help="stop after this many seconds")
    lv.add_argument("--exercises", help="a routine: comma-separated exercise ids, done in order (after --exercise)")
    lv.add_argument("--auto", action="store_true",
                    help="recognise the exercise from the pose and check that one, switching when you start "
                         "another (recognition is right on about 3 clips in 4: --exercise is surer; deep_breathing, "
                         "back_roll and ball_position are not recognised yet)")
    lv.add_argument("--sets", type=int, default=1, help="sets of each exercise (default 1)")
    lv.add_argument("--reps", type=int, default=None, help="reps per set (default: each exercise's own target)")
    lv.add_argument("--hold", type=float, default=None,
                    help="hold target in seconds (default: each exercise's own target)")
    lv.add_argument("--rest", type=float, default=30.0, help="rest countdown between sets, seconds (default 30)")
    lv.add_argument("--mute", action="store_true", help="no spoken cues")
    lv.add_argument("--loop", action="store_true", help="replay a video file standing in for a camera until you quit")
    lv.add_argument("--count-aloud", action="store_true", help="say each rep count (else only on the c key)")
    lv.add_argument("--summary-seconds", type=float, default=8.0,
                    help="how long the end-of-session summary stays on screen (default 8; any key closes it)")
    model_opts(lv)
    lv.set_defaults(func=run)
