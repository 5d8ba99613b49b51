"""Lecture decks: MyST slide notebooks in lectures/<lang>/, executed and exported to
reveal.js HTML with nbconvert's slides exporter and a template that loads every script
from the site itself (coursetools/slides_templates), so the slides work offline.

A deck is rebuilt only when its source, the template or the helper package changed.
"""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

from nbclient import NotebookClient
from nbconvert import SlidesExporter

from .config import ROOT, kernel_env
from .sources import read_notebook
from .vendor import MATHJAX_SCRIPT

LECTURES = ROOT / "lectures"
TEMPLATES = Path(__file__).parent / "slides_templates"


def decks(lang: str) -> list[Path]:
    return sorted((LECTURES / lang).glob("*.md"))


def _fingerprint(source: Path) -> str:
    digest = hashlib.sha256(source.read_bytes())
    inputs = sorted(TEMPLATES.rglob("*")) + sorted((ROOT / "dlcourse").rglob("*.py"))
    for path in inputs:
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def build_deck(source: Path, target: Path, vendor_url: str, lang: str) -> bool:
    """Execute ``source`` and write its slides to ``target``; False if already current."""
    stamp = target.with_suffix(".sha256")
    fingerprint = _fingerprint(source)
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
    html, _ = exporter.from_notebook_node(nb)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html, encoding="utf-8")
    stamp.write_text(fingerprint)
    return True
