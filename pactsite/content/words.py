"""German word forms: words folded as the search folds them, and their Snowball stems.

The search (`pactsite.outputs.search.text`) looks words up by these forms, and the check of
the tags finds near-duplicates ("Ausbildung", "Ausbildungen") by them.
"""

from __future__ import annotations

import functools
import unicodedata

import Stemmer  # type: ignore[import-not-found]

MIN_WORD = 2
"""Shorter words ("a", "5") are not looked up: they would match nearly every page."""
_stemmer = Stemmer.Stemmer("german")


@functools.lru_cache(maxsize=1 << 17)
def fold(word: str) -> str:
    """A lower-case word without accents or umlauts, ß as ss: how `suche.js` folds a query."""
    decomposed = unicodedata.normalize("NFD", word)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.lower().replace("ß", "ss")


@functools.lru_cache(maxsize=1 << 17)
def stem(word: str) -> str:
    """The German stem of a folded word; the word itself if its stem would be too short."""
    stemmed = fold(_stemmer.stemWord(word))
    return stemmed if len(stemmed) >= MIN_WORD else word
