"""Build the whole course site: ``python -m coursetools.build`` (``make book`` runs it).

1. Check every chapter and lecture source for syntax errors (names the file and cell),
   and every quiz bank against its schema (names the file and line).
2. Generate the student labs with nbgrader (coursetools.release).
3. Build the Hungarian and the English book with Jupyter Book 1, failing on any
   warning or failing cell (``-W -n --keep-going``).
4. Execute and export the lecture decks to reveal.js slides.
5. Assemble _build/site: hu/, en/, labs/ (student notebooks), _vendor/, index.html.

Notebook execution is cached (Jupyter Book's cache, and a fingerprint per deck), so a
rebuild with nothing changed only re-checks and regenerates the labs.
"""

from __future__ import annotations

import argparse
import copy
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import yaml

from dlcourse.quiz import BankError, load_bank

from . import lectures, manifest, release
from .config import (
    BUILD,
    LANGS,
    ROOT,
    SITE,
    WHEEL_DIR,
    kernel_env,
    lab_site_path,
    load_config,
    repository,
)
from .sources import SourceError, check_syntax
from .vendor import BOOK_STATIC, MATHJAX_SCRIPT, vendor

BOOK = ROOT / "book"


class BuildError(Exception):
    pass


def book_config(lang: str) -> dict[str, Any]:
    """The Jupyter Book config of one language: _config.yml plus its course.languages entry."""
    config = copy.deepcopy(load_config())
    course = config.pop("course")
    overrides = course["languages"][lang]
    config["title"] = overrides["title"]
    config["author"] = overrides["author"]
    # The repository button shows students the public site repository, not the sources.
    config["repository"]["url"] = repository().url
    sphinx = config.setdefault("sphinx", {}).setdefault("config", {})
    sphinx["language"] = lang
    sphinx.update(overrides.get("sphinx_config", {}))
    sphinx["html_static_path"] = [str(BOOK_STATIC)]
    sphinx["mathjax_path"] = MATHJAX_SCRIPT
    return config


def check_sources() -> None:
    """Fail fast, naming the file: a manifest that does not match the book, syntax errors
    in code cells, malformed quiz banks."""
    found = manifest.problems(manifest.load())
    if found:
        raise BuildError("\n".join(found))
    for path in sorted(BOOK.glob("*/*.md")) + sorted((ROOT / "lectures").glob("*/*.md")):
        check_syntax(path)
    for bank in sorted((ROOT / "quizzes").glob("*.yml")):
        load_bank(bank)


# The book's kernels draw figures as SVG: sharp at any zoom, and the text of a figure
# stays in the file (a test reads it). What a kernel process writes to its own stderr
# outside the cells (its start-up warnings, messages as it exits) goes to a log of its own,
# so that the build log holds Sphinx's words only. IPython reads this from $IPYTHONDIR.
KERNEL_CONFIG = """\
c.InlineBackend.figure_formats = {"svg"}
import os
if os.environ.get("COURSE_KERNEL_LOG"):
    os.dup2(os.open(os.environ["COURSE_KERNEL_LOG"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644), 2)
"""


def book_kernel_env(lang: str) -> dict[str, str]:
    """The environment of the kernels that execute the ``lang`` book's pages."""
    ipython = BUILD / "ipython"
    config = ipython / "profile_default" / "ipython_kernel_config.py"
    config.parent.mkdir(parents=True, exist_ok=True)
    if not config.exists() or config.read_text(encoding="utf-8") != KERNEL_CONFIG:
        config.write_text(KERNEL_CONFIG, encoding="utf-8")
    log = BUILD / "book" / lang / "kernels.log"
    return {**kernel_env(lang), "IPYTHONDIR": str(ipython), "COURSE_KERNEL_LOG": str(log)}


def build_book(lang: str) -> Path:
    """Run Jupyter Book for one language; return its HTML folder."""
    out = BUILD / "book" / lang
    out.mkdir(parents=True, exist_ok=True)
    config_path = out / "_config.yml"
    text = yaml.safe_dump(book_config(lang), allow_unicode=True, sort_keys=False)
    if not config_path.exists() or config_path.read_text(encoding="utf-8") != text:
        config_path.write_text(text, encoding="utf-8")
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    command = [
        str(jupyter_book), "build", str(BOOK / lang),
        "--config", str(config_path), "--toc", str(BOOK / lang / "_toc.yml"),
        "--path-output", str(out), "--builder", "html", "-W", "-n", "--keep-going",
    ]
    env = book_kernel_env(lang)
    Path(env["COURSE_KERNEL_LOG"]).write_text("", encoding="utf-8")
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    log = out / "build.log"
    log.write_text(result.stdout + result.stderr, encoding="utf-8")
    if result.returncode != 0:
        reports = out / "_build" / "html" / "reports"
        raise BuildError(
            f"the {lang} book failed to build (warnings count as errors).\n"
            f"{_tail(result.stdout + result.stderr)}\n"
            f"Full log: {log}\nThe kernels' own messages: {env['COURSE_KERNEL_LOG']}"
            + (f"\nCell execution reports: {reports}" if reports.exists() else "")
        )
    return out / "_build" / "html"


def _tail(text: str, lines: int = 60) -> str:
    return "\n".join(text.splitlines()[-lines:])


def build_lectures(lang: str) -> Path:
    """Build the decks of one language into _build/slides/<lang>/; return that folder."""
    out = BUILD / "slides" / lang
    for deck in lectures.decks(lang):
        target = out / f"{deck.stem}.html"
        try:
            # Published as <site>/<lang>/slides/<deck>.html, two levels below _vendor/.
            lectures.build_deck(deck, target, vendor_url="../../_vendor", lang=lang)
        except Exception as err:
            raise BuildError(f"{deck}: the lecture deck failed to build: {err}") from err
    return out


INDEX = """<!DOCTYPE html>
<html lang="hu"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{hu[title]} / {en[title]}</title>
<link rel="icon" href="hu/_static/favicon.svg" type="image/svg+xml">
<style>
body{{font-family:system-ui,sans-serif;max-width:44em;margin:0 auto;padding:3em 1.2em;line-height:1.55;color:#222}}
h1{{margin-bottom:.2em}} .editions{{display:flex;flex-wrap:wrap;gap:1.2em;margin-top:2em}}
.edition{{flex:1 1 16em;border:1px solid #ccd;border-radius:10px;padding:1em 1.2em}}
.edition a{{display:inline-block;font-size:1.25em;font-weight:600;margin-bottom:.4em;color:#1f5f8b}}
</style></head>
<body><main><h1>{hu[title]} <span lang="en">/ {en[title]}</span></h1>
<div class="editions">
<section class="edition" lang="hu"><a href="hu/index.html" hreflang="hu">Magyar változat</a>
<p>{hu[description]}</p></section>
<section class="edition" lang="en"><a href="en/index.html" hreflang="en">English edition</a>
<p>{en[description]}</p></section>
</div>
</main></body></html>
"""


def assemble(html: dict[str, Path], slides: dict[str, Path], labs: list[Path]) -> Path:
    for lang, folder in html.items():
        shutil.rmtree(SITE / lang, ignore_errors=True)
        shutil.copytree(folder, SITE / lang)
        shutil.copytree(slides[lang], SITE / lang / "slides", ignore=shutil.ignore_patterns("*.sha256"))
    vendor(SITE / "_vendor")
    for notebook in labs:
        target = SITE / lab_site_path(notebook.stem)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(notebook, target)
    # The course package that the labs' install cells take (config.Repository.pip_source).
    shutil.rmtree(SITE / WHEEL_DIR, ignore_errors=True)
    shutil.copytree(release.RELEASE / WHEEL_DIR, SITE / WHEEL_DIR)
    editions = {lang: load_config()["course"]["languages"][lang] for lang in LANGS}
    (SITE / "index.html").write_text(INDEX.format(**editions), encoding="utf-8")
    (SITE / ".nojekyll").write_text("")  # GitHub Pages: serve _static/ and _vendor/ as they are
    return SITE / "index.html"


def build(langs: tuple[str, ...] = LANGS) -> Path:
    check_sources()
    vendor(BOOK_STATIC, ("mathjax",))
    # Side by side: each language's Sphinx with its one kernel at a time keeps about one
    # core busy; then the decks (a kernel each) beside the labs' release (nbgrader). The
    # books go first, so that a failing page fails the build within minutes.
    with ThreadPoolExecutor(len(langs) + 1) as pool:
        html = dict(zip(langs, pool.map(build_book, langs)))
        labs = pool.submit(release.release)
        slides = dict(zip(langs, pool.map(build_lectures, langs)))
        return assemble(html, slides, labs.result())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build both books, the slides and the labs.")
    parser.add_argument("--lang", choices=LANGS, action="append", help="default: both")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        index = build(tuple(args.lang or LANGS))
    except (SourceError, BankError, release.ReleaseError, BuildError, manifest.ManifestError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"Built in {time.perf_counter() - started:.0f} s. Open the course site at:\n{index}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
