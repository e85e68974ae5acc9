"""What to analyse: command-line inputs (video files, folders, list files) -> ``ClipJob``s with content-hash ids.

A list file is ``.txt`` (one path a line; blank lines and ``#`` comments ignored) or ``.csv`` (a header with
``path`` and optionally ``exercise``, or rows ``path[,exercise]`` without one). Relative paths in a list are
relative to the list's folder. Folders are searched recursively for video files. A clip's id is its content's
sha256 (so a renamed or moved file is still recognised as done) plus the exercise it is checked for.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from posecoach.models import file_sha256

VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm", ".mpg", ".mpeg", ".wmv", ".flv",
                            ".3gp", ".ts", ".mts"})
LIST_SUFFIXES = frozenset({".txt", ".csv", ".lst"})


class InputError(ValueError):
    """An input that names nothing usable (missing path, empty list, unknown exercise); one line."""


@dataclass(frozen=True)
class ClipJob:
    path: Path
    exercise: str | None  # exercise id, or None: pose tracking only
    sha256: str

    @property
    def id(self) -> str:
        return self.sha256[:24] + (f"-{self.exercise}" if self.exercise else "")


def _list_entries(path: Path) -> list[tuple[Path, str | None]]:
    text = path.read_text(encoding="utf-8-sig")
    rows: list[tuple[str, str | None]] = []
    if path.suffix.lower() == ".csv":
        lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
        reader = list(csv.reader(lines))
        if reader and [c.strip().lower() for c in reader[0]][:1] == ["path"]:
            header = [c.strip().lower() for c in reader[0]]
            ex_col = header.index("exercise") if "exercise" in header else None
            reader = [[r[0], r[ex_col] if ex_col is not None and ex_col < len(r) else ""] for r in reader[1:]]
        rows = [(r[0].strip(), (r[1].strip() if len(r) > 1 else "") or None) for r in reader if r and r[0].strip()]
    else:
        rows = [(ln.strip(), None) for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    return [((path.parent / p) if not Path(p).is_absolute() else Path(p), ex) for p, ex in rows]


def expand(inputs: list[str | Path]) -> list[tuple[Path, str | None]]:
    """Every video named by ``inputs``, in order, with the exercise a CSV list gives it (else None)."""
    found: list[tuple[Path, str | None]] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            found += [(f, None) for f in sorted(p.rglob("*"))
                      if f.is_file() and f.suffix.lower() in VIDEO_SUFFIXES and not f.name.startswith(".")]
        elif p.is_file() and p.suffix.lower() in LIST_SUFFIXES:
            for q, ex in _list_entries(p):
                if not q.exists():
                    raise InputError(f"{p}: no such file: {q}")
                found += [(f, ex) for f, _ in expand([q])] if q.is_dir() else [(q, ex)]
        elif p.is_file():
            found.append((p, None))  # named explicitly: tried even without a video suffix (a failure is recorded)
        else:
            raise InputError(f"no such file or folder: {p}")
    return found


def canonical_exercise(name: str) -> str:
    """The exercise id for an id or alias (raises ``InputError`` naming the valid ones)."""
    from posecoach.exercises import get_exercise

    try:
        return get_exercise(name).id
    except ValueError as e:  # UnknownExerciseError is a ValueError
        raise InputError(str(e).splitlines()[0]) from None


def make_jobs(inputs: list[str | Path], exercise: str | None = None, hasher=file_sha256) -> list[ClipJob]:
    """The clip jobs for ``inputs``: ``exercise`` (if given) for every clip, else each list row's own. The same
    content asked for twice with the same exercise is one job."""
    entries = expand(inputs)
    if not entries:
        raise InputError("no video files found in " + ", ".join(str(i) for i in inputs))
    names: dict[str, str] = {}
    jobs: dict[str, ClipJob] = {}
    for path, ex in entries:
        ex = exercise or ex
        if ex is not None and ex not in names:
            names[ex] = canonical_exercise(ex)
        # absolute: a worker (a Ray actor above all) need not share our working directory
        job = ClipJob(path.absolute(), names[ex] if ex else None, hasher(path))
        jobs.setdefault(job.id, job)
    return list(jobs.values())
