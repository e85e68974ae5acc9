"""The HTML report's plot: the exercise's key measure over time, drawn with matplotlib as an SVG.

    plot = measure_plot(times, values, reps=..., holds=..., faults=..., duration=..., y_label=..., zone=...)
    plot.svg      # a standalone SVG document (the report embeds it as a data: URI)
    plot.x_span   # where the time axis lies in the image, so a click on the plot can seek the video

Matplotlib's object API (``Figure``, no pyplot) keeps no global figure state and never touches a GUI backend;
the SVG backend draws text as paths, so the plot looks the same whatever fonts the reader's browser has. The
marks carry ids (gid) in the SVG: "measure", "target-zone", "rep-K", "partial-K", "hold-K", "faults-bad",
"faults-warn", "gap-K", for tests and for anyone reading the file.
"""
from __future__ import annotations

import io
import math
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator, MultipleLocator

# The page's palette (templates/report.html.j2), so the plot and the tables speak the same colours.
INK, MUTE, GRID = "#1d2430", "#5e6a7d", "#e3e7ee"
OK, WARN, BAD, HOLD, ZONE = "#2e9e4f", "#e08a00", "#d64545", "#2f7fd6", "#6a5acd"
FAULT_COLOURS = {"bad": BAD, "warn": WARN}


@dataclass(frozen=True)
class TargetZone:
    """Where the key measure counts as the top of a rep (or the held position): from ``edge`` towards ``top``."""

    edge: float
    top: float
    label: str = "target zone"
    start: float | None = None  # the start position's value: kept in view too, so the range reads at a glance

    @property
    def upward(self) -> bool:
        return self.top >= self.edge


@dataclass(frozen=True)
class Plot:
    svg: str
    x_span: tuple[float, float]  # the axes' left and right edges, as fractions of the image's width
    t_span: tuple[float, float]  # the times at those edges (seconds)


def _time_axis(ax, tmax: float) -> str:
    """Ticks at round seconds for short clips, at round minutes:seconds for long ones; returns the axis label."""
    if tmax <= 120:
        ax.xaxis.set_major_locator(MaxNLocator(nbins=10, steps=[1, 2, 2.5, 5, 10]))
        return "time (s)"
    step = next((s for s in (15, 30, 60, 120, 300, 600, 900, 1800, 3600) if tmax / s <= 10), 7200)
    ax.xaxis.set_major_locator(MultipleLocator(step))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: f"{int(x // 60)}:{int(x % 60):02d}"))
    return "time (min:s)"


def _y_limits(v: np.ndarray, zone: TargetZone | None) -> tuple[float, float]:
    """The measure's range, widened to show the target zone's edge even when the person never got there, with
    headroom above for the rep numbers."""
    good = v[np.isfinite(v)]
    vals = list(good[[good.argmin(), good.argmax()]]) if good.size else []
    if zone is not None:
        vals += [zone.edge, zone.top] + ([zone.start] if zone.start is not None else [])
    lo, hi = (min(vals), max(vals)) if vals else (0.0, 1.0)
    pad = (hi - lo) * 0.08 or 1.0
    return lo - pad, hi + 2 * pad


def _gaps(t: np.ndarray, v: np.ndarray, tmax: float, min_seconds: float = 0.3) -> list[tuple[float, float]]:
    """The stretches (start, end) of at least ``min_seconds`` where the measure is unknown (nobody in view)."""
    unknown = ~np.isfinite(v)
    if not len(t) or not unknown.any():
        return []
    edges = np.flatnonzero(np.diff(np.r_[0, unknown.astype(np.int8), 0]))
    out = []
    for a, b in zip(edges[::2], edges[1::2]):  # unknown over frames a..b-1: from frame a to the next frame seen
        start = t[a - 1] if a > 0 else 0.0
        end = t[b] if b < len(t) else tmax
        if end - start >= min_seconds:
            out.append((float(start), float(end)))
    return out


def measure_plot(times, values, *, reps=(), holds=(), faults=(), duration: float | None = None,
                 y_label: str = "", zone: TargetZone | None = None, width_px: int = 960) -> Plot:
    """The key measure (broken where nobody was seen: NaN) over time; rep spans shaded (green complete, amber
    partial) and numbered at their peak; holds as blue bars along the top; faults as triangles along the bottom
    (red serious, amber warning); stretches with nobody in view in grey; the target zone hatched behind it all."""
    t = np.asarray(times, dtype=float)
    v = np.asarray(values, dtype=float)
    tmax = float(duration if duration else (t[-1] if len(t) else 1.0)) or 1.0
    dpi = 100
    fig = Figure(figsize=(width_px / dpi, 3.6), dpi=dpi, layout="constrained")
    ax = fig.add_subplot()
    lo, hi = _y_limits(v, zone)
    ax.set_xlim(0, tmax)
    ax.set_ylim(lo, hi)
    ax.set_xlabel(_time_axis(ax, tmax), color=MUTE)
    ax.set_ylabel(y_label, color=MUTE)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
    ax.grid(axis="y", color=GRID, linewidth=0.8)
    ax.set_axisbelow(True)
    ax.tick_params(colors=MUTE, labelsize=9)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color("#c5ccd8")
    x_band = ax.get_xaxis_transform()  # x in seconds, y as a fraction of the axes' height
    legend = []

    if zone is not None:
        # Hatched rather than tinted: a tint would mix with the rep spans' colours into something new.
        ax.axhspan(zone.edge, hi if zone.upward else lo, facecolor="none", edgecolor=ZONE, hatch="//", alpha=0.3,
                   linewidth=0, zorder=0, gid="target-zone")
        ax.axhline(zone.edge, color=ZONE, linewidth=1.2, linestyle=(0, (4, 3)), zorder=1)
        legend.append(Patch(facecolor="white", edgecolor=ZONE, hatch="///", label=zone.label))
    for k, r in enumerate(reps):
        ax.axvspan(r.start, r.end, color=OK if r.complete else WARN, alpha=0.13, linewidth=0, zorder=0,
                   gid=f"rep-{k}" if r.complete else f"partial-{k}")
    if any(r.complete for r in reps):
        legend.append(Patch(facecolor=OK, alpha=0.3, label="rep"))
    if any(not r.complete for r in reps):
        legend.append(Patch(facecolor=WARN, alpha=0.3, label="partial rep"))
    for k, h in enumerate(holds):
        # In a lane above the plot, clear of the rep numbers at the peaks.
        ax.plot([h.start, h.end], [1.04, 1.04], transform=x_band, color=HOLD, linewidth=6, solid_capstyle="butt",
                zorder=4, clip_on=False, gid=f"hold-{k}")
    if holds:
        legend.append(Line2D([], [], color=HOLD, linewidth=6, label="hold"))

    ax.plot(t, v, color=INK, linewidth=1.8, solid_joinstyle="round", zorder=3, gid="measure")  # NaN breaks the line
    gaps = _gaps(t, v, tmax)
    for k, (a, b) in enumerate(gaps):
        ax.axvspan(a, b, color=MUTE, alpha=0.14, linewidth=0, zorder=0, gid=f"gap-{k}")
    if gaps:
        legend.append(Patch(facecolor=MUTE, alpha=0.3, label="nobody in view"))

    for r in reps:
        if not math.isfinite(r.peak) or not len(t):
            continue
        k = int(np.clip(np.searchsorted(t, r.peak), 0, len(t) - 1))
        colour = OK if r.complete else WARN
        y = v[k] if math.isfinite(v[k]) else hi - 0.12 * (hi - lo)
        ax.plot([r.peak], [y], "o", color=colour, markeredgecolor="white", markersize=7, zorder=5)
        at = r.peak / tmax  # a wide label near an edge is kept inside the plot
        ax.annotate(str(r.index) if r.complete else "partial", (r.peak, y), xytext=(0, 7), textcoords="offset points",
                    ha="left" if at < 0.04 else ("right" if at > 0.96 else "center"), va="bottom", color=colour,
                    fontweight="bold", fontsize=10, zorder=5, annotation_clip=False)
    for severity in ("warn", "bad"):
        ft = [f.time for f in faults if f.severity == severity]
        if ft:
            ax.plot(ft, [0.03] * len(ft), "^", transform=x_band, color=FAULT_COLOURS[severity], markersize=9,
                    markeredgecolor="white", markeredgewidth=0.6, zorder=6, clip_on=False, gid=f"faults-{severity}")
            legend.append(Line2D([], [], marker="^", linewidth=0, color=FAULT_COLOURS[severity], markersize=8,
                                 label="serious fault" if severity == "bad" else "form warning"))
    if legend:
        fig.legend(handles=legend, loc="outside lower center", ncols=len(legend), frameon=False, fontsize=9,
                   labelcolor=MUTE, handlelength=1.6, columnspacing=1.6)

    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    box = ax.get_position()
    return Plot(svg=buf.getvalue(), x_span=(float(box.x0), float(box.x1)), t_span=(0.0, tmax))
