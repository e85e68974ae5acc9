"""A disk cache of raw (unsmoothed) landmarks per video, keyed by the video's and the model's sha256.

Running the model is the expensive part of analysis (~10-15 ms a frame); checking is cheap. With the raw
landmarks cached, a clip can be re-analysed with other checker or smoothing settings in well under a second.
Raw landmarks are stored so the smoother stays a free choice at load time.
"""
from __future__ import annotations

import os
from pathlib import Path
import zipfile
from typing import Callable, Iterable, Iterator

import numpy as np

from posecoach.atomic import OutputError, atomic_open
from posecoach.models import file_sha256
from posecoach.pose import NUM_LANDMARKS, Pose, PoseFrame
from posecoach.raw_log import RawPoseLog

# Bump when what is stored changes meaning (layout, or how the estimator picks the person).
CACHE_VERSION = 1


def cache_dir() -> Path:
    env = os.environ.get("POSECOACH_CACHE")
    base = Path(env) if env else Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "posecoach"
    return base / "landmarks"


def options_tag(options=None) -> str:
    """The estimator settings that change the raw landmarks (not smoothing, which is applied after the cache)."""
    import hashlib

    if options is None:
        from posecoach.estimation import EstimatorOptions

        options = EstimatorOptions()
    fields = (options.mode, options.num_poses, options.min_detection_confidence, options.min_presence_confidence,
              options.min_tracking_confidence)
    return hashlib.sha256(repr(fields).encode()).hexdigest()[:8]


def cache_key(video: Path, model: Path, options=None, analysis_fps: float | None = None) -> str:
    rate = "" if analysis_fps is None else f"-r{analysis_fps:g}"  # entries of every frame keep their old keys
    return f"v{CACHE_VERSION}-{file_sha256(video)[:20]}-{file_sha256(model)[:12]}-{options_tag(options)}{rate}"


def cache_path(video: Path, model: Path, options=None, analysis_fps: float | None = None) -> Path:
    """Where the entry of ``video`` goes; ``analysis_fps``: the entry holds only the frames analysed at that rate
    (None: every frame)."""
    return cache_dir() / (cache_key(video, model, options, analysis_fps) + ".npz")


def decoded_frames(path: Path) -> int:
    """How many frames the video had when the entry was made (entries of every frame: their length)."""
    with np.load(path) as data:
        return int(data["decoded"]) if "decoded" in data.files else len(data["t"])


def read(path: Path, smoothing: str = "one_euro") -> list[PoseFrame] | None:
    """The cached frames at ``path``, or None when there is no usable entry (a damaged one is deleted)."""
    if not path.exists():
        return None
    try:
        with np.load(path) as data:
            return unpack(data, smoothing)
    except Exception:  # truncated zip, EOF, wrong arrays: any damage means 're-extract', never a crash
        path.unlink(missing_ok=True)
        return None


def check(path: Path) -> bool:
    """Is there a usable entry at ``path``? (A damaged one is deleted.) Reads the small arrays only."""
    if not path.exists():
        return False
    try:
        with np.load(path) as data:
            n = len(data["t"])
            return len(data["present"]) == n and data["size"].shape == (2,)
    except Exception:
        path.unlink(missing_ok=True)
        return False


def iter_raw(path: Path, chunk: int = 512) -> Iterator[PoseFrame]:
    """The raw (unsmoothed) frames of an entry, in order, reading ``chunk`` frames at a time.

    Each array is decompressed once, as a stream, so reading is linear in the clip's length and the memory used
    does not grow with it (a 1-hour clip's entry is about 100 MB unpacked). Raises on a damaged entry; call
    ``check`` first to turn damage into a cache miss.
    """
    with zipfile.ZipFile(path) as zf:
        names = ("index", "t", "present", "image", "vis", "world")
        streams = {name: _NpyStream(zf, name) for name in names if name + ".npy" in zf.namelist()}
        with np.load(path) as data:
            size = tuple(int(v) for v in data["size"])
        n = streams["t"].count
        i = 0
        while i < n:
            k = min(chunk, n - i)
            block = {name: s.read(k) for name, s in streams.items()}
            for j in range(k):
                yield _raw_frame(i + j, block, j, size)
            i += k


def _raw_frame(i: int, arrays, j: int, size) -> PoseFrame:
    if "index" in arrays:  # entries of every frame made before the analysis rate have none: their position
        i = int(arrays["index"][j])
    t = float(arrays["t"][j])
    if not arrays["present"][j]:
        return PoseFrame(i, t, None)
    world = arrays["world"][j]
    return PoseFrame(i, t, Pose(image=arrays["image"][j], visibility=arrays["vis"][j], timestamp=t, image_size=size,
                                world=None if np.isnan(world).any() else world))


class _NpyStream:
    """Reads one .npy member of an .npz row block by row block (np.load would decompress the whole array)."""

    def __init__(self, zf: zipfile.ZipFile, name: str):
        self._f = zf.open(name + ".npy")
        version = np.lib.format.read_magic(self._f)
        readers = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}
        if version not in readers:
            raise ValueError(f"{name}: .npy format {version} is not written by this cache")
        shape, fortran, dtype = readers[version](self._f)
        if fortran:
            raise ValueError(f"{name}: Fortran-ordered arrays are not written by this cache")
        self.count, self.row_shape, self.dtype = shape[0], shape[1:], dtype
        self._row_bytes = int(np.prod(self.row_shape, dtype=np.int64)) * dtype.itemsize

    def read(self, rows: int) -> np.ndarray:
        want = rows * self._row_bytes
        buf = self._f.read(want)
        if len(buf) != want:
            raise ValueError("cache entry is truncated")
        return np.frombuffer(buf, dtype=self.dtype).reshape((rows, *self.row_shape))


def pack(frames: list[PoseFrame]) -> dict[str, np.ndarray]:
    n = len(frames)
    t = np.array([f.timestamp for f in frames], dtype=np.float64)
    present = np.zeros(n, dtype=bool)
    image = np.full((n, NUM_LANDMARKS, 3), np.nan, dtype=np.float32)
    vis = np.zeros((n, NUM_LANDMARKS), dtype=np.float32)
    world = np.full((n, NUM_LANDMARKS, 3), np.nan, dtype=np.float32)
    size = np.array([1, 1], dtype=np.int32)
    for i, f in enumerate(frames):
        if f.pose is None:
            continue
        present[i] = True
        image[i], vis[i] = f.pose.image, f.pose.visibility
        if f.pose.world is not None:
            world[i] = f.pose.world
        size = np.array(f.pose.image_size, dtype=np.int32)
    index = np.array([f.index for f in frames], dtype=np.int64)
    return {"index": index, "t": t, "present": present, "image": image, "vis": vis, "world": world, "size": size,
            "decoded": np.array(n)}


def unpack(data, smoothing: str = "one_euro") -> list[PoseFrame]:
    """Every frame of an entry, smoothed by the per-frame step (``frame_step.FrameStep`` without a checker)."""
    size = tuple(int(v) for v in data["size"])
    # Each array is read out of the NpzFile once: indexing data["image"][i] would decompress the whole array per
    # frame (quadratic in the clip's length: 3.5 s for 851 frames, ~20 s for 1,977).
    names = data.files if hasattr(data, "files") else data.keys()  # an NpzFile, or pack()'s dict
    arrays = {name: np.asarray(data[name]) for name in ("index", "t", "present", "image", "vis", "world")
              if name in names}
    return smooth((_raw_frame(i, arrays, i, size) for i in range(len(arrays["t"]))), smoothing)


def save(path: Path, frames) -> None:
    """Store an entry (a list of frames, or a ``RawPoseLog``): atomically, under a unique temporary name, so a
    crash never leaves half an entry and two processes saving the same entry do not collide (the last one's
    complete file wins). Raises OutputError; callers treat the cache as optional (see ``try_save``)."""
    if isinstance(frames, RawPoseLog):
        with atomic_open(path, "wb", what="landmark cache entry") as f:
            frames.write_npz(f)
        return
    with atomic_open(path, "wb", what="landmark cache entry") as f:
        np.savez_compressed(f, **pack(frames))


def try_save(path: Path, frames: list[PoseFrame]) -> str | None:
    """``save``, or the reason it could not (the cache only saves time: a failure must not fail the run)."""
    try:
        save(path, frames)
    except (OutputError, OSError) as e:
        return f"the landmark cache was not saved ({e}); the next analysis of this video will run the model again"
    return None


def extract(video: Path, options=None, progress: Callable[[int], None] | None = None) -> list[PoseFrame]:
    """Run the model over every frame of ``video`` (raw landmarks, no smoothing)."""
    from dataclasses import replace

    from posecoach.estimation import EstimatorOptions, PoseEstimator
    from posecoach.sources import Prefetch, VideoFile

    options = replace(options or EstimatorOptions(), smoothing="none")
    frames: list[PoseFrame] = []
    prefetch = Prefetch(VideoFile(video))
    try:
        with PoseEstimator.create_from_options(options) as est:
            for f in prefetch:
                frames.append(PoseFrame(f.index, f.timestamp, est.estimate(f)))
                if progress:
                    progress(f.index)
    finally:
        prefetch.close()
    return frames


def load_landmarks(video: str | os.PathLike, *, model: str | None = None, smoothing: str = "one_euro",
                   refresh: bool = False, progress: Callable[[int], None] | None = None,
                   options=None) -> list[PoseFrame]:
    """Landmarks for every frame of ``video``: from the cache, or extracted (and cached) on a miss."""
    from posecoach.estimation import EstimatorOptions
    from posecoach.models import resolve_model

    video = Path(video)
    options = options or EstimatorOptions(model=model)
    path = cache_path(video, resolve_model(options.model), options)
    cached = None if refresh else read(path, smoothing)
    if cached is not None:
        return cached
    raw = extract(video, options, progress)
    try_save(path, raw)
    return unpack(pack(raw), smoothing)


def smooth(frames: Iterable[PoseFrame], smoothing: str = "one_euro") -> list[PoseFrame]:
    """Raw frames through the per-frame step's cut detection and smoothing (no checker)."""
    from posecoach.frame_step import FrameStep

    step = FrameStep(None, smoothing)
    return [step(f).frame for f in frames]
