"""Figures and printed output speak the page's language: Hungarian words and decimal
commas on the Hungarian book's figures, English ones on the English book's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from dlcourse.text_ch01 import t
from dlcourse.text_ch02 import t as t2

pytestmark = pytest.mark.slow
DECIMAL = {"hu": re.compile(r"^[−-]?\d+,\d+$"), "en": re.compile(r"^[−-]?\d+\.\d+$")}


def figure_texts(page: Path) -> list[str]:
    """Every text drawn on the page's figures: matplotlib writes each one as a comment
    before its glyphs in the SVG files the book embeds."""
    doc = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    images = [page.parent / img["src"] for img in doc.select(".cell_output img")]
    assert images and all(p.suffix == ".svg" for p in images), f"{page}: no SVG figures"
    return [text for p in images for text in re.findall(r"<!-- (.*?) -->", p.read_text(encoding="utf-8"))]


def assert_in_language(texts: list[str], lang: str, keys: list[str], where: str) -> None:
    """Chapter 2's words in ``lang`` and none in the other; the decimals written alike."""
    other = "en" if lang == "hu" else "hu"
    for key in keys:
        assert t2(key, lang) in texts, f"{where}: {t2(key, lang)!r} not on a figure"
        assert t2(key, other) not in texts, f"{where}: {t2(key, other)!r} on a figure"
    ticks = [text for text in texts if DECIMAL["hu"].match(text) or DECIMAL["en"].match(text)]
    assert ticks and all(DECIMAL[lang].match(text) for text in ticks), f"{where}: {ticks}"


@pytest.mark.parametrize("lang", ["hu", "en"])
def test_figures_and_prints_are_in_the_page_language(site: Path, lang: str) -> None:
    other = "en" if lang == "hu" else "hu"
    page = site / lang / "01_perceptron.html"
    texts = figure_texts(page)
    for key in ("decision_boundary", "derivatives", "gradient_step", "hidden_space"):
        assert t(key, lang) in texts, f"{lang}: {t(key, lang)!r} not on a figure"
        assert t(key, other) not in texts, f"{lang}: {t(key, other)!r} on a figure"
    ticks = [text for text in texts if DECIMAL["hu"].match(text) or DECIMAL["en"].match(text)]
    assert ticks and all(DECIMAL[lang].match(text) for text in ticks), f"{lang}: {ticks}"
    assert t("sigmoid_max", lang, value=0.25) in texts
    printed = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select_one("main").get_text()
    assert t("errors_per_epoch", lang, errors="").strip() in printed
    assert t("errors_per_epoch", other, errors="").strip() not in printed
    landscape = (site / lang / "01_landscape.html").read_text(encoding="utf-8")
    assert t("gpu_years", lang, hours=26000, per_year=8760, years=26000 / 8760) in landscape.replace("&nbsp;", "\u00a0")


@pytest.mark.parametrize("lang", ["hu", "en"])
def test_chapter_2_figures_are_in_the_page_language(site: Path, lang: str) -> None:
    mnist = figure_texts(site / lang / "02_dense_mnist.html")
    assert_in_language(mnist, lang, ["marked_part", "vector_index"], f"{lang}/02_dense_mnist")
    assert t2("drawn_digit", lang, side=28) in mnist
    assert t2("flattened_image", lang, values=784, per_row=28) in mnist
    heads = figure_texts(site / lang / "02_output_heads.html")
    assert_in_language(heads, lang, ["loss_target_1", "true_class_probability", "loss_derivative",
                                     "the_logit", "cross_entropy", "squared_error"], f"{lang}/02_output_heads")
    # The deck's figures are PNG (their text cannot be read back); its code uses the same t().
