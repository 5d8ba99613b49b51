"""The book's menu buttons at every width: a work-around for pydata-sphinx-theme #2451
(sphinx-book-theme #988), described in static/sidebar-toggles.js."""

from __future__ import annotations

from sphinx.application import Sphinx


def setup(app: Sphinx) -> None:
    app.add_js_file("sidebar-toggles.js")  # from offline.STATIC, which offline.py adds
