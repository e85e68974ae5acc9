"""The fixed tune / check split of the labelled clips in ../shared/videos, by source repository.

    python bench/split.py [--videos ../shared/videos] [--out bench/split.json]

Rules and parameters of the counters are chosen on the *tune* half only; the *check* half is reported beside it
and never looked at while choosing. Clips from one repository (same performer, camera, editing) always fall in
the same half, so the check half measures what carries over to footage from elsewhere.

The assignment is made once, mechanically, before any result is looked at: repositories in the order of the
SHA-256 of their name, each going to the half that has fewer clips so far (ties: tune). The result is
committed as bench/split.json and read by the benchmarks; re-running this script must reproduce it.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_VIDEOS = ROOT.parent / "shared" / "videos"


def make_split(videos: Path) -> dict:
    manifest = {r["path"]: r for r in csv.DictReader(open(videos / "MANIFEST.tsv"), delimiter="\t")}
    labels = json.loads((videos / "labels.json").read_text())
    by_repo: dict[str, list[str]] = {}
    for lab in labels:
        by_repo.setdefault(manifest[lab["clip"]]["source_repo"], []).append(lab["clip"])
    halves = {"tune": [], "check": []}
    for repo in sorted(by_repo, key=lambda r: hashlib.sha256(r.encode()).hexdigest()):
        half = "tune" if len(halves["tune"]) <= len(halves["check"]) else "check"
        halves[half].append(repo)
    return {
        "rule": "repositories in SHA-256 order of their name, each to the half with fewer clips so far",
        "repos": halves,
        "clips": {h: sorted(c for r in repos for c in by_repo[r]) for h, repos in halves.items()},
    }


def load_split(path: Path = ROOT / "bench" / "split.json") -> dict[str, str]:
    """clip path -> 'tune' | 'check'."""
    d = json.loads(path.read_text())
    return {c: half for half, clips in d["clips"].items() for c in clips}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--videos", type=Path, default=DEFAULT_VIDEOS)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "split.json")
    args = ap.parse_args(argv)
    split = make_split(args.videos)
    args.out.write_text(json.dumps(split, indent=1) + "\n")
    print({h: len(c) for h, c in split["clips"].items()}, "clips;", {h: len(r) for h, r in split["repos"].items()}, "repositories")
    return 0


if __name__ == "__main__":
    sys.exit(main())
