"""Search in the Hungarian book that forgives missing accents: "aktivacios" finds
„aktivációs”, as readers type on a phone or an English keyboard.

Sphinx's Hungarian search stems words with Snowball, in Python for the index and in
JavaScript for the query. Here both sides drop the accents first (ő, ű, á ... become o, u,
a), then stem the same way, so a query with or without accents meets the same index
entry. The result pages show the text as written.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import sphinx
from sphinx.application import Sphinx
from sphinx.search.hu import SearchHungarian

_MINIFIED = Path(sphinx.__file__).parent / "search" / "minified-js"
# The query side: Sphinx's own Hungarian stemmer, behind one that drops the accents first.
_JS = ((_MINIFIED / "base-stemmer.js").read_text(encoding="utf-8") + "\n"
       + (_MINIFIED / "hungarian-stemmer.js").read_text(encoding="utf-8") + "\n"
       + "Stemmer = function() {\n"
         "  var hungarian = new HungarianStemmer();\n"
         "  this.stemWord = function(word) {\n"
         "    return hungarian.stemWord(word.normalize('NFD').replace(/[\\u0300-\\u036f]/g, ''));\n"
         "  };\n"
         "};\n")


def without_accents(word: str) -> str:
    """
    >>> without_accents("Aktivációs függvény, győző")
    'Aktivacios fuggveny, gyozo'
    """
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


class AccentlessHungarian(SearchHungarian):
    js_stemmer_rawcode = ""  # Sphinx then writes js_stemmer_code into language_data.js
    js_stemmer_code = _JS
    stopwords = SearchHungarian.stopwords | {without_accents(w) for w in SearchHungarian.stopwords}

    def stem(self, word: str) -> str:
        return super().stem(without_accents(word))


def setup(app: Sphinx) -> None:
    app.add_search_language(AccentlessHungarian)
