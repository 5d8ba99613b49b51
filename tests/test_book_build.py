"""The real build of both books, the slides and the student labs (`make book`)."""

from __future__ import annotations

import re
import shutil
import sys
import zipfile
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pydata_sphinx_theme
import pytest
import sphinx_book_theme
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup, Comment

from coursetools.config import ROOT, lab_site_path, repository, tool_env
from coursetools.manifest import Lab, load
from coursetools.release import assignments
from dlcourse.text import LANGS

from .conftest import copy_repo, run
from .test_lab_grading import solution_lines

pytestmark = pytest.mark.slow
PYDATA, BOOK_THEME = (Path(m.__file__).parent for m in (pydata_sphinx_theme, sphinx_book_theme))


def pages(site: Path, lang: str) -> list[Path]:
    """The book's pages (not the slides, nor the theme's template files in _static)."""
    return sorted(p for p in (site / lang).rglob("*.html")
                  if not {"_static", "slides"} & set(p.relative_to(site / lang).parts))


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_build_logs_have_no_warnings(site: Path) -> None:
    """Sphinx's log of each book has no warning, error or traceback. What the kernel
    processes write to their own stderr (ipykernel's warning that it runs over TCP, messages
    as they exit) goes to kernels.log beside it (coursetools/build.py, KERNEL_CONFIG): were
    that redirection lost, the TCP warning would fail this test."""
    for lang in ("hu", "en"):
        folder = ROOT / "_build" / "book" / lang
        log = (folder / "build.log").read_text(encoding="utf-8").splitlines()
        assert any("build succeeded" in line for line in log), lang
        found = [n for n, line in enumerate(log) if re.search(r"WARNING|ERROR|Traceback", line)]
        assert not found, f"{lang}, build.log line {found[0] + 1}:\n" + "\n".join(log[max(0, found[0] - 15):found[0] + 15])
        assert (folder / "kernels.log").is_file(), lang


def test_every_page_has_a_twin_and_a_working_switch(site: Path) -> None:
    for lang, other in (("hu", "en"), ("en", "hu")):
        html_pages = pages(site, lang)
        assert len(html_pages) >= 6
        for page in html_pages:
            twin = site / other / page.relative_to(site / lang)
            assert twin.exists(), f"{page} has no twin"
            doc = soup(page)
            if page.name == "index.html":  # Jupyter Book's redirect to the first page
                assert doc.find("meta", attrs={"http-equiv": "Refresh"})
                continue
            assert doc.html["lang"] == lang
            if page.name in ("genindex.html", "search.html"):
                continue
            links = doc.select("a.course-lang-switch")
            assert len(links) == 1, page
            target = urlparse(urljoin(page.as_uri(), links[0]["href"])).path
            assert Path(target) == twin, page


def english_interface_strings() -> set[str]:
    """Every English interface string of the two themes (their message catalogs)."""
    strings = set()
    for catalog in PYDATA.rglob("locale/*.pot"):
        strings |= {m.id for m in read_po(catalog.open("rb")) if isinstance(m.id, str) and m.id}
    for catalog in BOOK_THEME.rglob("locales/de/LC_MESSAGES/booktheme.po"):
        strings |= {m.id for m in read_po(catalog.open("rb")) if isinstance(m.id, str) and m.id}
    strings |= {"Search the docs ...", "Search...", "Contents", "Skip to main content", "By"}
    return {s for s in strings if "%" not in s and s not in {"Sphinx Book Theme", "logo"}}


def interface_texts(doc: BeautifulSoup) -> set[str]:
    """What a reader or a screen reader meets of the page's interface (not its article):
    its texts, and every label attribute, the article's too."""
    texts = set()
    for attr in ("title", "aria-label", "placeholder", "alt", "data-bs-title", "data-tooltip"):
        texts |= {el[attr].strip() for el in doc.find_all(attrs={attr: True})}
    article = doc.select_one("article.bd-article")
    if article:
        article.decompose()
    for script in doc.find_all(["script", "style"]):
        script.decompose()
    texts |= {t.strip().rstrip(".:") for t in doc.find_all(string=True)
              if t.strip() and not isinstance(t, Comment)}
    return texts


# Interface texts that are the same in both languages: names, keys, symbols, file kinds.
LANGUAGE_NEUTRAL = {"+", ".md", ".pdf", ".ipynb", "Ctrl", "K", "Keras", "PyTorch", "html", "Colab", "DeepDream"}


def test_hungarian_book_has_a_hungarian_interface(site: Path) -> None:
    """No English interface string in the Hungarian book: none of the themes' catalogs,
    and none that the page's English twin shows as well (which finds the strings no
    catalog holds, such as an aria-label written into a template)."""
    english = english_interface_strings()
    assert {"Search", "Back to top", "Download source file", "previous page"} <= english
    twins = 0
    for page in pages(site, "hu"):
        texts = interface_texts(soup(page))
        left = texts & english
        twin = site / "en" / page.name
        if twin.is_file():
            twins += 1
            left |= (texts & interface_texts(soup(twin))) - LANGUAGE_NEUTRAL
        assert not left, f"{page}: English interface strings {sorted(left)}"
    # The English book keeps its English interface (so the checks above can fail).
    assert twins >= 5 and interface_texts(soup(site / "en" / "intro.html")) & english


def test_nothing_students_get_contains_a_solution(site: Path) -> None:
    secrets = {line for a in assignments() for line in solution_lines(ROOT / "labs" / a / f"{a}.ipynb")}
    assert len(secrets) > 20
    texts = {}
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".ipynb", ".md", ".txt", ".js", ".json", ".py"):
            texts[str(path)] = path.read_text(encoding="utf-8", errors="ignore")
        elif path.suffix == ".whl":  # the course package students install, self-check data and all
            with zipfile.ZipFile(path) as wheel:
                texts.update({f"{path}:{n}": wheel.read(n).decode(errors="ignore") for n in wheel.namelist()})
    assert any(name.endswith(".json") and ".whl:" in name for name in texts)
    for where, text in texts.items():
        leaked = [s for s in secrets if s in text]
        assert not leaked, f"{where} contains lab solutions or hidden tests: {leaked[:3]}"


def test_the_site_publishes_the_package_the_labs_install(site: Path) -> None:
    source = repository().pip_source
    assert source.startswith(repository().pages_url + "/")
    assert (site / source.removeprefix(repository().pages_url + "/")).is_file()


def test_pages_load_nothing_from_other_sites(site: Path) -> None:
    for page in [*pages(site, "hu"), *pages(site, "en"), *site.glob("*/slides/*.html")]:
        doc = soup(page)
        for tag, attr in (("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src")):
            for el in doc.find_all(tag, attrs={attr: True}):
                if tag == "link" and "stylesheet" not in el.get("rel", []) and el.get("rel") != ["preload"]:
                    continue
                url = el[attr]
                if url.startswith("data:"):
                    continue  # embedded in the page itself
                assert not re.match(r"(https?:)?//", url), f"{page}: {tag} loads {url}"
                local = urlparse(urljoin(page.as_uri(), url)).path
                assert Path(local).exists(), f"{page}: {tag} {url} does not exist"


def test_chapter_pages_were_executed(site: Path) -> None:
    for lang in ("hu", "en"):
        for name in [page for chapter in load().written for page in chapter.pages]:
            doc = soup(site / lang / f"{name}.html")
            assert doc.select(".cell_output img"), f"{lang}/{name} shows no plot"
            assert not doc.select(".output.traceback, .output.error"), f"{lang}/{name} has an error"


@pytest.mark.parametrize("lab", load().labs(), ids=lambda lab: lab.id)
def test_lab_pages_link_the_student_notebook_of_each_track(site: Path, lab: Lab) -> None:
    for lang in LANGS:
        page = site / lang / f"{lab.page}.html"
        lines = soup(page).select("p.course-lab-links")
        assert [p["data-assignment"] for p in lines] == lab.assignments(lang)
        for line, assignment in zip(lines, lab.assignments(lang)):
            assert line.select_one("a.colab-badge")["href"] == repository().colab_url(lab_site_path(assignment))
            download = line.select_one("a.lab-download")["href"]
            target = Path(urlparse(urljoin(page.as_uri(), download)).path)
            assert target == site / lab_site_path(assignment) and target.exists()
            assert "BEGIN SOLUTION" not in target.read_text()


@pytest.mark.parametrize("deck", [c.deck for c in load().written if c.deck])
def test_slides_are_built_for_both_languages(site: Path, deck: str) -> None:
    for lang in ("hu", "en"):
        doc = soup(site / lang / "slides" / f"{deck}.html")
        assert doc.html["lang"] == lang
        assert len(doc.select("section")) >= 10
        assert doc.select("img"), "the deck shows no plot"
        # the chapter page that links the deck (not always named like it) ...
        course_chapter = next(c for c in load().chapters if c.deck == deck)
        page = course_chapter.page_with(lang, f"slides/{deck}.html")
        assert page, f"no page of the chapter links slides/{deck}.html"
        chapter = soup(site / lang / f"{page}.html")
        assert chapter.select_one(f'a[href="slides/{deck}.html"]'), "the chapter does not link its slides"
        # ... and the deck leads back to it and to its twin, under its chapter's title
        assert doc.title.get_text() == course_chapter.title[lang]
        slides = site / lang / "slides"
        back, twin = doc.select_one("a.course-deck-chapter"), doc.select_one("a.course-deck-twin")
        assert (slides / back["href"]).resolve() == (site / lang / f"{page}.html").resolve()
        other = "en" if lang == "hu" else "hu"
        assert (slides / twin["href"]).resolve() == (site / other / "slides" / f"{deck}.html").resolve()
        assert twin["hreflang"] == other and back.get_text().startswith("←")


def _build_copy(tmp_path: Path, edit, *args: str, cached: tuple[str, ...] = ()) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    """Run the real build command on an edited copy of the repository; with the execution
    cache of the ``cached`` books (the `site` fixture's), so that only edited pages run."""
    repo = copy_repo(tmp_path / "repo")
    (repo / "node_modules").symlink_to(ROOT / "node_modules")
    for lang in cached:
        cache = Path("_build") / "book" / lang / "_build" / ".jupyter_cache"
        shutil.copytree(ROOT / cache, repo / cache)
    edit(repo)
    result = run([sys.executable, "-m", "coursetools.build", *args], cwd=repo, check=False,
                 env={**tool_env(), "PYTHONPATH": str(repo)})
    return result.returncode, result.stdout + result.stderr


def test_syntax_error_fails_the_build_naming_file_and_cell(tmp_path: Path) -> None:
    def edit(repo: Path) -> None:
        page = repo / "book" / "en" / "01_perceptron.md"
        text = page.read_text()
        marker = "```{code-cell} ipython3\n"
        first = text.index(marker)
        second = text.index(marker, first + 1)
        page.write_text(text[:second + len(marker)] + "def broken(:\n" + text[second + len(marker):])

    code, output = _build_copy(tmp_path, edit)
    assert code == 1
    assert re.search(r"book/en/01_perceptron\.md: cell \d+ \(starting at line \d+\): SyntaxError", output), output


def test_malformed_bank_fails_the_build_naming_file_and_line(tmp_path: Path) -> None:
    def edit(repo: Path) -> None:
        bank = repo / "quizzes" / "ch01.yml"
        bank.write_text(bank.read_text().replace("type: multiple", "type: multiplechoice"))

    code, output = _build_copy(tmp_path, edit)
    assert code == 1
    assert re.search(r"quizzes/ch01\.yml:\d+: 'multiplechoice' is not one of", output), output


def test_failing_cell_fails_the_build_naming_the_page(site: Path, tmp_path: Path) -> None:
    def edit(repo: Path) -> None:
        page = repo / "book" / "en" / "01_landscape.md"
        marker = "```{code-cell} ipython3\n"
        text = page.read_text()
        cut = text.index(marker) + len(marker)
        page.write_text(text[:cut] + "raise RuntimeError('a broken cell')\n" + text[cut:])

    code, output = _build_copy(tmp_path, edit, "--lang", "en", cached=("en",))
    assert code == 1
    assert "the en book failed to build" in output
    assert "01_landscape" in output and "Executing notebook failed" in output, output
    reports = list((tmp_path / "repo" / "_build" / "book" / "en").rglob("reports/*.err.log"))
    assert reports and "a broken cell" in reports[0].read_text()


def test_the_front_page_maps_every_chapter(site: Path) -> None:
    """Each book's front page lists the manifest's chapters in order; every link of the map
    leads to a file of the site, and a lab's Colab links open that lab's own notebooks."""
    chapters = load().chapters
    for lang in ("hu", "en"):
        page = site / lang / "intro.html"
        items = soup(page).select("ol.course-map li.course-map-chapter")
        assert [li["data-chapter"] for li in items] == [c.id for c in chapters]
        for chapter, li in zip(chapters, items):
            assert chapter.title[lang] in li.h3.get_text()
            if chapter.planned:
                assert li.select_one(".course-map-planned") and not li.select("a")
                continue
            for link in li.select("a[href]"):
                href = link["href"]
                if href.startswith("https://colab.research.google.com/"):
                    assert any(href.endswith(f"/{a}/{a}.ipynb") for a in chapter.lab.assignments(lang)), href
                else:
                    assert (page.parent / href.split("#")[0]).resolve().is_file(), (lang, chapter.id, href)
            texts = li.get_text()
            assert all(word in texts for word in (("Előadásfóliák", "Kvíz") if lang == "hu" else ("Lecture slides", "Quiz")))
            assert len(li.select("a.colab-badge")) == len(chapter.lab.assignments(lang))


def test_the_site_root_offers_both_editions_with_an_icon_and_no_empty_index(site: Path) -> None:
    from coursetools.config import load_config

    root = soup(site / "index.html")
    links = {a["hreflang"]: a["href"] for a in root.select("a[hreflang]")}
    assert links == {"hu": "hu/index.html", "en": "en/index.html"}
    assert all((site / href).is_file() for href in links.values())
    for lang, edition in load_config()["course"]["languages"].items():
        described = root.select_one(f'section.edition[lang="{lang}"] p').get_text(" ", strip=True)
        assert described == " ".join(edition["description"].split()) and len(described) > 60
    assert (site / root.select_one('link[rel="icon"]')["href"]).is_file()
    for lang in ("hu", "en"):
        assert not (site / lang / "genindex.html").exists()  # no index entries, no index page
        for page in pages(site, lang):
            doc = soup(page)
            if doc.find("meta", attrs={"http-equiv": "Refresh"}):
                continue
            icon = doc.select_one('link[rel="icon"]')
            assert icon and (page.parent / icon["href"]).resolve().is_file(), page
