"""The ``conv-explorer`` directive: chapter 3's convolution explorer on a book page, with
no kernel.

    ```{conv-explorer}
    ```

The page gets a container holding the sliders and the page language's strings as JSON,
from dlcourse/cnn_explorer.py (the notebook's ``explore()`` uses the same table), and
static/conv-explorer.js, added only to pages that use the directive, draws it.
"""

from __future__ import annotations

import html
import json

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from dlcourse import cnn_explorer


class conv_explorer_node(nodes.raw):
    """Marks pages that need conv-explorer.js."""


def render(lang: str) -> str:
    """The container that conv-explorer.js fills in."""
    config = json.dumps(cnn_explorer.page_config(lang), ensure_ascii=False).replace("</", "<\\/")
    noscript = html.escape(cnn_explorer.TEXT("noscript", lang))
    return (f'<div class="conv-explorer" lang="{lang}">'
            f'<script type="application/json" class="conv-explorer-config">{config}</script>'
            f"<noscript><p>{noscript}</p></noscript></div>")


class ConvExplorerDirective(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(cnn_explorer.__file__)  # the strings live there
        return [conv_explorer_node("", render(self.config.language), format="html")]


def add_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:  # type: ignore[no-untyped-def]
    if doctree is not None and any(doctree.findall(conv_explorer_node)):
        app.add_js_file("conv-explorer.js")  # from offline.STATIC, which offline.py adds


def setup(app: Sphinx) -> None:
    app.add_directive("conv-explorer", ConvExplorerDirective)
    app.add_node(conv_explorer_node, html=(lambda self, node: self.visit_raw(node), None))
    app.connect("html-page-context", add_assets)
