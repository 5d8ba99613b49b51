"""A real browser (Debian's Chromium, headless, driven by Playwright) on the built site.

It opens a chapter in each language, follows the language switch, answers the static
quiz, searches the Hungarian book, and checks that no page raises a JavaScript error or
asks for anything outside the site.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    handler = functools.partial(Quiet, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    assert Path(CHROMIUM).exists(), "Debian's chromium is needed: apt-get install chromium"
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


class Page:
    """A browser tab that records JavaScript errors and requests outside the site."""

    def __init__(self, browser, server: str) -> None:  # type: ignore[no-untyped-def]
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.page = browser.new_page()
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)

        def guard(route) -> None:  # type: ignore[no-untyped-def]
            if route.request.url.startswith(server):
                route.continue_()
            else:
                self.outside.append(route.request.url)
                route.abort()

        self.page.route("**/*", guard)

    def answer(self, qid: str, choose: list[int] | None = None, text: str | None = None) -> str:
        form = self.page.locator(f'form.dlq-question[data-qid="{qid}"]')
        ticked = form.locator("input[type=checkbox]:checked")
        while ticked.count():
            ticked.first.uncheck()
        for index in choose or []:
            form.locator(f'input[value="{index}"]').check()
        if text is not None:
            form.locator("input.dlq-input").fill(text)
        form.locator("button.dlq-check").click()
        return form.locator(".dlq-feedback").inner_text()


def test_chapter_switch_and_static_quiz(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    tab = Page(browser, server)
    page = tab.page
    page.goto(f"{server}/hu/01_perceptron.html")
    assert page.locator("html").get_attribute("lang") == "hu"
    assert "Keresés" in page.locator(".search-button-field").first.inner_text()

    wrong = tab.answer("differentiable-activation", choose=[0])
    assert "próbáld újra" in wrong
    right = tab.answer("differentiable-activation", choose=[2])
    assert right.startswith("Helyes!") and "hibavisszaterjesztés" in right
    assert tab.answer("rapids-speedup", text="1881,6").startswith("Helyes!")
    # The decrypted explanation's maths is typeset by the page's own MathJax.
    page.wait_for_function("document.querySelector('[data-qid=rapids-speedup] .dlq-feedback mjx-container') !== null")
    assert "próbáld újra" in tab.answer("rapids-speedup", text="1870")
    assert "Ez nem szám" in tab.answer("rapids-speedup", text="sok")
    assert tab.answer("perceptron-learnable", choose=[0, 1, 3]).startswith("Helyes!")
    assert "próbáld újra" in tab.answer("perceptron-learnable", choose=[0, 1, 2, 3])

    page.locator("a.course-lang-switch").click()
    page.wait_for_load_state()
    assert page.url == f"{server}/en/01_perceptron.html"
    assert page.locator("html").get_attribute("lang") == "en"
    assert tab.answer("wavenet-time", choose=[2]).startswith("Correct!")
    assert "try again" in tab.answer("wavenet-time", choose=[1])
    assert tab.answer("rapids-speedup", text="1881.6").startswith("Correct!")

    page.locator("a.course-lang-switch").click()
    page.wait_for_load_state()
    assert page.url == f"{server}/hu/01_perceptron.html"
    assert tab.errors == [] and tab.outside == []


def test_hungarian_search_and_every_page_loads_cleanly(browser, server: str, site: Path) -> None:  # type: ignore[no-untyped-def]
    tab = Page(browser, server)
    page = tab.page
    page.goto(f"{server}/hu/search.html?q=perceptron")
    page.wait_for_selector("#search-results li", timeout=15000)
    status = page.locator("#search-results .search-summary").inner_text()
    assert status.startswith("A keresés befejeződött:"), status
    # The copy buttons' tooltips, set by sphinx-copybutton's JavaScript, are Hungarian too.
    page.goto(f"{server}/hu/01_landscape.html")
    page.wait_for_selector("button.copybtn")
    assert page.locator("button.copybtn").first.get_attribute("data-tooltip") == "Másolás"
    for lang in ("hu", "en"):
        for path in sorted((site / lang).glob("*.html")):
            page.goto(f"{server}/{lang}/{path.name}")
            page.wait_for_load_state("networkidle")
    page.goto(f"{server}/index.html")
    page.locator('a[hreflang="en"]').click()
    page.wait_for_load_state()
    assert page.url.startswith(f"{server}/en/")
    assert tab.errors == [] and tab.outside == []


def test_slides_display_offline(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    tab = Page(browser, server)
    page = tab.page
    for lang, deck in [("hu", "01_perceptron"), ("en", "01_perceptron"),
                       ("hu", "02_dense_mnist"), ("en", "02_dense_mnist")]:
        page.goto(f"{server}/{lang}/slides/{deck}.html")
        page.wait_for_function("window.Reveal && Reveal.isReady()")
        total = page.evaluate("Reveal.getTotalSlides()")
        assert total >= 10
        for _ in range(total):
            page.keyboard.press("ArrowRight")
        page.wait_for_function("document.querySelector('mjx-container') !== null")
    assert tab.errors == [] and tab.outside == []
