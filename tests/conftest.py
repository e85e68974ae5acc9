"""Shared fixtures. Real clips live beside the project in ../shared/videos and are never copied into it."""
from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_VIDEOS = Path(os.environ.get("POSECOACH_SHARED_VIDEOS", REPO.parent / "shared" / "videos"))
SAMPLES = REPO / "sample_videos"


def pytest_configure(config):
    # A test run started in the background of a non-interactive shell (`pytest ... &`, nohup) inherits SIGINT
    # ignored (POSIX), so Python never installs its KeyboardInterrupt handler, and the Ctrl+C tests (and the
    # subprocesses they interrupt, which inherit the ignore through exec) fail for the launcher's sake. Restore it.
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def shared_clip(rel: str) -> Path:
    """Path of a real clip in ../shared/videos, or skip the test with the reason."""
    p = SHARED_VIDEOS / rel
    if not p.exists():
        pytest.skip(f"real clip {rel} not available ({SHARED_VIDEOS} is absent on this machine)")
    return p


@pytest.fixture(scope="session")
def shared_labels() -> list[dict]:
    p = SHARED_VIDEOS / "labels.json"
    if not p.exists():
        pytest.skip(f"labelled real clips not available ({SHARED_VIDEOS} is absent on this machine)")
    return json.loads(p.read_text())


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    """Tests never read a developer's landmark cache or write sessions into their home."""
    base = tmp_path_factory.getbasetemp()
    monkeypatch.setenv("POSECOACH_CACHE", str(base / "cache"))
    monkeypatch.setenv("POSECOACH_SESSIONS", str(base / "sessions"))
