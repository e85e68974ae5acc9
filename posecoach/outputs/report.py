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


def write_json_report(analysis, path: str | Path) -> Path:
    """The analysis' JSON report, written to a .part file and renamed, so a crash never leaves half a report."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(json.dumps(analysis.report(), indent=2) + "\n")
    tmp.replace(path)
    return path


def html_clip_path(html: str | Path, out: str | Path | None) -> Path:
    """The clip an HTML report embeds: the annotated video when it is a .webm, else ``<report>.webm``."""
    if out is not None and Path(out).suffix.lower() == ".webm":
        return Path(out)
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
        if out is None or Path(clip).resolve() != Path(out).resolve():
            bar = progress(len(analysis.frames), "writing the report's clip") if progress else contextlib.nullcontext()
            with bar as b:
                write_annotated_clip(video, clip, analysis.frames, analysis.feedback, fps=analysis.fps, progress=b)
            written["clip in the HTML report"] = clip
        moments = worst_moments(analysis.frames, analysis.feedback, analysis.result)
        thumbs = thumbnails(video, moments, analysis.frames, analysis.feedback)
        written["HTML report"] = write_html_report(html, analysis, video=clip, thumbs=thumbs)
    return written
