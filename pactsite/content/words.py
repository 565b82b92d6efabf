"""Word forms: words folded as the search folds them, and their Snowball stems by language.

The search (`pactsite.outputs.search.text`) looks words up by these forms, each language's
pages by that language's stems, and the check of the tags finds near-duplicates
("Ausbildung", "Ausbildungen") by the German ones.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable

import Stemmer  # type: ignore[import-not-found]

MIN_WORD = 2
"""Shorter words ("a", "5") are not looked up: they would match nearly every page."""
SNOWBALL = {
    "ca": "catalan",
    "cs": "czech",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "es": "spanish",
    "et": "estonian",
    "eu": "basque",
    "fi": "finnish",
    "fr": "french",
    "ga": "irish",
    "hu": "hungarian",
    "it": "italian",
    "lt": "lithuanian",
    "nb": "norwegian",
    "nl": "dutch",
    "nn": "norwegian",
    "no": "norwegian",
    "pl": "polish",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sr": "serbian",
    "sv": "swedish",
    "tr": "turkish",
}
"""The Snowball stemmer of each language code (ISO 639-1) that has one; a language without
one (Slovenian, Latvian, …) is searched by its folded words."""


@functools.lru_cache(maxsize=1 << 17)
def fold(word: str) -> str:
    """A lower-case word without accents or umlauts, ß as ss: how `suche.js` folds a query."""
    decomposed = unicodedata.normalize("NFD", word)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.lower().replace("ß", "ss")


@functools.cache
def stemmer(language: str) -> Callable[[str], str]:
    """The stem function of a language: a folded word's Snowball stem, the word itself if
    its stem would be too short or the language has no stemmer."""
    algorithm = SNOWBALL.get(language)
    if algorithm is None or algorithm not in Stemmer.algorithms():
        return _unstemmed
    snowball = Stemmer.Stemmer(algorithm)

    @functools.lru_cache(maxsize=1 << 17)
    def stem_of(word: str) -> str:
        stemmed = fold(snowball.stemWord(word))
        return stemmed if len(stemmed) >= MIN_WORD else word

    return stem_of


def _unstemmed(word: str) -> str:
    return word


stem = stemmer("de")
"""The German stem of a folded word (the tags' check, and the search of a German site)."""
