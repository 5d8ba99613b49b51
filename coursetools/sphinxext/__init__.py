"""Sphinx extension of the course book: quizzes, lab links, the glossary table, the
language switch and the Hungarian interface strings of the theme.

Enabled in _config.yml (``sphinx.extra_extensions``); each part is one small module.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

from . import glossary, hu_locale, lab, langswitch, offline, quiz


def setup(app: Sphinx) -> dict[str, Any]:
    for part in (quiz, lab, glossary, langswitch, hu_locale, offline):
        part.setup(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
