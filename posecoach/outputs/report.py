"""Writes the offline outputs of an analysis besides the annotated video: JSON report, angles CSV, HTML report.

    write_analysis_outputs(analysis, video, report="r.json", csv="angles.csv", html="report.html",
                           clip="report.webm", progress=make_bar)

``clip`` is the browser-playable annotated clip the HTML report embeds; when it is not the annotated video the
pipeline already wrote (``out``), it is written here (VP8 WebM). ``progress(total, label)`` makes a progress
context for that step.
"""
from __future__ import annotations

import contextlib
import json
from pathlib import Path

from posecoach.atomic import Target, write_text


def write_json_report(analysis, path: str | Path) -> Path:
    """The analysis' JSON report, written whole or not at all (posecoach.atomic: ``-`` and devices are streamed)."""
    write_text(path, json.dumps(analysis.report(), indent=2) + "\n", what="JSON report")
    return Path(path)


def html_clip_path(html: str | Path, out: str | Path | None) -> Path | None:
    """The clip an HTML report embeds: the annotated video when it is a .webm file, else ``<report>.webm``; None
    when the report goes to a device or stdout (there is no folder beside ``/dev/null`` to put a clip in)."""
    if out is not None and Path(out).suffix.lower() == ".webm" and Target(out).is_file:
        return Path(out)
    if not Target(html).is_file:
        return None
    return Path(html).with_suffix(".webm")


def write_analysis_outputs(analysis, video, *, report=None, csv=None, html=None, clip=None, out=None,
                           progress=None) -> dict:
    """Writes what is asked; returns {label: path} of what was written."""
    written = {}
    if report:
        written["report"] = write_json_report(analysis, report)
    if csv:
        from posecoach.outputs.csv import write_angles_csv

        written["angles CSV"] = write_angles_csv(csv, analysis.frames, analysis.feedback)
    if html:
        from posecoach.outputs.clip import write_annotated_clip
        from posecoach.outputs.html import write_html_report
        from posecoach.outputs.moments import thumbnails, worst_moments

        clip = Path(clip) if clip else html_clip_path(html, out)
        if clip is not None and (out is None or Path(clip).resolve() != Path(out).resolve()):
            bar = progress(len(analysis.frames), "writing the report's clip") if progress else contextlib.nullcontext()
            with bar as b:
                write_annotated_clip(video, clip, analysis.frames, analysis.feedback, fps=analysis.fps, progress=b)
            written["clip in the HTML report"] = clip
        moments = worst_moments(analysis.frames, analysis.feedback, analysis.result)
        thumbs = thumbnails(video, moments, analysis.frames, analysis.feedback)
        written["HTML report"] = write_html_report(html, analysis, video=clip, thumbs=thumbs)
    return written
