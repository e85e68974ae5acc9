"""Writes the outputs of an analysis that need the whole pass first: the JSON report and the HTML report.

    an = session.analyze(video, exercise, out=..., clip=html_clip_path(html, out), csv=..., keep_frames=False)
    write_analysis_outputs(an, video, report="r.json", html="report.html", clip=that_clip)

The annotated video, the browser-playable clip the HTML report embeds and the angles CSV are written during the
analysis pass itself (session.analyze's sinks), so the video is decoded and drawn once.
"""
from __future__ import annotations

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


def write_analysis_outputs(analysis, video, *, report=None, html=None, clip=None, out=None) -> dict:
    """Writes what is asked; returns {label: path} of what was written (``clip``: the clip the pass wrote for the
    HTML report, named here so the report says so)."""
    written = {}
    if report:
        written["report"] = write_json_report(analysis, report)
    if html:
        from posecoach.outputs.html import write_html_report
        from posecoach.outputs.moments import thumbnails, worst_moments

        clip = Path(clip) if clip else html_clip_path(html, out)
        if clip is not None and (out is None or Path(clip).resolve() != Path(out).resolve()):
            written["clip in the HTML report"] = clip
        moments = worst_moments(analysis.log, analysis.result)
        # The few frames shown are re-checked from the raw poses rather than every frame's result kept in memory.
        thumbs = thumbnails(video, moments, analysis.replay([m.index for m in moments]))
        written["HTML report"] = write_html_report(html, analysis, video=clip, thumbs=thumbs)
    return written
