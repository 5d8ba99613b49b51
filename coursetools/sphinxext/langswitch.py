"""The language switch: every page links to the same page of the other language's book.

The two books are published side by side as <site>/hu/ and <site>/en/ with the same
page names, so the twin of hu/<page>.html is en/<page>.html. The link sits in the
article header (template templates/lang-switch.html), on every page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

from coursetools.config import OTHER, load_config
from dlcourse.text import Texts

TEMPLATES = Path(__file__).parent / "templates"
TEXT = Texts({"switch_title": {"hu": "Ez az oldal angolul", "en": "This page in Hungarian"}})


def twin_href(pagename: str, lang: str) -> str:
    """The relative link from ``pagename`` in the ``lang`` book to its twin.

    >>> twin_href("intro", "hu"), twin_href("labs/lab01", "en")
    ('../en/intro.html', '../../hu/labs/lab01.html')
    """
    other = OTHER[lang]
    return "../" * (pagename.count("/") + 1) + f"{other}/{pagename}.html"


def add_template(app: Sphinx, config: Config) -> None:
    config.templates_path.append(str(TEMPLATES))
    options = config.html_theme_options
    end = list(options.get("article_header_end", ["article-header-buttons.html"]))
    options["article_header_end"] = ["lang-switch.html", *end]


def add_context(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    lang = app.config.language
    other = OTHER[lang]
    context["course_twin"] = {
        "href": twin_href(pagename, lang),
        "lang": other,
        "label": load_config()["course"]["languages"][other]["label"],
        "title": TEXT("switch_title", lang),
    }


def setup(app: Sphinx) -> None:
    app.connect("config-inited", add_template)
    app.connect("html-page-context", add_context)
