"""``posecoach batch INPUTS... --out DIR``: analyse many clips on every core, or on Ray; resumable.

Thin CLI over ``posecoach.batch``: inputs -> jobs, ``run_batch``, a few lines of summary. Exit codes: 0 every
clip analysed, 7 some clips failed (each named in the summary with its error), 130 interrupted (finished clips
are kept; the same command continues), 2 bad input, 5 an output that cannot be written.
"""
from __future__ import annotations

import sys

EXIT_SOME_FAILED = 7

EPILOG = """\
inputs: video files, folders (searched recursively) and list files: .txt (one path a line) or .csv
(path,exercise). Each clip's record goes to DIR/clips/<content hash>.json as it finishes; a re-run of the same
command skips the clips already done (by content, whatever their name) and does the rest.
Writes DIR/summary.csv (clip, exercise, reps, hold_seconds, faults, duration, frames, detection_rate,
wall_seconds, error), DIR/summary.parquet (with pyarrow) and DIR/index.html.

exit codes: 0 every clip analysed; 7 some clips failed (a corrupt file, nobody in view; the rest were analysed
and the summary names each failure); 130 interrupted by Ctrl+C (finished clips are kept: run the same command
again to continue); 2 bad input; 5 an output cannot be written."""


def add_parser(sub, model_opts) -> None:
    import argparse

    from posecoach.cli import positive_int
    from posecoach.commands.analyze import DEFAULT_ANALYSIS_FPS, analysis_rate

    b = sub.add_parser("batch", help="analyse many videos on every core (or a Ray cluster); resumable",
                       description="Analyse many clips, one worker process per core, each keeping one pose model "
                                   "for all its clips; or on Ray with --engine ray.",
                       epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    b.add_argument("inputs", nargs="+", metavar="INPUT", help="video files, folders, or .txt/.csv list files")
    b.add_argument("--out", "-o", required=True, metavar="DIR", help="output folder (made if missing)")
    b.add_argument("--exercise", "-e", help="exercise id for every clip (else a .csv list's exercise column; "
                                            "without either, only pose tracking is reported)")
    b.add_argument("--engine", choices=["pool", "ray"], default="pool",
                   help="pool: local worker processes (default); ray: Ray actors (pip install \"posecoach[ray]\")")
    b.add_argument("--workers", "-j", type=positive_int, default=None,
                   help="worker processes or Ray actors (default: one per core; with --ray-address, one per "
                        "CPU of the cluster)")
    b.add_argument("--ray-address", default=None, metavar="ADDRESS",
                   help="join this Ray cluster (auto, HOST:PORT, ray://HOST:PORT); default: start a local one")
    b.add_argument("--analysis-fps", type=analysis_rate, default=DEFAULT_ANALYSIS_FPS, metavar="FPS|all",
                   help=f"run the model on at most this many frames a second (default {DEFAULT_ANALYSIS_FPS:g})")
    b.add_argument("--no-cache", action="store_true", help="ignore the landmark cache and run the model")
    b.add_argument("--retry-failed", action="store_true", help="run again the clips that failed last time")
    b.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    model_opts(b)
    b.set_defaults(func=cmd_batch)


def cmd_batch(args) -> int:
    from pathlib import Path

    from posecoach.batch.engines import RayMissing
    from posecoach.batch.inputs import InputError, make_jobs
    from posecoach.batch.run import run_batch
    from posecoach.batch.worker import BatchSettings
    from posecoach.cli import EXIT_INTERRUPTED, CliError

    if args.ray_address and args.engine != "ray":
        raise CliError("--ray-address needs --engine ray")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise CliError(f"--out {out} is a file; give a folder")
    try:
        jobs = make_jobs(args.inputs, args.exercise)
    except InputError as e:
        raise CliError(str(e)) from None
    except OSError as e:
        raise CliError(f"cannot read {e.filename}: {e.strerror}") from None
    if args.engine == "ray":
        try:
            import ray  # noqa: F401
        except ImportError:
            raise CliError('--engine ray needs Ray: pip install "posecoach[ray]"') from None
    settings = BatchSettings(analysis_fps=args.analysis_fps, model=args.model, smoothing=args.smoothing,
                             people=args.people, use_cache=not args.no_cache)
    try:
        res = run_batch(jobs, out, settings, engine=args.engine, workers=args.workers,
                        ray_address=args.ray_address, progress=False if args.quiet else None,
                        retry_failed=args.retry_failed)
    except RayMissing as e:
        raise CliError(str(e)) from None
    failed = res.failed
    print(f"{len(res.records)} of {len(jobs)} clips done ({res.analysed} now, {res.skipped} from an earlier run); "
          f"{len(failed)} failed")
    for r in failed[:10]:
        print(f"  failed: {r['clip']}: {r['error']}")
    if len(failed) > 10:
        print(f"  ... and {len(failed) - 10} more (see the summary)")
    for label, p in res.written.items():
        print(f"{label}: {p}")
    if res.interrupted:
        print(f"posecoach: interrupted; {res.pending} clips not done: run the same command again to continue",
              file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_SOME_FAILED if failed else 0
