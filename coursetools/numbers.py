"""The numbers a page states in its prose, read the Hungarian or the English way.

Hungarian writes 3957,1 and 26 000; English writes 3957.1 and 26,000. The number audit
(coursetools/number_audit.py) uses this to check that both languages state the same
numbers and that each one is backed by a figure of the chapter.

>>> numbers("3957,1 s, 26 000 GPU-óra és 2,97 év, 1881,6-szoros", "hu")
[3957.1, 26000.0, 2.97, 1881.6]
>>> numbers("3957.1 s, 26,000 GPU-hours, 2.97 years, 1881.6x, in 2012", "en")
[3957.1, 26000.0, 2.97, 1881.6, 2012.0]
"""

from __future__ import annotations

import re
from pathlib import Path

from .prose import prose_lines

_PATTERNS = {
    # Thousands grouped by (non-breaking or thin) spaces; a decimal comma.
    "hu": re.compile(r"(?<![\w.,])\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?(?![\w])|(?<![\w.,])\d+(?:,\d+)?(?![\w,]\d)"),
    # Thousands grouped by commas; a decimal point.
    "en": re.compile(r"(?<![\w.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\w)|(?<![\w.,])\d+(?:\.\d+)?(?![\w.]\d)"),
}


def numbers(text: str, lang: str) -> list[float]:
    found = []
    for match in _PATTERNS[lang].finditer(text):
        raw = re.sub(r"[ \u00a0\u202f]", "", match.group(0))
        raw = raw.replace(",", ".") if lang == "hu" else raw.replace(",", "")
        found.append(float(raw))
    return found


def page_numbers(path: Path, lang: str) -> list[tuple[int, float]]:
    """(line, number) for every number in the prose of a page."""
    return [(line.number, value) for line in prose_lines(path) for value in numbers(line.text, lang)]
