"""posecoach's command line: a thin layer of argparse over plain functions.

Expected failures (a missing file, no camera, an unknown exercise, a damaged model) become one line on stderr and
an exit code that says which kind; anything unexpected keeps its traceback, because that is a bug to report.
"""
from __future__ import annotations

import argparse
import os
import sys

from posecoach.errors import (  # noqa: F401  (re-exported: the exit codes are part of the CLI)
    EXIT_DEVICE, EXIT_INTERRUPTED, EXIT_MODEL, EXIT_NOBODY, EXIT_OUTPUT, EXIT_USAGE, PosecoachError)

# OpenCV and its FFmpeg backend print their own lines when probing a missing camera or a broken file; we report
# those cases ourselves in one line, so silence them (set before cv2 is imported; users can override).
os.environ.setdefault("OPENCV_LOG_LEVEL", "OFF")
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")



def live_exit_code(ended_by: str) -> int:
    """The exit code of a live session (live, start): 130 when interrupted, the device code when the camera
    dropped out, else 0."""
    if ended_by == "interrupted":
        return EXIT_INTERRUPTED
    return EXIT_DEVICE if ended_by == "camera dropped" else 0


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
def _progress(total, label, quiet, unit: str = "frame"):
    from posecoach.progress import Progress

    return Progress(total, label, enabled=None if not quiet else False, unit=unit)


def _estimator_options(args):
    from posecoach.estimation import EstimatorOptions

    return EstimatorOptions(model=args.model, smoothing=args.smoothing, num_poses=args.people)


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
