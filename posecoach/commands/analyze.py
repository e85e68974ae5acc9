"""``posecoach analyze`` and ``posecoach demo``: a video file through the whole pipeline, and its outputs.

``analyze_command`` is the plain function (no argparse): ``run`` maps the parsed options onto it, and ``demo``
calls it directly on the bundled clip.
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from posecoach.cli import (EXIT_MODEL, EXIT_NOBODY, EXIT_OUTPUT, CliError, _add_exercise_file, _check_exercise,
                           _estimator_options, _progress, positive_float,
                           positive_int)
from posecoach.parallel_tracking import MIN_CHUNK_SECONDS, default_workers
from posecoach.sources import DEFAULT_ANALYSIS_FPS

DEMO_NAME = "glute_bridge_side.mp4"
DEMO_EXERCISE = "glute_bridge"


@dataclass(frozen=True)
class AnalyzeOutputs:
    """The files an analysis writes (None: not wanted); any may be ``-`` or a device."""

    out: str | None = None  # annotated video
    report: str | None = None  # JSON
    csv: str | None = None  # per-frame angles
    html: str | None = None  # HTML report (embeds a .webm beside it unless ``out`` is one)


def analysis_rate(text: str) -> float | None:
    """``--analysis-fps``: a positive number, or ``all`` for every frame."""
    if text.strip().lower() in ("all", "0"):
        return None
    return positive_float(text)


def analyze_command(video: str | Path, exercise: str | None, outputs: AnalyzeOutputs, estimator, *,
                    quiet: bool = False, as_json: bool = False, use_cache: bool = True,
                    analysis_fps: float | None = DEFAULT_ANALYSIS_FPS, recognition_model: str | None = None,
                    workers: int = 1) -> int:
    """Analyse ``video`` (``exercise`` None: recognise the exercises), write ``outputs``, print a summary; returns
    the exit code. ``estimator``: ``EstimatorOptions``; ``workers``: processes that may track the clip in chunks
    (``session.analyze``)."""
    from posecoach.outputs.report import html_clip_path, write_analysis_outputs
    from posecoach.session import analyze
    from posecoach.sources import VideoFile

    video = Path(video)
    src = VideoFile(video)  # fails early, with one line, on a missing file or a non-video
    if exercise:
        _check_exercise(exercise)
    html_path, csv_path = outputs.html, outputs.csv
    if csv_path and not exercise:
        raise CliError("--csv needs --exercise (it reports an exercise's angles and checks)")
    recognition = None
    if not exercise:  # which exercises, and when: recognised, then each segment counted by its checker
        from posecoach.recognition.model import ModelError, load_model

        try:
            recognition = load_model(recognition_model)
        except ModelError as e:
            raise CliError(str(e), EXIT_MODEL) from None
    clip = html_clip_path(html_path, outputs.out) if html_path else None  # the browser-playable clip it embeds
    for p in (outputs.report, csv_path, html_path, outputs.out, clip):
        if p and Path(p).resolve() == video.resolve():
            raise CliError(f"refusing to overwrite the input video with an output: {p}")
        if p and Path(p).is_dir():
            raise CliError(f"{p} is a folder; give a file name for the output")
    with _progress(src.frame_count, f"analysing {video.name}", quiet) as bar:
        # One pass writes the annotated video, the HTML report's clip and the CSV; memory stays flat (keep_frames).
        an = analyze(video, exercise, out=outputs.out, clip=clip, csv=csv_path,
                     estimator_options=estimator, use_cache=use_cache, progress=bar,
                     keep_frames=False, analysis_fps=analysis_fps, workers=workers)
    report = an.report()
    if recognition is not None and not report.get("nobody_found"):
        with _progress(None, "recognising and counting exercises", quiet, unit="segment") as bar:
            _add_routine(an, recognition, estimator.smoothing, bar)
        report = an.report()
    failed = {str(p): e for p, e in an.failed.items()}
    if clip is not None and str(clip) in failed:
        html_path = None  # a report whose clip could not be written is not written either
    try:
        written = write_analysis_outputs(an, video, report=outputs.report, html=html_path, clip=clip, out=outputs.out)
        if csv_path and str(csv_path) not in failed:
            written = {"angles CSV": csv_path, **written}
    except OSError as e:
        raise CliError(f"cannot write {e.filename or 'an output'}: {e.strerror or e}", EXIT_OUTPUT) from None
    from posecoach.atomic import Target

    # An output sent to stdout (-r -, -r /dev/stdout) is the data: the summary for people goes to stderr then.
    to_stdout = any(p and Target(p).fd == 1 for p in (outputs.report, csv_path, html_path, outputs.out))
    say = (lambda *a: print(*a, file=sys.stderr)) if to_stdout else print
    if as_json:
        say(json.dumps(report, indent=2))
    else:
        _print_summary(report, an, say)
        if outputs.out and str(outputs.out) not in failed:
            say(f"annotated video: {outputs.out}")
        for label, p in written.items():
            say(f"{label}: {p}")
    for w in report.get("warnings", []):
        print(f"posecoach: warning: {w}", file=sys.stderr)
    if failed:  # the outputs that could be written were; the first one that could not is the error
        raise CliError(str(next(iter(failed.values()))), EXIT_OUTPUT)
    return EXIT_NOBODY if report.get("nobody_found") else 0


def _add_routine(an, model, smoothing: str, bar=None) -> None:
    """The report's ``segments`` (one section per recognised exercise, counted by its checker),
    ``timeline`` (every segment, rest and other included) and ``recognition_seconds`` (wall time of both)."""
    import time

    from posecoach.recognition.routine import recognise_routine

    t0 = time.perf_counter()
    segments, sections = recognise_routine(an._raw(), model=model, smoothing=smoothing, fps=an.fps, progress=bar)
    # Through the analysis' notes, so every writer of the report (JSON, --json) includes them.
    an.notes.update(timeline=[s.to_dict() for s in segments], segments=[s.report for s in sections],
                    recognition_seconds=round(time.perf_counter() - t0, 2))


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
            total = report.get("hold_seconds", 0)
            held = f"held {total:.1f} s in correct posture"
            shallow = sum(h["seconds"] for h in report.get("holds", []) if h.get("grade") == "shallow")
            if shallow and shallow >= total - 0.05:  # (the holds' seconds are rounded: never "11 of 10.8 s")
                held = f"held {total:.1f} s, all of it less deep than the exercise asks"
            elif shallow:
                held += f" ({shallow:.1f} s of it less deep than the exercise asks)"
            parts.append(held)
        print(f"{report['exercise']}: " + ", ".join(parts))
        if report.get("why_nothing"):
            print(f"  {report['why_nothing']}")
        faults = {}
        for f in report.get("faults", []):
            faults.setdefault(f["code"], f["message"])
        for _code, msg in list(faults.items())[:5]:
            print(f"  - {msg}")
    for seg in report.get("segments", []):
        n = seg.get("reps", 0)
        what = f"{n} rep{'' if n == 1 else 's'}" if seg.get("kind") != "hold" or n else ""
        if seg.get("hold_seconds"):
            what += (", " if what else "") + f"held {seg['hold_seconds']:.1f} s"
        how = f"recognised, confidence {seg['confidence']:.2f}" + (f"; {seg['found_how']}" if seg.get("found_how")
                                                                    else "")
        print(f"{seg['segment_start']:7.1f}-{seg['segment_end']:.1f} s  {seg['exercise']}: {what or 'nothing counted'}"
              f"  ({how})")
    if "segments" in report and not report["segments"]:
        print("no supported exercise was recognised")
    if "recognition_seconds" in report:
        print(f"recognised and counted in {report['recognition_seconds']:.1f} s")
    src = "landmark cache" if report["landmarks_from_cache"] else "model"
    tracking = report.get("pose_tracking") or {}
    where = (f"summed over {tracking['chunks']} processes tracking a stretch each" if tracking.get("used")
             else "in its own thread")
    print(f"processed at {t['fps']} fps ({t['wall']:.1f} s wall; landmarks from {src}; "
          f"inference {t['inference']:.1f} s, decode {t['decode']:.1f} s {where}, "
          f"drawing+encode {t['drawing']:.1f} s)")


def run(args) -> int:
    _add_exercise_file(args)
    return analyze_command(args.video, args.exercise,
                           AnalyzeOutputs(out=args.out, report=args.report, csv=args.csv, html=args.html),
                           _estimator_options(args), quiet=args.quiet, as_json=args.json,
                           use_cache=not args.no_cache, analysis_fps=args.analysis_fps,
                           recognition_model=args.recognition_model,
                           workers=args.workers if args.workers is not None else default_workers())


def demo(args) -> int:
    from posecoach.estimation import EstimatorOptions
    from posecoach.models import data_dir

    DEMO_CLIP = data_dir("sample_videos") / DEMO_NAME
    if not DEMO_CLIP.exists():
        raise CliError(f"the demo clip {DEMO_CLIP} is missing from this checkout")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    print(f"posecoach demo: analysing the bundled synthetic clip {DEMO_CLIP.name} ({DEMO_EXERCISE})")
    rc = analyze_command(DEMO_CLIP, DEMO_EXERCISE,
                         AnalyzeOutputs(out=str(out / "demo_annotated.mp4"), report=str(out / "demo_report.json"),
                                        html=str(out / "demo_report.html"), csv=str(out / "demo_angles.csv")),
                         EstimatorOptions(), quiet=args.quiet, use_cache=False)
    truth = DEMO_CLIP.with_suffix(".truth.json")
    if truth.exists():
        t = json.loads(truth.read_text())
        reps = t.get("reps")
        n = len(reps) if isinstance(reps, list) else reps
        print(f"ground truth of the clip: {n} reps")
    return rc


def add_parser(sub, model_opts) -> None:
    a = sub.add_parser("analyze", help="analyse a recorded video: annotated video + report",
                       description="Run the coach over a video file. Writes an annotated video and a JSON report "
                                   "when asked; landmarks are cached, so a re-analysis skips the model.")
    a.add_argument("video", help="video file (mp4, mov, webm, avi, ...)")
    a.add_argument("--exercise", "-e", help="exercise id or alias (see `posecoach exercises`); without it the "
                                            "exercises are recognised, and each recognised segment is counted "
                                            "(deep_breathing, back_roll and ball_position are not recognised "
                                            "yet: name them)")
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
    a.add_argument("--workers", type=positive_int, default=None, metavar="N",
                   help="processes that track the pose in parallel, each on its own stretch of the clip (default: "
                        "one per core). Used only when the model has to run (no landmark cache entry), the clip is "
                        f"at least {MIN_CHUNK_SECONDS:g} s per process, and no video is written: with -o or --html "
                        "the video is decoded once, in one process, for the model and the drawing together. "
                        "Each stretch starts 1 s early so tracking has settled, and if two disagree about who is "
                        "tracked the clip is tracked again in one process; on the dev clips reps were the same as "
                        "with 1, hold times within a few frames (bench/results/chunked_seams.md). The chunks do "
                        "~20%% more work in all, so on a machine already busy, 1 can be faster")
    a.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    model_opts(a)
    a.set_defaults(func=run)

    d = sub.add_parser("demo", help="analyse the bundled sample clip (works offline, no camera)")
    d.add_argument("--out", default="posecoach-demo", help="folder for the annotated video and report")
    d.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    d.set_defaults(func=demo)
