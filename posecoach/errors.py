"""The errors a user can cause or meet, each with the exit code the CLI gives it.

Every domain error derives from ``PosecoachError``, so the CLI needs one ``except`` to turn any of them into one
line on stderr and its documented exit code, wherever it was raised. Pure: imports nothing.
"""
from __future__ import annotations

EXIT_USAGE = 2  # bad input: missing file, not a video, unknown exercise, bad option
EXIT_MODEL = 3  # model missing or damaged, cannot download
EXIT_DEVICE = 4  # no camera, no display
EXIT_OUTPUT = 5  # cannot write an output (full disk, read-only folder, /dev/full...); the message names which
EXIT_NOBODY = 6  # analyze: nobody was found in the video (the reports are still written, and say so)
EXIT_WORKER = 8  # analyze: a pose tracking worker process failed or died (--workers; the message says which)
EXIT_INTERRUPTED = 130  # Ctrl+C, SIGTERM or SIGHUP; unfinished outputs are removed (live saves its session)


class PosecoachError(Exception):
    """Base of the errors the CLI reports as one line; ``exit_code`` says how the process ends."""

    exit_code = EXIT_USAGE
