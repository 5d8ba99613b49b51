"""Chapter 8's window explorer: its windows against dlcourse.sequences (the course's one
windowing function), the notebook widget (dlcourse.window_explorer.explore) in both
languages, its Hungarian, and the book directive that hands the same strings to
window-explorer.js (tests/test_window_explorer_browser.py drives that script in a browser)."""

from __future__ import annotations

import json
import random
import re
import string
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from bs4 import BeautifulSoup

from coursetools.config import ROOT
from coursetools.sphinxext.explorers import render as directive_html
from dlcourse import window_explorer
from dlcourse.sequences import n_windows, windows
from dlcourse.window_explorer import (
    SLIDERS,
    TARGET,
    TEXT,
    explore,
    page_config,
    render,
    spacing,
    steps_text,
    window_rows,
)

from .test_conv_explorer import _words, same_in_both_languages

NAMES = [name for name, *_ in SLIDERS]


def random_settings(count: int, seed: int, wide: bool = False) -> list[dict]:
    """Settings within the sliders' ranges (or, ``wide``, well beyond them), target or not."""
    rng = random.Random(seed)
    ranges = ({"n": (1, 90), "m": (1, 20), "s": (1, 12), "g": (0, 9)} if wide else
              {name: (least, most) for name, least, most, _ in SLIDERS})
    return [{**{name: rng.randint(*bounds) for name, bounds in ranges.items()},
             "target": rng.random() < 0.5} for _ in range(count)]


def expected(v: dict) -> tuple[list[list[int]], list[int] | None]:
    """The windows' 1-based steps and targets, cut from the series 1…N by dlcourse.sequences."""
    x, y = windows(np.arange(1, v["n"] + 1), v["m"], spacing(v["m"], v["s"], v["g"]), int(v["target"]))
    return x[:, :, 0].tolist(), (None if y is None else y[:, 0].tolist())


@pytest.mark.parametrize("wide", [False, True])
def test_the_rows_are_the_windows_of_dlcourse_sequences(wide: bool) -> None:
    kinds = set()
    for v in random_settings(2000, seed=8, wide=wide):
        rows = window_rows(**v)
        steps, targets = expected(v)
        assert [r[0] for r in rows] == steps, v
        assert [r[1] for r in rows] == (targets or [None] * len(rows)), v
        stride = v["m"] + v["g"] if v["g"] else v["s"]
        assert len(rows) == n_windows(v["n"], v["m"], stride, int(v["target"])), v
        kinds |= {"none" if not rows else "gap" if v["g"] else "stride"}
    assert kinds == {"none", "gap", "stride"}


def test_the_curriculum_cases() -> None:
    """Curriculum §4.3 (W2, W4, W5, T1, G1, G2) as the explorer shows them."""
    first_last = lambda rows: [(s[0], s[-1]) for s, _ in rows]  # noqa: E731
    assert first_last(window_rows(17, 4, 2)) == [(1 + 2 * k, 4 + 2 * k) for k in range(7)]
    assert first_last(window_rows(17, 5, 3))[-1] == (13, 17) and len(window_rows(17, 5, 3)) == 5
    assert first_last(window_rows(10, 3, 3)) == [(1, 3), (4, 6), (7, 9)]
    t1 = window_rows(17, 4, 1, target=True)
    assert len(t1) == 13 and t1[-1] == ([13, 14, 15, 16], 17)
    assert first_last(window_rows(17, 4, g=1)) == [(1, 4), (6, 9), (11, 14)]
    assert first_last(window_rows(17, 4, s=3, g=2)) == [(1, 4), (7, 10), (13, 16)]  # s is ignored


def test_steps_text() -> None:
    assert steps_text([]) == "" and steps_text([17]) == "17" and steps_text([16, 17]) == "16, 17"
    assert steps_text([5, 10, 15]) == "5, 10, 15" and steps_text([2, 3, 4, 8, 9, 10, 11]) == "2–4, 8–11"


def test_a_few_settings_in_both_languages() -> None:
    en, hu = render(17, 4, 2, lang="en"), render(17, 4, 2, lang="hu")
    assert ('Number of windows: b = ⌊(N − m) / s⌋ + 1 = ⌊(17 − 4) / 2⌋ + 1 = '
            '<strong class="wx-b">7</strong>') in en
    assert ('Az ablakok száma: b = ⌊(N − m) / s⌋ + 1 = ⌊(17 − 4) / 2⌋ + 1 = '
            '<strong class="wx-b">7</strong>') in hu
    assert "Unused step at the end: 17 (no window or target covers it)." in en
    assert "Kimaradó lépés a végén: 17 (sem ablak, sem célérték nem esik rá)." in hu
    assert en.count('class="wx-row"') == 7 and 'data-steps="13,14,15,16" data-target=""' in en
    assert "wx-target" not in en and "wx-gap" not in en and "wx-skipped" not in en

    t1 = render(17, 4, 1, target=True, lang="hu")
    assert "⌊(N − m − 1) / s⌋ + 1 = ⌊(17 − 4 − 1) / 1⌋ + 1 = <strong class=\"wx-b\">13</strong>" in t1
    assert 'data-steps="13,14,15,16" data-target="17"' in t1 and "wx-unused-end" not in t1
    assert "A k = 12 ablak lépései: 13–16; célértéke: 17" in t1
    assert t1.count('class="wx-target"') == 13

    g1 = render(17, 4, 2, g=1, lang="en")
    assert "⌊(N − m) / (m + g)⌋ + 1 = ⌊(17 − 4) / (4 + 1)⌋ + 1 = <strong class=\"wx-b\">3</strong>" in g1
    assert TEXT("gap_note", "en", g=1, step=5) in g1
    assert "Unused steps between the windows: 5, 10." in g1 and "Unused steps at the end: 15–17 (" in g1
    # with the target on, the gap's step is each window's target: only the end is unused
    g1t = render(17, 4, 2, g=1, target=True, lang="hu")
    assert "⌊(17 − 4 − 1) / (4 + 1)⌋ + 1 = <strong class=\"wx-b\">3</strong>" in g1t
    assert "wx-skipped" not in g1t and "Kimaradó lépések a végén: 16, 17 (" in g1t
    assert g1t.count('class="wx-step wx-target-only"') == 3  # steps 5, 10 and 15
    many = render(40, 1, 8, lang="en")  # steps 1, 9, 17, 25, 33
    assert "Unused steps between the windows: 2–8, 10–16, 18–24, 26–32." in many
    assert "Unused steps at the end: 34–40 (" in many


def test_when_no_window_fits_b_is_0_with_a_warning() -> None:
    en = render(8, 9, lang="en")
    assert 'Number of windows: b = <strong class="wx-b">0</strong>' in en
    assert TEXT("nofit", "en", m=9, n=8) in en and 'class="wx-warning"' in en and "<svg" not in en
    hu = render(8, 8, target=True, lang="hu")
    assert TEXT("nofit_target", "hu", need=9, n=8) in hu and "<svg" not in hu
    assert "wx-warning" not in render(8, 8, lang="hu")  # exactly one window fits without the target


def _controls(box):  # type: ignore[no-untyped-def]
    import ipywidgets as widgets

    sliders = {name: c for name, c in zip(NAMES, [c for c in box.children if isinstance(c, widgets.IntSlider)])}
    target = next(c for c in box.children if isinstance(c, widgets.Checkbox))
    return sliders, target


def _result(box) -> str:  # type: ignore[no-untyped-def]
    return box.children[-1].value


def _b(markup: str) -> int | None:
    found = re.search(r'<strong class="wx-b">(\d+)</strong>', markup)
    return int(found[1]) if found else None


@pytest.mark.parametrize("lang", ["hu", "en"])
def test_the_widget_follows_its_controls(lang: str) -> None:
    box = explore(lang)
    sliders, target = _controls(box)
    assert [s.description for s in sliders.values()] == [TEXT(f"label_{n}", lang) for n in NAMES]
    assert target.description == TEXT("label_target", lang) and target.value is TARGET
    settings = {name: default for name, _, _, default in SLIDERS} | {"target": TARGET}
    assert _result(box) == render(**settings, lang=lang) and _b(_result(box)) == 7
    for name, value in [("n", 30), ("m", 5), ("s", 3), ("target", True), ("g", 2), ("m", 3),
                        ("target", False), ("g", 0), ("s", 1), ("m", 12), ("n", 8)]:
        before = _result(box)
        (target if name == "target" else sliders[name]).value = value
        settings[name] = value
        after = _result(box)
        assert after != before, (name, value)
        assert after == render(**settings, lang=lang)
        assert sliders["s"].disabled == (settings["g"] > 0)
        b = n_windows(settings["n"], settings["m"], spacing(settings["m"], settings["s"], settings["g"]),
                      int(settings["target"]))
        assert _b(after) == b and after.count('class="wx-row"') == b, settings
    assert "wx-warning" in _result(box)  # m = 12 does not fit N = 8


def _shown(box) -> str:  # type: ignore[no-untyped-def]
    """Every text of the widget a reader or a screen reader meets."""
    soup = BeautifulSoup("".join(c.value for c in box.children if hasattr(c, "value")
                                 and isinstance(c.value, str)), "html.parser")
    labels = [c.description for c in box.children if getattr(c, "description", "")]
    return " ".join([soup.get_text(" "), *labels, *(el["aria-label"] for el in soup.select("[aria-label]"))])


def test_the_hungarian_widget_shows_no_english_word() -> None:
    english = _words(" ".join(TEXT.of("en").values())) - same_in_both_languages()
    assert {"window", "stride", "gap", "target", "steps", "series"} <= english
    box, kinds, seen = explore("hu"), set(), set()
    sliders, target = _controls(box)
    for v in random_settings(80, seed=9) + [{"n": 40, "m": 1, "s": 8, "g": 0, "target": False}]:
        sliders["g"].value = 0  # the stride only moves without a gap, as on the page
        for name in NAMES:
            sliders[name].value = v[name]
        target.value = v["target"]
        kinds |= {kind for kind in ("wx-warning", "wx-gap", "wx-skipped", "wx-unused-end", "wx-target",
                                    "wx-drawing") if kind in _result(box)}
        seen |= _words(_shown(box))
    assert kinds == {"wx-warning", "wx-gap", "wx-skipped", "wx-unused-end", "wx-target", "wx-drawing"}
    assert {"ablak", "lépésköz", "hézag", "célérték", "idősor", "lépések"} <= seen
    assert not seen & english, sorted(seen & english)
    assert _words(_shown(explore("en"))) & english  # and the check can fail


def test_the_hungarian_strings_follow_the_glossary_and_the_spell_checker() -> None:
    from coursetools.lint_hu import Linter, SpellChecker
    from coursetools.prose import Line

    lines = []
    for number, (key, template) in enumerate(TEXT.of("hu").items(), start=1):
        names = {field for _, field, _, _ in string.Formatter().parse(template) if field}
        text = TEXT(key, "hu", **{name: "3–5" if name == "steps" else 3 for name in names})
        lines.append(Line(Path("dlcourse/window_explorer.py"), number, text))
    linter = Linter()
    findings = [f for line in lines for f in linter.check_line(line)] + SpellChecker().check([lines])
    assert not findings, [str(f) for f in findings]


def test_the_page_gets_the_same_strings_and_sliders() -> None:
    for lang in ("hu", "en"):
        soup = BeautifulSoup(directive_html("window-explorer", lang), "html.parser")
        box = soup.select_one("div.window-explorer")
        assert box is not None and box["lang"] == lang
        config = json.loads(box.select_one("script.window-explorer-config").string)
        assert config == page_config(lang)
        assert config["text"] == TEXT.of(lang) and config["target"] is TARGET
        assert [tuple(s) for s in config["sliders"]] == list(SLIDERS)
        assert box.noscript.get_text(strip=True) == TEXT("noscript", lang)
    # a placeholder the script cannot fill (a format spec, a doubled brace) would show raw
    for template in (t for lang in ("hu", "en") for t in TEXT.of(lang).values()):
        assert all(re.fullmatch(r"\w+", field) for _, field, _, _ in string.Formatter().parse(template)
                   if field is not None), template
        assert "{{" not in template and "}}" not in template


def test_the_config_cannot_close_its_script_early(monkeypatch: pytest.MonkeyPatch) -> None:
    """A string holding ``</script>`` stays inside the JSON, and the JSON reads back the same."""
    tricky = page_config("en") | {"text": {**TEXT.of("en"), "legend": "a </script><b>x</b> & </p>"}}
    monkeypatch.setattr(window_explorer, "page_config", lambda lang: tricky)
    markup = directive_html("window-explorer", "en")
    assert markup.count("</script>") == 1 and "<\\/script>" in markup
    soup = BeautifulSoup(markup, "html.parser")
    assert json.loads(soup.select_one("script.window-explorer-config").string) == tricky


def test_the_directive_adds_its_script_only_where_it_is_used(tmp_path: Path) -> None:
    """A small Sphinx project with the course extension (not the book): no warning, the
    Hungarian strings in the page, and window-explorer.js on that page alone."""
    source = tmp_path / "src"
    source.mkdir()
    (source / "conf.py").write_text('extensions = ["myst_parser", "coursetools.sphinxext"]\n'
                                    'html_theme = "sphinx_book_theme"\nlanguage = "hu"\n')
    (source / "index.md").write_text("# Kezdőlap\n\n```{toctree}\nexplorer\n```\n")
    (source / "explorer.md").write_text("# Ablakok\n\n(sec-window-explorer)=\n## Próba\n\n"
                                        "```{window-explorer}\n```\n")
    out = tmp_path / "html"
    result = subprocess.run([sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", str(source), str(out)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    page = BeautifulSoup((out / "explorer.html").read_text(encoding="utf-8"), "html.parser")
    index = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert any("window-explorer.js" in s.get("src", "") for s in page.find_all("script"))
    assert not any("window-explorer.js" in s.get("src", "") for s in index.find_all("script"))
    assert not any("conv-explorer.js" in s.get("src", "") for s in page.find_all("script"))
    assert (out / "_static" / "window-explorer.js").is_file()
    assert page.find(id="sec-window-explorer") is not None and len(page.select(".window-explorer")) == 1
    config = json.loads(page.select_one(".window-explorer script.window-explorer-config").string)
    assert config["text"]["label_s"] == "lépésköz (s)" and config["text"] == TEXT.of("hu")


def test_the_explorer_gives_no_lab_solution_away() -> None:
    """The script is on the site and the module in the course package: neither may hold a
    line of a lab's solutions or hidden tests (the site-wide check needs the full build)."""
    from coursetools.release import assignments

    from .test_lab_grading import solution_lines

    secrets = {line for a in assignments() for line in solution_lines(ROOT / "labs" / a / f"{a}.ipynb")}
    assert len(secrets) > 20
    for path in (ROOT / "dlcourse" / "window_explorer.py", ROOT / "coursetools" / "sphinxext" / "explorers.py",
                 ROOT / "coursetools" / "sphinxext" / "static" / "window-explorer.js"):
        text = path.read_text(encoding="utf-8")
        assert not [s for s in secrets if s in text], path
