"""What happened while grading a notebook, kept in its metadata for the report.

The grading preprocessors run inside nbgrader, which hands on only the notebook; so they
note events in ``metadata.dlcourse_grading`` and the worker reads them from the
autograded notebook.
"""

from __future__ import annotations

from typing import Any

KEY = "dlcourse_grading"


def add_event(nb: Any, event: str) -> None:
    nb.metadata.setdefault(KEY, {}).setdefault("events", []).append(event)


def flag(nb: Any) -> None:
    """Ask for a person to look at this submission."""
    nb.metadata.setdefault(KEY, {})["review"] = True


def recorded(nb: dict[str, Any]) -> tuple[list[str], bool]:
    """(events, review) recorded in a notebook read as plain JSON."""
    meta = nb.get("metadata", {}).get(KEY, {})
    return [str(e) for e in meta.get("events", [])], bool(meta.get("review"))
