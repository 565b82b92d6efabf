"""What the search knows of a page: its words, as the visitor's browser will look them up.

A page asks to be found by marking its `<main>` with `data-search`; its `data-kind` and
`data-pact` name what a result shows beside the title. The text is what a visitor reads in
`<main>` without the navigation and fact tables in it (`EXCLUDED`). Words are folded the
way `suche.js` folds a query (lower case, accents and umlauts dropped, ß as ss) and
stemmed with the Snowball German stemmer, so "Projekte" and "Projekt" find each other.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import cast

import snowballstemmer  # type: ignore[import-untyped]
from lxml import etree
from lxml import html as lxml_html

BODY_MARK = b"data-search"
EXCLUDED = ("breadcrumb", "backlinks", "related", "variant-link", "facts")
"""Classes of the parts of an indexed page that are navigation or a table of facts."""
_EXCLUDED_CLASSES = frozenset(EXCLUDED)
MIN_WORD = 2
"""Shorter words ("a", "5") are not looked up: they would match nearly every page."""
_MAIN = re.compile(rb"<main\b[^>]*\bdata-search\b.*?</main>", re.DOTALL)
_WORD = re.compile(r"(?:[^\W_]|[\u0300-\u036f])+")
"""Letters and digits, and the combining accents that `fold` drops ("n\u0308" is one word)."""
_SPACE = re.compile(r"\s+")
_INLINE_TAGS = re.compile(
    r"</?(?:a|abbr|b|bdi|bdo|cite|code|data|dfn|em|i|kbd|mark|q|s|samp|small|span|strong|sub"
    r"|sup|time|u|var|wbr)\b[^>]*>"
)
_SILENT_ELEMENTS = re.compile(r"<(script|style|template)\b.*?</\1>", re.DOTALL)
_TAGS = re.compile(r"<[^>]*>")
_MAYBE_EXCLUDED = etree.XPath(
    ".//*[" + " or ".join(f"contains(@class, '{name}')" for name in EXCLUDED) + "]"
)
_stemmer = snowballstemmer.stemmer("german")


@dataclass(frozen=True, slots=True)
class SearchEntry:
    """A page as the search shows and finds it."""

    url: str
    title: str
    kind: str
    pact: str
    text: str


def search_entry(url: str, page: bytes) -> SearchEntry | None:
    """The search's view of the page at `url`; None if the page does not ask to be found."""
    found = _MAIN.search(page)
    if found is None:
        return None
    main = lxml_html.fragment_fromstring(found.group(0).decode())
    for part in cast(list[lxml_html.HtmlElement], _MAYBE_EXCLUDED(main)):
        if not _EXCLUDED_CLASSES.isdisjoint(part.get("class", "").split()):
            part.drop_tree()
    heading = main.find(".//h1")
    return SearchEntry(
        url=url,
        title=_visible_text(heading) if heading is not None else "",
        kind=main.get("data-kind", ""),
        pact=main.get("data-pact", ""),
        text=_visible_text(main),
    )


def _visible_text(element: etree._Element) -> str:
    """The element's text as read: blocks apart, inline elements run on, no scripts."""
    markup = etree.tostring(element, encoding=str, with_tail=False)
    markup = _SILENT_ELEMENTS.sub(" ", markup)
    markup = _INLINE_TAGS.sub("", markup)
    return _SPACE.sub(" ", html.unescape(_TAGS.sub(" ", markup))).strip()


def words_of(text: str) -> Counter[str]:
    """How often each folded word of `text` that the search looks up occurs in it."""
    counts: Counter[str] = Counter()
    for word, count in Counter(_WORD.findall(text.lower())).items():
        folded = fold(word)
        if len(folded) >= MIN_WORD:  # as suche.js counts: "ß" alone is "ss"
            counts[folded] += count
    return counts


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
