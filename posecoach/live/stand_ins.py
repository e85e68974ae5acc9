"""A video file standing in for a camera: replayed in a loop, or flipped like a selfie camera's picture."""
from __future__ import annotations

from posecoach.sources import Frame


class LoopedSource:
    """A file standing in for a camera, replayed until the session ends; index and time keep counting up."""

    def __init__(self, source):
        self.source = source
        self.fps = getattr(source, "fps", 30.0) or 30.0

    def __iter__(self):
        index, offset = 0, 0.0
        while True:
            last_t, n = 0.0, 0
            for f in self.source:
                yield Frame(f.image, index, offset + f.timestamp, mirrored=f.mirrored)
                index += 1
                n += 1
                last_t = f.timestamp
            if n == 0:
                return
            offset += last_t + 1.0 / self.fps


class MirroredSource:
    """A file standing in for a selfie camera: each image flipped, and marked so the estimator un-mirrors the
    landmarks (as Camera(mirror=True) does)."""

    def __init__(self, source):
        self.source = source
        self.fps = getattr(source, "fps", 30.0)

    def __iter__(self):
        import cv2

        for f in self.source:
            yield Frame(cv2.flip(f.image, 1), f.index, f.timestamp, mirrored=True)


def as_camera(source, *, loop: bool, mirror: bool | None):
    """A file made to behave like the camera it stands in for (looped first, so each pass is mirrored)."""
    if loop:
        source = LoopedSource(source)
    if mirror:
        source = MirroredSource(source)
    return source
