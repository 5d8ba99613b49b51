"""Chapter 3's convolution explorer: the kernel's footprints against conv_out, the
notebook widget (dlcourse.cnn_explorer.explore), its Hungarian, and the book directive
that hands the same strings to conv-explorer.js (tests/test_conv_explorer_browser.py
drives that script in a browser)."""

from __future__ import annotations

import json
import random
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from coursetools.config import ROOT
from coursetools.sphinxext.explorers import render as directive_html
from dlcourse.cnn import conv_out, effective_kernel
from dlcourse.cnn_explorer import MAX_ROWS, SLIDERS, TEXT, explore, footprints, page_config, render


def random_settings(count: int, seed: int, wide: bool = False) -> list[dict[str, int]]:
    """Settings within the sliders' ranges (or, ``wide``, well beyond them)."""
    rng = random.Random(seed)
    ranges = ({"n": (1, 80), "k": (1, 11), "s": (1, 7), "p": (0, 8), "d": (1, 6)} if wide else
              {name: (least, most) for name, least, most, _ in SLIDERS})
    return [{name: rng.randint(*bounds) for name, bounds in ranges.items()} for _ in range(count)]


@pytest.mark.parametrize("wide", [False, True])
def test_footprints_agree_with_conv_out(wide: bool) -> None:
    valid = invalid = 0
    for v in random_settings(3000, seed=3, wide=wide):
        rows = footprints(**v)
        n, k, s, p, d = v["n"], v["k"], v["s"], v["p"], v["d"]
        if effective_kernel(k, d) > n + 2 * p:
            invalid += 1
            assert rows == [], v
            with pytest.raises(ValueError):
                conv_out(**v)
            continue
        valid += 1
        assert len(rows) == conv_out(**v), v
        for i, taps in enumerate(rows):
            assert taps == [i * s - p + j * d for j in range(k)], (v, i)
            assert -p <= taps[0] and taps[-1] <= n + p - 1, (v, i)
        # no further output would fit in the padded input
        assert rows[-1][0] + s + d * (k - 1) > n + p - 1, v
    assert valid > 1000 and invalid > 100  # both kinds really were tried


def _slider(box, name: str):  # type: ignore[no-untyped-def]
    import ipywidgets as widgets

    sliders = [c for c in box.children if isinstance(c, widgets.IntSlider)]
    assert [s.description for s in sliders] == [TEXT(f"label_{n}", "en") for n, *_ in SLIDERS]
    return sliders[[n for n, *_ in SLIDERS].index(name)]


def _result(box) -> str:  # type: ignore[no-untyped-def]
    return box.children[-1].value


def _out(markup: str) -> int | None:
    found = re.search(r'<strong class="cx-out">(\d+)</strong>', markup)
    return int(found[1]) if found else None


def test_the_widget_follows_its_sliders() -> None:
    box = explore("en")
    defaults = {name: default for name, _, _, default in SLIDERS}
    assert _result(box) == render(**defaults, lang="en")
    assert _out(_result(box)) == conv_out(**defaults)
    settings = dict(defaults)
    for name, value in [("n", 28), ("k", 5), ("s", 1), ("p", 2), ("d", 2), ("s", 3), ("n", 32)]:
        before = _result(box)
        _slider(box, name).value = value
        settings[name] = value
        after = _result(box)
        assert after != before, (name, value)
        assert _out(after) == conv_out(**settings), settings
        assert after.count('class="cx-row"') == min(conv_out(**settings), MAX_ROWS)
        formula = TEXT("formula", "en", n=settings["n"], pad=2 * settings["p"],
                       reach=effective_kernel(settings["k"], settings["d"]) - 1, s=settings["s"])
        assert formula in after
    assert ("Output size = ⌊(n + 2p − d(k − 1) − 1) / s⌋ + 1 = ⌊(7 + 2 − 2 − 1) / 2⌋ + 1 = "
            '<strong class="cx-out">4</strong>') in render(7, 3, 2, 1, 1, "en")


def test_an_invalid_setting_shows_a_warning_and_no_drawing() -> None:
    box = explore("en")
    _slider(box, "n").value = 5
    _slider(box, "p").value = 0
    _slider(box, "d").value = 3  # kernel 3 at dilation 3 spans 7 > 5
    shown = _result(box)
    assert TEXT("invalid", "en", span=7, padded=5) in shown and 'class="cx-warning"' in shown
    assert "<svg" not in shown and "cx-row" not in shown and _out(shown) is None
    _slider(box, "p").value = 1  # 5 + 2 = 7: it fits again, once
    assert "cx-warning" not in _result(box) and _out(_result(box)) == 1


def test_notes_for_skipped_inputs_and_for_outputs_not_drawn() -> None:
    assert "cx-skipped" not in render(7, 3, 1, 0, 1, "en")
    assert TEXT("skipped", "en", cells="1, 2, 4, 5, 7, 8") in render(9, 2, 3, 0, 3, "en")
    assert TEXT("skipped_one", "en", cells="7") in render(8, 3, 2, 0, 1, "en")  # windows 0-2, 2-4, 4-6
    many = render(32, 1, 1, 4, 1, "en")
    assert many.count('class="cx-row"') == MAX_ROWS and TEXT("capped", "en", shown=MAX_ROWS, out=40) in many


def _words(text: str) -> set[str]:
    """Words of two letters or more (single letters are the formula's n, k, s, p, d)."""
    return {w.lower() for w in re.findall(r"[^\W\d_]{2,}", text)}


def _shown(box) -> str:  # type: ignore[no-untyped-def]
    """Every text of the widget a reader or a screen reader meets."""
    soup = BeautifulSoup("".join(c.value for c in box.children if hasattr(c, "value")
                                 and isinstance(c.value, str)), "html.parser")
    labels = [c.description for c in box.children if getattr(c, "description", "")]
    return " ".join([soup.get_text(" "), *labels, *(el["aria-label"] for el in soup.select("[aria-label]"))])


def same_in_both_languages() -> set[str]:
    """Glossary terms that Hungarian spells as English does (kernel)."""
    terms = yaml.safe_load((ROOT / "book" / "glossary.yml").read_text(encoding="utf-8"))["terms"]
    return {t["en"].lower() for t in terms if t["en"].lower() == t["hu"].lower()}


def test_the_hungarian_widget_shows_no_english_word() -> None:
    import ipywidgets as widgets

    english = _words(" ".join(TEXT.of("en").values())) - same_in_both_languages()
    assert {"input", "stride", "padding", "dilation", "output", "size"} <= english
    box, kinds, seen = explore("hu"), set(), set()
    sliders = {name: c for (name, *_), c in
               zip(SLIDERS, [c for c in box.children if isinstance(c, widgets.IntSlider)])}
    assert [s.description for s in sliders.values()] == [TEXT(f"label_{n}", "hu") for n in sliders]
    for v in random_settings(60, seed=7) + [{"n": 32, "k": 1, "s": 1, "p": 4, "d": 1}]:
        for name, value in v.items():
            sliders[name].value = value
        kinds |= {kind for kind in ("cx-warning", "cx-capped", "cx-skipped", "cx-drawing")
                  if kind in _result(box)}
        seen |= _words(_shown(box))
    assert kinds == {"cx-warning", "cx-capped", "cx-skipped", "cx-drawing"}  # every message shown
    assert {"lépésköz", "kitöltés", "dilatáció", "kernel", "bemenet", "kimenet"} <= seen
    assert not seen & english, sorted(seen & english)
    # and the check can fail: the English widget is full of them
    assert _words(_shown(explore("en"))) & english


def test_the_hungarian_strings_follow_the_glossary_and_the_spell_checker() -> None:
    from coursetools.lint_hu import Linter, SpellChecker
    from coursetools.prose import Line

    lines = []
    for number, (key, template) in enumerate(TEXT.of("hu").items(), start=1):
        names = {field for _, field, _, _ in string.Formatter().parse(template) if field}
        text = TEXT(key, "hu", **{name: "3" if name == "cells" else 3 for name in names})
        text = re.sub(r"\b\d[a-z]\b", " ", text)  # maths: the 2p of the formula
        lines.append(Line(Path("dlcourse/cnn_explorer.py"), number, text))
    linter = Linter()
    findings = [f for line in lines for f in linter.check_line(line)] + SpellChecker().check([lines])
    assert not findings, [str(f) for f in findings]


def test_the_page_gets_the_same_strings_and_sliders() -> None:
    for lang in ("hu", "en"):
        soup = BeautifulSoup(directive_html("conv-explorer", lang), "html.parser")
        box = soup.select_one("div.conv-explorer")
        assert box is not None and box["lang"] == lang
        config = json.loads(box.select_one("script.conv-explorer-config").string)
        assert config == page_config(lang)
        assert config["text"] == TEXT.of(lang) and config["maxRows"] == MAX_ROWS
        assert [tuple(s) for s in config["sliders"]] == list(SLIDERS)
        assert box.noscript.get_text(strip=True) == TEXT("noscript", lang)
    # a placeholder the script cannot fill (a format spec, a doubled brace) would show raw
    for template in (t for lang in ("hu", "en") for t in TEXT.of(lang).values()):
        assert all(re.fullmatch(r"\w+", field) for _, field, _, _ in string.Formatter().parse(template)
                   if field is not None), template
        assert "{{" not in template and "}}" not in template


def test_the_directive_adds_its_script_only_where_it_is_used(tmp_path: Path) -> None:
    """A small Sphinx project with the course extension: no warning, the Hungarian
    strings in the page, and conv-explorer.js on that page alone."""
    source = tmp_path / "src"
    source.mkdir()
    (source / "conf.py").write_text('extensions = ["myst_parser", "coursetools.sphinxext"]\n'
                                    'html_theme = "sphinx_book_theme"\nlanguage = "hu"\n')
    (source / "index.md").write_text("# Kezdőlap\n\n```{toctree}\nexplorer\n```\n")
    (source / "explorer.md").write_text("# Kimenet\n\n```{conv-explorer}\n```\n")
    out = tmp_path / "html"
    result = subprocess.run([sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", str(source), str(out)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    page = BeautifulSoup((out / "explorer.html").read_text(encoding="utf-8"), "html.parser")
    index = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    scripts = [s.get("src", "") for s in page.find_all("script")]
    assert any("conv-explorer.js" in s for s in scripts)
    assert not any("conv-explorer.js" in s.get("src", "") for s in index.find_all("script"))
    assert (out / "_static" / "conv-explorer.js").is_file()
    config = json.loads(page.select_one(".conv-explorer script.conv-explorer-config").string)
    assert config["text"]["label_s"] == "lépésköz (s)"


def test_the_explorer_gives_no_lab_solution_away() -> None:
    """The script is on the site and the module in the course package: neither may hold a
    line of a lab's solutions or hidden tests (the site-wide check needs the full build)."""
    from coursetools.release import assignments

    from .test_lab_grading import solution_lines

    secrets = {line for a in assignments() for line in solution_lines(ROOT / "labs" / a / f"{a}.ipynb")}
    assert len(secrets) > 20
    for path in (ROOT / "dlcourse" / "cnn_explorer.py", ROOT / "coursetools" / "sphinxext" / "explorers.py",
                 ROOT / "coursetools" / "sphinxext" / "static" / "conv-explorer.js"):
        text = path.read_text(encoding="utf-8")
        assert not [s for s in secrets if s in text], path
