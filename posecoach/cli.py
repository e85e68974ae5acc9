"""posecoach's command line: a thin layer of argparse over plain functions.

Expected failures (a missing file, no camera, an unknown exercise, a damaged model) become one line on stderr and
an exit code that says which kind; anything unexpected keeps its traceback, because that is a bug to report.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from posecoach.errors import (  # noqa: F401  (re-exported: the exit codes are part of the CLI)
    EXIT_DEVICE, EXIT_INTERRUPTED, EXIT_MODEL, EXIT_NOBODY, EXIT_OUTPUT, EXIT_USAGE, PosecoachError)

# OpenCV and its FFmpeg backend print their own lines when probing a missing camera or a broken file; we report
# those cases ourselves in one line, so silence them (set before cv2 is imported; users can override).
os.environ.setdefault("OPENCV_LOG_LEVEL", "OFF")
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")

# The model's default rate in analyze: the lowest rate whose counts and holds on the dev clips' tune half are no
# worse than every frame's (bench/bench_analysis_rate.py; 20 and 15 each lost a clip within one; results in
# bench/results/analysis_rate.md). Videos at 24-30 fps lose little; 50-60 fps ones run the model on under half.
DEFAULT_ANALYSIS_FPS = 24.0

DEMO_NAME = "glute_bridge_side.mp4"
DEMO_EXERCISE = "glute_bridge"


def positive_int(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if v < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {v}")
    return v


def positive_float(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not v > 0 or v != v or v == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text}")
    return v


class CliError(PosecoachError):
    """A usage error found by the CLI itself (an option that makes no sense), or any error with its exit code."""

    def __init__(self, message: str, code: int = EXIT_USAGE):
        super().__init__(message)
        self.exit_code = code

    @property
    def code(self) -> int:
        return self.exit_code


# --- commands ---------------------------------------------------------------------------------------------------
def _progress(total, label, quiet):
    from posecoach.progress import Progress

    return Progress(total, label, enabled=None if not quiet else False)


def _estimator_options(args):
    from posecoach.estimation import EstimatorOptions

    return EstimatorOptions(model=args.model, smoothing=args.smoothing, num_poses=args.people)


def analysis_rate(text: str) -> float | None:
    """``--analysis-fps``: a positive number, or ``all`` for every frame."""
    if text.strip().lower() in ("all", "0"):
        return None
    return positive_float(text)


def cmd_analyze(args) -> int:
    from posecoach.outputs.report import html_clip_path, write_analysis_outputs
    from posecoach.session import analyze
    from posecoach.sources import VideoFile

    video = Path(args.video)
    src = VideoFile(video)  # fails early, with one line, on a missing file or a non-video
    _add_exercise_file(args)
    if args.exercise:
        _check_exercise(args.exercise)
    html_path, csv_path = getattr(args, "html", None), getattr(args, "csv", None)
    if csv_path and not args.exercise:
        raise CliError("--csv needs --exercise (it reports an exercise's angles and checks)")
    recognition = None
    if not args.exercise:  # which exercises, and when: recognised, then each segment counted by its checker
        from posecoach.recognition.model import ModelError, load_model

        try:
            recognition = load_model(getattr(args, "recognition_model", None))
        except ModelError as e:
            raise CliError(str(e), EXIT_MODEL) from None
    clip = html_clip_path(html_path, args.out) if html_path else None  # the browser-playable clip it embeds
    for p in (args.report, csv_path, html_path, args.out, clip):
        if p and Path(p).resolve() == video.resolve():
            raise CliError(f"refusing to overwrite the input video with an output: {p}")
        if p and Path(p).is_dir():
            raise CliError(f"{p} is a folder; give a file name for the output")
    with _progress(src.frame_count, f"analysing {video.name}", args.quiet) as bar:
        # One pass writes the annotated video, the HTML report's clip and the CSV; memory stays flat (keep_frames).
        an = analyze(video, args.exercise, out=args.out, clip=clip, csv=csv_path,
                     estimator_options=_estimator_options(args), use_cache=not args.no_cache, progress=bar,
                     keep_frames=False, analysis_fps=getattr(args, "analysis_fps", DEFAULT_ANALYSIS_FPS))
    report = an.report()
    if recognition is not None and not report.get("nobody_found"):
        _add_routine(an, recognition, args)
        report = an.report()
    failed = {str(p): e for p, e in an.failed.items()}
    if clip is not None and str(clip) in failed:
        html_path = None  # a report whose clip could not be written is not written either
    try:
        written = write_analysis_outputs(an, video, report=args.report, html=html_path, clip=clip, out=args.out)
        if csv_path and str(csv_path) not in failed:
            written = {"angles CSV": csv_path, **written}
    except OSError as e:
        raise CliError(f"cannot write {e.filename or 'an output'}: {e.strerror or e}", EXIT_OUTPUT) from None
    from posecoach.atomic import Target

    # An output sent to stdout (-r -, -r /dev/stdout) is the data: the summary for people goes to stderr then.
    to_stdout = any(p and Target(p).fd == 1 for p in (args.report, csv_path, html_path, args.out))
    say = (lambda *a: print(*a, file=sys.stderr)) if to_stdout else print
    if args.json:
        say(json.dumps(report, indent=2))
    else:
        _print_summary(report, an, say)
        if args.out and str(args.out) not in failed:
            say(f"annotated video: {args.out}")
        for label, p in written.items():
            say(f"{label}: {p}")
    for w in report.get("warnings", []):
        print(f"posecoach: warning: {w}", file=sys.stderr)
    if failed:  # the outputs that could be written were; the first one that could not is the error
        raise CliError(str(next(iter(failed.values()))), EXIT_OUTPUT)
    return EXIT_NOBODY if report.get("nobody_found") else 0


def _add_routine(an, model, args) -> None:
    """The report's ``segments`` (one section per recognised exercise, counted by its checker) and
    ``timeline`` (every segment, rest and other included)."""
    from posecoach.recognition.routine import recognise_routine

    segments, sections = recognise_routine(an._raw(), model=model, smoothing=args.smoothing, fps=an.fps)
    # Through the analysis' notes, so every writer of the report (JSON, --json) includes them.
    an.notes.update(timeline=[s.to_dict() for s in segments], segments=[s.report for s in sections])


def _print_summary(report: dict, an, print=print) -> None:
    t = report["timings"]
    print(f"{report['video']}: {report['frames']} frames, {report['duration']:.1f} s at {report['fps']:.1f} fps; "
          f"person found in {100 * report['detection_rate']:.0f}% of frames")
    if report.get("nobody_found"):
        print("nobody was found in the video: nothing was counted or checked")
    elif report.get("exercise"):
        parts = []
        if report.get("kind") != "hold" or report.get("reps"):
            reps = f"{report.get('reps', 0)} reps"
            if report.get("partial_reps"):
                reps += f" (+{report['partial_reps']} partial)"
            parts.append(reps)
        if report.get("hold_seconds") or not parts:
            parts.append(f"held {report.get('hold_seconds', 0):.1f} s in correct posture")
        print(f"{report['exercise']}: " + ", ".join(parts))
        faults = {}
        for f in report.get("faults", []):
            faults.setdefault(f["code"], f["message"])
        for _code, msg in list(faults.items())[:5]:
            print(f"  - {msg}")
    for seg in report.get("segments", []):
        what = f"{seg.get('reps', 0)} reps" if seg.get("kind") != "hold" or seg.get("reps") else ""
        if seg.get("hold_seconds"):
            what += (", " if what else "") + f"held {seg['hold_seconds']:.1f} s"
        print(f"{seg['segment_start']:7.1f}-{seg['segment_end']:.1f} s  {seg['exercise']}: {what or 'nothing counted'}"
              f"  (recognised, confidence {seg['confidence']:.2f})")
    if "segments" in report and not report["segments"]:
        print("no supported exercise was recognised")
    src = "landmark cache" if report["landmarks_from_cache"] else "model"
    print(f"processed at {t['fps']} fps ({t['wall']:.1f} s wall; landmarks from {src}; "
          f"inference {t['inference']:.1f} s, decode {t['decode']:.1f} s in its own thread, "
          f"drawing+encode {t['drawing']:.1f} s)")


def _add_exercise_file(args) -> None:
    """``--exercise-file``: the user's exercise joins the catalogue (one line and exit 2 if it is not valid) and
    is the exercise followed unless ``--exercise`` names another."""
    path = getattr(args, "exercise_file", None)
    if path:
        from posecoach.exercises import add_exercise_file

        spec = add_exercise_file(path)
        if not args.exercise:
            args.exercise = spec.id


def _check_exercise(name: str) -> None:
    from posecoach.exercises import get_exercise

    get_exercise(name)  # raises UnknownExerciseError listing the valid ids


def cmd_live(args) -> int:
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
    voice = None
    if exercises:
        from posecoach.voice import make_voice

        voice = make_voice(mute=args.mute, count_aloud=args.count_aloud)
    res = run_live(args.camera, exercises or None, display=not args.no_display, record=args.record,
                   session_dir=args.session_dir, estimator_options=_estimator_options(args),
                   mirror=None if args.mirror is None else args.mirror == "on", max_seconds=args.seconds,
                   sets=args.sets, rest_seconds=args.rest, voice=voice, summary_seconds=args.summary_seconds,
                   reps=args.reps, hold=args.hold, loop=args.loop)
    s = res.summary
    msg = f"session ended ({res.ended_by}): {res.frames} frames in {res.seconds:.1f} s ({res.fps:.1f} fps)"
    if exercises:
        counts = [f"{s.get('reps', 0)} reps"] if any(x.get("target_reps") for x in s.get("sets", [])) else []
        msg += "; " + ", ".join(counts + [f"{s.get('hold_seconds', 0):.1f} s held"])
        if len(s.get("sets", [])) > 1:
            msg += f" over {len(s['sets'])} sets"
    print(msg)
    print(f"saved: {res.session_dir}")
    if res.ended_by == "interrupted":
        return EXIT_INTERRUPTED
    return EXIT_DEVICE if res.ended_by == "camera dropped" else 0


def cmd_demo(args) -> int:
    from posecoach.models import data_dir

    DEMO_CLIP = data_dir("sample_videos") / DEMO_NAME
    if not DEMO_CLIP.exists():
        raise CliError(f"the demo clip {DEMO_CLIP} is missing from this checkout")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    ns = argparse.Namespace(video=str(DEMO_CLIP), exercise=DEMO_EXERCISE, out=str(out / "demo_annotated.mp4"),
                            report=str(out / "demo_report.json"), html=str(out / "demo_report.html"),
                            csv=str(out / "demo_angles.csv"), json=False, quiet=args.quiet, model=None,
                            smoothing="one_euro", people=1, no_cache=True)
    print(f"posecoach demo: analysing the bundled synthetic clip {DEMO_CLIP.name} ({DEMO_EXERCISE})")
    rc = cmd_analyze(ns)
    truth = DEMO_CLIP.with_suffix(".truth.json")
    if truth.exists():
        t = json.loads(truth.read_text())
        reps = t.get("reps")
        n = len(reps) if isinstance(reps, list) else reps
        print(f"ground truth of the clip: {n} reps")
    return rc


# --- parser -----------------------------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="posecoach",
        description="Watch back-pain relief exercises through a webcam or in a video: check the pose, count reps, "
                    "time holds, and cue form. Go slowly, and stop if anything hurts.",
        epilog="Start with `posecoach demo`, then `posecoach exercises` to see what can be checked.")
    from posecoach import __version__

    p.add_argument("--version", action="version", version=f"posecoach {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    def model_opts(sp):
        g = sp.add_argument_group("pose model")
        g.add_argument("--model", default=None,
                       help="lite, full or heavy (downloaded ones), or a .task path (default: bundled full model)")
        g.add_argument("--smoothing", default="one_euro", choices=["one_euro", "ema", "none"],
                       help="landmark smoothing over time (default: one_euro)")
        g.add_argument("--people", type=positive_int, default=1,
                       help="people to look for; >1 follows the same person when several are in view (slower)")

    a = sub.add_parser("analyze", help="analyse a recorded video: annotated video + report",
                       description="Run the coach over a video file. Writes an annotated video and a JSON report "
                                   "when asked; landmarks are cached, so a re-analysis skips the model.")
    a.add_argument("video", help="video file (mp4, mov, webm, avi, ...)")
    a.add_argument("--exercise", "-e", help="exercise id or alias (see `posecoach exercises`); without it the "
                                            "exercises are recognised, and each recognised segment is counted")
    a.add_argument("--exercise-file", metavar="PATH.toml",
                   help="your own exercise file (see README, 'Adding an exercise'); followed unless --exercise "
                        "names another")
    a.add_argument("--recognition-model", default=None, metavar="NPZ",
                   help="recognition model file (default: the one shipped with posecoach)")
    a.add_argument("--out", "-o", help="annotated video to write (.mp4, .webm for browsers, .avi)")
    a.add_argument("--report", "-r", help="JSON report to write")
    a.add_argument("--csv", help="CSV of per-frame angles and checks to write (needs --exercise)")
    a.add_argument("--html", help="HTML report to write: summary, plot, reps, faults, thumbnails (without "
                                  "--exercise: the timeline of recognised exercises); embeds the annotated "
                                  "video, written beside it as .webm unless --out names one")
    a.add_argument("--json", action="store_true", help="print the report as JSON instead of a summary")
    a.add_argument("--no-cache", action="store_true", help="ignore the landmark cache and run the model")
    a.add_argument("--analysis-fps", type=analysis_rate, default=DEFAULT_ANALYSIS_FPS, metavar="FPS|all",
                   help=f"run the model on at most this many frames a second of video (default "
                        f"{DEFAULT_ANALYSIS_FPS:g}; `all`: every frame). Counts and holds are as good at the "
                        f"default (bench/results/analysis_rate.md); the annotated video keeps every frame")
    a.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    model_opts(a)
    a.set_defaults(func=cmd_analyze)

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
    lv.set_defaults(func=cmd_live)


    d = sub.add_parser("demo", help="analyse the bundled sample clip (works offline, no camera)")
    d.add_argument("--out", default="posecoach-demo", help="folder for the annotated video and report")
    d.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    d.set_defaults(func=cmd_demo)

    import importlib

    from posecoach.commands import PLUGINS

    for name in PLUGINS:  # commands that live in their own module (see posecoach/commands/__init__.py)
        importlib.import_module(name).add_parser(sub, model_opts)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    from posecoach.interrupts import SignalsAsInterrupt

    try:
        with SignalsAsInterrupt():  # SIGTERM / SIGHUP unwind like Ctrl+C, through every clean-up on the way
            return args.func(args)
    except PosecoachError as e:  # every domain error: one line, its exit code (posecoach/errors.py)
        msg = str(e).splitlines()[0] if str(e) else type(e).__name__
        print(f"posecoach: error: {msg}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt as e:
        by = f" by {e.signal_name}" if getattr(e, "signal_name", None) else ""
        print(f"posecoach: interrupted{by}; unfinished outputs were removed", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # `posecoach exercises | head`: the reader left; that is not an error worth a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as e:
        if e.filename is None:
            raise
        print(f"posecoach: error: {e.filename}: {e.strerror or e}", file=sys.stderr)
        return EXIT_OUTPUT


if __name__ == "__main__":
    sys.exit(main())
