"""Assembling the site model: validate every source and build the indexes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from pactsite.content.config import SiteConfig
from pactsite.content.languages import lone_translations
from pactsite.content.schema import (
    EVENT_FIELDS,
    NEWS_FIELDS,
    PACT_FIELDS,
    PACT_INDEX_FIELDS,
    PACT_VARIANT_FIELDS,
    PAGE_FIELDS,
    PROJECT_FIELDS,
    VARIANT_FIELDS,
    FieldSpec,
    Validation,
    base_vocabularies,
    validate_fields,
)
from pactsite.content.sources import SourceFile, SourceKind, Sources
from pactsite.content.topics import check_tags, index_topics, translated_topics
from pactsite.content.translations import check_language, pact_translation_spec, translate
from pactsite.content.variants import (
    attach_variants,
    check_original,
    pact_variant,
    with_originals,
)
from pactsite.content.yamldoc import YamlDoc, parse_yaml
from pactsite.diagnostics import Diagnostic, Severity
from pactsite.i18n import Text, t
from pactsite.model import (
    Contact,
    Entry,
    EntryKey,
    Event,
    Kind,
    Member,
    News,
    Pact,
    Page,
    Project,
    Site,
    SourceRef,
    Status,
)
from pactsite.slugs import (
    collision_key,
    date_from_filename,
    is_valid_slug,
    slug_from_filename,
    slugify,
    sort_key,
)
from pactsite.urls import UnsafeOutputPathError, UrlScheme, alias_url, output_path

_ENTRY_KINDS = {
    SourceKind.NETWORK_PAGE: Kind.PAGE,
    SourceKind.PACT_PAGE: Kind.PAGE,
    SourceKind.NEWS: Kind.NEWS,
    SourceKind.PROJECT: Kind.PROJECT,
    SourceKind.EVENT: Kind.EVENT,
}
_SPECS: dict[Kind, Sequence[FieldSpec]] = {
    Kind.NEWS: NEWS_FIELDS,
    Kind.PROJECT: PROJECT_FIELDS,
    Kind.EVENT: EVENT_FIELDS,
    Kind.PAGE: PAGE_FIELDS,
}
_STATUS_ORDER = {Status.RUNNING: 0, Status.PLANNED: 1, Status.COMPLETED: 2}


@dataclass(frozen=True, slots=True, kw_only=True)
class Visibility:
    """Which entries are shown: drafts or not, and the moment that publish/expires compare to."""

    drafts: bool
    now: dt.datetime


def assemble_site(
    sources: Sources, config: SiteConfig, urls: UrlScheme, visibility: Visibility
) -> tuple[Site, list[Diagnostic]]:
    """Validate all sources against the schema and build the site model with its indexes.

    The translations (`<name>.<code>.md`) become the sites of the further languages, in
    `Site.translations`.
    """
    problems: list[Diagnostic] = []
    pact_keys = _pact_keys(sources.pact_folders, problems)
    vocabularies = base_vocabularies(config.sectors, config.funds, config.target_groups, pact_keys)
    originals = [s for s in sources.files if not s.language]
    read = _Assembly(pact_keys=pact_keys, paths=frozenset(s.path for s in originals))
    indexes = {s.pact: s for s in originals if s.kind is SourceKind.PACT_INDEX and not s.variant}
    for source in originals:
        doc, yaml_problems = parse_yaml(source.front_matter, source.path, source.front_matter_line)
        problems.extend(yaml_problems)
        if doc is not None:
            where = Validation(
                doc=doc, path=source.path, vocabularies=vocabularies, zone=config.zone
            )
            problems += _read_source(source, where, indexes, config, read)
    entries, found = attach_variants(read.entries, {p.key for p in read.pacts})
    problems.extend(found)
    entries = _merge_copies(entries, read.texts, urls, problems)
    problems.extend(_collisions(entries, urls, config.languages[1:]))
    problems += check_tags(entries, config.tags)
    visible = with_originals([e for e in entries if _is_visible(e, visibility)])
    shown = {e.key for e in visible}
    hidden = {e.key: e.source.path for e in entries if e.key not in shown}
    # A draft's dates change nothing until it is no draft (then its file changed anyway).
    timed = [e for e in entries if visibility.drafts or not e.draft]
    scheduled = sorted({m for e in timed for m in (e.publish, e.expires) if m is not None})
    site = _site(read.pacts, visible, hidden, tuple(scheduled), config.tags)
    translations = [s for s in sources.files if s.language]
    if not translations and len(config.languages) == 1:
        return site, problems
    where = Validation(doc=YamlDoc(None), path="", vocabularies=vocabularies, zone=config.zone)
    languages, found = _language_sites(translations, site, entries, read, where, config, visibility)
    return dataclasses.replace(site, translations=languages), [*problems, *found]


@dataclass(slots=True)
class _Assembly:
    """What the validation of the originals gathers: pacts, entries and texts."""

    pact_keys: tuple[str, ...]
    paths: frozenset[str]
    """The paths of all original files."""
    pacts: list[Pact] = dataclasses.field(default_factory=list)
    entries: list[Entry] = dataclasses.field(default_factory=list)
    texts: dict[EntryKey, SourceFile] = dataclasses.field(default_factory=dict)
    pact_texts: dict[str, Mapping[str, Any]] = dataclasses.field(default_factory=dict)
    """Each pact's `translations:` values."""


def _read_source(
    source: SourceFile,
    where: Validation,
    indexes: Mapping[str | None, SourceFile],
    config: SiteConfig,
    read: _Assembly,
) -> list[Diagnostic]:
    """Validate one original source file into `read`; return its problems."""
    doc = where.doc
    if source.kind is SourceKind.PACT_PROFILE:
        value, lone = lone_translations(doc, source.path, config.languages)
        values, found = validate_fields(value, _pact_fields(config.languages), where)
        found = [*lone, *found]
        if not found and source.pact in read.pact_keys:
            feed_line = {"feed": doc.line_of("feed")} if "feed" in values else {}
            read.pacts.append(_pact(source, values, indexes.get(source.pact), feed_line))
            read.pact_texts[source.pact] = values.get("translations", {})
        return found
    if source.kind is SourceKind.PACT_INDEX and not source.variant:
        return validate_fields(doc.value, PACT_INDEX_FIELDS, where)[1]
    entry, found = _entry_of(source, doc, where, config.zone)
    problems: list[Diagnostic] = []
    if entry is not None:
        read.entries.append(_without_own_pact(entry, problems))
        read.texts[entry.key] = source
    return [*found, *problems]


def _pact_fields(languages: Sequence[str]) -> Sequence[FieldSpec]:
    """The fields of pact.yaml: with further languages, also their `translations:`."""
    return PACT_FIELDS if len(languages) == 1 else (*PACT_FIELDS, pact_translation_spec(languages))


def _language_sites(
    translations: Sequence[SourceFile],
    site: Site,
    entries: Sequence[Entry],
    read: _Assembly,
    where: Validation,
    config: SiteConfig,
    visibility: Visibility,
) -> tuple[Mapping[str, Site], list[Diagnostic]]:
    """The site of each further language, from the translations; and their problems."""
    checked = [(s, check_language(s, config.languages)) for s in translations]
    problems = [problem for _, problem in checked if problem]
    known = [s for s, problem in checked if problem is None]
    originals = {e.source.path: e for e in entries}
    languages, found = translate(
        known, originals, site.pacts, read.pact_texts, where, config.languages, read.paths
    )
    sites = {}
    for translated in languages:
        shown = [
            entry
            for key, entry in translated.entries.items()
            if key not in site.hidden and (visibility.drafts or key not in translated.drafts)
        ]
        hidden = {e.key: e.source.path for e in translated.entries.values() if e not in shown}
        hidden |= site.hidden
        other = _site(list(translated.pacts), shown, hidden, site.scheduled, config.tags)
        labels = config.translations.get(translated.language)
        topics = translated_topics(other.topics, labels.tags if labels else {}, config.language)
        sites[translated.language] = replace(other, topics=topics)
    return MappingProxyType(sites), [*problems, *found]


def _entry_of(
    source: SourceFile, doc: YamlDoc, where: Validation, zone: ZoneInfo
) -> tuple[Entry | None, list[Diagnostic]]:
    """The entry of a news item, project, event, page or variant, or what is wrong with it."""
    if source.kind is SourceKind.PACT_INDEX:  # a version of the pact's description
        values, found = validate_fields(doc.value, PACT_VARIANT_FIELDS, where)
        return (None if found else pact_variant(source, values, doc.lines)), found
    kind = _ENTRY_KINDS[source.kind]
    specs = VARIANT_FIELDS if source.variant else _SPECS[kind]
    # a news item's date may come from its file name (its versions take the original's)
    dated = date_from_filename(source.stem) if kind is Kind.NEWS and not source.variant else None
    if dated and isinstance(doc.value, dict) and "date" not in doc.value:
        doc.value["date"] = dated
    values, found = validate_fields(doc.value, specs, where)
    if source.variant:
        found += check_original(source, values.pop("original", None), doc.line_of("original"))
    entry = _entry(source, kind, values, found, doc.lines, zone)
    return (entry if not found else None), found


def _pact_keys(folders: Sequence[str], problems: list[Diagnostic]) -> tuple[str, ...]:
    keys: list[str] = []
    for folder in folders:
        if is_valid_slug(folder) and folder != "pages":
            keys.append(folder)
        else:
            problems.append(
                Diagnostic(
                    path=f"content/pacts/{folder}",
                    line=1,
                    message=t(
                        "pact folder name '{folder}' cannot be used in a web address", folder=folder
                    ),
                    hint=t("rename the folder to '{name}'", name=slugify(folder) or "pakt"),
                )
            )
    return tuple(keys)


def _pact(
    source: SourceFile,
    values: dict[str, Any],
    index: SourceFile | None,
    key_lines: dict[str, int],
) -> Pact:
    contact = values.get("contact")
    key = source.pact or ""
    return Pact(
        key=key,
        name=values["name"],
        short_name=values.get("short_name") or values["name"],
        source=SourceRef(path=source.path, key_lines=MappingProxyType(key_lines)),
        region=values.get("region", ""),
        state=values.get("state", ""),
        website=values.get("website", ""),
        feed=values.get("feed", ""),
        contact=Contact(**contact) if contact else None,
        members=tuple(Member(**member) for member in values.get("members", ())),
        sectors=values.get("sectors", ()),
        founded=values.get("founded", ""),
        funders=values.get("funders", ()),
        join=values.get("join", ""),
        color=values.get("color", ""),
        logo=values.get("logo", ""),
        editors=values.get("editors", ()),
        body=index.body if index else "",
        body_source=SourceRef(path=index.path, body_line=index.body_line) if index else None,
    )


def _entry(
    source: SourceFile,
    kind: Kind,
    values: dict[str, Any],
    problems: list[Diagnostic],
    lines: dict[str, int],
    zone: ZoneInfo,
) -> Entry | None:
    line_of = YamlDoc(None, lines, 2).line_of
    given = values.pop("slug", None)
    slug = given or slug_from_filename(source.stem)
    if not is_valid_slug(slug):
        problems.append(
            Diagnostic(
                path=source.path,
                line=line_of("slug") if given else 1,
                message=t("'{slug}' cannot be used in a web address", slug=slug),
                hint=t(
                    "use only a-z, 0-9 and '-', e.g. '{example}'", example=slugify(slug) or "seite"
                ),
            )
        )
        return None
    _check_period(source, values, problems, line_of)
    if problems:
        return None
    key = f"{source.pact}/{kind.value}/{slug}" if source.pact else f"pages/{slug}"
    if source.variant:
        key = f"{key}/{source.variant}"
    common: dict[str, Any] = {
        "key": key,
        "kind": kind,
        "pact": source.pact,
        "slug": slug,
        "source": SourceRef(
            path=source.path, body_line=source.body_line, key_lines=MappingProxyType(lines)
        ),
        "has_body": bool(source.body),
    }
    if source.variant:
        return Page(**common, **values, variant=source.variant)
    return _build(kind, {**common, **_moments(values, zone)})


def _without_own_pact(entry: Entry, problems: list[Diagnostic]) -> Entry:
    """`pacts:` naming the entry's own pact says nothing: a warning, and it is left out."""
    if entry.pact is None or entry.pact not in entry.pacts:
        return entry
    others = tuple(p for p in entry.pacts if p != entry.pact)
    index = entry.pacts.index(entry.pact)
    problems.append(
        Diagnostic(
            path=entry.source.path,
            line=entry.source.key_lines.get(f"pacts.{index}", entry.source.line_of("pacts")),
            severity=Severity.WARNING,
            message=t(
                "'pacts' names '{pact}', the pact whose folder this file is in",
                pact=entry.pact,
            ),
            hint=_pacts_line(others)
            if others
            else t("delete the line 'pacts: ...': the file belongs to its own pact already"),
        )
    )
    return dataclasses.replace(entry, pacts=others)


def _pacts_line(pacts: Sequence[str]) -> Text:
    return t("write the line as 'pacts: [{pacts}]'", pacts=", ".join(pacts))


def _content_size(entry: Entry, source: SourceFile) -> tuple[Kind, int, int]:
    """What identical copies share and most other files do not, cheaper than a digest."""
    return entry.kind, len(source.front_matter.strip()), len(source.body.strip())


def _content_digest(kind: Kind, front_matter: str, body: str) -> bytes:
    """What makes two files identical copies, as a digest: all bodies are not kept at once."""
    digest = hashlib.blake2b(kind.value.encode(), digest_size=16)
    for part in (front_matter.strip(), body.strip()):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part.encode("utf-8", "surrogatepass"))
    return digest.digest()


def _merge_copies(
    entries: list[Entry],
    texts: Mapping[EntryKey, SourceFile],
    urls: UrlScheme,
    problems: list[Diagnostic],
) -> list[Entry]:
    """Fold identical copies of a news item, project or event in other pacts into one entry.

    Copying a file into a second pact is how editors share it when they do not know
    `pacts:`; built twice, it would be listed twice in the network's lists and feeds. The
    file with the first path is kept (a stable choice that does not depend on the order the
    files were read in); it is shown in the copies' pacts too, their addresses redirect to
    it and links to them lead to it. Each copy is a warning that says how to share it.
    """
    shared = [e for e in entries if e.pact and e.kind is not Kind.PAGE and not e.variant]
    sized = [(entry, _content_size(entry, texts[entry.key])) for entry in shared]
    sizes = Counter(size for _, size in sized)
    groups: dict[bytes, list[Entry]] = {}
    for entry, size in sized:
        if sizes[size] > 1:  # else it has no copy
            source = texts[entry.key]
            digest = _content_digest(entry.kind, source.front_matter, source.body)
            groups.setdefault(digest, []).append(entry)
    merged: dict[EntryKey, Entry] = {}
    dropped: set[EntryKey] = set()
    for group in groups.values():
        original, *others = sorted(group, key=lambda e: e.source.path)
        copies = [e for e in others if e.pact != original.pact]
        if not copies:
            continue
        shown = [*original.pacts, *(p for c in copies for p in c.in_pacts)]
        pacts = tuple(p for p in dict.fromkeys(shown) if p != original.pact)
        for copy in copies:
            dropped.add(copy.key)
            problems.append(_copy_warning(copy, original, pacts))
        merged[original.key] = dataclasses.replace(
            original,
            pacts=pacts,
            aliases=(*original.aliases, *(urls.entry(c) for c in copies)),
            copies=tuple((c.key, c.source.path) for c in copies),
        )
    return [merged.get(e.key, e) for e in entries if e.key not in dropped]


def _copy_warning(copy: Entry, original: Entry, pacts: tuple[str, ...]) -> Diagnostic:
    """The warning that `copy` is an identical copy of `original`, shown in `pacts` too."""
    return Diagnostic(
        path=copy.source.path,
        line=1,
        severity=Severity.WARNING,
        # neutral: which file is the original, the files do not tell
        message=t(
            "{copy} and {original} are identical copies; the item is listed "
            "once, at the address of {original}",
            copy=copy.source.path,
            original=original.source.path,
        ),
        hint=t(
            "delete one of them and write the other pact in 'pacts:' of the one "
            "you keep, e.g. 'pacts: [{pacts}]' in {original}",
            pacts=", ".join(pacts),
            original=original.source.path,
        ),
    )


def _moments(values: dict[str, Any], zone: ZoneInfo) -> dict[str, Any]:
    """Turn publish/expires into aware moments; dates mean the start of the day in `zone`."""
    result = dict(values)
    for key in ("publish", "expires"):
        value = result.get(key)
        if value is not None and not isinstance(value, dt.datetime):
            result[key] = dt.datetime.combine(value, dt.time(), tzinfo=zone)
    return result


def _build(kind: Kind, values: dict[str, Any]) -> Entry:
    if kind is Kind.NEWS:
        return News(**values)
    if kind is Kind.PROJECT:
        return Project(**{**values, "status": Status(values["status"])})
    if kind is Kind.EVENT:
        return Event(**values)
    return Page(**values)


def _check_period(
    source: SourceFile,
    values: dict[str, Any],
    problems: list[Diagnostic],
    line_of: Callable[[str], int],
) -> None:
    start, end = values.get("start"), values.get("end")
    if start is None or end is None or _sort_moment(end) >= _sort_moment(start):
        return
    problems.append(
        Diagnostic(
            path=source.path,
            line=line_of("end"),
            message=t("end ({end}) is before start ({start})", end=str(end), start=str(start)),
            hint=t("swap them or correct the date"),
        )
    )


def _sort_moment(value: dt.date | dt.datetime) -> tuple[dt.date, dt.time]:
    if isinstance(value, dt.datetime):
        return value.date(), value.time().replace(tzinfo=None)
    return value, dt.time()


def _collisions(
    entries: Sequence[Entry], urls: UrlScheme, languages: Sequence[str] = ()
) -> list[Diagnostic]:
    """Two entries at one URL (also when they differ only in case), or a reserved URL (a
    section's, or a further language's root)."""
    problems: list[Diagnostic] = []
    seen: dict[str, Entry] = {}
    network = urls.reserved_network_segments() | frozenset(languages)
    for entry in sorted(entries, key=lambda e: e.source.path):
        url = urls.entry(entry)
        reserved = urls.reserved_pact_segments() if entry.pact else network
        if entry.kind is Kind.PAGE and entry.slug in reserved:
            problems.append(
                Diagnostic(
                    path=entry.source.path,
                    line=1,
                    message=t(
                        "the page name '{name}' is reserved for a section of the site",
                        name=entry.slug,
                    ),
                    hint=t("rename the file or set another 'slug:'"),
                )
            )
        problems.extend(_alias_problems(entry, seen))
        other = seen.setdefault(collision_key(url), entry)
        if other is not entry:
            problems.append(
                Diagnostic(
                    path=entry.source.path,
                    line=1,
                    message=t(
                        "this page would have the same address {url} as {other}",
                        url=url,
                        other=other.source.path,
                    ),
                    hint=t("rename one of the files or give it another 'slug:'"),
                )
            )
    return problems


def _alias_problems(entry: Entry, seen: dict[str, Entry]) -> Iterator[Diagnostic]:
    """Old addresses must be safe paths that no other page or alias already has."""
    for alias in entry.aliases:
        url = alias_url(alias)
        try:
            output_path(url)
        except UnsafeOutputPathError:
            yield Diagnostic(
                path=entry.source.path,
                line=entry.source.line_of("aliases"),
                message=t("alias '{alias}' is not a usable address", alias=alias),
                hint=t("write the old address as a path, e.g. /aktuelles/alt/"),
            )
            continue
        other = seen.setdefault(collision_key(url), entry)
        if other is not entry:
            yield Diagnostic(
                path=entry.source.path,
                line=entry.source.line_of("aliases"),
                message=t(
                    "alias '{alias}' is already the address of {other}",
                    alias=alias,
                    other=other.source.path,
                ),
                hint=t("remove the alias or rename the other page"),
            )


def _is_visible(entry: Entry, visibility: Visibility) -> bool:
    """Drafts and entries before `publish` show only in a preview (--drafts); after `expires`,
    an entry is gone from every build (a preview of the past: a build with an earlier now)."""
    if entry.expires is not None and entry.expires <= visibility.now:
        return False
    if visibility.drafts:
        return True
    return not entry.draft and (entry.publish is None or entry.publish <= visibility.now)


def _site(
    pacts: list[Pact],
    entries: list[Entry],
    hidden: dict[EntryKey, str],
    scheduled: tuple[dt.datetime, ...],
    tags: Mapping[str, str],
) -> Site:
    news = sorted((e for e in entries if isinstance(e, News)), key=lambda n: n.key)
    news.sort(key=lambda n: n.date, reverse=True)
    projects = sorted(
        (e for e in entries if isinstance(e, Project)),
        key=lambda p: (_STATUS_ORDER[p.status], sort_key(p.title), p.key),
    )
    events = sorted(
        (e for e in entries if isinstance(e, Event)), key=lambda e: (_sort_moment(e.start), e.key)
    )
    pages = sorted(
        (e for e in entries if isinstance(e, Page) and not e.variant),
        key=lambda p: (p.weight, sort_key(p.title), p.key),
    )
    topics, of_tag = index_topics(entries, tags)
    return Site(
        pacts=tuple(sorted(pacts, key=lambda p: sort_key(p.short_name))),
        entries=MappingProxyType({e.key: e for e in sorted(entries, key=lambda e: e.key)}),
        news=tuple(news),
        projects=tuple(projects),
        events=tuple(events),
        pages=tuple(pages),
        variants=tuple(e for e in entries if isinstance(e, Page) and e.variant),
        hidden=MappingProxyType(dict(sorted(hidden.items()))),
        scheduled=scheduled,
        topics=topics,
        topic_of_tag=of_tag,
    )
