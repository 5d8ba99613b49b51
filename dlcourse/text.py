"""Every string the course shows, in both languages: the one lookup for bilingual text.

A table (:class:`Texts`) maps a message id to its Hungarian and English template; calling
it gives the string of one language, with ``{placeholders}`` filled in. Numbers in the
placeholders are written as the language writes them: a decimal comma and a
non-breaking space between thousands in Hungarian.

>>> t = Texts({"sse": {"hu": "végső SSE: {sse:.3f}", "en": "final SSE: {sse:.3f}"}})
>>> t("sse", "hu", sse=0.25), t("sse", "en", sse=0.25)
('végső SSE: 0,250', 'final SSE: 0.250')
>>> number(26000.5, ",.1f", "hu"), number(26000.5, ",.1f", "en")
('26\\xa0000,5', '26,000.5')

**Which language.** Code cells are the same on a page and on its twin, so the language
comes from outside them, through one name, ``COURSE_LANG`` (:func:`page_lang`):

- a lab: its ``lang``-tagged cell, ``COURSE_LANG = "hu"``, a global of the notebook
  (also in Colab, and when nbgrader grades it);
- a book page or a lecture deck: the environment variable ``COURSE_LANG``, which the
  build sets for the kernel of each language (coursetools/config.py, ``kernel_env``);
- anywhere else (a plain Python prompt): English.

Figures: :func:`show` (instead of ``plt.show()``) also writes the tick labels of a
Hungarian figure with a decimal comma. This module imports nothing heavy; matplotlib only
when a figure is shown.
"""

from __future__ import annotations

import numbers
import os
import string
import sys
from typing import Any

LANGS = ("hu", "en")
DEFAULT_LANG = "en"


def page_lang(lang: str | None = None) -> str:
    """``lang`` if given, else the page's ``COURSE_LANG`` (the notebook's global, then the
    environment), else English.

    >>> page_lang("hu")
    'hu'
    >>> page_lang("de")
    Traceback (most recent call last):
    ...
    ValueError: the language must be 'hu' or 'en', not 'de'
    """
    if lang is None:
        main = sys.modules.get("__main__")  # in Jupyter and Colab: the notebook's globals
        lang = getattr(main, "COURSE_LANG", None) or os.environ.get("COURSE_LANG") or DEFAULT_LANG
    if lang not in LANGS:
        raise ValueError(f"the language must be {' or '.join(map(repr, LANGS))}, not {lang!r}")
    return lang


_HU_NUMBER = str.maketrans({".": ",", ",": "\u00a0"})


def localize_number(text: str, lang: str) -> str:
    """A number written in English (``1,234.5``) as ``lang`` writes it.

    >>> localize_number("-1,234.5", "hu"), localize_number("$0.5$", "hu")
    ('-1\\xa0234,5', '$0{,}5$')
    """
    if lang != "hu":
        return text
    if text.startswith("$"):  # mathtext: a bare comma would get a space after it
        return text.replace(".", "{,}")
    return text.translate(_HU_NUMBER)


def number(value: float, spec: str = "", lang: str | None = None) -> str:
    """``format(value, spec)`` as the page's language writes numbers.

    >>> number(0.25, ".2f", "hu"), number(1881.6, "g", "en")
    ('0,25', '1881.6')
    """
    return localize_number(format(value, spec), page_lang(lang))


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


class _Formatter(string.Formatter):
    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        text = super().format_field(value, format_spec)
        return localize_number(text, self.lang) if _is_number(value) else text


class Texts(dict[str, dict[str, str]]):
    """A table of strings: message id -> {language: template}. Call it for one string.

    Every id needs every language (checked when the table is made):

    >>> Texts({"hello": {"hu": "Szia"}})
    Traceback (most recent call last):
    ...
    ValueError: text 'hello' lacks the language(s) en
    """

    def __init__(self, table: dict[str, dict[str, str]]) -> None:
        super().__init__(table)
        for key, by_lang in table.items():
            missing = [lang for lang in LANGS if lang not in by_lang]
            if missing or set(by_lang) - set(LANGS):
                raise ValueError(f"text {key!r} lacks the language(s) {', '.join(missing)}"
                                 if missing else f"text {key!r} has unknown languages")

    def __call__(self, key: str, lang: str | None = None, /, **values: Any) -> str:
        """The string ``key`` in ``lang`` (default: the page's language), filled in."""
        lang = page_lang(lang)
        return _Formatter(lang).vformat(self[key][lang], (), values)

    def of(self, lang: str | None = None) -> dict[str, str]:
        """Every template of one language, unfilled (for page templates and scripts)."""
        lang = page_lang(lang)
        return {key: by_lang[lang] for key, by_lang in self.items()}


def localize_figure(fig: Any = None, lang: str | None = None) -> Any:
    """Give a figure's tick labels the language's decimal mark (nothing to do in English).

    Each axis keeps its own formatter (matplotlib still chooses how many digits);
    its labels are only rewritten, so this works with no system locale installed."""
    import matplotlib.pyplot as plt

    fig = plt.gcf() if fig is None else fig
    if page_lang(lang) == "en":
        return fig
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for get, put in ((axis.get_major_formatter, axis.set_major_formatter),
                             (axis.get_minor_formatter, axis.set_minor_formatter)):
                inner = get()
                if not isinstance(inner, _decimal_comma_class()):
                    put(_decimal_comma_class()(inner, page_lang(lang)))
    return fig


def show(fig: Any = None, lang: str | None = None) -> None:
    """``plt.show()``, with the figure's numbers written as the page's language writes them."""
    import matplotlib.pyplot as plt

    localize_figure(fig, lang)
    plt.show()


_FORMATTER_CLASS: list[type] = []


def _decimal_comma_class() -> type:
    """A matplotlib Formatter that rewrites another one's labels (made on first use, so
    that importing this module does not import matplotlib)."""
    if _FORMATTER_CLASS:
        return _FORMATTER_CLASS[0]
    from matplotlib.ticker import Formatter

    class LocalizedFormatter(Formatter):  # type: ignore[misc]
        def __init__(self, inner: Formatter, lang: str) -> None:
            self.inner, self.lang = inner, lang

        def set_axis(self, axis: Any) -> None:
            super().set_axis(axis)
            self.inner.set_axis(axis)

        def set_locs(self, locs: Any) -> None:
            super().set_locs(locs)
            self.inner.set_locs(locs)

        def __call__(self, x: float, pos: int | None = None) -> str:
            return localize_number(self.inner(x, pos), self.lang)

        def format_ticks(self, values: Any) -> list[str]:
            return [localize_number(label, self.lang) for label in self.inner.format_ticks(values)]

        def get_offset(self) -> str:
            return localize_number(self.inner.get_offset(), self.lang)

        def format_data_short(self, value: float) -> str:
            return localize_number(self.inner.format_data_short(value), self.lang)

    _FORMATTER_CLASS.append(LocalizedFormatter)
    return LocalizedFormatter
