"""The raw poses of one pass over a video, kept on disk as they come, not in memory.

An hour of 30 fps video is about 108,000 frames of 33 landmarks (image, visibility, world): ~100 MB as float32.
Holding them in a list until the pass ends made ``analyze``'s memory grow ~6 KiB a frame. ``RawPoseLog`` appends
each frame's record to an anonymous temporary file (deleted by the OS however the process ends) and gives them
back in order, a block at a time: to the landmark cache (``write_npz``, the same .npz layout ``landmark_cache``
reads) and to ``replay`` (the report's thumbnails re-run the checker up to the frames they show).
"""
from __future__ import annotations

import tempfile
import zipfile
from typing import Iterator

import numpy as np

from posecoach.pose import NUM_LANDMARKS, Pose, PoseFrame

RECORD = np.dtype([
    ("index", "<i8"), ("t", "<f8"), ("present", "?"), ("image", "<f4", (NUM_LANDMARKS, 3)),
    ("vis", "<f4", (NUM_LANDMARKS,)),
    ("world", "<f4", (NUM_LANDMARKS, 3)),
])
FIELDS = ("index", "t", "present", "image", "vis", "world")


class RawPoseLog:
    """Append-only, disk-backed sequence of raw ``PoseFrame``s (frame i at position i)."""

    def __init__(self, buffer_frames: int = 256, path=None):
        # ``path``: a named file instead of an anonymous one, for a worker process whose poses the parent reads
        # back (``read_frames``); the parent owns its folder and removes it.
        self._file = open(path, "w+b") if path is not None else tempfile.TemporaryFile(prefix="posecoach-raw-")
        self._buf = np.zeros(buffer_frames, dtype=RECORD)
        self._fill = 0
        self._count = 0
        self.size = (1, 1)  # image size of the last pose (the cache stores one per clip)
        self.decoded: int | None = None  # frames the video had, when fewer were analysed (the cache stores it)

    def __len__(self) -> int:
        return self._count

    def append(self, pf: PoseFrame) -> None:
        r = self._buf[self._fill]
        r["index"] = pf.index
        r["t"] = pf.timestamp
        pose = pf.pose
        r["present"] = pose is not None
        if pose is None:
            r["image"] = np.nan
            r["vis"] = 0.0
            r["world"] = np.nan
        else:
            r["image"], r["vis"] = pose.image, pose.visibility
            r["world"] = pose.world if pose.world is not None else np.nan
            self.size = tuple(int(v) for v in pose.image_size)
        self._fill += 1
        self._count += 1
        if self._fill == len(self._buf):
            self._flush()

    def _flush(self) -> None:
        if self._fill:
            self._file.seek(0, 2)
            self._file.write(self._buf[: self._fill].tobytes())
            self._fill = 0

    def blocks(self, rows: int = 2048) -> Iterator[np.ndarray]:
        """The records in order, ``rows`` at a time (structured arrays with the fields of ``RECORD``)."""
        self._flush()
        self._file.seek(0)
        left = self._count
        while left > 0:
            k = min(rows, left)
            data = self._file.read(k * RECORD.itemsize)
            if len(data) != k * RECORD.itemsize:
                raise OSError("the temporary file of raw poses was cut short")
            yield np.frombuffer(data, dtype=RECORD)
            left -= k

    def frames(self) -> Iterator[PoseFrame]:
        """The raw frames back, in order."""
        return _frames(self.blocks(), self.size)

    def flush(self) -> None:
        """Everything appended so far onto the file (a worker's log, before the parent reads it)."""
        self._flush()
        self._file.flush()

    def write_npz(self, fileobj) -> None:
        """Write the log as the landmark cache's .npz (deflated; one pass over the file per array, so memory stays
        at one block whatever the length)."""
        with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name in FIELDS:
                sub = RECORD[name]
                base, shape = (sub.base, sub.shape) if sub.subdtype else (sub, ())
                header = {"descr": np.lib.format.dtype_to_descr(base), "fortran_order": False,
                          "shape": (self._count, *shape)}
                with zf.open(name + ".npy", "w", force_zip64=True) as m:
                    np.lib.format.write_array_header_1_0(m, header)
                    for block in self.blocks():
                        m.write(np.ascontiguousarray(block[name]).tobytes())
            with zf.open("size.npy", "w") as m:
                np.lib.format.write_array(m, np.array(self.size, dtype=np.int32))
            with zf.open("decoded.npy", "w") as m:
                np.lib.format.write_array(m, np.array(self._count if self.decoded is None else self.decoded))

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> "RawPoseLog":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def read_frames(path, size: tuple[int, int], rows: int = 2048) -> Iterator[PoseFrame]:
    """The frames of a log another process wrote at ``path`` (``RawPoseLog(path=...)``, flushed), in order."""
    def blocks():
        with open(path, "rb") as f:
            while True:
                data = f.read(rows * RECORD.itemsize)
                if len(data) % RECORD.itemsize:
                    raise OSError(f"the raw poses in {path} were cut short")
                if not data:
                    return
                yield np.frombuffer(data, dtype=RECORD)

    return _frames(blocks(), size)


def _frames(blocks, size) -> Iterator[PoseFrame]:
    for block in blocks:
        for r in block:
            t = float(r["t"])
            if r["present"]:
                world = r["world"]
                pose = Pose(image=r["image"].copy(), visibility=r["vis"].copy(), timestamp=t, image_size=size,
                            world=None if np.isnan(world).any() else world.copy())
            else:
                pose = None
            yield PoseFrame(int(r["index"]), t, pose)
