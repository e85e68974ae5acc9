"""``posecoach models``: list, verify, build or download pose models (the work is in ``posecoach.models``)."""
from __future__ import annotations

from pathlib import Path


def add_parser(sub, model_opts) -> None:
    m = sub.add_parser("models", help="list, verify, build or download pose models",
                       description="list: models in the model folder; verify: check a model's sha256; build: "
                                   "rebuild the bundled full model from PyPI material; download: fetch Google's "
                                   "official lite/full/heavy bundles (needs a network).")
    m.add_argument("action", choices=["list", "verify", "build", "download"])
    m.add_argument("variant", nargs="?", help="lite, full or heavy (download, verify)")
    m.add_argument("--wheel", help="build: use this mediapipe 0.10.21 wheel instead of downloading it")
    m.add_argument("--out", help="build: where to write the bundle (default: the model folder)")
    m.set_defaults(func=run)



def run(args) -> int:
    from posecoach import models
    from posecoach.cli import EXIT_MODEL, CliError

    if args.action == "list":
        rows = models.list_models()
        if not rows:
            print(f"no models in {models.model_dir()} (run: posecoach models build)")
        for r in rows:
            print(f"{r['name']:40} {r['size_mb']:6.1f} MB  {'sha256 ok' if r['verified'] else 'unverified'}")
    elif args.action == "verify":
        path = models.resolve_model(args.variant)
        want = models.expected_sha256(path)
        if want is None:
            print(f"{path}: no checksum is recorded for this file, so it cannot be verified "
                  f"(sha256 {models.file_sha256(path)})")
            return EXIT_MODEL
        print(f"{path}: sha256 ok")
    elif args.action == "build":
        from posecoach.models.build import build_full_bundle

        out = Path(args.out) if args.out else models.model_dir() / models.BUNDLED_FULL
        wheel = Path(args.wheel) if args.wheel else None
        if wheel is not None and not wheel.is_file():
            raise CliError(f"no such wheel: {wheel}")
        build_full_bundle(out, wheel=wheel)
    elif args.action == "download":
        if not args.variant:
            raise CliError("which model? posecoach models download lite|full|heavy")
        path = models.download(args.variant)
        print(f"saved {path}")
    return 0
