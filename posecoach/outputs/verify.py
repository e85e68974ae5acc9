"""Is a video that OpenCV just wrote complete? OpenCV's writers report no errors: on a full disk ``write`` and
``release`` return as if all went well and leave a truncated file. So the file is read back before it is given
its final name.

Cheap checks always (the container opens, its first frame decodes, it holds as many frames as were written:
an .mp4 that lost its index does not open at all, a cut-off .avi or .webm reports a wrong count). When the disk
is nearly full, where a silently failed write is likely, every frame is decoded and counted as well; that costs
a second or so per minute of video, which is why it is not done always.
"""
from __future__ import annotations

import os
from pathlib import Path

import cv2

from posecoach.atomic import OutputError

NEARLY_FULL_BYTES = 64 << 20


def free_bytes(folder: Path) -> int | None:
    """Bytes this process may still write in ``folder``'s file system (root may use the reserved blocks)."""
    try:
        st = os.statvfs(folder)
    except OSError:
        return None
    blocks = st.f_bfree if hasattr(os, "geteuid") and os.geteuid() == 0 else st.f_bavail
    return blocks * st.f_frsize


def check_video(path: Path, frames: int, *, name: str, what: str = "video") -> None:
    """Raise OutputError (naming ``what`` and ``name``, the user's file name) unless ``path`` holds ``frames``
    readable frames."""
    free = free_bytes(path.parent)
    full = free is not None and free < NEARLY_FULL_BYTES

    def fail(why: str):
        why = why.replace("(disk full?)", f"(disk full: {free // 1024} KiB left)" if full else "(disk full?)")
        return OutputError(f"cannot write the {what} {name}: {why}")

    if frames <= 0:
        raise fail("no frames were written")
    try:
        size = path.stat().st_size
    except OSError as e:
        raise fail(e.strerror or str(e)) from None
    if size == 0:
        raise fail("the file is empty (disk full?)")
    cap = cv2.VideoCapture(str(path))
    try:
        if not cap.isOpened() or not cap.read()[0]:
            raise fail("the written file cannot be read back (disk full?)")
        count = cap.get(cv2.CAP_PROP_FRAME_COUNT)
        # .mp4 and .avi store the exact count; a .webm's is its duration times its frame rate, so allow rounding.
        if not abs(count - frames) <= max(1.0, 0.01 * frames):
            raise fail(f"the written file holds {max(count, 0):.0f} of {frames} frames (disk full?)")
        if full:
            decoded = 1
            while cap.grab():
                decoded += 1
            if decoded != frames:
                raise fail(f"only {decoded} of {frames} frames could be read back (disk full?)")
    finally:
        cap.release()
