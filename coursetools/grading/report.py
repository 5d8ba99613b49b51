"""The CSV reports of intake and autograding: one row per handed-in file or submission,
saying what happened to it, so that nothing is lost without a trace."""

from __future__ import annotations

import csv
import os
from datetime import datetime
from pathlib import Path
from typing import Any


def write_report(folder: Path, name: str, rows: list[dict[str, Any]], columns: list[str]) -> Path:
    """Write ``rows`` to folder/<name>-<date-time>.csv (never over an earlier report)."""
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)  # it names students: not for other users
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = folder / f"{name}-{stamp}.csv"
    counter = 1
    while path.exists():
        counter += 1
        path = folder / f"{name}-{stamp}-{counter}.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({key: _cell(row.get(key, "")) for key in columns})
    return path


def _cell(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def read_report(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))
