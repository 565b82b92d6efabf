"""Soft hyphens in long words, so that a narrow screen breaks them with a hyphen.

`hyphens: auto` needs the browser to have a hyphenation dictionary for the page's language;
many have none for German (Debian's Chromium, for one), and they break a word that does not
fit its line anywhere, without a hyphen ("Entwicklungspartners|chaft"). A soft hyphen
(U+00AD) is honoured by every browser: invisible unless the line breaks there. They are put
in at build time with pyphen, which reads the hyphenation patterns of LibreOffice (the ones
browsers use where they have them), into the long words of headings and titles, which are
set large. Running text is left to `hyphens: auto`: at a phone's text size only a word of
some 30 letters does not fit a line, and finding one means reading every text of a site,
which cost more than a build may (bench/RESULTS.md). Search removes them (`SOFT_HYPHEN`).

The patterns take 10 MB in a process (German: 66,000 of them), more than a build may add to
its peak, so the build asks a process of its own (`pactsite.build.hyphenation`) for the
hyphenation of the long words of its titles (`long_words`), keeps the answers in its cache,
and the templates' filter reads them from that table (`make_hyphenate_filter`).
pyphen parses the patterns from text each time a process loads them (half a second); the
parsed patterns are kept, like Python keeps compiled modules, in the user's cache folder
(`$XDG_CACHE_HOME/pactsite`, else `~/.cache/pactsite`), per pyphen version and dictionary
file, and loaded from there (see docs/caching.md).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import pickle
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import markupsafe

from pactsite import forget_old_copies, user_cache_folder

SOFT_HYPHEN = "\u00ad"
HEADING_WORD = 12
"""The shortest word of a heading or title given soft hyphens ("Arbeitsmarkt")."""
_TITLE_WORD = re.compile(rf"\b[^\W\d_]{{{HEADING_WORD},}}")
_HEADING_WORD = re.compile(rf"\b[^\W\d_]{{{HEADING_WORD},}}(?![^<>]*>)")
"""A long word of a heading's HTML: not followed by a `>` before the next `<` (not in a tag)."""
_HEADING = re.compile(r"(<h[1-6][\s>].*?</h[1-6]>)", re.DOTALL)  # as sanitised: lower case
_AS_WRITTEN = re.compile(r"(<(code|kbd|samp)[\s>].*?</\2>)", re.DOTALL)
"""Elements of a heading whose text is shown as written: never hyphenated."""


def long_words(texts: Iterable[str]) -> set[str]:
    """The words of `HEADING_WORD` letters or more in `texts`: those a title may need
    hyphenated."""
    return {word for text in texts for word in _TITLE_WORD.findall(text)}


def hyphenate_text(text: str, table: Mapping[str, str]) -> str:
    """Plain text (a title) with soft hyphens in its long words that `table` hyphenates."""
    if len(text) < HEADING_WORD:
        return text
    return _TITLE_WORD.sub(lambda word: table.get(word[0], word[0]), text)


def hyphenate_html(html: str, table: Mapping[str, str]) -> str:
    """HTML with soft hyphens in the long words of its headings that `table` hyphenates;
    none in code or attributes."""
    return _HEADING.sub(lambda found: hyphenate_heading(found[0], table), html)


def hyphenate_heading(heading: str, table: Mapping[str, str]) -> str:
    """One heading element's HTML with soft hyphens in its long words (see `hyphenate_html`)."""

    def word(found: re.Match[str]) -> str:
        return table.get(found[0], found[0])

    if "<code" not in heading and "<kbd" not in heading and "<samp" not in heading:
        return _HEADING_WORD.sub(word, heading)
    parts = _AS_WRITTEN.split(heading)  # text, element, its tag name, text, ...
    return "".join(
        _HEADING_WORD.sub(word, part) if index % 3 == 0 else part
        for index, part in enumerate(parts)
        if index % 3 != 2
    )


def make_hyphenate_filter(table: Mapping[str, str]) -> Callable[[object], markupsafe.Markup]:
    """The template filter `hyphenate`: a title's or an HTML text's long words hyphenated
    as `table` says.

    Plain text is escaped first (as autoescaping would have done), so the result is safe;
    Markup is taken as HTML (`hyphenate_html`).
    """

    @functools.lru_cache(maxsize=16384)  # a title is on many list pages
    def title(text: str) -> markupsafe.Markup:
        return markupsafe.Markup(markupsafe.escape(hyphenate_text(text, table)))

    @functools.lru_cache(maxsize=16384)  # headings repeat across texts ("Kontakt", "Ziele")
    def heading(found: str) -> str:
        return hyphenate_heading(found, table)

    def hyphenate(value: object) -> markupsafe.Markup:
        if isinstance(value, markupsafe.Markup):
            return markupsafe.Markup(_HEADING.sub(lambda found: heading(found[0]), value))
        return title(str(value))

    return hyphenate


def hyphenations(words: Iterable[str], language: str) -> dict[str, str]:
    """Each word that pyphen can hyphenate in `language`, with its soft hyphens (this loads
    the patterns: see the module's docstring for where to call it)."""
    dictionary = _dictionary(language)
    if dictionary is None:
        return {}
    found = {word: str(dictionary.inserted(word, hyphen=SOFT_HYPHEN)) for word in words}
    return {word: hyphenated for word, hyphenated in found.items() if hyphenated != word}


def load_patterns(language: str) -> None:
    """Load the patterns of `language` now, so that `hyphenations` finds them loaded."""
    _dictionary(language)


@functools.lru_cache(maxsize=8)
def _dictionary(language: str) -> Any:
    """pyphen's hyphenator for a language code ("de", "en"), or None if it has no patterns."""
    import pyphen  # here: only a build that renders pages needs it

    code = language.replace("-", "_")
    own = f"{code}_{code.upper()}"  # de -> de_DE: pyphen's plain "de" is the Austrian one
    found = own if own in pyphen.LANGUAGES else pyphen.language_fallback(code)
    if not found:
        return None
    path = Path(pyphen.LANGUAGES[found])
    if path not in pyphen.hdcache:
        pyphen.hdcache[path] = _parsed_patterns(path, pyphen)
    return pyphen.Pyphen(lang=found, left=3, right=3)


def _parsed_patterns(path: Path, pyphen: Any) -> Any:
    """pyphen's parsed patterns of `path`: from the user's cache folder, else parsed (and
    kept there for the next process; a folder that cannot be written is no error)."""
    # named by the dictionary's bytes, not its file's time: every virtual environment has
    # its own copy of the same dictionary, and they share one parsed copy
    content = hashlib.blake2b(path.read_bytes(), digest_size=8).hexdigest()
    name = f"hyph-{pyphen.__version__}-{path.stem}-{content}.packed"
    kept = user_cache_folder() / name
    with contextlib.suppress(OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError):
        maxlen, packed = pickle.loads(kept.read_bytes())
        if isinstance(maxlen, int) and isinstance(packed, dict):
            return _unpacked(pyphen, maxlen, packed)
    patterns = pyphen.HyphDict(path)
    packed = _packed(patterns.patterns)
    if packed is not None:  # else patterns of alternative spellings: parsed each time
        with contextlib.suppress(OSError):
            import tempfile  # here: only the first process of an install writes the copy

            kept.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=kept.parent, delete=False) as file:
                file.write(pickle.dumps((patterns.maxlen, packed), pickle.HIGHEST_PROTOCOL))
            Path(file.name).replace(kept)
            forget_old_copies(f"hyph-*-{path.stem}-*")
    return patterns


class _PackedPatterns(dict[str, bytes]):
    """pyphen's patterns with each value, (offset, levels), packed into bytes: a dictionary
    of bytes loads in half the time of one of tuples (23 against 11 ms for German), and the
    few patterns a word needs are unpacked when pyphen looks them up."""

    def get(self, key: str, default: Any = None) -> Any:
        """The pattern as pyphen keeps it, (offset, levels), or `default`."""
        packed = dict.get(self, key)
        return default if packed is None else (packed[0], tuple(packed[1:]))


def _packed(patterns: Mapping[str, Any]) -> dict[str, bytes] | None:
    """The patterns as `_PackedPatterns` holds them; None if a value does not fit a byte."""
    packed = {}
    for key, (offset, levels) in patterns.items():
        values = (offset, *levels)
        if not all(type(value) is int and 0 <= value < 256 for value in values):
            return None
        packed[key] = bytes(values)
    return packed


def _unpacked(pyphen: Any, maxlen: int, packed: dict[str, bytes]) -> Any:
    """pyphen's HyphDict of packed patterns, as if it had parsed them."""
    patterns = object.__new__(pyphen.HyphDict)
    patterns.patterns = _PackedPatterns(packed)
    patterns.cache = {}
    patterns.maxlen = maxlen
    return patterns
