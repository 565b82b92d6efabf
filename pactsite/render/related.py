"""Related pages from other pacts: ranked by shared sectors and tags, then recency."""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
from collections.abc import Iterator, Mapping
from types import MappingProxyType

from pactsite.model import Entry, EntryKey, Event, News, Project, Site

RELATED_COUNT = 3


def relate_entries(
    site: Site, count: int = RELATED_COUNT
) -> Mapping[EntryKey, tuple[EntryKey, ...]]:
    """For every entry of a pact, the most similar entries of other pacts; deterministic.

    Entries with the same sectors and tags score alike, so candidates are grouped by that
    signature: the cost grows with entries times signatures, not entries squared.
    """
    groups: dict[Signature, list[Entry]] = {}
    for entry in site.entries.values():
        if entry.pact and not entry.variant:
            groups.setdefault(signature(entry), []).append(entry)
    for members in groups.values():
        members.sort(key=lambda e: (-recency(e).toordinal(), e.key))
    related: dict[EntryKey, tuple[EntryKey, ...]] = {}
    for own, members in groups.items():
        ranked = _Prefix(_ranked_candidates(own, groups))
        for entry in members:
            found = tuple(itertools.islice((e.key for e in ranked if e.pact != entry.pact), count))
            if found:
                related[entry.key] = found
    return MappingProxyType(dict(sorted(related.items())))


class _Prefix:
    """A lazily ranked sequence, read again from its start by each member of a group.

    Each member needs only its first few candidates from other pacts, so only as much of
    the ranking is made as the members read (all of it would be entries times groups).
    """

    def __init__(self, items: Iterator[Entry]) -> None:
        self._items = items
        self._read: list[Entry] = []

    def __iter__(self) -> Iterator[Entry]:
        index = 0
        while True:
            if index == len(self._read):
                item = next(self._items, None)
                if item is None:
                    return
                self._read.append(item)
            yield self._read[index]
            index += 1


Signature = tuple[frozenset[str], frozenset[str]]


def signature(entry: Entry) -> Signature:
    """What similarity looks at: the sectors and the (case-folded) tags."""
    return frozenset(entry.sectors), frozenset(t.casefold() for t in _tags(entry))


def _score(first: Signature, second: Signature) -> int:
    return 2 * len(first[0] & second[0]) + len(first[1] & second[1])


def _ranked_candidates(own: Signature, groups: dict[Signature, list[Entry]]) -> Iterator[Entry]:
    """All entries that share something with `own`: highest score first, then newest."""
    by_score: dict[int, list[list[Entry]]] = {}
    for other, members in groups.items():
        if (score := _score(own, other)) > 0:
            by_score.setdefault(score, []).append(members)
    for score in sorted(by_score, reverse=True):
        yield from heapq.merge(*by_score[score], key=lambda e: (-recency(e).toordinal(), e.key))


def similarity(first: Entry, second: Entry) -> int:
    """Shared sectors count twice, shared tags once."""
    sectors = len(set(first.sectors) & set(second.sectors))
    tags = len({t.casefold() for t in _tags(first)} & {t.casefold() for t in _tags(second)})
    return 2 * sectors + tags


def recency(entry: Entry) -> dt.date:
    """The date that makes an entry recent: published, started, or the earliest possible."""
    if isinstance(entry, News):
        return entry.updated or entry.date
    if isinstance(entry, Event):
        return entry.start.date() if isinstance(entry.start, dt.datetime) else entry.start
    if isinstance(entry, Project):
        return entry.end or entry.start or dt.date.min
    return dt.date.min


def _tags(entry: Entry) -> tuple[str, ...]:
    return entry.tags
