"""The browser-playable annotated clip the HTML report embeds.

Re-reads the source video, draws the overlay from the analysis' per-frame pose and feedback, and writes a VP8
.webm (browsers play VP8 and VP9 WebM; with this OpenCV build VP8 encodes about 7x faster than VP9, which
matters on a laptop). Frames are scaled to at most ``max_width`` before drawing, so the overlay's text is sized
for the size that is written. Written under a temporary name, read back (outputs.verify) and renamed when
complete (posecoach.atomic).
"""
from __future__ import annotations

from pathlib import Path

import cv2

from posecoach.atomic import AtomicFile
from posecoach.outputs.verify import check_video
from posecoach.outputs.video import OutputError, quiet_native_stderr

WHAT = "report's clip"


class ClipError(OutputError):
    pass


def open_webm(path: Path, fps: float, size: tuple[int, int]) -> cv2.VideoWriter:
    with quiet_native_stderr():
        w = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"VP80"), float(fps), size)
    if not w.isOpened():
        raise ClipError(f"cannot write the {WHAT} {path}: OpenCV could not open it (VP8 WebM)")
    return w


def write_annotated_clip(video: str | Path, path: str | Path, frames, feedback, *, fps: float,
                         annotate=None, max_width: int = 960, progress=None) -> Path:
    """Write the annotated clip; returns its path. ``annotate(img, pose, feedback) -> img`` defaults to the
    coaching overlay."""
    path = Path(path)
    if path.suffix.lower() != ".webm":
        raise ClipError(f"the report's clip must be .webm, not {path.suffix!r}")
    if annotate is None:
        from posecoach.render.overlay import CoachOverlay

        ov = CoachOverlay(show_fps=False)
        annotate = lambda img, pose, fb: ov.annotate(img, pose, fb)  # noqa: E731
    cap = cv2.VideoCapture(str(video))
    cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)  # as sources.VideoFile does, so frames match the analysis
    if not cap.isOpened():
        raise ClipError(f"could not read {video}")
    try:
        out = AtomicFile(path, suffix=".webm", what=WHAT)
    except BaseException:
        cap.release()
        raise
    tmp = out.path
    writer = None
    done = False
    i = 0
    try:
        while True:
            ok, img = cap.read()
            if not ok or img is None:
                break
            h, w = img.shape[:2]
            if w > max_width:
                img = cv2.resize(img, (max_width, int(round(h * max_width / w / 2)) * 2), interpolation=cv2.INTER_AREA)
            if writer is None:
                writer = open_webm(tmp, fps or 30.0, (img.shape[1], img.shape[0]))
            pose = frames[i].pose if i < len(frames) else None
            fb = feedback[i] if i < len(feedback) else None
            writer.write(annotate(img, pose, fb))
            i += 1
            if progress is not None:
                progress.update()
        if writer is None:
            raise ClipError(f"no frames could be read from {video}")
        writer.release()
        check_video(tmp, i, name=str(path), what=WHAT)
        out.commit()
        done = True
    finally:
        cap.release()
        if writer is not None:
            writer.release()
        if not done:
            out.discard()  # interrupted or failed: leave no half clip behind
    return path
