"""ruff (pinned in requirements.txt, rules in pyproject.toml) finds nothing in the code."""

from __future__ import annotations

import sys
from pathlib import Path

from coursetools.config import ROOT

from .conftest import run


def test_ruff_finds_nothing() -> None:
    ruff = Path(sys.executable).with_name("ruff")
    result = run([str(ruff), "check", "--no-cache", "."], cwd=ROOT, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_would_find_an_unused_import(tmp_path: Path) -> None:
    """The check can fail: the same command on a file with an unused import."""
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    (tmp_path / "bad.py").write_text("import os\n")
    ruff = Path(sys.executable).with_name("ruff")
    result = run([str(ruff), "check", "--no-cache", "."], cwd=tmp_path, check=False)
    assert result.returncode == 1 and "F401" in result.stdout
