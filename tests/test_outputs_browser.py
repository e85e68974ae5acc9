"""The HTML report in a real browser: headless Chromium renders it without console errors, and plays its clip.

Needs Debian's chromium (skips with the reason when it is absent). Set POSECOACH_SCREENSHOT_DIR to keep the
screenshot for looking at.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import cv2
import numpy as np
import pytest

from conftest import SAMPLES, SHARED_VIDEOS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def chromium(*args, timeout=120):
    if not CHROMIUM:
        pytest.skip("needs chromium (apt install chromium)")
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                               "--disable-component-update", "--no-first-run", f"--user-data-dir={profile}",
                               "--enable-logging=stderr", "--v=0", *args], capture_output=True, text=True,
                              timeout=timeout)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    if not CHROMIUM:
        pytest.skip("needs chromium (apt install chromium)")
    clip = SAMPLES / "glute_bridge_side.mp4"
    if not clip.exists():
        clip = SHARED_VIDEOS / "glute_bridge" / "my-guides__glute-bridge.mp4"
    if not clip.exists():
        pytest.skip("no glute bridge clip (sample_videos/ or ../shared/videos)")
    d = tmp_path_factory.mktemp("html")
    r = subprocess.run([sys.executable, "-m", "posecoach.cli", "analyze", str(clip), "-e", "glute_bridge", "-q",
                        "--html", str(d / "report.html")], capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr
    return d / "report.html"


def test_report_renders_without_console_messages(report):
    shot = report.parent / "report.png"
    r = chromium("--hide-scrollbars", "--window-size=1200,2600", f"--screenshot={shot}", report.as_uri())
    console = [ln for ln in r.stderr.splitlines() if ":CONSOLE" in ln]
    assert console == [], console
    img = cv2.imread(str(shot))
    assert img is not None and img.shape[:2] == (2600, 1200)
    keep = os.environ.get("POSECOACH_SCREENSHOT_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(keep) / "report.png")
    top = img[:120]
    assert (top.max(axis=2) < 80).sum() > 500, "the title is drawn in dark text at the top"
    assert len(np.unique(img[:1400].reshape(-1, 3), axis=0)) > 2000, "the page shows the video poster and the plot"
    # The plot's green rep bands are present (#2e9e4f at 13% on white).
    band = np.abs(img.astype(int) - (230, 241, 226)).max(axis=2) < 8
    assert band.sum() > 2000


def test_report_clip_plays_in_the_browser(report):
    html = report.read_text()
    src = re.search(r"<video id='clip'[^>]* src='([^']+)'", html).group(1)
    probe = report.parent / "probe.html"
    probe.write_text(
        "<!doctype html><title>pending</title><video id='v' muted preload='auto' src='" + src + "'></video><script>"
        "var v=document.getElementById('v');"
        "v.addEventListener('loadeddata',function(){document.title='ok '+v.videoWidth+'x'+v.videoHeight;});"
        "v.addEventListener('error',function(){document.title='error '+(v.error&&v.error.code);});</script>")
    r = chromium("--allow-file-access-from-files", "--virtual-time-budget=8000", "--dump-dom", probe.as_uri())
    title = re.search(r"<title>([^<]*)</title>", r.stdout).group(1)
    assert title.startswith("ok "), f"the browser could not play {src}: {title}"
    w, h = map(int, title[3:].split("x"))
    assert w > 0 and h > 0


def test_probe_can_tell_an_unplayable_clip(tmp_path):
    """The probe above must be able to fail: an 'mp4v' .mp4 (this OpenCV's only .mp4 codec) does not play."""
    if not CHROMIUM:
        pytest.skip("needs chromium (apt install chromium)")
    mp4 = tmp_path / "x.mp4"
    w = cv2.VideoWriter(str(mp4), cv2.VideoWriter_fourcc(*"mp4v"), 10, (160, 120))
    for i in range(10):
        w.write(np.full((120, 160, 3), 20 * i, np.uint8))
    w.release()
    probe = tmp_path / "probe.html"
    probe.write_text("<!doctype html><title>pending</title><video id='v' muted preload='auto' src='x.mp4'></video>"
                     "<script>var v=document.getElementById('v');"
                     "v.addEventListener('loadeddata',function(){document.title='ok';});"
                     "v.addEventListener('error',function(){document.title='error';});</script>")
    r = chromium("--allow-file-access-from-files", "--virtual-time-budget=8000", "--dump-dom", probe.as_uri())
    assert "<title>error</title>" in r.stdout


def test_report_rows_and_plot_seek_the_clip(report):
    """A click on a rep row, and on the plot at a time, moves the video there (the page's own script)."""
    html = report.read_text()
    row_t = float(re.findall(r"<tr data-t='([0-9.]+)'>", html)[1])
    probe = report.parent / "seek.html"
    probe.write_text(html.replace("</body>", (
        "<script>(function(){var v=document.getElementById('clip'),p=document.getElementById('plot'),out=[];"
        "function go(){document.querySelectorAll('tr[data-t]')[1].click();out.push(v.currentTime.toFixed(2));"
        "var b=p.getBoundingClientRect(),d=p.dataset,"
        "f=parseFloat(d.x0)+(parseFloat(d.x1)-parseFloat(d.x0))*(5-parseFloat(d.t0))/(parseFloat(d.t1)-parseFloat(d.t0));"
        "p.dispatchEvent(new MouseEvent('click',{clientX:b.left+f*b.width,clientY:b.top+b.height/2,bubbles:true}));"
        "out.push(v.currentTime.toFixed(1));document.title='seek '+out.join(' ');}"
        "if(p.complete&&v.readyState>=1){go();}else{v.addEventListener('loadedmetadata',go);}})();</script></body>")))
    r = chromium("--allow-file-access-from-files", "--autoplay-policy=no-user-gesture-required",
                 "--virtual-time-budget=8000", "--dump-dom", probe.as_uri())
    title = re.search(r"<title>([^<]*)</title>", r.stdout).group(1)
    assert title.startswith("seek "), title
    row_seek, plot_seek = map(float, title.split()[1:])
    assert abs(row_seek - row_t) < 0.05 and abs(plot_seek - 5.0) < 0.3, title
