"""A compact record of every frame of an analysis: what the reports need after the pass, ~20 bytes a frame.

The JSON report (frames, detection rate), the warnings (person lost), the HTML plot (the key measure over time) and
the choice of the report's worst moments (joints out of range) need a few numbers per frame, not the poses and
``Feedback`` objects (~6 KiB a frame) that the pass produces. Keeping only these numbers is what keeps
``analyze``'s memory flat over an hour of video.
"""
from __future__ import annotations

import math

import numpy as np

_BLOCK = 4096


class _Column:
    """A growable 1-D numpy column, in blocks (no copying of everything on growth)."""

    def __init__(self, dtype):
        self.dtype = np.dtype(dtype)
        self._blocks: list[np.ndarray] = []
        self._n = 0

    def append(self, v) -> None:
        k = self._n % _BLOCK
        if k == 0:
            self._blocks.append(np.empty(_BLOCK, dtype=self.dtype))
        self._blocks[-1][k] = v
        self._n += 1

    def array(self) -> np.ndarray:
        if not self._blocks:
            return np.empty(0, dtype=self.dtype)
        return np.concatenate(self._blocks)[: self._n]


class FrameLog:
    """Per frame: time, person found, the key measure, and how far the checked joints were out of range."""

    def __init__(self):
        self._t = _Column("<f8")
        self._present = _Column("?")
        self._key = _Column("<f4")
        self._oor = _Column("<f4")  # out-of-range score: 2 per 'bad' joint, 1 per 'warn' (the key joint excluded)
        self._oor_names = _Column("<i4")  # index into self._names of the out-of-range joints' description
        self._names: dict[str, int] = {}
        self.count = 0

    def __len__(self) -> int:
        return self.count

    def add(self, result) -> None:
        """Record a ``FrameResult``."""
        self._t.append(result.timestamp)
        present = result.pose is not None
        self._present.append(present)
        fb = result.feedback
        key, score, name = math.nan, 0.0, -1
        if fb is not None:
            if present:
                key = getattr(fb, "key_value", math.nan)
            joints = getattr(fb, "joints", ()) or ()
            bad = [j for j in joints if j.status in ("bad", "warn")]
            score = float(sum(2 if j.status == "bad" else 1 for j in bad if j is not joints[0]))
            if score:
                text = ", ".join(j.name.replace("_", " ") for j in bad)
                name = self._names.setdefault(text, len(self._names))
        self._key.append(key)
        self._oor.append(score)
        self._oor_names.append(name)
        self.count += 1

    @property
    def times(self) -> np.ndarray:
        return self._t.array()

    @property
    def present(self) -> np.ndarray:
        return self._present.array()

    @property
    def key_values(self) -> np.ndarray:
        return self._key.array().astype(float)

    @property
    def found(self) -> int:
        return int(self.present.sum())

    def out_of_range(self):
        """(frame index, score, "joint names") for every frame with a checked joint out of range."""
        scores, names = self._oor.array(), self._oor_names.array()
        text = {i: s for s, i in self._names.items()}
        for i in np.flatnonzero(scores > 0):
            yield int(i), float(scores[i]), text.get(int(names[i]), "")

    @classmethod
    def of(cls, results) -> "FrameLog":
        log = cls()
        for r in results:
            log.add(r)
        return log
