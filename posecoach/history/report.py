"""The progress report a person can hand to a physiotherapist: plots (matplotlib, Agg) of reps and hold time per
exercise over days, range of motion over weeks, pain before and after, and adherence (sessions done vs planned),
embedded as base64 PNGs in one self-contained HTML page (Jinja2 template ``templates/progress.html``)."""
from __future__ import annotations

import base64
import io
import sqlite3
from collections import defaultdict
from datetime import date
from pathlib import Path

from posecoach.history.query import exercise_rows, session_rows


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _per_day(rows: list[dict], key: str) -> dict[str, dict[str, float]]:
    """exercise -> day -> total of ``key`` over that day's sessions."""
    out: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for r in rows:
        v = r[key] + (r["corrections"] if key == "reps" else 0)
        out[r["exercise"]][r["day"]] += v or 0.0
    return out


def _week(day: str) -> str:
    y, w, _ = date.fromisoformat(day).isocalendar()
    return f"{y}-W{w:02d}"


def _planned_per_week(programmes: list[str]) -> int:
    from posecoach.programme.spec import ProgrammeError, load_programme

    best = 0
    for p in programmes:
        try:
            best = max(best, load_programme(p).sessions_per_week)
        except ProgrammeError:
            pass
    return best or 7


def figures(conn: sqlite3.Connection) -> list[dict]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ex_rows = exercise_rows(conn)
    sessions = session_rows(conn)
    # one colour per exercise in every plot
    palette = plt.get_cmap("tab10").colors
    color = {ex: palette[i % len(palette)] for i, ex in enumerate(sorted({r["exercise"] for r in ex_rows}))}
    days = sorted({s["day"] for s in sessions})
    figs = []

    for key, title, unit in (("reps", "Reps per exercise", "reps (counted + corrections)"),
                             ("hold_seconds", "Hold time per exercise", "seconds held")):
        series = {ex: d for ex, d in _per_day(ex_rows, key).items() if any(d.values())}
        fig, ax = plt.subplots(figsize=(9, 3.6))
        for ex, d in sorted(series.items()):
            xs = [days.index(x) for x in sorted(d)]
            ax.plot(xs, [d[x] for x in sorted(d)], marker="o", label=ex.replace("_", " "), color=color[ex])
        ax.set_xticks(range(len(days)), days, rotation=30, ha="right")
        ax.set_ylabel(unit)
        ax.set_title(f"{title}, by day")
        ax.grid(alpha=0.3)
        if series:
            ax.legend(fontsize=8, ncol=2)
        else:
            ax.text(0.5, 0.5, "nothing recorded yet", ha="center", transform=ax.transAxes)
        figs.append({"title": title, "png": _png(fig),
                     "caption": f"{title} on each day ({len(days)} day{'s' if len(days) != 1 else ''} with sessions)."})

    # Range of motion: degrees where the exercise's key measure is an angle, and for every exercise the share of
    # its nominal range reached (comparable across exercises and cameras).
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.6))
    any_rom = False
    for ax, key, unit in ((axes[0], "rom_deg", "degrees"), (axes[1], "range_pct", "% of the full range")):
        rom: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
        for r in ex_rows:
            if r[key] is not None:
                rom[r["exercise"]][_week(r["day"])].append(r[key])
        weeks = sorted({w for d in rom.values() for w in d})
        for ex, d in sorted(rom.items()):
            ws = sorted(d)
            ax.plot([weeks.index(w) for w in ws], [sum(d[w]) / len(d[w]) for w in ws], marker="s",
                    label=ex.replace("_", " "), color=color[ex])
        ax.set_xticks(range(len(weeks)), weeks)
        ax.set_ylabel(unit)
        ax.grid(alpha=0.3)
        if rom:
            any_rom = True
            ax.legend(fontsize=8)
        else:
            ax.text(0.5, 0.5, "no angle-measured reps yet" if key == "rom_deg" else "no reps yet", ha="center",
                    transform=ax.transAxes)
    fig.suptitle("Range of motion (mean of full reps), by week")
    figs.append({"title": "Range of motion", "png": _png(fig),
                 "caption": "How far each exercise's key measure moved on full reps, averaged per week: in degrees "
                            "for angles (left), and as a share of the exercise's full range (right)."
                            + ("" if any_rom else " No reps recorded yet.")})

    fig, ax = plt.subplots(figsize=(9, 3.2))
    xs = list(range(len(sessions)))
    labels = [f"{s['day']} #{s['id']}" for s in sessions]
    ax.plot(xs, [s["pain_before"] if s["pain_before"] is not None else float("nan") for s in sessions],
            marker="o", color="#1f77b4", label="before")
    ax.plot(xs, [s["pain_after"] if s["pain_after"] is not None else float("nan") for s in sessions],
            marker="v", color="#d62728", label="after")
    ax.set_ylim(-0.5, 10.5)
    ax.set_xticks(xs, labels, rotation=30, ha="right")
    ax.set_ylabel("pain 0-10")
    ax.set_title("Pain before and after each session")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    figs.append({"title": "Pain", "png": _png(fig), "caption": "Pain ratings given at the check-in before and after "
                 "each session (0: none, 10: worst)."})

    planned = _planned_per_week(sorted({s["programme"] for s in sessions}))
    done = defaultdict(int)
    for s in sessions:
        if s["ended_by"] not in ("unfinished",):
            done[_week(s["day"])] += 1
    weeks = sorted(done) or []
    fig, ax = plt.subplots(figsize=(9, 3.2))
    ax.bar(range(len(weeks)), [done[w] for w in weeks], color="#2e9e4f", label="sessions done")
    ax.axhline(planned, color="#555", linestyle="--", label=f"planned ({planned} a week)")
    ax.set_xticks(range(len(weeks)), weeks)
    ax.set_ylabel("sessions")
    ax.set_title("Adherence: sessions done vs planned, by week")
    ax.legend(fontsize=8)
    figs.append({"title": "Adherence", "png": _png(fig),
                 "caption": "Sessions started and ended (any way) each week, against the programme's plan."})
    return figs


def write_report(conn: sqlite3.Connection, out: str | Path) -> Path:
    """Write the progress report to ``out`` (atomically); returns its path."""
    import jinja2

    from posecoach.atomic import write_text

    sessions = session_rows(conn)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
                             autoescape=jinja2.select_autoescape(["html"]))
    html = env.get_template("progress.html").render(
        figures=figures(conn), sessions=sessions, n_sessions=len(sessions),
        first_day=sessions[0]["day"] if sessions else "-", last_day=sessions[-1]["day"] if sessions else "-",
        programmes=sorted({s["programme"] for s in sessions}), made=date.today().isoformat())
    out = Path(out)
    write_text(out, html, what="progress report")
    return out
