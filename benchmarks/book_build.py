"""Benchmark: a clean build of both books (with slides and labs), then a rebuild with
nothing changed. Prints the seconds. Run: .venv/bin/python benchmarks/book_build.py

The clean build wipes _build/ (execution caches included) first. Goal for the rebuild
with no change: under 30 s.
"""

from __future__ import annotations

import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed_build() -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "coursetools.build"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    shutil.rmtree(ROOT / "_build", ignore_errors=True)
    clean = timed_build()
    rebuild = timed_build()
    print(f"machine: {platform.node()} {platform.machine()}, Python {platform.python_version()}")
    print(f"clean build of both books, slides and labs: {clean:.1f} s")
    print(f"rebuild with nothing changed:               {rebuild:.1f} s (goal: < 30 s)")
    print(f"rebuild / clean build:                      {rebuild / clean:.2f}")


if __name__ == "__main__":
    main()
