"""Topics from tags: one topic per tag however it is spelt, and the checks of the tags.

"Ausbildung", "ausbildung" and " Ausbildung " are one tag: tags are grouped by their slug.
Without a `tags:` vocabulary in site.yaml a topic is labelled with the spelling most entries
use; with one, every tag must be one of the vocabulary (by its slug or its label).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType

from pactsite.content.words import fold, stem
from pactsite.diagnostics import Diagnostic, Severity, did_you_mean
from pactsite.i18n import t
from pactsite.model import Entry, EntryKey, Event, News, Project, Topic
from pactsite.slugs import slugify, sort_key

MIN_EDIT_LENGTH = 5
"""Tags of fewer letters are near-duplicates only by their stems ("Kita", "Kitas"), not by
one letter more or less ("Team", "Tee"), which changes short words' meaning too often."""
_WORD = re.compile(r"\w+")
_SHOWN_FILES = 3


@dataclass(frozen=True, slots=True)
class _Use:
    """One tag of one entry: the entry, the tag's place in its list, and how it is spelt."""

    entry: Entry
    index: int
    written: str

    @property
    def line(self) -> int:
        """The line of the tag in the entry's front matter."""
        source = self.entry.source
        return source.key_lines.get(f"tags.{self.index}", source.line_of("tags"))


def index_topics(
    entries: Sequence[Entry], vocabulary: Mapping[str, str]
) -> tuple[tuple[Topic, ...], Mapping[str, str]]:
    """The topics of the entries' tags in the order of their labels, and the topic slug of
    each tag's slug."""
    uses = _uses(entries)
    if not uses:
        return (), MappingProxyType({})
    aliases = _vocabulary_slugs(vocabulary)
    of_tag = {tag: aliases.get(tag, "") if vocabulary else tag for tag in uses}
    grouped: dict[str, list[_Use]] = {}
    for tag, found in uses.items():
        if of_tag[tag]:
            grouped.setdefault(of_tag[tag], []).extend(found)
    topics = [
        Topic(
            slug=slug,
            label=vocabulary.get(slug) or _label(found),
            keys=_newest_first({use.entry.key: use.entry for use in found}),
        )
        for slug, found in grouped.items()
    ]
    topics.sort(key=lambda topic: (sort_key(topic.label), topic.slug))
    known = {tag: slug for tag, slug in sorted(of_tag.items()) if slug}
    return tuple(topics), MappingProxyType(known)


def translated_topics(
    topics: Sequence[Topic], labels: Mapping[str, str], default: str
) -> tuple[Topic, ...]:
    """The topics of a further language's site: labelled as `labels` translate them, the
    others marked as in the `default` language, in the order of their labels."""
    found = [
        replace(topic, label=labels[topic.slug])
        if topic.slug in labels
        else replace(topic, language=default)
        for topic in topics
    ]
    return tuple(sorted(found, key=lambda topic: (sort_key(topic.label), topic.slug)))


def check_tags(entries: Sequence[Entry], vocabulary: Mapping[str, str]) -> list[Diagnostic]:
    """Tags outside the vocabulary (errors), and without one, near-duplicates (warnings)."""
    uses = _uses(entries)
    if not uses:
        return []
    problems = [_unusable(use) for use in uses.get("", [])]
    if vocabulary:
        aliases = _vocabulary_slugs(vocabulary)
        labels = sorted(vocabulary.values(), key=sort_key)
        for tag, found in uses.items():
            if tag and tag not in aliases:
                problems += [_unknown(use, labels) for use in found]
        return problems
    return problems + list(_near_duplicates({k: v for k, v in uses.items() if k}))


def _uses(entries: Sequence[Entry]) -> dict[str, list[_Use]]:
    """Every use of a tag, by the tag's slug, in the order of the entries."""
    uses: dict[str, list[_Use]] = {}
    for entry in entries:
        for index, tag in enumerate(entry.tags):
            uses.setdefault(slugify(tag), []).append(_Use(entry, index, tag.strip()))
    return uses


def _vocabulary_slugs(vocabulary: Mapping[str, str]) -> dict[str, str]:
    """The vocabulary's key of each tag slug that names it: its key's, its label's."""
    aliases = {slugify(label): key for key, label in vocabulary.items()}
    aliases.update({key: key for key in vocabulary})
    return aliases


def _label(found: Sequence[_Use]) -> str:
    """The spelling most entries use; of equally used ones, the first in German order."""
    counts = Counter(use.written for use in found)
    return min(counts, key=lambda written: (-counts[written], sort_key(written)))


def _newest_first(entries: Mapping[EntryKey, Entry]) -> tuple[EntryKey, ...]:
    """Entry keys by date, newest first; entries without a date (pages) after them."""

    def order(entry: Entry) -> tuple[bool, int, str]:
        day = _date_of(entry)
        return day is None, -day.toordinal() if day else 0, entry.key

    return tuple(entry.key for entry in sorted(entries.values(), key=order))


def _date_of(entry: Entry) -> dt.date | None:
    if isinstance(entry, News):
        return entry.date
    if isinstance(entry, Event):
        start = entry.start
        return start.date() if isinstance(start, dt.datetime) else start
    if isinstance(entry, Project):
        return entry.start or entry.end
    return None


def _unusable(use: _Use) -> Diagnostic:
    return Diagnostic(
        path=use.entry.source.path,
        line=use.line,
        message=t("tag '{tag}' has no letter or digit", tag=use.written),
        hint=t("write the tag as a word, or delete it"),
    )


def _unknown(use: _Use, labels: Sequence[str]) -> Diagnostic:
    return Diagnostic(
        path=use.entry.source.path,
        line=use.line,
        message=t("unknown tag '{tag}': site.yaml has a list of tags", tag=use.written),
        hint=did_you_mean(use.written, labels) or t("add it to 'tags:' in site.yaml"),
    )


def _near_duplicates(uses: Mapping[str, list[_Use]]) -> Iterator[Diagnostic]:
    """Warn at each use of a tag that is nearly another, more used one."""
    ranked = sorted(uses, key=lambda tag: (-len(_entries(uses[tag])), tag))
    for tag, other in sorted(_near_pairs(ranked).items()):
        yield from _near_warnings(uses[tag], uses[other])


def _entries(found: Sequence[_Use]) -> set[EntryKey]:
    return {use.entry.key for use in found}


def _near_pairs(ranked: Sequence[str]) -> dict[str, str]:
    """The most used tag that each tag is nearly (same stems, or one letter apart)."""
    first_of: dict[str, str] = {}
    nearest: dict[str, str] = {}
    for tag in ranked:  # the most used first: each tag meets the ones more used than it
        for form in _forms(tag):
            other = first_of.setdefault(form, tag)
            if other != tag and tag not in nearest and _near(tag, other, form):
                nearest[tag] = other
    return nearest


def _forms(tag: str) -> list[str]:
    """The keys under which near tags meet: the stems, and the tag less one letter."""
    forms = ["=" + " ".join(stem(word) for word in _WORD.findall(fold(tag.replace("-", " "))))]
    if len(tag.replace("-", "")) >= MIN_EDIT_LENGTH - 1:
        forms.append(tag)
        forms += [tag[:i] + tag[i + 1 :] for i in range(len(tag)) if tag[i] != "-"]
    return forms


def _near(tag: str, other: str, form: str) -> bool:
    """Whether two tags that share a form are near: the same stems, or one letter apart."""
    if form.startswith("="):
        return True
    short = min(len(tag.replace("-", "")), len(other.replace("-", "")))
    return short >= MIN_EDIT_LENGTH and _one_edit(tag, other)


def _one_edit(first: str, second: str) -> bool:
    """Whether one letter inserted, deleted or replaced makes one text the other."""
    if len(first) > len(second):
        first, second = second, first
    if len(second) - len(first) > 1:
        return False
    start = next((i for i, (a, b) in enumerate(zip(first, second, strict=False)) if a != b), None)
    if start is None:
        return len(second) - len(first) == 1
    if len(first) == len(second):
        return first[start + 1 :] == second[start + 1 :]
    return first[start:] == second[start + 1 :]


def _near_warnings(found: Sequence[_Use], other: Sequence[_Use]) -> Iterator[Diagnostic]:
    files = sorted({use.entry.source.path for use in other})
    listing = ", ".join(files[:_SHOWN_FILES]) + (", ..." if len(files) > _SHOWN_FILES else "")
    spelling = _label(other)
    for use in found:
        yield Diagnostic(
            path=use.entry.source.path,
            line=use.line,
            severity=Severity.WARNING,
            message=t("tag '{tag}' is nearly the tag '{other}'", tag=use.written, other=spelling),
            hint=t(
                "did you mean '{other}'? (used in {files})",
                other=spelling,
                files=listing,
            ),
        )
