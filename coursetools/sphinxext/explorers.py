"""The explorer directives: an interactive figure on a book page, with no kernel.

    ```{conv-explorer}
    ```

    ```{window-explorer}
    ```

``conv-explorer`` is chapter 3's convolution explorer (dlcourse/cnn_explorer.py),
``window-explorer`` chapter 8's window explorer (dlcourse/window_explorer.py). The page gets
a container holding the sliders and the page language's strings as JSON, from the
explorer's module (the notebook's ``explore()`` uses the same table), and
static/<directive>.js, added only to pages that use the directive, draws it.
"""

from __future__ import annotations

import html
import json
from types import ModuleType

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from dlcourse import cnn_explorer, window_explorer

EXPLORERS: dict[str, ModuleType] = {"conv-explorer": cnn_explorer, "window-explorer": window_explorer}


class explorer_node(nodes.raw):
    """Marks a page that needs an explorer's script; ``node["explorer"]`` names it."""


def render(name: str, lang: str) -> str:
    """The container that static/<name>.js fills in."""
    module = EXPLORERS[name]
    config = json.dumps(module.page_config(lang), ensure_ascii=False).replace("</", "<\\/")
    noscript = html.escape(module.TEXT("noscript", lang))
    return (f'<div class="{name}" lang="{lang}">'
            f'<script type="application/json" class="{name}-config">{config}</script>'
            f"<noscript><p>{noscript}</p></noscript></div>")


class ExplorerDirective(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(str(EXPLORERS[self.name].__file__))  # the strings live there
        node = explorer_node("", render(self.name, self.config.language), format="html")
        node["explorer"] = self.name
        return [node]


def add_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:  # type: ignore[no-untyped-def]
    if doctree is not None:
        for name in sorted({node["explorer"] for node in doctree.findall(explorer_node)}):
            app.add_js_file(f"{name}.js")  # from offline.STATIC, which offline.py adds


def setup(app: Sphinx) -> None:
    for name in EXPLORERS:
        app.add_directive(name, ExplorerDirective)
    app.add_node(explorer_node, html=(lambda self, node: self.visit_raw(node), None))
    app.connect("html-page-context", add_assets)
