"""Keep the book self-contained: nothing on a page is fetched from another site.

Jupyter Book 1 always enables sphinx-thebe, whose inline configuration loads thebe from
unpkg.com when used, and is added twice on incremental builds (a "THEBE_JS_URL has
already been declared" error in the browser). The book has no live-code button (labs
open in Colab instead), so its scripts are dropped. MathJax is served from the book's
own _static folder (coursetools/build.py sets mathjax_path).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

STATIC = Path(__file__).parent / "static"


def drop_thebe(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    scripts = context.get("script_files")
    if scripts is None:
        return
    kept = []
    for script in scripts:
        body = getattr(script, "attributes", {}).get("body", "")
        if "thebe" in str(script) or "THEBE" in body:
            continue
        kept.append(script)
    context["script_files"] = kept


def configure(app: Sphinx, config: Config) -> None:
    config.html_static_path.append(str(STATIC))
    # pydata-sphinx-theme logs a console error when no default colour mode is set.
    config.html_context.setdefault("default_mode", "auto")
    config.html_favicon = config.html_favicon or str(STATIC / "favicon.svg")  # copied to _static


def setup(app: Sphinx) -> None:
    app.connect("config-inited", configure)
    app.connect("html-page-context", drop_thebe)
    app.add_css_file("course.css")
