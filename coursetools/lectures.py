"""Lecture decks: MyST slide notebooks in lectures/<lang>/, executed and exported to
reveal.js HTML with nbconvert's slides exporter and a template that loads every script
from the site itself (coursetools/slides_templates), so the slides work offline.

A deck is rebuilt only when its source, the template or the helper package changed.
"""

from __future__ import annotations

import hashlib
import html as html_text
import json
import re
import subprocess
from pathlib import Path
from typing import Any

from nbclient import NotebookClient
from nbconvert import SlidesExporter

from dlcourse.text import LANGS, Texts

from .config import ROOT, kernel_env, load_config
from .manifest import load
from .sources import read_notebook
from .vendor import MATHJAX_SCRIPT

LECTURES = ROOT / "lectures"
TEMPLATES = Path(__file__).parent / "slides_templates"


def decks(lang: str) -> list[Path]:
    return sorted((LECTURES / lang).glob("*.md"))


TEXT = Texts({
    "back": {"hu": "← Vissza a fejezethez", "en": "← Back to the chapter"},
    "nav": {"hu": "A diák és a könyv", "en": "The slides and the book"},
})


def deck_links(deck: str, lang: str) -> dict[str, Any]:
    """A deck's title (its chapter's) and its links, relative to <site>/<lang>/slides/:
    back to the chapter page that presents it, and to the same deck in the other language."""
    chapter = next((c for c in load().chapters if c.deck == deck), None)
    if chapter is None:
        raise ValueError(f"lectures/{lang}/{deck}.md: no chapter of book/chapters.yml has this deck")
    page = chapter.page_with(lang, f"slides/{deck}.html") or chapter.pages[0]
    other = next(lg for lg in LANGS if lg != lang)
    return {"title": chapter.title[lang], "chapter": f"../{page}.html", "back": TEXT("back", lang),
            "nav": TEXT("nav", lang), "twin": f"../../{other}/slides/{deck}.html", "twin_lang": other,
            "twin_label": load_config()["course"]["languages"][other]["label"]}


def _fingerprint(source: Path, links: dict[str, Any]) -> str:
    digest = hashlib.sha256(source.read_bytes() + json.dumps(links, sort_keys=True).encode())
    inputs = sorted(TEMPLATES.rglob("*")) + sorted((ROOT / "dlcourse").rglob("*.py"))
    for path in inputs:
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def build_deck(source: Path, target: Path, vendor_url: str, lang: str) -> bool:
    """Execute ``source`` and write its slides to ``target``; False if already current."""
    stamp = target.with_suffix(".sha256")
    links = deck_links(source.stem, lang)
    fingerprint = _fingerprint(source, links)
    if target.exists() and stamp.exists() and stamp.read_text() == fingerprint:
        return False
    nb = read_notebook(source)
    client = NotebookClient(
        nb, timeout=300, kernel_name="python3", allow_errors=False,
        resources={"metadata": {"path": str(source.parent)}},
    )
    # The kernel's stderr only carries ipykernel's start-up notice; errors come as outputs.
    client.execute(env=kernel_env(lang), stderr=subprocess.DEVNULL)
    exporter = SlidesExporter(
        template_name="course_reveal",
        extra_template_basedirs=[str(TEMPLATES)],
        reveal_url_prefix=f"{vendor_url}/reveal.js",
        mathjax_url=f"{vendor_url}/{MATHJAX_SCRIPT}",
        language_code=lang,
    )
    html, _ = exporter.from_notebook_node(nb, resources={"course": links})
    # nbconvert titles every deck "<notebook> slides", in English: the chapter's title instead.
    html = re.sub(r"<title>.*?</title>", f"<title>{html_text.escape(links['title'])}</title>", html, count=1, flags=re.S)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html, encoding="utf-8")
    stamp.write_text(fingerprint)
    return True
