"""Sphinx extension of the course book: quizzes, lab links, the convolution explorer, the
glossary table, the language switch and the Hungarian interface strings of the theme.

Enabled in _config.yml (``sphinx.extra_extensions``); each part is one small module.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

from . import (
    course_map,
    explorers,
    glossary,
    hu_locale,
    hu_search,
    lab,
    langswitch,
    offline,
    quiz,
    sidebar_toggles,
)

# The quiz page's assets and this whole extension (its code, scripts, styles, templates
# and catalogs): a change to any of them changes what every page looks like.
ASSETS = [quiz.ASSET_DIR, Path(__file__).parent]


def assets_fingerprint(folders: list[Path] = ASSETS) -> str:
    """A hash of the extension's code, scripts, styles, templates and catalogs."""
    digest = hashlib.sha256()
    for path in sorted(p for folder in folders for p in folder.rglob("*")
                       if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def set_fingerprint(app: Sphinx, config: Config) -> None:
    config.course_assets = assets_fingerprint()


def setup(app: Sphinx) -> dict[str, Any]:
    # The explorers before offline: its html-page-context handler replaces the page's
    # script list, so a script added to a page after it would be lost.
    for part in (quiz, lab, course_map, explorers, glossary, langswitch, hu_locale, hu_search, offline,
                 sidebar_toggles):
        part.setup(app)
    # Sphinx rebuilds every page when a config value changes; without this, an edited
    # quiz.js or catalog would not reach a book whose pages did not change.
    app.add_config_value("course_assets", "", "html")
    app.connect("config-inited", set_fingerprint)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
