"""Style and layering, in CI: ruff (pyflakes, pycodestyle, bugbear) and import-linter's layer contracts (STYLE.md),
both configured in pyproject.toml. Skipped with a reason when the tools are not installed (they come with
`pip install -e .[test]`)."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _tool(name: str) -> str:
    exe = shutil.which(name) or str(Path(sys.executable).parent / name)
    if not Path(exe).exists():
        pytest.skip(f"{name} is not installed (pip install -e .[test])")
    return exe


def test_ruff_finds_nothing():
    r = subprocess.run([_tool("ruff"), "check", "posecoach", "tests", "bench"], cwd=ROOT, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr


def test_import_layers_hold():
    r = subprocess.run([_tool("lint-imports")], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr
