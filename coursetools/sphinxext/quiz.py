"""The ``quiz`` directive: a chapter's question bank as a static, self-checking quiz.

    ```{quiz} ch01
    ```

The page's language comes from the book's ``language`` setting, so the same source line
renders the Hungarian quiz in the Hungarian book and the English one in the English book.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from dlcourse.quiz.bank import BankError, load_bank

from ..quizpage import ASSET_DIR, ASSETS, render_bank


class quiz_node(nodes.raw):
    """Marks pages that need quiz.js and quiz.css."""


class QuizDirective(SphinxDirective):
    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        name = self.arguments[0]
        try:
            bank = load_bank(name)
        except BankError as err:
            raise self.error(str(err)) from None
        self.env.note_dependency(bank.source)
        html = render_bank(bank, self.config.language)
        return [quiz_node("", html, format="html")]


def add_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:  # type: ignore[no-untyped-def]
    if doctree is not None and any(doctree.findall(quiz_node)):
        app.add_js_file("quiz.js")
        app.add_css_file("quiz.css")


def note_maths(app: Sphinx, doctree: nodes.document) -> None:
    """Quiz texts may hold maths: make Sphinx load MathJax on pages with a quiz.

    The math domain records pages with maths just before this event fires; the quiz's
    maths is raw HTML, which it does not see.
    """
    if any(doctree.findall(quiz_node)):
        app.env.get_domain("math").data["has_equations"][app.env.docname] = True


def add_static_path(app: Sphinx) -> None:
    app.config.html_static_path.append(str(ASSET_DIR))
    missing = [a for a in ASSETS if not (ASSET_DIR / a).is_file()]
    assert not missing, f"quiz assets missing from {ASSET_DIR}: {missing}"


def setup(app: Sphinx) -> None:
    app.add_directive("quiz", QuizDirective)
    app.add_node(quiz_node, html=(lambda self, node: self.visit_raw(node), None))
    app.connect("builder-inited", add_static_path)
    app.connect("doctree-read", note_maths)
    app.connect("html-page-context", add_assets)
