"""Hungarian interface strings for sphinx-book-theme and pydata-sphinx-theme.

Neither theme ships Hungarian. Our catalogs (locale/hu/LC_MESSAGES/*.po) are compiled
into the build folder and registered for the theme's catalogs; Sphinx keeps its own
Hungarian catalog first and falls back to ours for the strings it lacks. The search
page's JavaScript reads Sphinx's precompiled translations.js instead, so a copy of it
with the gaps filled from our catalog goes where Sphinx looks first (``locale_dirs``).
The copy button's tooltips are set by its JavaScript: static/course-hu.js translates them.
A few strings are written into the themes' templates (and MyST-NB's HTML) without gettext,
so no catalog reaches them: they are replaced in the Hungarian pages once built
(HARD_CODED), and the search field's text is a theme option, set here.
"""

from __future__ import annotations

import json
from pathlib import Path

import sphinx
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from sphinx.application import Sphinx
from sphinx.config import Config

LOCALE = Path(__file__).parent / "locale"
CATALOGS = ("booktheme", "sphinx")


def compile_catalogs(target: Path) -> Path:
    """Compile every .po file under locale/ to .mo files under ``target``."""
    for po_path in LOCALE.glob("*/LC_MESSAGES/*.po"):
        mo_path = target / po_path.relative_to(LOCALE).with_suffix(".mo")
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)
    return target


def write_translations_js(target: Path) -> None:
    """Sphinx's Hungarian translations.js, with its empty messages filled from ours."""
    original = Path(sphinx.__file__).parent / "locale" / "hu" / "LC_MESSAGES" / "sphinx.js"
    text = original.read_text(encoding="utf-8")
    data = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    with (LOCALE / "hu" / "LC_MESSAGES" / "sphinx.po").open("rb") as po_file:
        ours = {m.id: m.string for m in read_po(po_file) if m.id and m.string}
    for key, value in data["messages"].items():
        if not value and key in ours:
            data["messages"][key] = ours[key]
    js = target / "hu" / "LC_MESSAGES" / "sphinx.js"
    js.write_text(f"Documentation.addTranslations({json.dumps(data, ensure_ascii=False)});\n",
                  encoding="utf-8")


def register(app: Sphinx) -> None:
    if app.config.language != "hu":
        return
    compiled = compile_catalogs(Path(app.doctreedir).parent / "course-locale")
    for catalog in CATALOGS:
        app.add_message_catalog(catalog, str(compiled))
    write_translations_js(compiled)
    app.config.locale_dirs.append(str(compiled))
    app.add_js_file("course-hu.js")


SEARCH_BAR_TEXT = "Keresés a könyvben…"  # sphinx-book-theme's search_bar_text option
HARD_CODED = {
    'aria-label="Main"': 'aria-label="Fő navigáció"',  # the chapter list
    'aria-label="Page"': 'aria-label="Az oldal tartalma"',  # the printed contents
    'title="Toggle primary sidebar"': 'title="A fejezetek listája"',
    'title="Toggle secondary sidebar"': 'title="Az oldal tartalma"',
    'aria-label="Toggle hidden content"': 'aria-label="A rejtett rész megjelenítése vagy elrejtése"',
}


def set_search_text(app: Sphinx, config: Config) -> None:
    if config.language == "hu":
        config.html_theme_options = {**config.html_theme_options, "search_bar_text": SEARCH_BAR_TEXT}


def translate_hard_coded(app: Sphinx, exception: Exception | None) -> None:
    """Replace the HARD_CODED strings in every built page of the Hungarian book."""
    if exception is not None or app.config.language != "hu" or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        translated = text
        for english, hungarian in HARD_CODED.items():
            translated = translated.replace(english, hungarian)
        if translated != text:
            page.write_text(translated, encoding="utf-8")


def setup(app: Sphinx) -> None:
    app.connect("config-inited", set_search_text)
    app.connect("builder-inited", register)
    app.connect("build-finished", translate_hard_coded)
