"""The Hungarian-English glossary (book/glossary.yml): the one place terms are decided."""

from __future__ import annotations

from functools import lru_cache

import yaml

from .config import ROOT

GLOSSARY_FILE = ROOT / "book" / "glossary.yml"

# Hungarian alphabetical order: accented vowels sort with their base letter first.
_BASE = str.maketrans("áéíóöőúüű", "aeiooouuu")


def sort_key(term: str) -> tuple[str, str]:
    """Sort key that keeps Hungarian words in dictionary order.

    >>> sorted(["zaj", "öt", "alap", "ok", "ábra"], key=sort_key)
    ['ábra', 'alap', 'ok', 'öt', 'zaj']
    """
    lower = term.lower()
    return lower.translate(_BASE), lower


@lru_cache(maxsize=1)
def load_glossary() -> tuple[dict, ...]:
    """Entries with ``en``, ``hu`` and an optional ``avoid`` list of Hungarian variants."""
    data = yaml.safe_load(GLOSSARY_FILE.read_text(encoding="utf-8"))
    entries = tuple(data["terms"])
    for i, entry in enumerate(entries):
        missing = {"en", "hu"} - set(entry)
        if missing:
            raise ValueError(f"{GLOSSARY_FILE}: entry {i + 1} lacks {sorted(missing)}")
    return entries
