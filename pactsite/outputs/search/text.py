"""What the search knows of a page: its words, as the visitor's browser will look them up.

A page asks to be found by marking its `<main>` with `data-search`; its `data-kind` and
`data-pact` name what a result shows beside the title. The text is what a visitor reads in
`<main>` without the navigation and fact tables in it (`EXCLUDED`); an overview, which lists
other pages, marks itself `data-search="summary"`: then only its heading and lead count, so
that it does not come up for every word of the pages it lists. `data-search-names` gives other
names of the page (a sector's key, "chemie", beside its label): they count like the title.
`data-search-terms` gives words of what the page is about that its text need not say (the
labels and keys of its sectors, funds and target groups, its partners): they count like text.
Words are folded the way `suche.js` folds a query (lower case, accents and umlauts dropped,
ß as ss) and stemmed with the Snowball stemmer of the page's language (`words.stemmer`), so
"Projekte" and "Projekt" find each other, and on an English page "employers" and "employment".
"""

from __future__ import annotations

import functools
import html
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from pactsite.content.words import MIN_WORD as MIN_WORD
from pactsite.content.words import fold as fold
from pactsite.content.words import stem as stem
from pactsite.content.words import stemmer

BODY_MARK = b"data-search"
EXCLUDED = ("breadcrumb", "backlinks", "related", "variant-link", "facts", "entry-meta")
"""Classes of the parts of an indexed page that are navigation or a table of facts."""
_EXCLUDED_CLASSES = frozenset(EXCLUDED)
_MAIN = re.compile(rb"<main\b[^>]*\sdata-search(?=[\s=>])[^>]*>")
_MAIN_END = b"</main>"
_WORD = re.compile(r"[\w\u0300-\u036f]+")
"""Letters and digits (the underscore is made a space first), and the combining accents that
`fold` drops ("n\u0308" is one word)."""
_INLINE = (
    "a|abbr|b|bdi|bdo|cite|code|data|dfn|em|i|kbd|mark|q|s|samp|small|span|strong|sub|sup|time"
    "|u|var|wbr"
)
_VOID = frozenset(
    ("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track")
)
_SILENT = re.compile(r"<(script|style|template)\b.*?</\1\s*>|<!--.*?-->", re.DOTALL)
_NAMES = "|".join(re.escape(name) for name in EXCLUDED)
_CLASSED_TAG = re.compile(
    rf"""<([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*?\sclass=(?:"([^"]*(?:{_NAMES})[^"]*)"|'([^']*(?:{_NAMES})[^']*)')[^>]*>"""
)
"""A start tag whose class may be excluded (checked word by word)."""
_BLOCK_TAG = re.compile(rf"<(?!/?(?:{_INLINE})[\s/>])[^>]*>")
"""A tag other than an inline one: it becomes a space, so that blocks ("<p>a</p><p>b</p>")
stay apart in the text while inline elements run on ("<em>Ar</em>beit")."""
_TAG = re.compile(r"<[^>]*>")
_HEADING = re.compile(r"<h1\b[^>]*>(.*?)</h1\s*>", re.DOTALL)
_LEAD = re.compile(r"""<p\b[^>]*\sclass=["'](?:[^"']*\s)?lead[\s"'][^>]*>(.*?)</p\s*>""", re.DOTALL)
SUMMARY = "summary"
"""The value of `data-search` on an overview: only its heading and lead are its text."""


@dataclass(frozen=True, slots=True)
class SearchEntry:
    """A page as the search shows and finds it."""

    url: str
    title: str
    kind: str
    pact: str
    text: str
    names: str = ""
    terms: str = ""


def search_entry(url: str, page: bytes) -> SearchEntry | None:
    """The search's view of the page at `url`; None if the page does not ask to be found.

    The page is pactsite's own well-formed output (checked by the Nu Html Checker in the
    tests), so regular expressions read it: a parser took three times as long.
    """
    start = _MAIN.search(page)
    end = page.find(_MAIN_END, start.end()) if start is not None else -1
    if start is None or end < 0:
        return None
    opening = start.group(0).decode()
    # without the soft hyphens of long words (pactsite.render.hyphenate): they are not text
    inside = page[start.end() : end].decode().replace("\u00ad", "")
    inside = _without_excluded(_SILENT.sub(" ", inside))
    heading = _HEADING.search(inside)
    title = _text(heading.group(1)) if heading is not None else ""
    if _attribute(opening, "data-search") == SUMMARY:
        text = " ".join([title, *(_text(lead) for lead in _LEAD.findall(inside))])
    else:
        text = _text(inside)
    return SearchEntry(
        url=url,
        title=title,
        kind=_attribute(opening, "data-kind"),
        pact=_attribute(opening, "data-pact"),
        text=text,
        names=_attribute(opening, "data-search-names"),
        terms=_attribute(opening, "data-search-terms"),
    )


def _without_excluded(markup: str) -> str:
    """The markup without the elements of an excluded class (with what they contain)."""
    # where an excluded name is written, found with str.find: a regular expression that
    # looked at every tag for them took half again as long
    hits = sorted(at for name in EXCLUDED for at in _places(markup, name))
    kept: list[str] = []
    position, checked = 0, -1
    for at in hits:
        start = markup.rfind("<", position, at)
        if at < position or start < 0 or start == checked:
            continue  # inside an element already left out, or a tag already looked at
        checked = start
        found = _CLASSED_TAG.match(markup, start)
        if found is None or found.end() <= at:
            continue  # the name is text, or another attribute's
        classes = (found.group(2) or found.group(3) or "").split()
        if _EXCLUDED_CLASSES.isdisjoint(classes):
            continue
        kept.append(markup[position:start])
        kept.append(" ")
        position = _element_end(markup, found.group(1).lower(), found.end())
    kept.append(markup[position:])
    return "".join(kept)


def _places(text: str, word: str) -> Iterator[int]:
    """Where `word` begins in `text`, each place."""
    at = text.find(word)
    while at >= 0:
        yield at
        at = text.find(word, at + len(word))


def _element_end(markup: str, tag: str, after: int) -> int:
    """Where the element whose start tag ends at `after` ends (nested ones of its name too)."""
    if tag in _VOID:
        return after
    depth = 1
    for found in _start_or_end(tag).finditer(markup, after):
        depth += -1 if found.group(1) else 1
        if depth == 0:
            closing = markup.find(">", found.start())
            return len(markup) if closing < 0 else closing + 1
    return len(markup)


@functools.cache
def _start_or_end(tag: str) -> re.Pattern[str]:
    """A start or end tag of this name (group 1: "/" for an end tag)."""
    return re.compile(rf"<(/?){tag}[\s/>]", re.IGNORECASE)


def _text(markup: str) -> str:
    """The text of markup: blocks apart, inline elements run on, entities resolved."""
    return " ".join(html.unescape(_TAG.sub("", _BLOCK_TAG.sub(" ", markup))).split())


def _attribute(tag: str, name: str) -> str:
    found = re.search(rf"""\s{name}=(?:"([^"]*)"|'([^']*)')""", tag)
    return html.unescape(found.group(1) or found.group(2) or "") if found else ""


def words_of(text: str, language: str = "de") -> Counter[str]:
    """How often each folded word of `text` that the search looks up occurs in it."""
    counts: Counter[str] = Counter()
    for word, _, count in terms_of(text, language):
        counts[word] += count
    return counts


def terms_of(text: str, language: str = "de") -> list[tuple[str, str, int]]:
    """Each word of `text` that the search looks up, folded, with its stem in `language` and
    how often it occurs (a word written two ways, "Straße" and "Strasse", is there twice)."""
    found = []
    known_terms = _known.get(language)
    if known_terms is None:
        known_terms = _known[language] = {}
    for token, count in Counter(_WORD.findall(text.lower().replace("_", " "))).items():
        known = known_terms.get(token)
        if known is None:
            known = known_terms[token] = _term(token, language)
        if known:
            found.append((known[0], known[1], count))
    return found


_known: dict[str, dict[str, tuple[str, str] | tuple[()]]] = {}
"""By language, the folded word and stem of each token seen (empty: too short to look up)."""


def _term(token: str, language: str) -> tuple[str, str] | tuple[()]:
    word = fold(token)
    return (word, stemmer(language)(word)) if len(word) >= MIN_WORD else ()
