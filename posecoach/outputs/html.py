"""A self-contained HTML report of an analysed video: summary, key measure over time, reps, faults, moments.

    write_html_report("report.html", analysis, video="report.webm", thumbs=[(moment, jpeg_bytes), ...])

This module gathers what the page says into typed records (``ReportContext`` and its rows); the page itself is
the Jinja2 template ``templates/report.html.j2`` (autoescaped: file names, messages and warnings are text, never
markup), and the plot is matplotlib's (``posecoach.outputs.plot``). The plot and the thumbnails are inlined as
data: URIs, so the file can be mailed on its own; the annotated video is referenced by a relative URL (a VP9
.webm plays in browsers; an .mp4 from this OpenCV build does not, so it is linked instead of embedded).
"""
from __future__ import annotations

import base64
import math
import time
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

import numpy as np
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from posecoach.atomic import Target, write_text
from posecoach.outputs.moments import Moment
from posecoach.outputs.plot import TargetZone, measure_plot

SEVERITY_RANK = {"bad": 3, "warn": 2}
FAULT_TIMES_SHOWN = 8  # per kind of fault; the rest are counted


@dataclass(frozen=True)
class TimelineBlock:
    """One recognised segment on the session's timeline bar (analyze without --exercise)."""

    t: float
    label: str  # shown inside the bar ("" for rest / other)
    tip: str
    flex: str  # the block's share of the bar
    colour: str


@dataclass(frozen=True)
class TimelineRow:
    t: float
    exercise: str
    when: str
    reps: str
    held: str
    faults: int
    confidence: str
    found_how: str = ""  # what decided it besides the recogniser (recognition/routine.py), in words


_TIMELINE_COLOURS = ("#2f7fd6", "#2e9e4f", "#e08a00", "#8e44ad", "#16a0a0", "#c0392b", "#7f8c2b", "#d35400")


def timeline_view(timeline: list[dict], segments: list[dict]) -> tuple[list[TimelineBlock], list[TimelineRow]]:
    """The report's ``timeline`` and ``segments`` as bar blocks (exercises coloured, rest and other grey) and
    a table of what each exercise segment counted."""
    names = sorted({t["exercise"] for t in timeline if t["exercise"] not in ("rest", "other")})
    colour = {n: _TIMELINE_COLOURS[i % len(_TIMELINE_COLOURS)] for i, n in enumerate(names)}
    blocks = [TimelineBlock(t["start"], t["exercise"].replace("_", " ") if t["exercise"] in colour else "",
                            f"{t['exercise']} {_clock(t['start'])}-{_clock(t['end'])}", f"{t['end'] - t['start']:.2f}",
                            colour.get(t["exercise"], "#ccc")) for t in timeline if t["end"] > t["start"]]
    rows = [TimelineRow(s["segment_start"], s["exercise"].replace("_", " "),
                        f"{_clock(s['segment_start'])}-{_clock(s['segment_end'])}",
                        # nothing of a kind the exercise does not do: a dash, not a misleading 0 (a rep exercise
                        # may still time holds: a back extension's pause at the top, a squat held)
                        "-" if s.get("kind") == "hold" and not s.get("reps") and not s.get("partial_reps") else
                        f"{s.get('reps', 0)}" + (f" (+{s['partial_reps']} partial)" if s.get("partial_reps") else ""),
                        "-" if s.get("kind") == "reps" and not s.get("hold_seconds") and not s.get("target_hold")
                        else f"{s.get('hold_seconds', 0):.1f} s",
                        len(s.get("faults", [])),
                        f"{s.get('confidence', 0):.2f}", s.get("found_how", ""))
            for s in segments]
    return blocks, rows


@dataclass(frozen=True)
class Card:
    """One summary number: 'Reps 3 of 10 target'."""

    label: str
    value: str
    tone: str = ""  # "ok" | "warn" | "bad" | "" (the page's colours)
    note: str = ""


@dataclass(frozen=True)
class RepRow:
    t: float  # where a click seeks the video (seconds)
    index: int
    complete: bool
    side: str
    start: str
    duration: str
    range: str
    faults: str


@dataclass(frozen=True)
class HoldRow:
    t: float
    number: int
    start: str
    held: str
    side: str
    depth: str = "full"  # "full", or "shallower than asked" for a hold at the person's own depth


@dataclass(frozen=True)
class FaultTime:
    t: float
    clock: str


@dataclass(frozen=True)
class FaultGroup:
    """Every occurrence of one fault code: 'Lift your hips', 3 times, at 0:03.5, 0:07.9..."""

    message: str
    severity: str  # the worst seen: "bad" | "warn" | "info"
    count: int
    times: list[FaultTime]
    more: int  # occurrences not listed


@dataclass(frozen=True)
class Thumb:
    t: float
    clock: str
    reason: str
    src: str  # data:image/jpeg;base64,...


@dataclass(frozen=True)
class PlotView:
    src: str  # data:image/svg+xml;base64,...
    alt: str
    x_span: tuple[float, float]
    t_span: tuple[float, float]


@dataclass(frozen=True)
class VideoView:
    src: str  # a URL (quoted): relative to the report, or file:
    playable: bool  # a .webm is embedded; anything else is linked


@dataclass(frozen=True)
class Guidance:
    how: str
    safety: str


@dataclass(frozen=True)
class ReportContext:
    """Everything the template shows, as text and numbers already formatted."""

    title: str
    name: str  # the exercise's name, or "Pose tracking"
    file_name: str  # the analysed video's
    length: str  # "0:18.7"
    frames: str  # "280 frames at 15 fps"
    analysed_at: str
    version: str
    warnings: list[str] = field(default_factory=list)
    cards: list[Card] = field(default_factory=list)
    video: VideoView | None = None
    checked: bool = False  # an exercise was checked (else: only tracking numbers)
    nobody_found: bool = False
    measure_title: str = ""
    plot: PlotView | None = None  # None when the measure was never known (nobody in view)
    range_head: str = "Range"
    reps: list[RepRow] = field(default_factory=list)
    holds: list[HoldRow] = field(default_factory=list)
    faults: list[FaultGroup] = field(default_factory=list)
    thumbs: list[Thumb] = field(default_factory=list)
    guidance: Guidance | None = None
    timeline: list[TimelineBlock] = field(default_factory=list)  # analyze without --exercise: the segments
    segments: list[TimelineRow] = field(default_factory=list)

    @property
    def seekable(self) -> bool:
        """Something on the page seeks the video when clicked."""
        return bool(self.plot or self.reps or self.holds or self.faults or self.thumbs)


def _f(x, nd=1, unit="") -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "–"
    return f"{x:.{nd}f}{unit}"


def _clock(t: float) -> str:
    t = max(0.0, float(t))
    return f"{int(t // 60)}:{t % 60:04.1f}"


def _side(side: str) -> str:
    return side if side and side != "n/a" else "–"


def _unit_text(unit: str) -> str:
    return {"deg": "degrees", "torso": "torso lengths"}.get(unit, unit)


def target_zone(facts) -> TargetZone:
    """The measure's values that count as the top of a rep (``full``), or as the held position for a hold, from
    the checker's ``ExerciseFacts`` (or an ``ExerciseSpec``: the same fields)."""
    hold = facts.kind == "hold"
    p = facts.hold_threshold if hold else facts.full
    return TargetZone(edge=facts.start + p * (facts.top - facts.start), top=facts.top,
                      label="target zone (held position)" if hold else "target zone (top of a rep)", start=facts.start)


def _cards(rep: dict, res, facts, holds, faults) -> list[Card]:
    cards = []
    if res is not None:
        target, n = rep.get("target_reps"), res.complete_reps
        note = f"of {target} target" if target else "completed"
        if res.partial_reps:
            note += f" · +{res.partial_reps} partial"
        if facts is None or facts.kind != "hold":
            cards.append(Card("Reps", str(n), "ok" if target and n >= target else "", note))
        th = rep.get("target_hold")
        longest = max((h.seconds for h in holds), default=0.0)
        if th or holds:
            tone = "ok" if th and longest >= th else ("warn" if holds else "")
            note = (f"target {th:g} s · " if th else "") + f"{res.hold_seconds:.1f} s held in all"
            cards.append(Card("Longest hold", f"{longest:.1f} s", tone, note))
        serious = [f for f in faults if f.severity != "info"]
        if rep.get("nobody_found"):  # no faults because nothing was seen: not a green result
            cards.append(Card("Form faults", "–", "bad", "nobody was found"))
        elif not serious:
            cards.append(Card("Form faults", "0", "ok", "none seen"))
        else:
            kinds = len({f.code for f in serious})
            tone = "bad" if any(f.severity == "bad" for f in faults) else "warn"
            cards.append(Card("Form faults", str(len(serious)), tone, f"{kinds} kind{'s' if kinds != 1 else ''}"))
    det = rep.get("detection_rate", 0.0)
    tone = "ok" if det >= 0.9 else ("warn" if det >= 0.5 else "bad")
    cards.append(Card("Person tracked", f"{100 * det:.0f}%", tone, "of frames"))
    return cards


def _fault_groups(faults) -> list[FaultGroup]:
    by: dict[str, list] = {}
    for f in faults:
        by.setdefault(f.code, []).append(f)
    groups = []
    for fs in by.values():
        worst = max(fs, key=lambda f: SEVERITY_RANK.get(f.severity, 1)).severity
        groups.append(FaultGroup(message=fs[0].message, severity=worst, count=len(fs),
                                 times=[FaultTime(f.time, _clock(f.time)) for f in fs[:FAULT_TIMES_SHOWN]],
                                 more=max(0, len(fs) - FAULT_TIMES_SHOWN)))
    # The worst first, then the most frequent.
    return sorted(groups, key=lambda g: (-SEVERITY_RANK.get(g.severity, 1), -g.count, g.message))


def _measure_name(facts) -> str:
    name = facts.measure_name if facts and facts.measure_name != "key" else "key measure"
    return name.replace("_", " ")


def _plot(analysis, facts, reps, holds, faults) -> PlotView | None:
    if not np.isfinite(analysis.log.key_values).any():
        return None
    measure = _measure_name(facts)
    unit = facts.unit if facts else ""
    y_label = f"{measure} ({_unit_text(unit)})" if unit else measure
    # The log records NaN where nobody was seen (a checker may keep its last value): the line breaks there.
    plot = measure_plot(analysis.log.times, analysis.log.key_values, reps=reps, holds=holds, faults=faults,
                        duration=analysis.duration, y_label=y_label, zone=target_zone(facts) if facts else None)
    src = "data:image/svg+xml;base64," + base64.b64encode(plot.svg.encode("utf-8")).decode("ascii")
    n_complete = sum(1 for r in reps if r.complete)
    alt = (f"{y_label} over time: {n_complete} rep{'s' if n_complete != 1 else ''}, {len(holds)} "
           f"hold{'s' if len(holds) != 1 else ''}, {len(faults)} form fault{'s' if len(faults) != 1 else ''}")
    return PlotView(src=src, alt=alt, x_span=plot.x_span, t_span=plot.t_span)


def build_context(analysis, *, video_src: str | None = None, thumbs: list[tuple[Moment, bytes]] = (),
                  title: str | None = None) -> ReportContext:
    """What the report of an ``Analysis`` (session.analyze's result) says."""
    from posecoach import __version__

    rep = analysis.report()
    res = analysis.result
    # the checker's own facts (targets after overrides, units as declared): the catalogue is not looked up again
    facts = getattr(analysis, "facts", None)
    # no exercise given: a recorded routine when the recogniser ran (a timeline), else pose tracking alone
    name = facts.name if facts else (analysis.exercise or ("Recorded routine" if "timeline" in rep
                                                           else "Pose tracking"))
    reps = sorted(res.reps, key=lambda r: r.start) if res is not None else []
    holds = list(res.holds) if res is not None else []
    faults = list(res.faults) if res is not None else []
    frames = f"{rep['frames']} frames at {rep['fps']:.0f} fps"
    analysed = rep.get("frames_analysed", rep["frames"])
    if analysed and analysed < rep["frames"]:
        frames += f", {analysed} analysed"
    ctx = ReportContext(
        title=title or f"{name}: posecoach report", name=name, file_name=Path(str(analysis.video)).name,
        length=_clock(analysis.duration), frames=frames, analysed_at=time.strftime("%Y-%m-%d %H:%M"),
        version=__version__, cards=_cards(rep, res, facts, holds, faults),
        warnings=list(rep.get("warnings") or ()) + ([rep["why_nothing"]] if rep.get("why_nothing") else []),
        video=VideoView(video_src, video_src.lower().endswith(".webm")) if video_src else None,
        checked=res is not None,
        thumbs=[Thumb(m.time, _clock(m.time), m.reason,
                      "data:image/jpeg;base64," + base64.b64encode(jpg).decode("ascii")) for m, jpg in thumbs],
        guidance=Guidance(facts.guidance, facts.safety) if facts is not None else None)
    if rep.get("timeline"):
        blocks, rows = timeline_view(rep["timeline"], rep.get("segments", []))
        ctx = replace(ctx, timeline=blocks, segments=rows)
    if res is None:
        return ctx
    unit = facts.unit if facts else ""
    rom_nd = 0 if unit == "deg" else 2
    return replace(
        ctx, plot=_plot(analysis, facts, reps, holds, faults), nobody_found=bool(rep.get("nobody_found")),
        measure_title=f"{_measure_name(facts).capitalize()} over time",
        range_head=f"Range ({'deg' if unit == 'deg' else _unit_text(unit)})" if unit else "Range",
        reps=[RepRow(t=r.start, index=r.index, complete=r.complete, side=_side(r.side), start=_clock(r.start),
                     duration=f"{r.duration:.1f} s",
                     # counted from the motion where the view hid the measure: say so, not a bare dash
                     range="not measured from this angle" if r.grade == "unmeasured"
                     else _f(r.range_of_motion, rom_nd),
                     faults=", ".join(c.replace("_", " ") for c in r.faults) or "–") for r in reps],
        holds=[HoldRow(t=h.start, number=k + 1, start=_clock(h.start), held=f"{h.seconds:.1f} s",
                       side=_side(h.side), depth="shallower than asked" if h.grade == "shallow" else "full")
               for k, h in enumerate(holds)],
        faults=_fault_groups(faults))


@lru_cache(maxsize=1)
def _environment() -> Environment:
    # PackageLoader reads the template from the installed package (package data), wherever it was installed.
    env = Environment(loader=PackageLoader("posecoach.outputs", "templates"),
                      autoescape=select_autoescape(["html", "j2"], default_for_string=True, default=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["seconds"] = lambda t: f"{float(t):.2f}"
    return env


def render_html(ctx: ReportContext) -> str:
    return _environment().get_template("report.html.j2").render(r=ctx)


def build_html(analysis, *, video_src: str | None = None, thumbs: list[tuple[Moment, bytes]] = (),
               title: str | None = None) -> str:
    """The report page for an ``Analysis`` (session.analyze's result)."""
    return render_html(build_context(analysis, video_src=video_src, thumbs=thumbs, title=title))


def write_html_report(path: str | Path, analysis, *, video: str | Path | None = None,
                      thumbs: list[tuple[Moment, bytes]] = ()) -> Path:
    """Write the report; ``video`` (the annotated clip) is referenced relative to the report's folder (where a
    symlinked report really is), by an absolute file: URI when it is elsewhere or the report is streamed."""
    target = Target(path, "HTML report")
    src = None
    if video is not None:
        try:
            if not target.is_file:
                raise ValueError
            # A URL, not a path: '#', '?' and '%' in a file name would otherwise cut it short.
            src = quote(Path(video).resolve().relative_to(target.real.parent).as_posix())
        except ValueError:
            src = Path(video).resolve().as_uri()
    write_text(path, build_html(analysis, video_src=src, thumbs=thumbs), what="HTML report")
    return Path(path)
