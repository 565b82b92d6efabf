"""The search index in `/suchindex/`, made by pactsite itself so that an edit updates it in place.

Layout (read by `js/suche.js`; every file is JSON):

- `meta.json`: `{"pages": N}`, the number of indexed pages.
- `seiten/<id>.json`: one page, `{"url", "title", "kind", "pact", "text", "names", "terms"}`;
  ids count the indexed pages in the order of their output paths.
- `w/<key>.json`: the words and stems whose key is `<key>` (the first three letters; a word
  of two letters is its own key; a key of other characters than a-z and 0-9 is written as
  "x" and the hex digits of its UTF-8 bytes):
  `{"words": {word: [stem, pages with the word]}, "stems": {stem: postings}}`, where the
  postings are `[id, weight, id step, weight, ...]`, ids ascending, each after the first
  as the step from the one before. A weight counts the stem on the page, its title and
  other names (`data-search-names`) thrice.
- `e/<key>.json`: the stems of `MIN_COMPOUND` letters or more whose last three letters are
  `<key>`, sorted: where the browser finds the compounds a query word ends ("chemiestandort"
  for "Standort"; their postings are in their `w/` file).
  A file also lists, under `"near"` (sorted; left out when empty), the site words of
  `MIN_TYPO_WORD` letters or more that begin with `<key>` once one of their first three
  letters is left out (and do not begin with it): where the browser finds a word with a
  typo among its first letters ("Maddeburg" and "magdeburg" are both "mad…" without their
  third letter), in the files it loads anyway for a letter too many.

A visitor's query word is folded like the site's words and looked up in its key's file:
the word itself gives its stem; the words it begins give theirs (a word still being typed);
the compounds it ends give theirs, if what comes before it is a word of the site too. A word
not in the site is tried without an ending, then with one typo; else it finds nothing, and
the page offers the nearest site words. No WebAssembly and no ranges of pages to download:
a query of two words loads a few small files, then one file per result shown.

Pagefind did this before; it has no incremental mode, so an edit of one page re-indexed
them all and its process was the build's memory peak. Here a quick
rebuild rewrites the page's own file and the files of the stems whose weight on the page
changed and of the words it gained or lost, read from the previous index.
"""

from __future__ import annotations

import json
import re
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from pactsite.content.words import stemmer
from pactsite.outputs import BuiltFile, OutputFile
from pactsite.outputs.search.text import BODY_MARK, SearchEntry, search_entry, terms_of
from pactsite.urls import output_url

INDEX_FOLDER = "suchindex"
TITLE_WEIGHT = 2
"""A word in the title counts this much more than once (it is in the text too)."""
NAME_WEIGHT = TITLE_WEIGHT + 1
"""Another name of the page counts like a word of its title (which is in the text too)."""
MIN_TYPO_WORD = 4
"""The shortest word a typo is looked for (the browser corrects words of five letters, which
may be a word of four with a letter too many)."""
MIN_COMPOUND = 7
"""The shortest word the browser looks into for a compound's last part: 3 letters before a
part of 4 ("Sportart" is not "Sport" and "Art": a part of 3 letters matches too much)."""
MAX_WEIGHT = 255
_KEY_LENGTH = 3
_PLAIN_KEY = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class SearchIndex:
    """The index files, and the output paths of the indexed pages in id order."""

    files: list[BuiltFile]
    pages: tuple[str, ...]


@dataclass(slots=True)
class _Shard:
    """The words and postings of one key, as in its file."""

    words: dict[str, tuple[str, int]] = field(default_factory=dict)
    """Each word's stem and how many pages have it."""
    stems: dict[str, list[int] | array[int]] = field(default_factory=dict)
    """Each stem's postings, encoded (only the stems an edit touches are decoded)."""
    near: set[str] = field(default_factory=set)
    """The words that begin with the key once one of their first letters is left out."""


def html_pages(files: Iterable[BuiltFile]) -> list[BuiltFile]:
    """The HTML pages among `files` in path order, the order of their ids (`read_part` reads
    which of them ask to be found: only their bytes say)."""
    return sorted((f for f in files if f.path.suffix == ".html"), key=lambda f: f.path)


@dataclass(slots=True)
class IndexPart:
    """What the index reads of a run of pages (`read_part`), their ids counted from 0."""

    pages: list[str] = field(default_factory=list)
    """The paths of the pages that ask to be found, in the order of their ids."""
    postings: dict[str, array[int]] = field(default_factory=dict)
    """Each stem's postings, encoded as stored (4 bytes a number; as a list: 8, and the
    list's slack)."""
    last: dict[str, int] = field(default_factory=dict)
    """The id each stem's postings end with."""
    pages_with: Counter[str] = field(default_factory=Counter)
    """How many pages have each word."""
    fragments: list[bytes] = field(default_factory=list)
    """The pages' fragment files, in the order of their ids (unless handed on as made)."""

    def join(self, other: IndexPart) -> None:
        """Add the pages of `other`, which come after these (its fragments are not taken)."""
        offset = len(self.pages)
        for term, encoded in other.postings.items():
            found = self.postings.get(term)
            if found is None:
                encoded[0] += offset
                self.postings[term] = encoded
            else:
                encoded[0] += offset - self.last[term]
                found.extend(encoded)
            self.last[term] = other.last[term] + offset
        self.pages_with.update(other.pages_with)
        self.pages += other.pages


Fragments = Callable[[int, bytes], object]
"""What takes each page's fragment file as it is made: its id and its bytes."""


def read_part(
    pages: Sequence[BuiltFile], language: str = "de", made: Fragments | None = None
) -> IndexPart:
    """Read each of `pages` (HTML pages in id order) that asks to be found: its stems'
    postings and its words, stemmed as words of `language`; its fragment file is handed to
    `made` (else kept in the part). Most of the index's time: the build may read a run of
    pages apart (`build_search_index`'s `read`)."""
    part = IndexPart()
    postings, last, pages_with, ids = part.postings, part.last, part.pages_with, part.pages
    for page in pages:
        content = page.content
        entry = search_entry(output_url(page.path), content) if BODY_MARK in content else None
        if entry is None:
            continue
        number = len(ids)
        ids.append(str(page.path))
        weights, words = page_terms(entry, language)
        for term, weight in weights.items():
            found = postings.get(term)
            if found is None:
                postings[term] = array("I", (number, weight))
            else:
                found.append(number - last[term])
                found.append(weight)
            last[term] = number
        pages_with.update(words)
        fragment = _fragment_content(entry)
        if made is None:
            part.fragments.append(fragment)
        else:
            made(number, fragment)
    return part


PartReader = Callable[[Sequence[BuiltFile], str, Fragments], IndexPart]
"""How `build_search_index` reads the pages: `read_part`, or a way that reads runs of them
apart and joins the parts."""


def build_search_index(
    files: Iterable[BuiltFile],
    keep: Callable[[OutputFile], BuiltFile] = lambda file: file,
    language: str = "de",
    read: PartReader = read_part,
) -> SearchIndex:
    """The whole index of the pages among `files` that ask to be found, their words
    stemmed as words of `language`.

    Each index file is handed to `keep` as soon as it is made, and the index holds what
    `keep` gives back: the build keeps the bytes out of memory until they are written.
    """
    out: list[BuiltFile] = []

    def made(number: int, content: bytes) -> None:
        out.append(keep(_fragment_file(number, content)))

    part = read(html_pages(files), language, made)
    shards, tails = _shards(part.postings, part.pages_with, stemmer(language))
    part.postings = {}  # its arrays live on in the shards
    out += [keep(_shard_file(key, shards.pop(key))) for key in sorted(shards)]
    out += [keep(_list_file(_tail_path(key), terms)) for key, terms in tails.items()]
    out.append(keep(_meta(len(part.pages))))
    return SearchIndex(files=sorted(out, key=lambda f: f.path), pages=tuple(part.pages))


def _shards(
    postings: dict[str, array[int]], pages_with: Counter[str], stem: Callable[[str], str]
) -> tuple[dict[str, _Shard], dict[str, set[str]]]:
    """The word files by key (stems, words, near words) and the compound lists by key."""
    shards: dict[str, _Shard] = {}
    for term, encoded in postings.items():
        _shard(shards, term).stems[term] = encoded
    tails: dict[str, set[str]] = {}
    for term in postings:
        for key in _tail_keys(term):
            tails.setdefault(key, set()).add(term)
    for word, count in pages_with.items():
        _shard(shards, word).words[word] = (stem(word), count)
        for key in typo_keys(word):
            _keyed(shards, key).near.add(word)
    return shards, tails


def update_search_index(
    pages: Sequence[str],
    changed: Iterable[OutputFile],
    previous: Callable[[str], bytes],
    language: str = "de",
) -> tuple[list[OutputFile], set[str]] | None:
    """The index files that change when the `changed` pages replace their previous versions.

    `pages` are the indexed pages' paths in id order; `previous` reads a file of the
    previous output. Returns the files to write and the paths to remove; None if a changed
    page is not among `pages` with the same address (then the whole index is made again).
    """
    found = _page_changes(pages, changed, previous, language)
    if found is None:
        return None
    changes, out = found
    shards, new_stems, gone_stems = _changed_shards(changes, previous, stemmer(language))
    removed: set[str] = set()
    for key, shard in sorted(shards.items()):
        if shard.words or shard.stems or shard.near:
            out.append(_shard_file(key, shard))
        else:
            removed.add(_shard_path(key))
    tails = _update_lists(_tail_path, _tail_keys, new_stems, gone_stems, previous)
    return sorted([*out, *tails[0]], key=lambda f: f.path), removed | tails[1]


def _page_changes(
    pages: Sequence[str],
    changed: Iterable[OutputFile],
    previous: Callable[[str], bytes],
    language: str,
) -> tuple[list[_PageChange], list[OutputFile]] | None:
    """How the terms of each changed page changed, and its new fragment file; None if a
    page is new to the index or left it."""
    ids = {path: number for number, path in enumerate(pages)}
    changes: list[_PageChange] = []
    out: list[OutputFile] = []
    for page in changed:
        number = ids.get(str(page.path))
        entry = search_entry(output_url(page.path), page.content)
        if number is None or entry is None:
            if (number is None) != (entry is None):
                return None
            continue
        old = SearchEntry(**json.loads(previous(_fragment_path(number))))
        if old != entry:
            terms = page_terms(old, language), page_terms(entry, language)
            changes.append(_PageChange.between(number, *terms))
            out.append(_fragment_file(number, _fragment_content(entry)))
    return changes, out


def _changed_shards(
    changes: Sequence[_PageChange], previous: Callable[[str], bytes], stem: Callable[[str], str]
) -> tuple[dict[str, _Shard], set[str], set[str]]:
    """The word files the `changes` touch, changed; and the stems new to the site and gone."""
    keys = {shard_key(term) for change in changes for term in change.terms()}
    touched = {term for change in changes for term in change.weights}
    touched_words = {word for change in changes for word in change.lost | change.gained}
    new_stems: set[str] = set()
    gone_stems: set[str] = set()
    new_words: set[str] = set()
    gone_words: set[str] = set()
    shards: dict[str, _Shard] = {}
    for key in sorted(keys):
        shard = shards[key] = _previous_shard(key, previous)
        before = touched & shard.stems.keys()
        words_before = touched_words & shard.words.keys()
        for change in changes:
            change.apply(shard, key, stem)
        after = touched & shard.stems.keys()
        words_after = touched_words & shard.words.keys()
        new_stems |= after - before
        gone_stems |= before - after
        new_words |= words_after - words_before
        gone_words |= words_before - words_after
    _update_near(shards, new_words, gone_words, previous)
    return shards, new_stems, gone_stems


def _update_near(
    shards: dict[str, _Shard],
    new_words: set[str],
    gone_words: set[str],
    previous: Callable[[str], bytes],
) -> None:
    """List the words the site gained, and no longer those it lost, in the shards whose key
    they begin with once one of their first letters is left out (read in as needed)."""
    for words, add in ((new_words, True), (gone_words, False)):
        for word in words:
            for key in typo_keys(word):
                if key not in shards:
                    shards[key] = _previous_shard(key, previous)
                if add:
                    shards[key].near.add(word)
                else:
                    shards[key].near.discard(word)


def _previous_shard(key: str, previous: Callable[[str], bytes]) -> _Shard:
    """The shard of `key` in the previous index (empty if it had none)."""
    try:
        return _read_shard(previous(_shard_path(key)))
    except FileNotFoundError:
        return _Shard()


def _update_lists(
    path_of: Callable[[str], str],
    keys_of: Callable[[str], Iterable[str]],
    new: set[str],
    gone: set[str],
    previous: Callable[[str], bytes],
) -> tuple[list[OutputFile], set[str]]:
    """The files of sorted lists (`e/`; an item is in the files of its keys) that change
    when the site gains the `new` items and loses the `gone` ones."""
    changed: dict[str, tuple[set[str], set[str]]] = {}
    for items, side in ((new, 0), (gone, 1)):
        for item in items:
            for key in keys_of(item):
                changed.setdefault(key, (set(), set()))[side].add(item)
    out: list[OutputFile] = []
    removed: set[str] = set()
    for key, (gained, lost) in sorted(changed.items()):
        path = path_of(key)
        try:
            known = set(json.loads(previous(path)))
        except FileNotFoundError:
            known = set()
        known = (known | gained) - lost
        if known:
            out.append(_list_file(path, known))
        else:
            removed.add(path)
    return out, removed


@dataclass(frozen=True, slots=True)
class _PageChange:
    """What an edit of one page changes in the index: the stems whose weight on it changed
    (None: no longer on it), and the words it lost and gained."""

    number: int
    weights: dict[str, int | None]
    lost: frozenset[str]
    gained: frozenset[str]

    @classmethod
    def between(
        cls, number: int, old: tuple[dict[str, int], set[str]], new: tuple[dict[str, int], set[str]]
    ) -> _PageChange:
        """The change from the page's `old` terms to its `new` ones."""
        (old_weights, old_words), (new_weights, new_words) = old, new
        weights = {
            term: new_weights.get(term)
            for term in old_weights.keys() | new_weights.keys()
            if old_weights.get(term) != new_weights.get(term)
        }
        return cls(
            number, weights, frozenset(old_words - new_words), frozenset(new_words - old_words)
        )

    def terms(self) -> set[str]:
        """Every stem and word the change touches."""
        return {*self.weights, *self.lost, *self.gained}

    def apply(self, shard: _Shard, key: str, stem: Callable[[str], str]) -> None:
        """Make the change in the shard of `key`."""
        for word in self.lost:
            if shard_key(word) == key and word in shard.words:
                term, count = shard.words[word]
                if count > 1:
                    shard.words[word] = (term, count - 1)
                else:
                    del shard.words[word]
        for word in self.gained:
            if shard_key(word) == key:
                count = shard.words.get(word, ("", 0))[1]
                shard.words[word] = (stem(word), count + 1)
        for term, weight in self.weights.items():
            if shard_key(term) != key:
                continue
            postings = _decode(shard.stems.get(term, []))
            if weight is None:
                postings.pop(self.number, None)
            else:
                postings[self.number] = weight
            if postings:
                shard.stems[term] = _encode(postings)
            else:
                shard.stems.pop(term, None)


def page_terms(entry: SearchEntry, language: str = "de") -> tuple[dict[str, int], set[str]]:
    """The weight of each stem on the page, and its words (stemmed in `language`)."""
    weights: dict[str, int] = {}
    words: set[str] = set()
    for text, factor in (
        (entry.text, 1),
        (entry.title, TITLE_WEIGHT),
        (entry.names, NAME_WEIGHT),
        (entry.terms, 1),
    ):
        for word, term, count in terms_of(text, language):
            words.add(word)
            weights[term] = weights.get(term, 0) + factor * count
    for term, weight in weights.items():
        if weight > MAX_WEIGHT:
            weights[term] = MAX_WEIGHT
    return weights, words


def shard_key(word: str) -> str:
    """The key of the file a word or stem is in."""
    return word[:_KEY_LENGTH]


def tail_key(term: str) -> str:
    """The key of the compound file a stem is in: its last three letters."""
    return term[-_KEY_LENGTH:]


def shard_file_name(key: str) -> str:
    """The file name of a key: itself if plain, else "x" and its UTF-8 bytes in hex."""
    return key if _PLAIN_KEY.fullmatch(key) else "x" + key.encode().hex()


def _shard(shards: dict[str, _Shard], term: str) -> _Shard:
    return _keyed(shards, shard_key(term))


def _keyed(shards: dict[str, _Shard], key: str) -> _Shard:
    found = shards.get(key)
    if found is None:
        found = shards[key] = _Shard()
    return found


def _shard_file(key: str, shard: _Shard) -> OutputFile:
    stems = {term: list(encoded) for term, encoded in shard.stems.items()}
    data: dict[str, object] = {"stems": stems, "words": shard.words}
    if shard.near:
        data["near"] = sorted(shard.near)
    content = _json(data)
    return OutputFile(PurePosixPath(_shard_path(key)), content)


def _tail_keys(term: str) -> list[str]:
    return [tail_key(term)] if len(term) >= MIN_COMPOUND else []


def typo_keys(word: str) -> set[str]:
    """The keys of the typo files a word is in: its first three letters once one of them is
    left out, where they differ from its own."""
    if len(word) < MIN_TYPO_WORD:
        return set()
    dropped = {shard_key(word[:i] + word[i + 1 :]) for i in range(_KEY_LENGTH)}
    return dropped - {shard_key(word)}


def _list_file(path: str, items: Iterable[str]) -> OutputFile:
    return OutputFile(PurePosixPath(path), _json(sorted(items)))


def _tail_path(key: str) -> str:
    return f"{INDEX_FOLDER}/e/{shard_file_name(key)}.json"


def _read_shard(content: bytes) -> _Shard:
    data = json.loads(content)
    words = {word: (str(term), int(count)) for word, (term, count) in data["words"].items()}
    return _Shard(words=words, stems=data["stems"], near=set(data.get("near", ())))


def _encode(postings: Mapping[int, int]) -> list[int]:
    """Postings as stored: ids ascending, each after the first as the step from the last."""
    encoded: list[int] = []
    before = 0
    for number in sorted(postings):
        encoded += (number - before, postings[number])
        before = number
    return encoded


def _decode(encoded: Sequence[int]) -> dict[int, int]:
    postings: dict[int, int] = {}
    number = 0
    for position in range(0, len(encoded), 2):
        number += encoded[position]
        postings[number] = encoded[position + 1]
    return postings


def _fragment_file(number: int, content: bytes) -> OutputFile:
    return OutputFile(PurePosixPath(_fragment_path(number)), content)


def _fragment_content(entry: SearchEntry) -> bytes:
    data: Mapping[str, str] = {
        "url": entry.url,
        "title": entry.title,
        "kind": entry.kind,
        "pact": entry.pact,
        "text": entry.text,
        "names": entry.names,
        "terms": entry.terms,
    }
    return _json(data)


def _meta(count: int) -> OutputFile:
    return OutputFile(PurePosixPath(INDEX_FOLDER, "meta.json"), _json({"pages": count}))


def _fragment_path(number: int) -> str:
    return f"{INDEX_FOLDER}/seiten/{number}.json"


def _shard_path(key: str) -> str:
    return f"{INDEX_FOLDER}/w/{shard_file_name(key)}.json"


def _json(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
