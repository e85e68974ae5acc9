"""A self-contained HTML report of an analysed video: summary, key measure over time, reps, faults, moments.

No template engine and no plotting library: the page is built from escaped strings, and the plot is inline SVG
drawn here. Thumbnails are inlined as data: URIs, so the file can be mailed on its own; the annotated video is
referenced by a relative path (a VP9 .webm plays in browsers; an .mp4 from this OpenCV build does not, so it is
linked instead of embedded).
"""
from __future__ import annotations

import base64
import html
import math
import time
from pathlib import Path
from urllib.parse import quote

import numpy as np

from posecoach.atomic import Target, write_text
from posecoach.outputs.moments import Moment

E = html.escape

CSS = """
:root{--ok:#2e9e4f;--warn:#e08a00;--bad:#d64545;--hold:#2f7fd6;--ink:#1d2430;--mute:#5e6a7d;--line:#e3e7ee}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--ink);margin:0;
 background:#f5f7fa;line-height:1.45}
main{max-width:1040px;margin:0 auto;padding:24px 20px 48px}
h1{font-size:28px;margin:0 0 4px}
h2{font-size:19px;margin:32px 0 12px}
.sub{color:var(--mute);margin:0 0 20px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(180px,1fr));gap:12px}
.card{background:#fff;border:1px solid var(--line);border-radius:10px;padding:14px 16px}
.card .k{color:var(--mute);font-size:13px;text-transform:uppercase;letter-spacing:.04em}
.card .v{font-size:30px;font-weight:700;margin-top:2px}
.card .n{font-size:14px;color:var(--mute)}
.v.ok{color:var(--ok)} .v.warn{color:var(--warn)} .v.bad{color:var(--bad)}
.panel{background:#fff;border:1px solid var(--line);border-radius:10px;padding:14px 16px}
video{width:100%;max-height:520px;background:#000;border-radius:8px}
svg{width:100%;height:auto;display:block}
.legend{display:flex;flex-wrap:wrap;gap:16px;font-size:13px;color:var(--mute);margin-top:6px}
.sw{display:inline-block;width:14px;height:10px;border-radius:2px;margin-right:5px;vertical-align:middle}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid var(--line);border-radius:10px;
 overflow:hidden;font-size:15px}
th,td{text-align:left;padding:8px 12px;border-bottom:1px solid var(--line)}
th{background:#eef2f7;font-size:13px;text-transform:uppercase;letter-spacing:.03em;color:var(--mute)}
tr[data-t]{cursor:pointer} tr[data-t]:hover{background:#f0f6ff}
.tag{display:inline-block;padding:1px 8px;border-radius:10px;font-size:13px;font-weight:600;color:#fff}
.tag.ok{background:var(--ok)} .tag.warn{background:var(--warn)} .tag.bad{background:var(--bad)}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(420px,1fr));gap:14px}
figure{margin:0;background:#fff;border:1px solid var(--line);border-radius:10px;overflow:hidden}
figure img{width:100%;height:340px;object-fit:contain;background:#111;display:block}
figcaption{padding:8px 12px;font-size:14px}
figcaption b{color:var(--mute);font-weight:600;margin-right:6px}
ul.faults{margin:0;padding-left:20px} ul.faults li{margin:4px 0}
.note{background:#fff8e6;border:1px solid #f1dca8;border-radius:10px;padding:12px 16px;font-size:15px}
.note.alert{background:#fdecec;border-color:#f0b8b8;margin-bottom:16px} .note.alert ul{margin:4px 0 0;padding-left:20px}
footer{color:var(--mute);font-size:13px;margin-top:36px}
"""

JS = """
(function(){
  var v=document.getElementById('clip');
  document.querySelectorAll('[data-t]').forEach(function(el){
    el.addEventListener('click',function(){
      if(!v){return;}
      v.currentTime=parseFloat(el.getAttribute('data-t'))||0; v.scrollIntoView({behavior:'smooth'}); v.play().catch(function(){});
    });
  });
})();
"""


def _f(x, nd=1, unit="") -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "-"
    return f"{x:.{nd}f}{unit}"


def _kinds(faults) -> str:
    k = len({f.code for f in faults if f.severity != "info"})
    return f"{k} kind{'s' if k != 1 else ''}"


def _clock(t: float) -> str:
    t = max(0.0, float(t))
    return f"{int(t // 60)}:{t % 60:04.1f}"


def _nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    span = hi - lo
    if span <= 0 or not math.isfinite(span):
        return [lo]
    raw = span / n
    mag = 10 ** math.floor(math.log10(raw))
    step = min((s * mag for s in (1, 2, 2.5, 5, 10) if s * mag >= raw), default=raw)
    start = math.ceil(lo / step) * step
    ticks = []
    v = start
    while v <= hi + 1e-9 and len(ticks) < 20:
        ticks.append(round(v, 10))
        v += step
    return ticks


def svg_plot(times, values, *, reps=(), holds=(), faults=(), duration: float | None = None,
             y_label: str = "", width: int = 960, height: int = 320) -> str:
    """Inline SVG: the key measure over time, rep spans shaded (green complete, amber partial) and numbered at
    their peak, holds as blue bars along the top, faults as red triangles along the bottom (hover for text)."""
    t = np.asarray(times, dtype=float)
    v = np.asarray(values, dtype=float)
    L, R, T, B = 64, 16, 30, 40
    pw, ph = width - L - R, height - T - B
    tmax = float(duration if duration else (t[-1] if len(t) else 1.0)) or 1.0
    good = np.isfinite(v)
    if good.any():
        lo, hi = float(np.min(v[good])), float(np.max(v[good]))
    else:
        lo, hi = 0.0, 1.0
    pad = (hi - lo) * 0.08 or 1.0
    lo, hi = lo - pad, hi + pad

    def X(x):
        return L + pw * (float(x) / tmax)

    def Y(y):
        return T + ph * (1 - (float(y) - lo) / (hi - lo))

    out = [f'<svg viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" role="img" '
           f'aria-label="{E(y_label)} over time" font-family="system-ui,sans-serif" font-size="12">']
    out.append(f'<rect x="{L}" y="{T}" width="{pw}" height="{ph}" fill="#fff" stroke="#d5dbe5"/>')
    for r in reps:
        color = "#2e9e4f" if r.complete else "#e08a00"
        x0, x1 = X(r.start), X(r.end)
        out.append(f'<rect x="{x0:.1f}" y="{T}" width="{max(1.0, x1 - x0):.1f}" height="{ph}" fill="{color}" '
                   f'fill-opacity="0.13"><title>{"Rep " + str(r.index) if r.complete else "Partial rep"}: '
                   f'{r.start:.1f}-{r.end:.1f} s</title></rect>')
    for h in holds:
        x0, x1 = X(h.start), X(h.end)
        out.append(f'<rect x="{x0:.1f}" y="{T - 12}" width="{max(1.0, x1 - x0):.1f}" height="8" rx="3" '
                   f'fill="#2f7fd6"><title>Hold {h.seconds:.1f} s ({h.start:.1f}-{h.end:.1f} s)</title></rect>')
    for tick in _nice_ticks(lo, hi):
        y = Y(tick)
        out.append(f'<line x1="{L}" x2="{L + pw}" y1="{y:.1f}" y2="{y:.1f}" stroke="#eef1f5"/>')
        out.append(f'<text x="{L - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#5e6a7d">{tick + 0.0:g}</text>')
    for tick in _nice_ticks(0, tmax, 8):
        x = X(tick)
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{T + ph}" y2="{T + ph + 5}" stroke="#8a94a6"/>')
        out.append(f'<text x="{x:.1f}" y="{T + ph + 18}" text-anchor="middle" fill="#5e6a7d">{tick:g}</text>')
    out.append(f'<text x="{L + pw / 2:.0f}" y="{height - 4}" text-anchor="middle" fill="#5e6a7d">time (s)</text>')
    out.append(f'<text x="14" y="{T + ph / 2:.0f}" text-anchor="middle" fill="#5e6a7d" '
               f'transform="rotate(-90 14 {T + ph / 2:.0f})">{E(y_label)}</text>')
    # The measure, broken where it is unknown.
    segs, cur = [], []
    for ti, vi in zip(t, v):
        if math.isfinite(vi):
            cur.append(f"{X(ti):.1f},{Y(vi):.1f}")
        elif cur:
            segs.append(cur)
            cur = []
    if cur:
        segs.append(cur)
    for s in segs:
        if len(s) == 1:
            x, y = s[0].split(",")
            out.append(f'<circle cx="{x}" cy="{y}" r="1.5" fill="#1d2430"/>')
        else:
            out.append(f'<polyline points="{" ".join(s)}" fill="none" stroke="#1d2430" stroke-width="1.8" '
                       f'stroke-linejoin="round"/>')
    for r in reps:
        if not math.isfinite(r.peak):
            continue
        k = int(np.clip(np.searchsorted(t, r.peak), 0, max(len(t) - 1, 0))) if len(t) else 0
        py = Y(v[k]) if len(v) and math.isfinite(v[k]) else T + 12
        label = str(r.index) if r.complete else "partial"
        color = "#2e9e4f" if r.complete else "#e08a00"
        out.append(f'<circle cx="{X(r.peak):.1f}" cy="{py:.1f}" r="4.5" fill="{color}" stroke="#fff"/>')
        out.append(f'<text x="{X(r.peak):.1f}" y="{max(T + 12, py - 9):.1f}" text-anchor="middle" '
                   f'font-weight="700" fill="{color}">{label}</text>')
    for f in faults:
        x = X(f.time)
        y = T + ph - 2
        color = "#d64545" if f.severity == "bad" else ("#e08a00" if f.severity == "warn" else "#8a94a6")
        out.append(f'<path d="M{x - 6:.1f},{y:.1f} L{x + 6:.1f},{y:.1f} L{x:.1f},{y - 11:.1f} Z" fill="{color}">'
                   f'<title>{f.time:.1f} s: {E(f.message)}</title></path>')
    out.append("</svg>")
    return "".join(out)


def _spec(exercise: str | None):
    if not exercise:
        return None
    try:
        from posecoach.exercises import get_exercise

        return get_exercise(exercise)
    except Exception:
        return None


def _unit_text(unit: str) -> str:
    return {"deg": "degrees", "torso": "torso lengths"}.get(unit, unit)


def build_html(analysis, *, video_src: str | None = None, thumbs: list[tuple[Moment, bytes]] = (),
               title: str | None = None) -> str:
    """The report page for an ``Analysis`` (session.analyze's result)."""
    rep = analysis.report()
    res = analysis.result
    spec = _spec(analysis.exercise)
    name = spec.name if spec else (analysis.exercise or "Pose tracking")
    measure_name = (spec.measure.name or "key measure").replace("_", " ") if spec else "key measure"
    from posecoach.render.overlay import measure_unit

    unit = measure_unit(spec.measure, spec.start, spec.top) if spec else ""
    title = title or f"{name}: posecoach report"
    # The line breaks where nobody was seen (the log records NaN there: a checker may keep its last value).
    times, values = analysis.log.times.tolist(), analysis.log.key_values.tolist()
    reps = sorted(res.reps, key=lambda r: r.start) if res is not None else []
    holds = list(res.holds) if res is not None else []
    faults = list(res.faults) if res is not None else []

    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
             f"<meta name='viewport' content='width=device-width,initial-scale=1'><title>{E(title)}</title>"
             f"<style>{CSS}</style></head><body><main>"]
    parts.append(f"<h1>{E(name)}</h1>")
    parts.append(f"<p class='sub'>{E(Path(str(analysis.video)).name)} &middot; {_clock(analysis.duration)} "
                 f"({rep['frames']} frames at {rep['fps']:.0f} fps) &middot; analysed "
                 f"{E(time.strftime('%Y-%m-%d %H:%M'))}</p>")

    if rep.get("warnings"):  # things the numbers below do not say on their own (posecoach.quality)
        parts.append("<div class='note alert'><b>Please note:</b><ul>" +
                     "".join(f"<li>{E(w)}</li>" for w in rep["warnings"]) + "</ul></div>")

    # Summary cards
    cards = []
    if res is not None:
        target = rep.get("target_reps")
        n = res.complete_reps
        cls = "ok" if (target and n >= target) else ""
        sub = f"of {target} target" if target else "completed"
        if res.partial_reps:
            sub += f" &middot; +{res.partial_reps} partial"
        if spec is None or spec.kind != "hold":
            cards.append(("Reps", f"<span class='v {cls}'>{n}</span>", sub))
        th = rep.get("target_hold")
        longest = max((h.seconds for h in holds), default=0.0)
        if th or holds:
            hcls = "ok" if th and longest >= th else ("warn" if holds else "")
            cards.append(("Longest hold", f"<span class='v {hcls}'>{longest:.1f} s</span>",
                          (f"target {th:g} s &middot; " if th else "") + f"{res.hold_seconds:.1f} s held in all"))
        nf = len([f for f in faults if f.severity != "info"])
        if rep.get("nobody_found"):  # no faults because nothing was seen: not a green result
            cards.append(("Form faults", "<span class='v bad'>&ndash;</span>", "nobody was found"))
        else:
            cards.append(("Form faults", f"<span class='v {'ok' if nf == 0 else ('bad' if any(f.severity == 'bad' for f in faults) else 'warn')}'>{nf}</span>",
                          "none seen" if nf == 0 else _kinds(faults)))
    det = rep.get("detection_rate", 0.0)
    cards.append(("Person tracked", f"<span class='v {'ok' if det >= 0.9 else 'warn'}'>{100 * det:.0f}%</span>",
                  "of frames"))
    parts.append("<div class='cards'>" + "".join(
        f"<div class='card'><div class='k'>{k}</div><div class='v'>{v}</div><div class='n'>{s}</div></div>"
        for k, v, s in cards) + "</div>")

    if rep.get("timeline"):
        parts.append(timeline_html(rep["timeline"], rep.get("segments", []), analysis.duration))

    if video_src:
        if video_src.lower().endswith(".webm"):
            parts.append("<h2>Annotated video</h2><div class='panel'>"
                         f"<video id='clip' controls preload='metadata' src='{E(video_src)}'></video></div>")
        else:
            parts.append(f"<h2>Annotated video</h2><p><a href='{E(video_src)}'>{E(video_src)}</a> (this file type "
                         "does not play in browsers; write a .webm with --out to watch it here)</p>")

    if res is not None:
        parts.append(f"<h2>{E(measure_name.capitalize())} over time</h2><div class='panel'>")
        parts.append(svg_plot(times, values, reps=reps, holds=holds, faults=faults, duration=analysis.duration,
                              y_label=f"{measure_name} ({_unit_text(unit)})" if unit else measure_name))
        parts.append("<div class='legend'><span><i class='sw' style='background:#2e9e4f55'></i>complete rep</span>"
                     "<span><i class='sw' style='background:#e08a0055'></i>partial rep</span>"
                     "<span><i class='sw' style='background:#2f7fd6'></i>hold</span>"
                     "<span><i class='sw' style='background:#d64545'></i><i class='sw' style='background:#e08a00'></i>"
                     "form fault, serious / warning (hover for details)</span>"
                     "<span>gaps: nobody in view</span>"
                     "</div></div>")

        parts.append("<h2>Reps</h2>")
        if reps:
            rom_head = f"Range ({'deg' if unit == 'deg' else _unit_text(unit)})" if unit else "Range"
            rows = []
            for r in reps:
                label = f"<span class='tag ok'>{r.index}</span>" if r.complete else "<span class='tag warn'>partial</span>"
                fl = ", ".join(E(c.replace("_", " ")) for c in r.faults) or "&ndash;"
                rom_nd = 0 if unit == "deg" else 2
                rows.append(f"<tr data-t='{r.start:.2f}'><td>{label}</td><td>{E(r.side) if r.side != 'n/a' else '&ndash;'}</td>"
                            f"<td>{_clock(r.start)}</td><td>{r.duration:.1f} s</td>"
                            f"<td>{_f(r.range_of_motion, rom_nd)}</td><td>{fl}</td></tr>")
            parts.append(f"<table><thead><tr><th>Rep</th><th>Side</th><th>Start</th><th>Duration</th>"
                         f"<th>{E(rom_head)}</th><th>Faults</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")
        else:
            parts.append("<p>No reps were counted.</p>")

        if holds:
            rows = "".join(f"<tr data-t='{h.start:.2f}'><td>{k + 1}</td><td>{_clock(h.start)}</td>"
                           f"<td>{h.seconds:.1f} s</td><td>{E(h.side) if h.side != 'n/a' else '&ndash;'}</td></tr>"
                           for k, h in enumerate(holds))
            parts.append("<h2>Holds</h2><table><thead><tr><th>#</th><th>Start</th><th>Held in good form</th>"
                         f"<th>Side</th></tr></thead><tbody>{rows}</tbody></table>")

        parts.append("<h2>Form</h2>")
        if faults:
            by: dict[str, list] = {}
            for f in faults:
                by.setdefault(f.code, []).append(f)
            items = []
            for code, fs in sorted(by.items(), key=lambda kv: (-max({'bad': 3, 'warn': 2}.get(f.severity, 1) for f in kv[1]), kv[0])):
                sev = max(fs, key=lambda f: {"bad": 3, "warn": 2}.get(f.severity, 1)).severity
                when = ", ".join(f"<a href='#' data-t='{f.time:.2f}'>{_clock(f.time)}</a>" for f in fs[:8])
                more = f" and {len(fs) - 8} more" if len(fs) > 8 else ""
                items.append(f"<li><span class='tag {'bad' if sev == 'bad' else 'warn'}'>{len(fs)}&times;</span> "
                             f"{E(fs[0].message)} <span class='n'>({when}{more})</span></li>")
            parts.append("<ul class='faults'>" + "".join(items) + "</ul>")
        else:
            parts.append("<p>No form faults were seen.</p>")

    if thumbs:
        parts.append("<h2>Moments to look at</h2><div class='grid'>")
        for m, jpg in thumbs:
            b64 = base64.b64encode(jpg).decode("ascii")
            parts.append(f"<figure data-t='{m.time:.2f}'><img alt='frame at {m.time:.1f} s' "
                         f"src='data:image/jpeg;base64,{b64}'><figcaption><b>{_clock(m.time)}</b>{E(m.reason)}"
                         f"</figcaption></figure>")
        parts.append("</div>")

    if spec is not None:
        parts.append(f"<h2>How to do it</h2><div class='note'><p style='margin-top:0'>{E(spec.guidance)}</p>"
                     f"<p style='margin-bottom:0'><b>Safety:</b> {E(spec.safety)}</p></div>")
    from posecoach import __version__

    parts.append(f"<footer>posecoach {E(__version__)} &middot; pose from MediaPipe Pose Landmarker; counts and "
                 "form checks are estimates from a single camera, not a clinical assessment.</footer>")
    parts.append(f"</main><script>{JS}</script></body></html>")
    return "".join(parts)


_TIMELINE_COLOURS = ("#2f7fd6", "#2e9e4f", "#e08a00", "#8e44ad", "#16a0a0", "#c0392b", "#7f8c2b", "#d35400")


def timeline_html(timeline: list[dict], segments: list[dict], duration: float) -> str:
    """The session's recognised segments as a bar (exercise segments coloured, rest and other grey) and a table
    of what each exercise segment counted."""
    total = max(duration, max((t["end"] for t in timeline), default=0.0), 1e-6)
    names = sorted({t["exercise"] for t in timeline if t["exercise"] not in ("rest", "other")})
    colour = {n: _TIMELINE_COLOURS[i % len(_TIMELINE_COLOURS)] for i, n in enumerate(names)}
    bar = "".join(
        f"<div title='{E(t['exercise'])} {_clock(t['start'])}-{_clock(t['end'])}' style='flex:{t['end'] - t['start']:.2f};"
        f"background:{colour.get(t['exercise'], '#ccc')};color:#fff;font-size:12px;overflow:hidden;white-space:nowrap;"
        f"padding:4px 2px'>{E(t['exercise'].replace('_', ' ')) if t['exercise'] in colour else ''}</div>"
        for t in timeline if t["end"] > t["start"])
    rows = "".join(
        f"<tr data-t='{s['segment_start']:.2f}'><td>{E(s['exercise'].replace('_', ' '))}</td>"
        f"<td>{_clock(s['segment_start'])}&ndash;{_clock(s['segment_end'])}</td><td>{s.get('reps', 0)}"
        f"{' (+' + str(s['partial_reps']) + ' partial)' if s.get('partial_reps') else ''}</td>"
        f"<td>{s.get('hold_seconds', 0):.1f} s</td><td>{len(s.get('faults', []))}</td>"
        f"<td>{s.get('confidence', 0):.2f}</td></tr>" for s in segments)
    return (f"<h2>Session timeline</h2><div class='panel'><div style='display:flex;width:100%;border-radius:4px;"
            f"overflow:hidden'>{bar}</div><p class='sub'>0 &ndash; {_clock(total)}; grey: rest, moving between, "
            "or something else</p></div>"
            "<table><thead><tr><th>Exercise (recognised)</th><th>When</th><th>Reps</th><th>Held</th><th>Faults</th>"
            f"<th>Confidence</th></tr></thead><tbody>{rows}</tbody></table>")


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
