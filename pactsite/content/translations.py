"""Translations: `<name>.<code>.md` beside an entry, `index.<code>.md` and `translations:` in
pact.yaml; checked, and turned into the entries and pacts of each further language."""

from __future__ import annotations

import dataclasses
import datetime as dt
import posixpath
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from types import MappingProxyType
from typing import Any

from pactsite.content.languages import language_of_stem
from pactsite.content.schema import (
    EVENT_FIELDS,
    NEWS_FIELDS,
    PACT_INDEX_FIELDS,
    PAGE_FIELDS,
    PROJECT_FIELDS,
    VARIANT_FIELDS,
    FieldSpec,
    FieldType,
    Validation,
    validate_fields,
)
from pactsite.content.sources import SourceFile, SourceKind, split_variant
from pactsite.content.variants import check_original
from pactsite.content.yamldoc import YamlDoc, parse_yaml
from pactsite.diagnostics import Diagnostic, Severity
from pactsite.i18n import t
from pactsite.model import Entry, Kind, Pact, Site, SourceRef

TEXT_FIELDS: Mapping[Kind, tuple[str, ...]] = {
    Kind.NEWS: ("title", "summary", "author", "image_alt"),
    Kind.PROJECT: ("title", "summary", "contact", "location", "image_alt"),
    Kind.EVENT: ("title", "summary", "location"),
    Kind.PAGE: ("title", "summary"),
}
"""What a translation of an entry says in its language; every other field is a fact of the
original (dates, status, sectors, budget, pacts), which a translation may repeat but not
change."""
_KIND_FIELDS = {
    Kind.NEWS: NEWS_FIELDS,
    Kind.PROJECT: PROJECT_FIELDS,
    Kind.EVENT: EVENT_FIELDS,
    Kind.PAGE: PAGE_FIELDS,
}
PACT_TRANSLATION_FIELDS = (
    FieldSpec("name", FieldType.TEXT, "Name"),
    FieldSpec("short_name", FieldType.TEXT, "Kurzname"),
    FieldSpec("region", FieldType.TEXT, "Region"),
    FieldSpec("join", FieldType.MARKDOWN, "Mitmachen"),
)
"""What `translations: {en: {...}}` in pact.yaml takes: the pact's texts visitors read."""


def translation_specs(kind: Kind) -> tuple[FieldSpec, ...]:
    """The fields a translation of an entry of `kind` takes: its texts (a title required),
    `draft`, and the original's facts (optional, compared with the original)."""
    texts = TEXT_FIELDS[kind]
    specs = [
        dataclasses.replace(spec, required=spec.name == "title" or False)
        if spec.name in texts or spec.name == "draft"
        else dataclasses.replace(spec, required=False)
        for spec in _KIND_FIELDS[kind]
    ]
    return (VARIANT_FIELDS[0], *specs)  # `original`: the web editor names the file by it


def pact_translation_spec(languages: Sequence[str]) -> FieldSpec:
    """The `translations:` field of pact.yaml for the further languages of the site."""
    per_language = tuple(
        FieldSpec(code, FieldType.OBJECT, code, fields=PACT_TRANSLATION_FIELDS)
        for code in languages[1:]
    )
    return FieldSpec("translations", FieldType.OBJECT, "Übersetzungen", fields=per_language)


@dataclass(frozen=True, slots=True, kw_only=True)
class Translated:
    """The entries and pacts of one further language (same keys as the originals)."""

    language: str
    entries: Mapping[str, Entry]
    """The translated entries by key; an entry without a translation is not among them."""
    pacts: tuple[Pact, ...]
    """Every pact, its texts translated where pact.yaml or `index.<code>.md` translate them."""
    drafts: frozenset[str]
    """The keys of entries whose translation is a draft."""


def original_path(source: SourceFile) -> str:
    """The file a translation translates: `bericht.en.md` → `bericht.md`."""
    folder, name = posixpath.split(source.path)
    suffix = name[name.rfind(".") :]
    return posixpath.join(folder, f"{source.stem}{suffix}")


def check_language(source: SourceFile, languages: Sequence[str]) -> Diagnostic | None:
    """A file whose name names a language the site does not have, or the default one."""
    code = source.language
    if source.variant or split_variant(source.stem)[1]:
        return _translated_variant(source)
    if code == languages[0]:
        return Diagnostic(
            path=source.path,
            line=1,
            message=t("'{code}' is the site's default language: its files need no code", code=code),
            hint=t("rename the file to {name}", name=posixpath.basename(original_path(source))),
        )
    if code in languages:
        return None
    return Diagnostic(
        path=source.path,
        line=1,
        message=t("'{code}' in the file name is a language the site does not have", code=code),
        hint=t(
            "add {code} to languages in site.yaml, or rename the file without '.{code}'",
            code=code,
        ),
    )


def _translated_variant(source: SourceFile) -> Diagnostic:
    """A file named both as a translation and as a Leichte Sprache version
    (`bericht.en.ls.md`, `bericht.ls.en.md`): Leichte Sprache is a German version only."""
    name = posixpath.basename(source.path)
    stem = split_variant(source.stem)[0]
    suffix = name[name.rfind(".") :]
    easy, translation = f"{stem}.ls{suffix}", f"{stem}.{source.language}{suffix}"
    return Diagnostic(
        path=source.path,
        line=1,
        message=t(
            "a file is either a translation ('.{code}') or the Leichte Sprache version ('.ls'),"
            " not both: Leichte Sprache is German and has no translation",
            code=source.language,
        ),
        hint=t(
            "rename it to {easy} if it is in Leichte Sprache, or to {translation} if it is in "
            "'{code}'",
            easy=easy,
            translation=translation,
            code=source.language,
        ),
    )


def translate(
    sources: Sequence[SourceFile],
    originals: Mapping[str, Entry],
    pacts: Sequence[Pact],
    pact_texts: Mapping[str, Mapping[str, Any]],
    where: Validation,
    languages: Sequence[str],
    existing: Collection[str],
) -> tuple[list[Translated], list[Diagnostic]]:
    """The entries and pacts of each further language, from the translation files
    (`sources`, each with a language of the site), the originals by source path, and the
    pacts' `translations:` values; with every problem of the translations. `existing` are
    the paths of all original files: one that did not load has its own error."""
    problems: list[Diagnostic] = []
    result = []
    for code in languages[1:]:
        mine = [s for s in sources if s.language == code]
        entries, drafts = _translated_entries(mine, originals, where, existing, problems)
        indexes = {s.pact: s for s in mine if s.kind is SourceKind.PACT_INDEX}
        translated = tuple(
            _translated_pact(
                p, pact_texts.get(p.key, {}).get(code), indexes.get(p.key), code, languages[0]
            )
            for p in pacts
        )
        result.append(Translated(language=code, entries=entries, pacts=translated, drafts=drafts))
        problems += _index_problems(indexes.values(), where)
    return result, problems


def _translated_entries(
    sources: Sequence[SourceFile],
    originals: Mapping[str, Entry],
    where: Validation,
    existing: Collection[str],
    problems: list[Diagnostic],
) -> tuple[Mapping[str, Entry], frozenset[str]]:
    """The translated entries of one language by key, and the keys of drafts among them."""
    entries: dict[str, Entry] = {}
    drafts: set[str] = set()
    for source in sources:
        if source.kind in (SourceKind.PACT_INDEX, SourceKind.PACT_PROFILE):
            continue
        path = _original_among(source, existing)
        original = originals.get(path)
        if original is None:
            if path not in existing:
                problems.append(_no_original(source))
            continue
        entry, draft = _translated_entry(source, original, where, problems)
        if entry is not None:
            entries[entry.key] = entry
            if draft:
                drafts.add(entry.key)
    return MappingProxyType(dict(sorted(entries.items()))), frozenset(drafts)


def _original_among(source: SourceFile, existing: Collection[str]) -> str:
    """The path of the original a translation translates: `bericht.en.markdown` translates
    `bericht.md` as well as `bericht.markdown` (the spelling of the ending is no language)."""
    expected = original_path(source)
    stem = posixpath.join(posixpath.dirname(source.path), source.stem)
    spellings = (stem + ending for ending in (".md", ".markdown", ".MD", ".Markdown"))
    return next((path for path in spellings if path in existing), expected)


def _no_original(source: SourceFile) -> Diagnostic:
    base, twice = language_of_stem(source.stem)
    if twice:  # `bericht.en.en.md`: the web editor's "Fassung von" picked a translation
        name = posixpath.basename(source.path)
        renamed = f"{base}.{source.language}{name[name.rfind('.') :]}"
        return Diagnostic(
            path=source.path,
            line=1,
            message=t(
                "the file name has two language codes: it names a translation as its original"
            ),
            hint=t(
                "rename it to {name}; in the web editor, pick the original in the default "
                "language under 'Fassung von'",
                name=renamed,
            ),
        )
    return Diagnostic(
        path=source.path,
        line=1,
        message=t("there is no original that this translation translates"),
        hint=t(
            "write the original as {path}, or rename this file like the original it "
            "translates (<name>.{code}.md next to <name>.md)",
            path=original_path(source),
            code=source.language,
        ),
    )


def _translated_entry(
    source: SourceFile, original: Entry, where: Validation, problems: list[Diagnostic]
) -> tuple[Entry | None, bool]:
    """One translated entry: the original with the translation's texts; and whether the
    translation is a draft."""
    doc, found = parse_yaml(source.front_matter, source.path, source.front_matter_line)
    problems.extend(found)
    if doc is None:
        return None, False
    here = dataclasses.replace(where, doc=doc, path=source.path)
    values, found = validate_fields(doc.value, translation_specs(original.kind), here)
    found += check_original(source, values.pop("original", None), doc.line_of("original"))
    problems.extend(found)
    problems.extend(_conflicts(values, original, doc, source))
    if found:
        return None, False
    texts = {name: values[name] for name in TEXT_FIELDS[original.kind] if name in values}
    ref = SourceRef(
        path=source.path, body_line=source.body_line, key_lines=MappingProxyType(doc.lines)
    )
    entry = dataclasses.replace(
        original, **texts, source=ref, has_body=bool(source.body), language=source.language
    )
    return entry, bool(values.get("draft"))


def _conflicts(
    values: Mapping[str, Any], original: Entry, doc: YamlDoc, source: SourceFile
) -> list[Diagnostic]:
    """The facts a translation gives otherwise than its original: errors at their line."""
    texts = (*TEXT_FIELDS[original.kind], "draft")
    return [
        Diagnostic(
            path=source.path,
            line=doc.line_of(name),
            message=t(
                "'{key}' differs from the original: a translation takes its facts "
                "(dates, status, sectors, ...) from {original}",
                key=name,
                original=original.source.path,
            ),
            hint=t(
                "delete the line '{key}: ...' here, or correct it in {original}",
                key=name,
                original=original.source.path,
            ),
        )
        for name, value in values.items()
        if name not in texts and not _same_fact(name, value, original)
    ]


def _same_fact(name: str, value: Any, original: Entry) -> bool:
    """Whether a fact as a translation gives it is the original's."""
    if name == "slug":
        return bool(value == original.slug)
    if name == "pacts":
        return set(value) - {original.pact} == set(original.pacts)
    mine = getattr(original, name, None)
    if isinstance(mine, Enum):
        mine = mine.value
    if isinstance(mine, dt.datetime) and not isinstance(value, dt.datetime):
        return bool(mine.date() == value and mine.time() == dt.time())
    if isinstance(mine, tuple):
        return tuple(value) == mine
    return bool(mine == value)


def _translated_pact(
    pact: Pact, texts: Mapping[str, Any] | None, index: SourceFile | None, code: str, default: str
) -> Pact:
    """A pact in a further language: its translated texts, the rest as in the original."""
    changes: dict[str, Any] = {}
    if texts:
        changes = {name: value for name, value in texts.items() if value}
        if "name" in changes and "short_name" not in changes and pact.short_name == pact.name:
            changes["short_name"] = changes["name"]
    if index is not None:
        changes["body"] = index.body
        changes["body_source"] = SourceRef(path=index.path, body_line=index.body_line)
    elif pact.body:
        changes["body"], changes["body_source"] = "", None
    if "join" not in changes and pact.join:
        changes["join"] = ""  # not translated: the original's text is not shown as English
    language = code if "name" in changes else default
    return dataclasses.replace(pact, **changes, language=language)


def _index_problems(indexes: Any, where: Validation) -> list[Diagnostic]:
    """The front matter of each translated pact description, checked like the original's."""
    problems: list[Diagnostic] = []
    for source in indexes:
        if not source.front_matter:
            continue
        doc, found = parse_yaml(source.front_matter, source.path, source.front_matter_line)
        problems += found
        if doc is not None:
            here = dataclasses.replace(where, doc=doc, path=source.path)
            problems += validate_fields(doc.value, PACT_INDEX_FIELDS, here)[1]
    return problems


def missing_translations(site: Site, code: str) -> list[Diagnostic]:
    """What of the site has no version in language `code` yet: each entry, pact name and
    pact description, as a note at its file (a to-do list, not a problem)."""
    other = site.translations[code]
    # A Leichte Sprache version is German by its nature: it has no translation to write.
    notes = [
        _note(entry.source.path, _translation_path(entry.source.path, code), code)
        for key, entry in site.entries.items()
        if key not in other.entries and not entry.variant
    ]
    for pact in site.pacts:
        translated = other.pact(pact.key)
        if translated.language != code:
            notes.append(
                Diagnostic(
                    path=pact.source.path,
                    line=1,
                    severity=Severity.NOTE,
                    message=t("the pact's name is not yet translated into '{code}'", code=code),
                    hint=t("add translations: {{{code}: {{name: ...}}}} to pact.yaml", code=code),
                )
            )
        if pact.body_source and not translated.body_source:
            path = pact.body_source.path
            notes.append(_note(path, _translation_path(path, code), code))
    return notes


def _translation_path(path: str, code: str) -> str:
    """Where the translation of the file at `path` into `code` is written."""
    stem, dot, suffix = path.rpartition(".")
    return f"{stem}.{code}{dot}{suffix}"


def _note(path: str, translation: str, code: str) -> Diagnostic:
    return Diagnostic(
        path=path,
        line=1,
        severity=Severity.NOTE,
        message=t("not yet translated into '{code}'", code=code),
        hint=t("write the translation as {path}", path=translation),
    )
