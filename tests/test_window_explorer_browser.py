"""Chapter 8's window explorer in a real browser (Debian's Chromium via Playwright, as
tests/test_browser.py): window-explorer.js, with no kernel, must say and draw what Python
says and draws (dlcourse.window_explorer), and its windows must be those of the course's
one windowing function (dlcourse.sequences.windows).

The conv explorer's browser test opens the built book; this one needs no book build. It
opens a small standalone page per language, served from a folder on 127.0.0.1: the
directive's own HTML (coursetools.sphinxext.explorers.render) and the script, as
a book page carries them (the way tests/test_quiz_static_browser.py tests the quiz)."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import numpy as np
import pytest

from coursetools.sphinxext.explorers import render as directive_html
from coursetools.sphinxext.offline import STATIC
from dlcourse.sequences import n_windows, windows
from dlcourse.window_explorer import MIN_SCALE, SLIDERS, TARGET, TEXT, render, spacing

from .test_browser import STICKING_OUT, Page, browser, server  # noqa: F401 (shared fixtures)
from .test_conv_explorer import _words, same_in_both_languages

pytestmark = pytest.mark.slow
sync_api = pytest.importorskip("playwright.sync_api")

NAMES = [name for name, *_ in SLIDERS]
LIMITS = {name: (least, most) for name, least, most, _ in SLIDERS}

# The browser's own serialisation of markup: Python's and the script's compare equal when
# they are the same elements, attributes and text, however each escapes its quotes.
REPARSE = "markup => { const box = document.createElement('div'); box.innerHTML = markup; return box.innerHTML; }"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One page per language: a heading, a paragraph, the directive's container and the
    script, in a column as wide as a book page's, with no other style sheet."""
    root = tmp_path_factory.mktemp("window-explorer")
    shutil.copy(STATIC / "window-explorer.js", root / "window-explorer.js")
    shutil.copy(STATIC / "favicon.svg", root / "favicon.svg")
    for lang in ("hu", "en"):
        (root / f"{lang}.html").write_text(
            f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<link rel="icon" href="favicon.svg"><title>8</title></head>'
            '<body style="margin:0;font-family:sans-serif">'
            '<main style="max-width:46em;margin:0 auto;padding:0 1em">'
            f'<section id="sec-window-explorer"><h2>{TEXT("settings", lang)}</h2>'
            f"<p>{TEXT('legend', lang)}</p>{directive_html('window-explorer', lang)}</section></main>"
            '<script src="window-explorer.js"></script></body></html>', encoding="utf-8")
    return root


def settings(count: int, seed: int) -> list[dict]:
    """Random settings within the sliders' ranges; a third with a gap, a few that do not fit."""
    rng, found = random.Random(seed), []
    while len(found) < count:
        v = {name: rng.randint(*LIMITS[name]) for name in NAMES} | {"target": rng.random() < 0.5}
        if len(found) % 3:
            v["g"] = 0
        if len(found) % 7 == 0:
            v["n"], v["m"] = rng.randint(8, 12), rng.randint(9, 12)  # often nothing fits
        found.append(v)
    return found


def shown(explorer) -> dict:  # type: ignore[no-untyped-def]
    return explorer.evaluate("""box => ({
      b: [...box.querySelectorAll('.wx-b')].map(e => e.textContent),
      rows: [...box.querySelectorAll('svg g.wx-row')].map(g => ({
        steps: g.dataset.steps, target: g.dataset.target,
        cells: [...g.querySelectorAll('rect.wx-in')].map(r => +r.dataset.step),
        targets: [...g.querySelectorAll('rect.wx-target')].map(r => +r.dataset.step)})),
      series: [...box.querySelectorAll('svg rect.wx-step')].map(r => r.getAttribute('class')),
      warning: [...box.querySelectorAll('.wx-warning')].filter(e => e.checkVisibility()).map(e => e.textContent),
      values: [...box.querySelectorAll('input[type=range]')].map(i => [i.name, i.value, i.nextElementSibling.textContent, i.disabled]),
      target: box.querySelector('input[type=checkbox]').checked,
      markup: box.querySelector('.wx-output').innerHTML,
      text: box.innerText + ' ' + [...box.querySelectorAll('[aria-label]')].map(e => e.getAttribute('aria-label')).join(' ')
            + ' ' + [...box.querySelectorAll('title')].map(e => e.textContent).join(' '),
    })""")


def check(page, explorer, v: dict, lang: str) -> dict:  # type: ignore[no-untyped-def]
    """What the page shows for setting ``v`` is what Python renders, and its windows are
    those that dlcourse.sequences cuts from the series 1…N."""
    got = shown(explorer)
    assert got["values"] == [[name, str(v[name]), str(v[name]), name == "s" and v["g"] > 0] for name in NAMES], v
    assert got["target"] == v["target"], v
    assert got["markup"] == page.evaluate(REPARSE, render(**v, lang=lang)), v
    stride, horizon = spacing(v["m"], v["s"], v["g"]), int(v["target"])
    x, y = windows(np.arange(1, v["n"] + 1), v["m"], stride, horizon)
    b = n_windows(v["n"], v["m"], stride, horizon)
    assert got["b"] == [str(b)] and len(got["rows"]) == b == len(x), (v, got["b"])
    for k, row in enumerate(got["rows"]):
        steps = x[k, :, 0].tolist()
        assert row["cells"] == steps and row["steps"] == ",".join(map(str, steps)), (v, k)
        assert row["targets"] == ([int(y[k, 0])] if horizon else []), (v, k)
        assert row["target"] == (str(int(y[k, 0])) if horizon else ""), (v, k)
    if b:
        assert not got["warning"] and len(got["series"]) == v["n"], v
        covered = set(x.ravel().tolist()) | (set(y.ravel().tolist()) if horizon else set())
        unused = [step for step, kind in enumerate(got["series"], start=1) if "wx-unused" in kind]
        assert unused == [step for step in range(1, v["n"] + 1) if step not in covered], v
    else:
        need = v["m"] + horizon
        warning = (TEXT("nofit_target", lang, need=need, n=v["n"]) if horizon
                   else TEXT("nofit", lang, m=v["m"], n=v["n"]))
        assert got["warning"] == [warning] and not got["series"], (v, got)
    return got


def set_all(explorer, v: dict) -> None:  # type: ignore[no-untyped-def]
    """Set the controls as a reader would: the gap to 0 first, as the stride only moves then."""
    explorer.locator("input[name=g]").fill("0")
    for name in NAMES:
        explorer.locator(f"input[name={name}]").fill(str(v[name]))
    explorer.locator("input[name=target]").set_checked(v["target"])


@pytest.mark.parametrize("lang", ["hu", "en"])
def test_the_page_explorer_agrees_with_python(browser, server: str, lang: str) -> None:  # type: ignore[no-untyped-def]
    tab = Page(browser, server)
    page = tab.page
    page.goto(f"{server}/{lang}.html")
    page.wait_for_selector(".window-explorer.wx-ready")
    explorer = page.locator(".window-explorer").first
    v = {name: default for name, _, _, default in SLIDERS} | {"target": TARGET}
    texts = [check(page, explorer, v, lang)["text"]]
    # every control has its visible label in the page's language, tied to it by for=id
    for name in [*NAMES, "target"]:
        control = explorer.locator(f"input[name={name}]")
        label = explorer.locator(f"label[for='{control.get_attribute('id')}']")
        assert label.is_visible() and label.inner_text() == TEXT(f"label_{name}", lang)
        assert page.get_by_label(TEXT(f"label_{name}", lang), exact=True).count() == 1
    assert explorer.locator("fieldset legend").inner_text() == TEXT("settings", lang)

    # by keyboard: N to its largest and one step back, m to its smallest, the target on,
    # then a gap, which disables the stride, so that Tab skips it
    explorer.locator("input[name=n]").focus()
    page.keyboard.press("End")
    v["n"] = LIMITS["n"][1]
    check(page, explorer, v, lang)
    page.keyboard.press("ArrowLeft")
    v["n"] -= 1
    check(page, explorer, v, lang)
    page.keyboard.press("Tab")
    page.keyboard.press("Home")
    v["m"] = 1
    check(page, explorer, v, lang)
    explorer.locator("input[name=target]").focus()
    page.keyboard.press("Space")
    v["target"] = True
    check(page, explorer, v, lang)
    explorer.locator("input[name=g]").focus()
    page.keyboard.press("ArrowRight")
    v["g"] = 1
    texts.append(check(page, explorer, v, lang)["text"])
    explorer.locator("input[name=m]").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "g"  # the disabled stride is skipped
    page.keyboard.press("ArrowLeft")
    v["g"] = 0
    check(page, explorer, v, lang)
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.name") == "s"  # and back without the gap
    page.keyboard.press("ArrowRight")
    v["s"] += 1
    check(page, explorer, v, lang)

    for v in settings(36, seed={"hu": 11, "en": 12}[lang]):
        set_all(explorer, v)
        texts.append(check(page, explorer, v, lang)["text"])
    if lang == "hu":  # no English word in what the Hungarian explorer showed
        english = _words(" ".join(TEXT.of("en").values())) - same_in_both_languages()
        seen = _words(" ".join(texts))
        assert {"ablak", "lépésköz", "hézag", "célérték", "idősor", "kimaradó"} <= seen
        assert not seen & english, sorted(seen & english)
    else:
        assert _words(" ".join(texts)) & {"window", "stride", "gap", "target", "unused"}

    # On a phone the widest drawing (40 windows of the 40 steps) scrolls in its own box,
    # by keyboard too; the page does not, and the drawing's numbers stay readable.
    page.set_viewport_size({"width": 390, "height": 844})
    set_all(explorer, {"n": 40, "m": 1, "s": 1, "g": 0, "target": False})
    fit = page.evaluate(STICKING_OUT)
    assert fit["pageWidth"] <= fit["width"] and not fit["found"], fit
    drawing = explorer.locator("svg.wx-drawing").evaluate(
        "svg => ({scale: svg.getBoundingClientRect().width / svg.viewBox.baseVal.width,"
        " font: parseFloat(getComputedStyle(svg.querySelector('text')).fontSize)})")
    assert drawing["scale"] >= MIN_SCALE - 0.01 and drawing["font"] * drawing["scale"] >= 9.9, drawing
    box = explorer.locator(".wx-scroll")
    assert box.evaluate("b => b.scrollWidth > b.clientWidth") and box.evaluate("b => b.scrollLeft") == 0
    box.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("document.querySelector('.wx-scroll').scrollLeft > 0")
    sizes = explorer.evaluate("b => [...b.querySelectorAll('label, .wx-formula, .wx-note, legend')]"
                              ".map(e => parseFloat(getComputedStyle(e).fontSize))")
    assert min(sizes) >= 12, sizes
    for v in ({"n": 40, "m": 12, "s": 8, "g": 6, "target": True}, {"n": 8, "m": 12, "s": 1, "g": 0, "target": True}):
        set_all(explorer, v)  # the longest formula and the warning wrap instead
        check(page, explorer, v, lang)
        fit = page.evaluate(STICKING_OUT)
        assert fit["pageWidth"] <= fit["width"] and not fit["found"], (v, fit)
    assert tab.errors == [] and tab.outside == [], (tab.errors, tab.outside)
    page.close()
