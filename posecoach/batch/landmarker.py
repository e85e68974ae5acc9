"""One pose landmarker per worker, reused clip after clip.

Loading the model costs about a second and a few tens of MB; a batch worker loads it once. A MediaPipe landmarker
in VIDEO mode carries state from frame to frame (the tracked person's region, its landmark filters) and demands
rising timestamps, so between clips ``ClipLandmarker.next_clip()`` (1) shows it one blank frame, which finds
nobody, so the next clip starts with a fresh person detection, and (2) shifts the next clip's timestamps past the
last one by a whole number of milliseconds, so the time steps the filters see are the clip's own.

Not quite a fresh landmarker: the first frame of a clip gets exactly the landmarks a new landmarker gives, but
MediaPipe's landmark filters keep some state that no public API resets, so later frames differ by about 1e-3 (in
image-normalised coordinates) depending on the clip the worker did before. Counts and holds are not changed by that
in the clips we compared (bench/results/batch.md compares every clip of a batch with single `analyze` runs).
"""
from __future__ import annotations

import numpy as np

from posecoach.estimation import EstimatorOptions, PoseEstimator
from posecoach.sources import Frame

GAP_MS = 10_000_000  # between clips (ms): far longer than any filter remembers


class ClipLandmarker(PoseEstimator):
    """A ``PoseEstimator`` that can start a new clip (see the module docstring)."""

    _offset_ms = 0
    _clips = 0

    def _timestamp_ms(self, t: float) -> int:
        # The clip's own milliseconds plus a whole offset (adding seconds first could round differently).
        ms = int(round(t * 1000.0)) + self._offset_ms
        if ms <= self._last_ms:
            ms = self._last_ms + 1
        self._last_ms = ms
        return ms

    def next_clip(self) -> None:
        """Call before each clip: forgets the previous clip (a no-op before the first)."""
        self._clips += 1
        if self._clips == 1 or self._last_ms < 0:
            return
        blank = Frame(np.zeros((64, 64, 3), np.uint8), 0, (self._last_ms + GAP_MS) / 1000.0)
        self._offset_ms = 0
        self.estimate(blank)
        self.reset()  # our own tracking of the chosen person (several people in view)
        self._offset_ms = self._last_ms + GAP_MS


def open_landmarker(options: EstimatorOptions) -> ClipLandmarker:
    return ClipLandmarker.create_from_options(options)
