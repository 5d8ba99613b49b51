"""Hungarian interface strings for sphinx-book-theme and pydata-sphinx-theme.

Neither theme ships Hungarian. Our catalogs (locale/hu/LC_MESSAGES/*.po) are compiled
into the build folder and registered for the theme's catalogs; Sphinx keeps its own
Hungarian catalog first and falls back to ours for the strings it lacks.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from sphinx.application import Sphinx

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


def register(app: Sphinx) -> None:
    if app.config.language != "hu":
        return
    compiled = compile_catalogs(Path(app.doctreedir).parent / "course-locale")
    for catalog in CATALOGS:
        app.add_message_catalog(catalog, str(compiled))


def setup(app: Sphinx) -> None:
    app.connect("builder-inited", register)
