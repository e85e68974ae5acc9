"""Train the recognition classifier on synthetic landmark sequences only (never on real clips).

    python bench/train_recognition.py [--clips 900] [--hidden 64] [--out posecoach/recognition/recognition_model.npz]

Needs the ``train`` extra (scikit-learn) for fitting; the result is a small .npz that posecoach runs in numpy.
The windows are cached under ~/.cache/posecoach/recognition_train (keyed by seed and generator source), so trying
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


def dataset(clips: int, seed: int, workers: int, only_cached: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Windows of ``clips`` random clips, generated in chunks that are cached as they finish (so a long run can
    be used before it ends: ``only_cached``)."""
    # Keyed by the feature layout, the seed and the sources of the generator (the synth package, the clip script)
    # and of the features, so windows of an older synthetic exerciser, or of features changed without changing
    # their number, are never trained on.
    gen = hashlib.sha256()
    for f in sorted((ROOT / "posecoach/synth").glob("*.py")) + [ROOT / "bench/recognition_data.py",
                                                                 ROOT / "posecoach/recognition/features.py"]:
        gen.update(f.read_bytes())
    key = hashlib.sha256(f"{feature_size()}-{seed}-{gen.hexdigest()}".encode()).hexdigest()[:16]
    folder = Path.home() / ".cache/posecoach/recognition_train" / key
    folder.mkdir(parents=True, exist_ok=True)
    chunk = 10
    todo = [c for c in range(0, clips, chunk) if not (folder / f"{c:06d}.npz").is_file()]
    if todo and not only_cached:
        t0 = time.time()
        with get_context("spawn").Pool(workers) as pool:
            jobs = [(c, list(range(seed * 100000 + c, seed * 100000 + min(c + chunk, clips)))) for c in todo]
            for i, (c, x, y) in enumerate(pool.imap_unordered(_chunk, jobs)):
                np.savez_compressed(folder / f"{c:06d}.npz", x=x, y=y)
                print(f"  {(i + 1) * chunk}/{len(todo) * chunk} clips, {time.time() - t0:.0f} s", flush=True)
    xs, ys = [], []
    for f in sorted(folder.glob("*.npz"))[: (clips + chunk - 1) // chunk]:
        z = np.load(f)
        xs.append(z["x"])
        ys.append(z["y"])
    return np.concatenate(xs), np.concatenate(ys)


def _chunk(job):
    c, seeds = job
    xs, ys = [], []
    for s in seeds:
        x, y = _one(s)
        if len(x):
            xs.append(x)
            ys += y
    return c, np.concatenate(xs), np.array(ys)


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
    ap.add_argument("--only-cached", action="store_true", help="train on the chunks generated so far")
    ap.add_argument("--seeds", default=None, help="comma-separated dataset seeds to pool (default: --seed)")
    a = ap.parse_args(argv)
    parts = [dataset(a.clips, int(sd), a.workers, a.only_cached) for sd in (a.seeds or str(a.seed)).split(",")]
    x, y = np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
    print(f"{len(x)} windows x {feature_size()} features;", {c: int((y == c).sum()) for c in np.unique(y)})
    hidden = tuple(int(h) for h in a.hidden.split(",") if h)
    model = fit(x, y, hidden, a.alpha, a.seed)
    model.save(a.out)
    print(f"wrote {a.out} ({a.out.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
