"""Accessibility of the built site, measured in a real browser with axe-core (the engine
behind Lighthouse's and Deque's checks, from npm: package.json) on every page of both
books, the site root and every deck; and the static quiz answered with the keyboard only.

axe reports each rule it breaks with an impact: minor, moderate, serious or critical. No
page may have a serious or a critical one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coursetools.config import ROOT

from .test_browser import Page, browser, server  # noqa: F401 (shared fixtures)

pytestmark = pytest.mark.slow
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")

RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + ": " + n.failureSummary.split("\\n")[1])}));
}"""


def site_pages(site: Path) -> list[str]:
    """The site root, every page of both books and every deck, as paths on the server."""
    from .test_book_build import pages, soup

    found = ["index.html"]
    for lang in ("hu", "en"):
        for page in pages(site, lang):
            if not soup(page).find("meta", attrs={"http-equiv": "Refresh"}):
                found.append(page.relative_to(site).as_posix())
        found += sorted(p.relative_to(site).as_posix() for p in (site / lang / "slides").glob("*.html"))
    return found


def blocking_violations(tab: Page, url: str) -> list[dict[str, object]]:
    tab.page.goto(url)
    tab.page.wait_for_load_state("load")
    tab.page.add_script_tag(path=str(AXE))
    return [v for v in tab.page.evaluate(RUN_AXE) if v["impact"] in BLOCKING]


def test_no_page_breaks_a_serious_rule(browser, server: str, site: Path) -> None:  # type: ignore[no-untyped-def]
    assert AXE.exists(), f"{AXE} is missing: run `npm ci` (make install does)"
    tab = Page(browser, server)
    found = {path: blocking_violations(tab, f"{server}/{path}") for path in site_pages(site)}
    assert len(found) >= 20
    broken = {path: v for path, v in found.items() if v}
    assert not broken, json.dumps(broken, indent=1, ensure_ascii=False)[:6000]
    tab.page.close()


def test_axe_finds_what_it_should(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    """The check can fail: an image without a text alternative and a button without a name
    are serious or critical for axe."""
    tab = Page(browser, server)
    tab.page.goto(f"{server}/index.html")
    tab.page.evaluate("""() => {
      document.body.insertAdjacentHTML("beforeend", '<img src="x.png"><button></button>');
    }""")
    tab.page.add_script_tag(path=str(AXE))
    rules = {v["id"] for v in tab.page.evaluate(RUN_AXE) if v["impact"] in BLOCKING}
    assert {"image-alt", "button-name"} <= rules, rules
    tab.page.close()


@pytest.mark.parametrize("lang,right", [("hu", "Helyes!"), ("en", "Correct!")])
def test_the_quiz_can_be_answered_by_keyboard(browser, server: str, site: Path, lang: str,  # type: ignore[no-untyped-def]
                                              right: str) -> None:
    """Tab to the first question's right option, choose it with the arrow keys, tab to
    its button and press Enter: the page says the answer is right. No mouse."""
    from dlcourse.quiz import load_bank

    from .test_book_build import pages

    quiz_page = next(p for p in pages(site, lang) if 'data-bank="ch01"' in p.read_text(encoding="utf-8"))
    question = load_bank("ch01").questions[0]
    assert question.type == "single"
    tab = Page(browser, server)
    tab.page.goto(f"{server}/{quiz_page.relative_to(site).as_posix()}")
    form = tab.page.locator(f'form[data-qid="{question.id}"]')
    first = form.locator("input").first
    for _ in range(400):  # Tab through the page until the first option has the focus
        tab.page.keyboard.press("Tab")
        if first.evaluate("el => el === document.activeElement"):
            break
    else:
        raise AssertionError("Tab never reaches the quiz")
    for _ in range(question.correct_options()[0]):
        tab.page.keyboard.press("ArrowDown")  # radio buttons: the arrows move the choice
    tab.page.keyboard.press("Space")
    button = form.locator("button").first
    for _ in range(10):
        tab.page.keyboard.press("Tab")
        if button.evaluate("el => el === document.activeElement"):
            break
    else:
        raise AssertionError("Tab never reaches the question's button")
    tab.page.keyboard.press("Enter")
    feedback = form.locator(".dlq-feedback")
    feedback.wait_for()
    assert feedback.inner_text().startswith(right)
    assert tab.errors == []
    tab.page.close()
