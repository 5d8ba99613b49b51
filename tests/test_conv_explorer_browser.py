"""Chapter 3's convolution explorer on the built book page (03_output_size), in a real
browser (Debian's Chromium via Playwright, as tests/test_browser.py): conv-explorer.js,
with no kernel, must say and draw what Python says and draws (dlcourse.cnn_explorer)."""

from __future__ import annotations

import random

import pytest

from dlcourse.cnn import conv_out, effective_kernel
from dlcourse.cnn_explorer import MAX_ROWS, SLIDERS, TEXT, footprints, render

from .test_browser import STICKING_OUT, Page, browser, server  # noqa: F401 (shared fixtures)
from .test_conv_explorer import _words, same_in_both_languages

pytestmark = pytest.mark.slow
sync_api = pytest.importorskip("playwright.sync_api")

PAGE = "03_output_size.html"
NAMES = [name for name, *_ in SLIDERS]

# The browser's own serialisation of markup: Python's and the script's compare equal when
# they are the same elements, attributes and text, however each escapes its quotes.
REPARSE = "markup => { const box = document.createElement('div'); box.innerHTML = markup; return box.innerHTML; }"


def settings(count: int, seed: int) -> list[dict[str, int]]:
    """Random settings within the sliders' ranges; every third one does not fit."""
    rng, found = random.Random(seed), []
    while len(found) < count:
        v = {name: rng.randint(least, most) for name, least, most, _ in SLIDERS}
        fits = effective_kernel(v["k"], v["d"]) <= v["n"] + 2 * v["p"]
        if fits != (len(found) % 3 == 0):
            found.append(v)
    return found


def shown(page, explorer) -> dict:  # type: ignore[no-untyped-def]
    return explorer.evaluate("""box => ({
      out: [...box.querySelectorAll('.cx-out')].map(e => e.textContent),
      rows: [...box.querySelectorAll('svg g.cx-row')].map(g => g.dataset.taps),
      svgs: box.querySelectorAll('svg').length,
      warning: [...box.querySelectorAll('.cx-warning')].filter(e => e.checkVisibility()).map(e => e.textContent),
      values: [...box.querySelectorAll('input[type=range]')].map(i => [i.name, i.value, i.nextElementSibling.textContent]),
      markup: box.querySelector('.cx-output').innerHTML,
      text: box.innerText + ' ' + [...box.querySelectorAll('[aria-label]')].map(e => e.getAttribute('aria-label')).join(' '),
    })""")


def check(page, explorer, v: dict[str, int], lang: str) -> dict:  # type: ignore[no-untyped-def]
    """What the page shows for setting ``v`` is what Python computes and renders."""
    got = shown(page, explorer)
    assert got["values"] == [[name, str(v[name]), str(v[name])] for name in NAMES], (v, got["values"])
    assert got["markup"] == page.evaluate(REPARSE, render(**v, lang=lang)), v
    rows = footprints(**v)
    if rows:
        assert got["out"] == [str(conv_out(**v))] and not got["warning"], (v, got)
        assert got["rows"] == [",".join(map(str, taps)) for taps in rows[:MAX_ROWS]], v
        assert len(got["rows"]) == min(conv_out(**v), MAX_ROWS)
    else:
        padded, span = v["n"] + 2 * v["p"], effective_kernel(v["k"], v["d"])
        assert got["warning"] == [TEXT("invalid", lang, span=span, padded=padded)], (v, got)
        assert got["out"] == [] and got["rows"] == [] and got["svgs"] == 0, v
    return got


@pytest.mark.parametrize("lang", ["hu", "en"])
def test_the_page_explorer_agrees_with_python(browser, server: str, lang: str) -> None:  # type: ignore[no-untyped-def]
    tab = Page(browser, server)
    page = tab.page
    page.goto(f"{server}/{lang}/{PAGE}")
    page.wait_for_selector(".conv-explorer.cx-ready")
    explorer = page.locator(".conv-explorer").first
    v = {name: default for name, _, _, default in SLIDERS}
    texts = [check(page, explorer, v, lang)["text"]]
    # every slider has its visible label in the page's language
    for name in NAMES:
        slider = explorer.locator(f"input[type=range][name={name}]")
        label = explorer.locator(f"label[for='{slider.get_attribute('id')}']")
        assert label.is_visible() and label.inner_text() == TEXT(f"label_{name}", lang)
    # by keyboard: the kernel to its largest, then one step back; the input to its smallest
    explorer.locator("input[name=k]").focus()
    page.keyboard.press("End")
    v["k"] = SLIDERS[1][2]
    check(page, explorer, v, lang)
    page.keyboard.press("ArrowLeft")
    v["k"] -= 1
    check(page, explorer, v, lang)
    explorer.locator("input[name=n]").focus()
    page.keyboard.press("Home")
    v["n"] = 1
    check(page, explorer, v, lang)  # 1 + 2 cannot hold a kernel of 6: the warning
    for v in settings(30, seed={"hu": 1, "en": 2}[lang]):
        for name in NAMES:
            explorer.locator(f"input[name={name}]").fill(str(v[name]))
        texts.append(check(page, explorer, v, lang)["text"])
    if lang == "hu":  # no English word in what the Hungarian explorer showed
        english = _words(" ".join(TEXT.of("en").values())) - same_in_both_languages()
        seen = _words(" ".join(texts))
        assert {"lépésköz", "kitöltés", "dilatáció", "bemenet", "kimenet"} <= seen
        assert not seen & english, sorted(seen & english)
    else:
        assert _words(" ".join(texts)) & {"stride", "padding", "dilation", "input"}
    # the widest drawing fits a phone: it scrolls in its own box, the page does not
    page.set_viewport_size({"width": 390, "height": 844})
    for name, value in zip(NAMES, [32, 1, 1, 4, 1]):
        explorer.locator(f"input[name={name}]").fill(str(value))
    # The theme slides the page's contents sidebar away when the page narrows; measured while
    # it is still on its way (a busy machine), it sticks out.
    page.wait_for_function("() => document.getAnimations().every(a => a.playState !== 'running')")
    fit = page.evaluate(STICKING_OUT)
    assert fit["pageWidth"] <= fit["width"] and not fit["found"], fit
    assert tab.errors == [] and tab.outside == [], (tab.errors, tab.outside)
    page.close()
