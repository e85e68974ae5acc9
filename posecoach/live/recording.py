"""Everything a live session saves, and the guarantee that it is saved however the session ends.

A session folder holds ``events.jsonl`` (appended and flushed line by line as things happen), ``summary.json``
(written whole, then renamed into place), ``summary.png`` (the end card) and, if asked for, the recorded video.
"""
from __future__ import annotations

import json
import os
import time
from dataclasses import asdict
from pathlib import Path

from posecoach.atomic import write_bytes, write_text
from posecoach.interrupts import SignalsAsInterrupt  # noqa: F401  (live's loop takes it from here)
from posecoach.live.summary import summary_rows


def sessions_root() -> Path:
    env = os.environ.get("POSECOACH_SESSIONS")
    if env:
        return Path(env)
    base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return base / "posecoach" / "sessions"


def new_session_dir() -> Path:
    """A new folder for a session started now, named by its start time; made here, exclusively, so that two
    sessions started in the same second get two folders (``-2``, ``-3``... for the later ones) instead of
    appending to one ``events.jsonl``."""
    root = sessions_root()
    root.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for n in range(1, 1000):
        folder = root / (stamp if n == 1 else f"{stamp}-{n}")
        try:
            folder.mkdir()
            return folder
        except FileExistsError:
            continue
    raise FileExistsError(f"{root / stamp}: a thousand sessions started this second")


def event_record(ev) -> dict:
    """A checker's event as one line of ``events.jsonl``."""
    d = asdict(ev) if hasattr(ev, "__dataclass_fields__") else {"value": str(ev)}
    d["type"] = type(ev).__name__
    return d


class SessionRecording:
    """One session's folder and what goes in it. Its clock starts when it is made: ``wall_time`` in the events
    and the session's length are measured from then.

    The owner calls ``close_video`` and ``save_summary`` in a ``finally``, so a quit key, Ctrl+C, SIGTERM (with
    ``SignalsAsInterrupt``), a camera dropping out or an error all leave a playable video and a summary.
    """

    def __init__(self, folder: Path, video: str | Path | None = None, video_fps: float = 30.0):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.video = video
        self.video_fps = video_fps
        self._writer = None
        self.started = time.perf_counter()
        self._events = open(folder / "events.jsonl", "a", buffering=1)

    def elapsed(self, now: float | None = None) -> float:
        return (time.perf_counter() if now is None else now) - self.started

    def log(self, rec: dict) -> None:
        self._events.write(json.dumps(rec) + "\n")

    def log_event(self, type_: str, now: float | None = None, **fields) -> None:
        """A line stamped with the session's wall time (``now``: a perf_counter reading already taken)."""
        self.log({"type": type_, "wall_time": round(self.elapsed(now), 3), **fields})

    def write_frame(self, img, timestamp: float) -> None:
        """Add a shown picture to the video, if one is being recorded (it is opened at the first picture's size)."""
        if self.video is None:
            return
        if self._writer is None:
            from posecoach.outputs.video import VideoWriter

            self._writer = VideoWriter(self.video, self.video_fps, (img.shape[1], img.shape[0]), what="recording")
        # Keep the recording on the source's clock: a camera delivers 30 fps but we may process 12,
        # so a frame is written as many times as the frame slots it covers (at least once).
        due = int(timestamp * self.video_fps) + 1 - self._writer.frames
        for _ in range(max(1, min(due, int(self.video_fps * 2)))):
            self._writer.write(img)

    def close_video(self) -> None:
        if self._writer is not None:
            try:
                self._writer.close()  # a live recording is always kept, up to the last frame
            except Exception as e:
                self.log({"type": "Error", "message": f"finishing the recording failed: {e}"})

    def save_summary(self, summary: dict) -> None:
        """Write ``summary.json`` (never half a file) and close the event log."""
        try:
            write_text(self.folder / "summary.json", json.dumps(summary, indent=2) + "\n", what="session summary")
        finally:
            self._events.close()

    def save_summary_card(self, last_img, summary: dict, on_screen: bool, rows: list | None = None):
        """The summary card drawn over the last picture, saved as ``summary.png``; None if it could not be made.
        ``on_screen``: the card will also be shown in the window, so it says how to close it. ``rows``: the card's
        rows (default: the live session's, ``summary_rows``)."""
        if last_img is None:
            return None
        try:
            import cv2

            from posecoach.render.hud import SummaryAnnotator

            card = SummaryAnnotator().annotate(last_img.copy(), "Session summary",
                                               summary_rows(summary) if rows is None else rows,
                                               footer=f"Saved in {self.folder}"
                                               + (". Press any key to close." if on_screen else ""))
            ok, png = cv2.imencode(".png", card)
            if ok:
                write_bytes(self.folder / "summary.png", png.tobytes(), what="summary card")
            return card
        except Exception:
            return None
