"""The batch's tables: ``summary.csv`` always, ``summary.parquet`` when pyarrow is installed, ``index.html``.

One row per clip of the batch, from its record: clip, exercise, reps, hold_seconds, faults (count), duration,
frames, detection_rate, wall_seconds, error; and report, the record's path relative to the output folder.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from posecoach.atomic import atomic_open, write_text

COLUMNS = ("clip", "exercise", "reps", "hold_seconds", "faults", "duration", "frames", "detection_rate",
           "wall_seconds", "error", "report")
PARQUET_NOTE = 'summary.parquet not written: pyarrow is not installed (pip install "posecoach[parquet]")'


def row(record: dict) -> dict:
    rep = record.get("report") or {}
    has_exercise = bool(record.get("exercise")) and "reps" in rep
    return {
        "clip": record["clip"],
        "exercise": record.get("exercise") or "",
        "reps": rep.get("reps") if has_exercise else None,
        "hold_seconds": rep.get("hold_seconds") if has_exercise else None,
        "faults": len(rep.get("faults", [])) if has_exercise else None,
        "duration": rep.get("duration"),
        "frames": rep.get("frames"),
        "detection_rate": rep.get("detection_rate"),
        "wall_seconds": record.get("wall_seconds"),
        "error": record.get("error") or "",
        "report": f"clips/{record['id']}.json",
    }


def csv_text(rows: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: "" if r[k] is None else r[k] for k in COLUMNS})
    return buf.getvalue()


def write_parquet(path: Path, rows: list[dict]) -> bool:
    """Writes the table as Parquet; False when pyarrow is not installed."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        return False
    schema = pa.schema([("clip", pa.string()), ("exercise", pa.string()), ("reps", pa.int64()),
                        ("hold_seconds", pa.float64()), ("faults", pa.int64()), ("duration", pa.float64()),
                        ("frames", pa.int64()), ("detection_rate", pa.float64()), ("wall_seconds", pa.float64()),
                        ("error", pa.string()), ("report", pa.string())])
    table = pa.Table.from_pylist(rows, schema=schema)
    with atomic_open(path, "wb", what="Parquet summary") as f:
        pq.write_table(table, f)
    return True


_INDEX = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>posecoach batch: {{ rows|length }} clips</title>
<style>
body { font: 14px system-ui, sans-serif; margin: 1.5em; }
table { border-collapse: collapse; } th, td { padding: .3em .7em; border-bottom: 1px solid #ddd; text-align: left; }
td.n { text-align: right; } tr.failed td { background: #fff0f0; } caption { text-align: left; margin-bottom: .5em; }
</style></head><body>
<h1>posecoach batch</h1>
<p>{{ rows|length }} clips: {{ ok }} analysed, {{ failed }} failed.
 Tables: <a href="summary.csv">summary.csv</a>{% if parquet %},
 <a href="summary.parquet">summary.parquet</a>{% endif %}.</p>
<table>
<tr><th>clip</th><th>exercise</th><th>reps</th><th>hold s</th><th>faults</th><th>duration s</th><th>frames</th>
<th>detected</th><th>wall s</th><th>error</th></tr>
{% for r in rows %}<tr{% if r.error %} class="failed"{% endif %}>
<td><a href="{{ r.report }}">{{ r.clip }}</a></td><td>{{ r.exercise }}</td>
<td class="n">{{ r.reps if r.reps is not none }}</td>
<td class="n">{{ r.hold_seconds if r.hold_seconds is not none }}</td>
<td class="n">{{ r.faults if r.faults is not none }}</td><td class="n">{{ r.duration if r.duration is not none }}</td>
<td class="n">{{ r.frames if r.frames is not none }}</td>
<td class="n">{% if r.detection_rate is not none %}{{ "%.0f%%"|format(100 * r.detection_rate) }}{% endif %}</td>
<td class="n">{{ r.wall_seconds }}</td><td>{{ r.error }}</td></tr>
{% endfor %}</table>
</body></html>
"""


def index_html(rows: list[dict], parquet: bool) -> str:
    import jinja2

    env = jinja2.Environment(autoescape=True)
    failed = sum(1 for r in rows if r["error"])
    return env.from_string(_INDEX).render(rows=rows, ok=len(rows) - failed, failed=failed, parquet=parquet)


def write_summary(out: str | Path, records: list[dict]) -> dict:
    """Writes the tables and the index for ``records`` (in order); returns {name: path or note}."""
    out = Path(out)
    rows = [row(r) for r in records]
    written: dict = {"summary CSV": write_text(out / "summary.csv", csv_text(rows), what="summary CSV")}
    parquet = write_parquet(out / "summary.parquet", rows)
    if parquet:
        written["summary Parquet"] = out / "summary.parquet"
    else:
        written["note"] = PARQUET_NOTE
    written["HTML index"] = write_text(out / "index.html", index_html(rows, parquet), what="HTML index")
    return written
