"""The recognition classifier at run time: a small MLP (or softmax regression) stored as a .npz, run in numpy.

The file holds the feature standardisation (``mean``, ``std``), the layers (``W0``, ``b0``, ``W1``, ``b1``...,
ReLU between them, softmax at the end), the class ``labels`` (exercise ids, ``rest``, ``other``), and
``feature_size`` so a model made for other features is refused instead of giving nonsense. Trained by
bench/train_recognition.py on synthetic sequences only.
"""
from __future__ import annotations

from posecoach.errors import EXIT_MODEL, PosecoachError

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from posecoach.recognition.features import feature_size

MODEL_PATH = Path(__file__).with_name("recognition_model.npz")
REST, OTHER = "rest", "other"


class ModelError(PosecoachError):
    """The recognition model file is missing or damaged."""

    exit_code = EXIT_MODEL


@dataclass(frozen=True)
class RecognitionModel:
    labels: tuple[str, ...]
    mean: np.ndarray
    std: np.ndarray
    layers: tuple[tuple[np.ndarray, np.ndarray], ...]

    def proba(self, features: np.ndarray) -> np.ndarray:
        """(N, F) or (F,) features -> (N, C) or (C,) class probabilities."""
        x = np.atleast_2d(features)
        h = (np.nan_to_num(x) - self.mean) / self.std
        for i, (w, b) in enumerate(self.layers):
            h = h @ w + b
            if i < len(self.layers) - 1:
                h = np.maximum(h, 0.0)
        h = h - h.max(1, keepdims=True)
        p = np.exp(h)
        p /= p.sum(1, keepdims=True)
        return p if np.ndim(features) == 2 else p[0]

    def index(self, label: str) -> int:
        return self.labels.index(label)

    def save(self, path: str | Path) -> None:
        arrays = {"labels": np.array(self.labels), "mean": self.mean, "std": self.std,
                  "feature_size": np.array(feature_size())}
        for i, (w, b) in enumerate(self.layers):
            arrays[f"W{i}"], arrays[f"b{i}"] = w.astype(np.float32), b.astype(np.float32)
        np.savez_compressed(path, **arrays)


def load_model(path: str | Path | None = None) -> RecognitionModel:
    """Read a model file; ``ModelError`` (one line) when it is missing, damaged or made for other features."""
    path = Path(path) if path else MODEL_PATH
    if not path.is_file():
        raise ModelError(f"recognition model not found: {path}")
    try:
        with np.load(path, allow_pickle=False) as z:
            labels = tuple(str(s) for s in z["labels"])
            mean, std = z["mean"].astype(np.float64), z["std"].astype(np.float64)
            n = int(z["feature_size"])
            layers = []
            i = 0
            while f"W{i}" in z:
                layers.append((z[f"W{i}"].astype(np.float64), z[f"b{i}"].astype(np.float64)))
                i += 1
    except Exception as e:  # zip, pickle, key and shape errors all mean the same thing here
        raise ModelError(f"recognition model {path} is damaged ({type(e).__name__}); rebuild it with "
                         f"bench/train_recognition.py") from None
    if n != feature_size() or not layers or mean.shape != (n,) or layers[-1][0].shape[1] != len(labels):
        raise ModelError(f"recognition model {path} does not match this version's features; rebuild it with "
                         f"bench/train_recognition.py")
    return RecognitionModel(labels, mean, np.where(std > 1e-9, std, 1.0), tuple(layers))
