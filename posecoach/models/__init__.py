"""The pose models posecoach can run, where they live, and their checksums.

The project ships ``models/pose_landmarker_full.task`` (built by ``posecoach.models.build`` from material on
PyPI). Google's official bundles can be fetched into the same folder with ``posecoach models download``; they are
checked against the sha256 recorded on first download next to them (``<name>.sha256``).
"""
from __future__ import annotations

from posecoach.errors import EXIT_MODEL, PosecoachError

import hashlib
import os
import urllib.error
import urllib.request
from pathlib import Path

# sha256 of the bundle that `posecoach models build` produces; the build is byte-for-byte reproducible.
BUNDLED_FULL_SHA256 = "010c522d6bc9802c968c59522212202a334b6074248328b29ba98f4be859f591"
BUNDLED_FULL = "pose_landmarker_full.task"

OFFICIAL_URLS = {
    v: f"https://storage.googleapis.com/mediapipe-models/pose_landmarker/pose_landmarker_{v}/float16/latest/"
       f"pose_landmarker_{v}.task"
    for v in ("lite", "full", "heavy")
}


class ModelError(PosecoachError, RuntimeError):
    exit_code = EXIT_MODEL
    """A model file is missing, damaged or cannot be fetched."""


def data_dir(name: str) -> Path:
    """A top-level data folder (models, sample_videos): the repository's, for an editable install or a checkout;
    else the copy a normal install puts under ``<prefix>/share/posecoach/``."""
    import sys

    repo = Path(__file__).resolve().parents[2] / name
    if repo.is_dir():
        return repo
    for prefix in (sys.prefix, sys.base_prefix):
        installed = Path(prefix) / "share" / "posecoach" / name
        if installed.is_dir():
            return installed
    return repo


def model_dir() -> Path:
    """``$POSECOACH_MODELS`` if set, else the repository's ``models/`` folder (or its installed copy)."""
    env = os.environ.get("POSECOACH_MODELS")
    if env:
        return Path(env)
    return data_dir("models")


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def expected_sha256(path: Path) -> str | None:
    if path.name == BUNDLED_FULL and path.parent.resolve() == (model_dir()).resolve():
        return BUNDLED_FULL_SHA256
    side = path.with_name(path.name + ".sha256")
    if side.exists():
        return side.read_text().split()[0]
    return None


def resolve_model(model: str | os.PathLike | None = None) -> Path:
    """Path of a usable, checksum-verified model: a variant name (lite/full/heavy) or a .task path.

    ``None`` means the bundled full model. A variant other than the bundled one must have been downloaded.
    """
    if model is None or str(model) == "full":
        path = model_dir() / BUNDLED_FULL
        official = model_dir() / "pose_landmarker_full.official.task"
        if str(model) == "full" and official.exists():
            path = official
    elif str(model) in OFFICIAL_URLS:
        path = model_dir() / f"pose_landmarker_{model}.task"
        if not path.exists():
            raise ModelError(f"model '{model}' is not downloaded; run: posecoach models download {model}")
    else:
        path = Path(model)
    if not path.exists():
        hint = ""
        if path.name == BUNDLED_FULL:
            hint = (" (run: posecoach models build; posecoach expects to be installed from its repository with "
                    "`pip install -e .`, or POSECOACH_MODELS to name the model folder)")
        raise ModelError(f"model file not found: {path}{hint}")
    want = expected_sha256(path)
    if want is not None:
        got = file_sha256(path)
        if got != want:
            raise ModelError(f"model {path} is damaged: sha256 {got[:16]}..., expected {want[:16]}... "
                             "(rebuild with: posecoach models build)")
    return path


def download(variant: str, dest_dir: Path | None = None, timeout: float = 20.0) -> Path:
    """Fetch Google's official pose_landmarker_<variant>.task into the model folder.

    The official 'full' bundle is saved as pose_landmarker_full.official.task so it never overwrites the bundled
    one. Without a network this fails with one ModelError line.
    """
    if variant not in OFFICIAL_URLS:
        raise ModelError(f"unknown model variant '{variant}' (choose from: {', '.join(OFFICIAL_URLS)})")
    dest_dir = dest_dir or model_dir()
    name = "pose_landmarker_full.official.task" if variant == "full" else f"pose_landmarker_{variant}.task"
    dest = dest_dir / name
    from posecoach.atomic import AtomicFile, OutputError, write_text

    try:
        # A unique temporary name beside the model, renamed when complete; removed on any failure or Ctrl+C.
        with AtomicFile(dest, suffix="", what="model") as tmp:
            with urllib.request.urlopen(OFFICIAL_URLS[variant], timeout=timeout) as r, open(tmp.path, "wb") as f:
                while chunk := r.read(1 << 20):
                    f.write(chunk)
    except (urllib.error.URLError, OSError, TimeoutError, OutputError) as e:
        reason = getattr(e, "reason", e)
        raise ModelError(f"could not download the '{variant}' model from Google ({reason}); "
                         "the bundled full model works offline") from None
    write_text(dest.with_name(dest.name + ".sha256"), file_sha256(dest) + "\n", what="model checksum")
    return dest


def list_models() -> list[dict]:
    rows = []
    for p in sorted(model_dir().glob("*.task")):
        want = expected_sha256(p)
        rows.append({"name": p.name, "path": str(p), "size_mb": round(p.stat().st_size / 1e6, 1),
                     "verified": want is not None and file_sha256(p) == want})
    return rows
