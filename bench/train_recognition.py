"""Train the recognition classifier on synthetic landmark sequences only (never on real clips).

    python bench/train_recognition.py [--clips 900] [--hidden 64] [--out posecoach/recognition/recognition_model.npz]

Needs the ``train`` extra (scikit-learn) for fitting; the result is a small .npz that posecoach runs in numpy.
The windows are cached under ~/.cache/posecoach/recognition_train (keyed by clip count and seed), so trying
other classifier settings does not regenerate them.
"""
from __future__ import annotations

import argparse
import hashlib
import sys
import time
from multiprocessing import get_context
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from posecoach.recognition.features import feature_size  # noqa: E402
from posecoach.recognition.model import MODEL_PATH, OTHER, REST, RecognitionModel  # noqa: E402
from posecoach.synth import EXERCISES  # noqa: E402


def _one(seed: int):
    from recognition_data import clip_windows

    return clip_windows(seed, list(EXERCISES))


def dataset(clips: int, seed: int, workers: int) -> tuple[np.ndarray, np.ndarray]:
    # Keyed by the feature layout, clip count and seed: rebuild (delete the file) after changing the generator.
    key = hashlib.sha256(f"{feature_size()}-{clips}-{seed}".encode()).hexdigest()[:16]
    cache = Path.home() / ".cache/posecoach/recognition_train" / f"{key}.npz"
    if cache.is_file():
        z = np.load(cache)
        return z["x"], z["y"]
    seeds = [seed * 100000 + i for i in range(clips)]
    xs, ys = [], []
    t0 = time.time()
    with get_context("spawn").Pool(workers) as pool:
        for i, (f, lab) in enumerate(pool.imap_unordered(_one, seeds, chunksize=4)):
            if len(f):
                xs.append(f)
                ys += lab
            if i % 100 == 99:
                print(f"  {i + 1}/{clips} clips, {time.time() - t0:.0f} s", flush=True)
    x, y = np.concatenate(xs), np.array(ys)
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(cache, x=x, y=y)
    return x, y


def fit(x: np.ndarray, y: np.ndarray, hidden: tuple[int, ...], alpha: float, seed: int) -> RecognitionModel:
    from sklearn.neural_network import MLPClassifier

    labels = tuple(sorted(EXERCISES)) + (REST, OTHER)
    mean, std = x.mean(0), x.std(0) + 1e-6
    xs = (x - mean) / std
    # Balance classes by resampling: rest windows are many (setups and rests of every clip).
    rng = np.random.default_rng(seed)
    counts = {c: int((y == c).sum()) for c in labels}
    target = int(np.median([v for v in counts.values() if v]))
    idx = np.concatenate([rng.choice(np.flatnonzero(y == c), target, replace=counts[c] < target)
                          for c in labels if counts[c]])
    clf = MLPClassifier(hidden_layer_sizes=hidden, alpha=alpha, max_iter=300, early_stopping=True,
                        random_state=seed, n_iter_no_change=15)
    clf.fit(xs[idx], y[idx])
    print(f"train accuracy {clf.score(xs, y):.3f} (synthetic, all windows)")
    order = [list(clf.classes_).index(c) for c in labels if c in clf.classes_]
    layers = [(w, b) for w, b in zip(clf.coefs_, clf.intercepts_)]
    w, b = layers[-1]
    layers[-1] = (w[:, order], b[order])
    return RecognitionModel(tuple(c for c in labels if c in clf.classes_), mean, std, tuple(layers))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clips", type=int, default=900)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--hidden", default="64", help="hidden layer sizes, comma-separated ('' = softmax regression)")
    ap.add_argument("--alpha", type=float, default=1e-3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    a = ap.parse_args(argv)
    x, y = dataset(a.clips, a.seed, a.workers)
    print(f"{len(x)} windows x {feature_size()} features;", {c: int((y == c).sum()) for c in np.unique(y)})
    hidden = tuple(int(h) for h in a.hidden.split(",") if h)
    model = fit(x, y, hidden, a.alpha, a.seed)
    model.save(a.out)
    print(f"wrote {a.out} ({a.out.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
