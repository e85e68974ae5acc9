"""The progress report in a real browser: headless Chromium renders three simulated days' report without console
messages, with its five plots drawn (needs Debian's chromium; skips with the reason when absent)."""
from __future__ import annotations

import os
import shutil
from datetime import datetime
from pathlib import Path

import cv2
import numpy as np
import pytest

from posecoach.history import SessionWriter, connect
from posecoach.history.report import write_report
from test_outputs_browser import CHROMIUM, chromium


def _three_days(db: Path):
    conn = connect(db)
    for d, (reps, rom, before, after) in enumerate([(5, 0.9, 4, 3), (6, 0.95, 3, 3), (8, 1.0, 3, 2)], start=1):
        w = SessionWriter(conn, "starter_week", day=f"2026-12-0{d}", now=datetime(2026, 12, d, 9))
        w.pain("before", before)
        for pos, ex in enumerate(("knee_to_chest", "glute_bridge")):
            n = reps + 3 * pos  # two lines apart on the reps plot
            w.start_exercise(pos, ex, 1, n, 5.0)
            w.start_set(1)
            for i in range(n):
                w.add_rep({"start": 3.0 * i, "end": 3.0 * i + 2.5, "side": "n/a", "complete": True, "faults": [],
                           "range_of_motion": 50.0 + 5 * d if ex == "knee_to_chest" else 0.3, "range_share": rom})
            w.add_hold({"start": 1.0, "end": 6.0, "side": "n/a"})
            w.end_set({"ended": "target reached", "reps": n, "partial_reps": 0, "hold_seconds": 5.0, "holds": []})
            w.end_exercise("done")
        w.pain("after", after)
        w.finish("done")
    return conn


def test_progress_report_renders_in_chromium(tmp_path):
    if not CHROMIUM:
        pytest.skip("needs chromium (apt install chromium)")
    conn = _three_days(tmp_path / "h.db")
    report = write_report(conn, tmp_path / "progress.html")
    shot = tmp_path / "progress.png"
    r = chromium("--hide-scrollbars", "--window-size=1100,3200", f"--screenshot={shot}", report.as_uri())
    console = [ln for ln in r.stderr.splitlines() if ":CONSOLE" in ln]
    assert console == [], console
    img = cv2.imread(str(shot))
    assert img is not None and img.shape[:2] == (3200, 1100)
    keep = os.environ.get("POSECOACH_SCREENSHOT_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(keep) / "progress.png")
    assert (img[:100].max(axis=2) < 80).sum() > 500, "the title is drawn in dark text at the top"
    # matplotlib's default blue (#1f77b4) and orange (#ff7f0e) lines: the plots are images that loaded
    blue = np.abs(img.astype(int) - (180, 119, 31)).max(axis=2) < 20
    orange = np.abs(img.astype(int) - (14, 127, 255)).max(axis=2) < 20
    assert blue.sum() > 500 and orange.sum() > 200
    html = report.read_text()
    for d in ("2026-12-01", "2026-12-02", "2026-12-03"):
        assert d in html
