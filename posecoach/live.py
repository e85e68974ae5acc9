"""The live coaching loop: camera (or a file standing in for one) -> pose -> checker -> overlay -> window.

What the person did is never lost: every event is appended to ``events.jsonl`` in the session folder as it
happens (flushed), the recording (if asked for) is finalised in a ``finally``, and a summary is written on a
normal end, on Ctrl+C, and when the camera drops out.
"""
from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from posecoach.estimation import EstimatorOptions, PoseEstimator
from posecoach.pose import PoseFrame
from posecoach.sources import Camera, Prefetch, SourceError, open_source


class DisplayError(RuntimeError):
    pass


@dataclass
class LiveResult:
    session_dir: Path
    frames: int = 0
    seconds: float = 0.0
    fps: float = 0.0
    ended_by: str = "end of source"  # end of source | quit key | interrupted | camera dropped
    summary: dict = field(default_factory=dict)


def sessions_root() -> Path:
    env = os.environ.get("POSECOACH_SESSIONS")
    if env:
        return Path(env)
    base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return base / "posecoach" / "sessions"


def check_display() -> None:
    """HighGUI aborts the process without a display; fail with a clear line instead."""
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        raise DisplayError("no display to show the window on (DISPLAY is not set); run with --no-display, "
                           "or under Xvfb")


def _event_record(ev) -> dict:
    d = asdict(ev) if hasattr(ev, "__dataclass_fields__") else {"value": str(ev)}
    d["type"] = type(ev).__name__
    return d


def run_live(camera: str | int = 0, exercise: str | None = None, *, display: bool = True,
             record: str | Path | None = None, session_dir: str | Path | None = None,
             estimator_options: EstimatorOptions | None = None, mirror: bool | None = None,
             max_seconds: float | None = None, window_name: str = "posecoach") -> LiveResult:
    if display:
        check_display()
    source = open_source(camera, mirror=mirror)
    is_camera = isinstance(source, Camera)
    checker = None
    if exercise is not None:
        from posecoach.exercises import make_checker

        checker = make_checker(exercise)
    from posecoach.session import default_annotator

    annotate = default_annotator(exercise)
    sdir = Path(session_dir) if session_dir else sessions_root() / time.strftime("%Y%m%d-%H%M%S")
    sdir.mkdir(parents=True, exist_ok=True)
    res = LiveResult(session_dir=sdir)
    writer = None
    t0 = time.perf_counter()
    events_file = open(sdir / "events.jsonl", "a", buffering=1)
    try:
        with PoseEstimator.create_from_options(estimator_options or EstimatorOptions()) as est:
            # A live camera drops stale frames; a file standing in for one keeps them all.
            for frame in Prefetch(source, depth=2 if is_camera else 8, drop_old=is_camera):
                pose = est.estimate(frame)
                pf = PoseFrame(frame.index, frame.timestamp, pose)
                fb = checker.update(pf) if checker else None
                for ev in (getattr(fb, "events", ()) or ()):
                    events_file.write(json.dumps(_event_record(ev)) + "\n")
                img = annotate(frame.image, pose, fb)
                if record is not None:
                    if writer is None:
                        from posecoach.outputs.video import VideoWriter

                        writer = VideoWriter(record, getattr(source, "fps", 30.0) or 30.0,
                                             (img.shape[1], img.shape[0]))
                    writer.write(img)
                res.frames += 1
                if display:
                    import cv2

                    cv2.imshow(window_name, img)
                    key = cv2.waitKey(1) & 0xFF
                    if key in (ord("q"), 27):
                        res.ended_by = "quit key"
                        break
                if max_seconds is not None and time.perf_counter() - t0 > max_seconds:
                    res.ended_by = "time limit"
                    break
        if is_camera and getattr(source, "dropped", False):
            res.ended_by = "camera dropped"
    except KeyboardInterrupt:
        res.ended_by = "interrupted"
    finally:
        if writer is not None:
            writer.close()
        res.seconds = time.perf_counter() - t0
        res.fps = res.frames / res.seconds if res.seconds > 0 else 0.0
        if checker is not None:
            from posecoach.exercises import report_dict

            result = checker.finish()
            res.summary = report_dict(result, frames=res.frames, fps=res.fps, duration=res.seconds)
        res.summary.update({"frames": res.frames, "seconds": round(res.seconds, 2), "fps": round(res.fps, 2),
                            "ended_by": res.ended_by, "exercise": exercise,
                            "recording": str(record) if record else None})
        (sdir / "summary.json").write_text(json.dumps(res.summary, indent=2) + "\n")
        events_file.close()
        if display:
            try:
                import cv2

                cv2.destroyAllWindows()
            except Exception:
                pass
    return res


__all__ = ["run_live", "LiveResult", "DisplayError", "SourceError", "sessions_root"]
