"""Versions of a page in Leichte Sprache: which page each one belongs to.

A version is written beside its original, `<name>.ls.md` (or `<name>.leichte-sprache.md`)
next to `<name>.md`; a pact's description `index.ls.md` is the version of the pact's page.
A version takes its original's address (plus `leichte-sprache/`), kind and pact, so it is
found by the file name, whatever `slug:` the original has.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping, Sequence
from pathlib import PurePosixPath
from types import MappingProxyType
from typing import Any

from pactsite.content.sources import SourceFile, split_variant
from pactsite.diagnostics import Diagnostic
from pactsite.i18n import t
from pactsite.model import Entry, Kind, Page, SourceRef

PACT_VERSION_SLUG = ""
"""The slug of a version of a pact's description: it has no page of its own to be named
after (its address is the pact's, plus the variant)."""


def pact_variant(source: SourceFile, values: dict[str, Any], lines: Mapping[str, int]) -> Page:
    """The version of a pact's description (`content/pacts/<pact>/index.ls.md`)."""
    return Page(
        key=f"{source.pact}/{source.variant}",
        kind=Kind.PAGE,
        pact=source.pact,
        slug=PACT_VERSION_SLUG,
        title=values.get("title", ""),
        summary=values.get("summary", ""),
        draft=values.get("draft", False),
        source=SourceRef(
            path=source.path, body_line=source.body_line, key_lines=MappingProxyType(dict(lines))
        ),
        has_body=bool(source.body),
        variant=source.variant,
    )


def check_original(source: SourceFile, original: str | None, line: int) -> list[Diagnostic]:
    """`original:` (written by the web editor) must name the file the version's name names."""
    if original is None or original.casefold() == source.stem.casefold():
        return []
    suffix = PurePosixPath(source.path).name.removeprefix(source.stem)
    return [
        Diagnostic(
            path=source.path,
            line=line,
            message=t(
                "'original' names '{original}', but the file name makes this the version "
                "of '{stem}'",
                original=original,
                stem=source.stem,
            ),
            hint=t("rename the file to {name} or correct 'original:'", name=original + suffix),
        )
    ]


def original_key(variant: Entry) -> str:
    """The key of the entry (or, for a pact's description, the pact) a version belongs to."""
    return variant.key.removesuffix(f"/{variant.variant}")


def _origin(path: str) -> str:
    """What a file and its versions have in common: folder and name without suffixes."""
    name = PurePosixPath(path)
    stem, _ = split_variant(name.stem)
    return f"{name.parent}/{stem}".casefold()


def attach_variants(
    entries: Sequence[Entry], pacts: Collection[str]
) -> tuple[list[Entry], list[Diagnostic]]:
    """Give each version its original's key, slug, kind and pact; report a version without
    an original, and two versions of one page."""
    originals = {_origin(e.source.path): e for e in entries if not e.variant}
    kept: list[Entry] = []
    problems: list[Diagnostic] = []
    seen: dict[str, Entry] = {}
    for entry in entries:
        if entry.variant and entry.slug != PACT_VERSION_SLUG:
            original = originals.get(_origin(entry.source.path))
            if original is None:
                problems.append(_orphan(entry))
                continue
            entry = dataclasses.replace(
                entry,
                key=f"{original.key}/{entry.variant}",
                slug=original.slug,
                kind=original.kind,
                pact=original.pact,
            )
        elif entry.variant and entry.pact not in pacts:
            continue  # the pact's profile is broken: reported there
        other = seen.setdefault(entry.key, entry) if entry.variant else entry
        if other is not entry:
            problems.append(_twice(entry, other))
            continue
        kept.append(entry)
    return kept, problems


def _orphan(entry: Entry) -> Diagnostic:
    name = PurePosixPath(entry.source.path)
    stem, _ = split_variant(name.stem)
    original = f"{name.parent}/{stem}{name.suffix}"
    return Diagnostic(
        path=entry.source.path,
        line=1,
        message=t(
            "there is no page that this '{variant}' version belongs to", variant=entry.variant
        ),
        hint=t(
            "its page would be {path}: name the version like the page it explains, "
            "<name>.ls.md next to <name>.md",
            path=original,
        ),
    )


def _twice(entry: Entry, other: Entry) -> Diagnostic:
    first, second = sorted((entry.source.path, other.source.path))
    return Diagnostic(
        path=second,
        line=1,
        message=t(
            "{path} and {other} are both the Leichte Sprache version of one page",
            path=second,
            other=first,
        ),
        hint=t(
            "keep one of them: '.ls.md' is the short form of '.leichte-sprache.md', "
            "both mean the same"
        ),
    )


def with_originals(visible: Sequence[Entry]) -> list[Entry]:
    """The shown entries without the versions whose original is not shown (a draft, not yet
    published): a version is shown with its page."""
    keys = {e.key for e in visible}
    return [
        e
        for e in visible
        if not e.variant or e.slug == PACT_VERSION_SLUG or original_key(e) in keys
    ]
