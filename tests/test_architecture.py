"""Import directions that keep the checkers testable: STYLE.md's layering, enforced.

Checkers (exercises/) and the base layer never import OpenCV, MediaPipe or anything that does I/O; only
estimation.py imports mediapipe.
"""
import ast
import re
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "posecoach"
FORBIDDEN_IN_PURE = {"cv2", "mediapipe", "posecoach.estimation", "posecoach.sources", "posecoach.render",
                     "posecoach.outputs", "posecoach.session", "posecoach.live", "posecoach.cli", "subprocess",
                     "socket", "sqlite3"}
PURE = ["pose.py", "geometry.py", "smoothing.py", "exercises"]
# The one exception: the exercise catalogue reads its own TOML files (and a user's, by path). It only reads, and
# the checkers never touch a file: a Checker is made from an ExerciseSpec already in memory.
READS_EXERCISE_FILES = {"exercises/files.py"}


def imports_of(path: Path) -> set[str]:
    """Absolute names of everything a module imports (relative imports resolved against its package)."""
    tree = ast.parse(path.read_text())
    package = ["posecoach", *path.relative_to(PKG).parent.parts]
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                names.add(".".join(base + ([node.module] if node.module else [])))
            elif node.module:
                names.add(node.module)
    return names


def _files(entry: str):
    p = PKG / entry
    return sorted(p.rglob("*.py")) if p.is_dir() else [p]


@pytest.mark.parametrize("entry", PURE)
def test_pure_modules_do_no_io_and_import_no_cv(entry):
    for f in _files(entry):
        bad = {n for n in imports_of(f) if any(n == b or n.startswith(b + ".") for b in FORBIDDEN_IN_PURE)}
        assert not bad, f"{f.relative_to(PKG)} imports {sorted(bad)}"
        src = f.read_text()
        io = r"(?<![\w.])open\(|\.write_text\(" if str(f.relative_to(PKG)) in READS_EXERCISE_FILES else \
            r"(?<![\w.])open\(|\.read_text\(|\.write_text\("
        assert not re.search(io, src), f"{f.relative_to(PKG)} opens files: checkers must stay pure"


def test_only_estimation_and_model_tools_import_mediapipe():
    allowed = {"estimation.py", "build.py"}
    for f in PKG.rglob("*.py"):
        if any(n == "mediapipe" or n.startswith("mediapipe.") for n in imports_of(f)):
            assert f.name in allowed, f"{f.relative_to(PKG)} imports mediapipe"


@pytest.mark.parametrize("entry", ["render", "outputs", "voice.py"])
def test_edges_do_not_import_the_wiring(entry):
    """Annotators and writers are used by the session, never the other way round."""
    wiring = ("posecoach.session", "posecoach.live", "posecoach.cli")
    for f in _files(entry):
        bad = {n for n in imports_of(f) if n.startswith(wiring)}
        assert not bad, f"{f.relative_to(PKG)} imports {sorted(bad)}"
