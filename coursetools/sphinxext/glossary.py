"""The ``glossary-table`` directive: book/glossary.yml as a two-column table.

The Hungarian book lists Hungarian terms first, sorted the Hungarian way; the English
book the reverse. The same file drives the Hungarian lint (coursetools/lint_hu.py).
"""

from __future__ import annotations

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from coursetools.config import OTHER
from coursetools.glossary import GLOSSARY_FILE, load_glossary, sort_key
from dlcourse.text import Texts

HEADERS = Texts({
    "this_language": {"hu": "Magyar", "en": "English"},
    "other_language": {"hu": "Angol", "en": "Hungarian"},
})


def _row(cells: list[str]) -> nodes.row:
    row = nodes.row()
    for text in cells:
        row += nodes.entry("", nodes.paragraph(text=text))
    return row


class GlossaryTableDirective(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        lang = self.config.language
        other = OTHER[lang]
        self.env.note_dependency(str(GLOSSARY_FILE))
        terms = sorted(load_glossary(), key=lambda t: sort_key(t[lang]))
        group = nodes.tgroup(cols=2)
        group += [nodes.colspec(colwidth=1), nodes.colspec(colwidth=1)]
        head = nodes.thead()
        head += _row([HEADERS("this_language", lang), HEADERS("other_language", lang)])
        body = nodes.tbody()
        for term in terms:
            body += _row([term[lang], term[other]])
        group += [head, body]
        table = nodes.table(classes=["course-glossary"])
        table += group
        return [table]


def setup(app) -> None:  # type: ignore[no-untyped-def]
    app.add_directive("glossary-table", GlossaryTableDirective)
