"""The helper package and the course tools are typed: mypy finds no error."""

from __future__ import annotations

import sys

from .conftest import run


def test_mypy_passes() -> None:
    result = run([sys.executable, "-m", "mypy", "dlcourse", "coursetools"], check=False)
    assert result.returncode == 0, result.stdout + result.stderr
