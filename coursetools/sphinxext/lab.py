"""The ``lab`` directive: the Colab badge and the download link of a lab's student version.

    ```{lab} lab01
    ```

A lab with framework tracks (book/chapters.yml) gets one line per track.

Both links point at the student notebook that ``coursetools.release`` generates and the
site publishes (coursetools.config.lab_site_path); the Colab URL comes from the one
``repository.url`` setting in _config.yml.
"""

from __future__ import annotations

import html

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from coursetools.config import lab_site_path, repository
from coursetools.lab_template import LINKS as TEXT
from coursetools.manifest import Lab, load, parse_assignment

TRACK_NAMES = {"keras": "Keras", "torch": "PyTorch"}

# Drawn here rather than loaded from colab.research.google.com: the book works offline.
BADGE = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="20" role="img" aria-hidden="true">'
    '<rect width="{w}" height="20" rx="3" fill="#444"/><rect x="22" width="{r}" height="20" '
    'rx="3" fill="#f9ab00"/><circle cx="11" cy="10" r="5" fill="none" stroke="#f9ab00" '
    'stroke-width="2.5"/><text x="{tx}" y="14" font-family="Verdana,sans-serif" font-size="11" '
    'fill="#000" text-anchor="middle">{label}</text></svg>'
)


def badge(label: str) -> str:
    width = 30 + 7 * len(label)
    return BADGE.format(w=width, r=width - 22, tx=22 + (width - 22) / 2, label=html.escape(label))


def lab_links(lab: Lab, lang: str, docname: str) -> str:
    """The Colab badge and the download link of each track of ``lab``, as HTML for the
    page ``docname`` (its links are relative to it)."""
    depth = docname.count("/") + 1  # from <lang>/<page>.html up to the site root
    text = TEXT.of(lang)
    markup = ""
    for assignment in lab.assignments(lang):  # one line per framework track
        site_path = lab_site_path(assignment)
        track = parse_assignment(assignment).track
        label = f'<span class="lab-track">{TRACK_NAMES[track]}:</span> ' if track else ""
        markup += (
            f'<p class="course-lab-links" data-assignment="{assignment}">{label}'
            f'<a class="colab-badge" href="{html.escape(repository().colab_url(site_path))}" '
            f'title="{text["colab"]}">{badge(text["colab"])}</a> '
            f'<a class="lab-download" href="{html.escape("../" * depth + site_path)}" download>'
            f'{text["download"]}</a></p>'
        )
    return markup


class LabDirective(SphinxDirective):
    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        lab = load().lab(self.arguments[0])
        return [nodes.raw("", lab_links(lab, self.config.language, self.env.docname), format="html")]


def setup(app) -> None:  # type: ignore[no-untyped-def]
    app.add_directive("lab", LabDirective)
