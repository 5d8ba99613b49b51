"""Reading handed-in notebooks, and what a notebook says about itself (lab, language)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from dlcourse.text import LANGS

Notebook = dict[str, Any]
HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
_LANG_LINE = re.compile(r"""^\s*COURSE_LANG\s*=\s*["'](hu|en)["']""", re.MULTILINE)


class NotANotebook(Exception):
    """A handed-in file that cannot be graded; the message says why, for the report."""


def read_notebook(path: Path) -> Notebook:
    """The notebook in ``path``, or NotANotebook saying why it is not one."""
    return parse_notebook(path.read_bytes())


def parse_notebook(data: bytes) -> Notebook:
    """The notebook in a file's bytes, or NotANotebook saying why it is not one."""
    if not data.strip():
        raise NotANotebook("empty file")
    try:
        nb = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise NotANotebook("not a notebook: not UTF-8 text (a binary file?)") from None
    except json.JSONDecodeError as err:
        raise NotANotebook(f"not a notebook: invalid JSON ({err})") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise NotANotebook("not a notebook: JSON without a list of cells")
    if nb.get("nbformat") != 4:
        raise NotANotebook(f"not a notebook in format 4 (nbformat={nb.get('nbformat')!r})")
    for cell in nb["cells"]:
        if not isinstance(cell, dict) or cell.get("cell_type") not in ("code", "markdown", "raw"):
            raise NotANotebook("not a notebook: a cell without a valid cell_type")
    return nb


def source_of(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def nbgrader_meta(cell: dict[str, Any]) -> dict[str, Any]:
    meta = cell.get("metadata", {}).get("nbgrader")
    return meta if isinstance(meta, dict) else {}


def course_meta(nb: Notebook) -> dict[str, Any]:
    meta = nb.get("metadata", {}).get("dlcourse")
    return meta if isinstance(meta, dict) else {}


def notebook_language(nb: Notebook) -> str | None:
    """The notebook's language: its metadata, else its ``COURSE_LANG = "hu"`` cell.

    >>> notebook_language({"metadata": {"dlcourse": {"lang": "hu"}}, "cells": []})
    'hu'
    >>> notebook_language({"cells": [{"cell_type": "code", "source": 'COURSE_LANG = "en"'}]})
    'en'
    >>> notebook_language({"cells": []}) is None
    True
    """
    lang = course_meta(nb).get("lang")
    if lang in LANGS:
        return str(lang)
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            match = _LANG_LINE.search(source_of(cell))
            if match:
                return match.group(1)
    return None


def split_hidden(test_source: str) -> list[tuple[str, bool]]:
    """A test cell's source in runs of (text, hidden?); a hidden run is what lies between
    ``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS`` (markers left out). The one
    reader of the markers: the release, the self-check data and the feedback use it.

    >>> split_hidden("assert a\\n### BEGIN HIDDEN TESTS\\nassert b\\n### END HIDDEN TESTS\\n")
    [('assert a\\n', False), ('assert b\\n', True)]
    """
    runs: list[tuple[str, bool]] = []
    hidden, text = False, ""
    for line in test_source.splitlines(keepends=True):
        marker = line.strip()
        if marker not in (HIDDEN_BEGIN, HIDDEN_END):
            text += line
        elif (marker == HIDDEN_BEGIN) != hidden:  # a marker that opens or closes a run
            if text or hidden:
                runs.append((text, hidden))
            hidden, text = marker == HIDDEN_BEGIN, ""
    if text or hidden:
        runs.append((text, hidden))
    return runs


def visible_part(test_source: str) -> str:
    """A test cell without its hidden tests, as students get it.

    >>> visible_part("assert a\\n### BEGIN HIDDEN TESTS\\nassert b\\n### END HIDDEN TESTS\\n")
    'assert a\\n'
    """
    return "".join(text for text, hidden in split_hidden(test_source) if not hidden)


def normalized(source: str) -> str:
    """Source with line-end whitespace and blank edges ignored, for comparing cells."""
    return "\n".join(line.rstrip() for line in source.strip().splitlines())


def fingerprints(nb: Notebook) -> set[str]:
    """What identifies a lab's notebook whatever its metadata: its markdown cells and the
    visible part of its test cells, normalized."""
    found = set()
    for cell in nb.get("cells", []):
        text = source_of(cell)
        if cell.get("cell_type") == "code":
            text = visible_part(text)
        text = normalized(text)
        if len(text) > 20 and (cell.get("cell_type") == "markdown" or "assert" in text):
            found.add(text)
    return found
