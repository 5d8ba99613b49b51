"""The ``course-map`` directive: every chapter of the course manifest (book/chapters.yml)
with its pages, lecture slides, lab (Colab and download, per framework track) and quiz,
in the page's language. The front page of each book shows it, so it can never list a
chapter that does not exist or miss one that does.

    ```{course-map}
    ```
"""

from __future__ import annotations

import html
import re

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from coursetools.config import ROOT
from coursetools.manifest import load
from dlcourse.text import Texts

from .lab import lab_links

TEXT = Texts({
    "chapter": {"hu": "{number}. fejezet", "en": "Chapter {number}"},
    "slides": {"hu": "Előadásfóliák", "en": "Lecture slides"},
    "quiz": {"hu": "Kvíz", "en": "Quiz"},
    "planned": {"hu": "Hamarosan.", "en": "Coming soon."},
})


def page_title(lang: str, page: str) -> str:
    """The first heading of a book page (book/<lang>/<page>.md)."""
    text = (ROOT / "book" / lang / f"{page}.md").read_text(encoding="utf-8")
    found = re.search(r"^# (.+)$", text, re.M)
    return found[1].strip() if found else page


class CourseMapDirective(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        lang, up = self.config.language, "../" * self.env.docname.count("/")
        text = TEXT.of(lang)
        markup = '<ol class="course-map">'
        for chapter in load().chapters:
            markup += (f'<li class="course-map-chapter" data-chapter="{chapter.id}"><h3>'
                       f'{html.escape(TEXT("chapter", lang, number=chapter.number))}: '
                       f'{html.escape(chapter.title[lang])}</h3>')
            if chapter.planned:
                markup += f'<p class="course-map-planned">{text["planned"]}</p></li>'
                continue
            links = [f'<a href="{up}{page}.html">{html.escape(page_title(lang, page))}</a>'
                     for page in chapter.pages]
            if chapter.deck:
                links.append(f'<a class="course-map-slides" href="{up}slides/{chapter.deck}.html">{text["slides"]}</a>')
            quiz = chapter.page_with(lang, f"{{quiz}} {chapter.quiz}") if chapter.quiz else None
            if quiz:
                links.append(f'<a class="course-map-quiz" href="{up}{quiz}.html">{text["quiz"]}</a>')
            markup += f'<p class="course-map-pages">{" · ".join(links)}</p>'
            if chapter.lab:
                markup += (f'<p class="course-map-lab"><a href="{up}{chapter.lab.page}.html">'
                           f'{html.escape(page_title(lang, chapter.lab.page))}</a></p>'
                           + lab_links(chapter.lab, lang, self.env.docname))
            markup += "</li>"
        return [nodes.raw("", markup + "</ol>", format="html")]


def setup(app) -> None:  # type: ignore[no-untyped-def]
    app.add_directive("course-map", CourseMapDirective)
