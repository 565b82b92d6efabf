"""Field specifications of every content type: the one source of truth for validation."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo

from pactsite.content import coerce, misread
from pactsite.content.yamldoc import Written, YamlDoc, quoted
from pactsite.diagnostics import Diagnostic, did_you_mean
from pactsite.i18n import Text, t
from pactsite.model import MEMBER_KINDS, Status


class FieldType(Enum):
    """How a field's YAML value is read."""

    TEXT = "text"
    MARKDOWN = "markdown"
    DATE = "date"
    MOMENT = "moment"  # a date, or a date with time of day
    BOOL = "bool"
    INT = "int"
    NUMBER = "number"
    URL = "url"
    EMAIL = "email"
    COLOR = "color"
    TEXT_LIST = "text_list"
    CHOICE = "choice"  # one value of a vocabulary
    CHOICE_LIST = "choice_list"  # several values of a vocabulary
    OBJECT = "object"
    OBJECT_LIST = "object_list"
    EDITOR_LIST = "editor_list"  # git hosting handles (@name) or e-mail addresses


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One field: its name, type, whether it is required, its vocabulary and German label."""

    name: str
    type: FieldType
    label: str
    required: bool = False
    vocabulary: str = ""
    fields: tuple[FieldSpec, ...] = ()


T = FieldType
STATUSES = tuple(status.value for status in Status)

COMMON_FIELDS = (
    FieldSpec("slug", T.TEXT, "Kurzname in der Adresse"),
    FieldSpec("aliases", T.TEXT_LIST, "Frühere Adressen"),
    FieldSpec("publish", T.MOMENT, "Sichtbar ab"),
    FieldSpec("expires", T.MOMENT, "Sichtbar bis"),
    FieldSpec("draft", T.BOOL, "Entwurf"),
)
SHARED_FIELDS = (FieldSpec("pacts", T.CHOICE_LIST, "Auch in den Pakten", vocabulary="pacts"),)
"""A news item, project or event written once and shown in further pacts as well."""
NEWS_FIELDS = (
    FieldSpec("title", T.TEXT, "Titel", required=True),
    FieldSpec("date", T.DATE, "Datum", required=True),
    FieldSpec("summary", T.TEXT, "Zusammenfassung"),
    FieldSpec("sectors", T.CHOICE_LIST, "Branchen", vocabulary="sectors"),
    FieldSpec("tags", T.TEXT_LIST, "Schlagwörter"),
    FieldSpec("author", T.TEXT, "Autor/in"),
    FieldSpec("image", T.TEXT, "Bild"),
    FieldSpec("image_alt", T.TEXT, "Bildbeschreibung (Alternativtext)"),
    FieldSpec("updated", T.DATE, "Aktualisiert am"),
    *SHARED_FIELDS,
    *COMMON_FIELDS,
)
PROJECT_FIELDS = (
    FieldSpec("title", T.TEXT, "Titel", required=True),
    FieldSpec("status", T.CHOICE, "Stand", required=True, vocabulary="statuses"),
    FieldSpec("summary", T.TEXT, "Zusammenfassung"),
    FieldSpec("sectors", T.CHOICE_LIST, "Branchen", vocabulary="sectors"),
    FieldSpec("fund", T.CHOICE, "Förderung", vocabulary="funds"),
    FieldSpec("target_groups", T.CHOICE_LIST, "Zielgruppen", vocabulary="target_groups"),
    FieldSpec("tags", T.TEXT_LIST, "Schlagwörter"),
    FieldSpec("start", T.DATE, "Beginn"),
    FieldSpec("end", T.DATE, "Ende"),
    FieldSpec("budget_eur", T.NUMBER, "Budget in Euro"),
    FieldSpec("partners", T.TEXT_LIST, "Partner"),
    FieldSpec("contact", T.TEXT, "Kontakt"),
    FieldSpec("location", T.TEXT, "Ort"),
    FieldSpec("image", T.TEXT, "Bild"),
    FieldSpec("image_alt", T.TEXT, "Bildbeschreibung (Alternativtext)"),
    *SHARED_FIELDS,
    *COMMON_FIELDS,
)
EVENT_FIELDS = (
    FieldSpec("title", T.TEXT, "Titel", required=True),
    FieldSpec("start", T.MOMENT, "Beginn", required=True),
    FieldSpec("end", T.MOMENT, "Ende"),
    FieldSpec("location", T.TEXT, "Ort"),
    FieldSpec("summary", T.TEXT, "Zusammenfassung"),
    FieldSpec("organisers", T.CHOICE_LIST, "Veranstaltende Pakte", vocabulary="pacts"),
    FieldSpec("sectors", T.CHOICE_LIST, "Branchen", vocabulary="sectors"),
    FieldSpec("tags", T.TEXT_LIST, "Schlagwörter"),
    *SHARED_FIELDS,
    *COMMON_FIELDS,
)
PAGE_FIELDS = (
    FieldSpec("title", T.TEXT, "Titel", required=True),
    FieldSpec("summary", T.TEXT, "Zusammenfassung"),
    FieldSpec("weight", T.INT, "Reihenfolge"),
    FieldSpec("tags", T.TEXT_LIST, "Schlagwörter"),
    *COMMON_FIELDS,
)
VARIANT_FIELDS = (
    FieldSpec("original", T.TEXT, "Fassung von"),
    FieldSpec("title", T.TEXT, "Titel", required=True),
    FieldSpec("summary", T.TEXT, "Zusammenfassung"),
    FieldSpec("draft", T.BOOL, "Entwurf"),
)
"""A version in Leichte Sprache (`<name>.ls.md`): its facts are its original's. `original`
is the original's file name without `.md`, as the web editor writes it (it names the file)."""
PACT_VARIANT_FIELDS = (
    FieldSpec("title", T.TEXT, "Titel"),
    FieldSpec("summary", T.TEXT, "Zusammenfassung"),
    FieldSpec("draft", T.BOOL, "Entwurf"),
)
"""A version of a pact's description (`index.ls.md`): its title defaults to the pact's name."""
PACT_INDEX_FIELDS = (
    FieldSpec("title", T.TEXT, "Titel"),
    FieldSpec("summary", T.TEXT, "Zusammenfassung"),
)
CONTACT_FIELDS = (
    FieldSpec("name", T.TEXT, "Name"),
    FieldSpec("organisation", T.TEXT, "Organisation"),
    FieldSpec("email", T.EMAIL, "E-Mail"),
    FieldSpec("phone", T.TEXT, "Telefon"),
    FieldSpec("address", T.TEXT, "Anschrift"),
)
MEMBER_FIELDS = (
    FieldSpec("name", T.TEXT, "Name", required=True),
    FieldSpec("kind", T.CHOICE, "Art", required=True, vocabulary="member_kinds"),
    FieldSpec("url", T.URL, "Website"),
)
PACT_FIELDS = (
    FieldSpec("name", T.TEXT, "Name", required=True),
    FieldSpec("short_name", T.TEXT, "Kurzname"),
    FieldSpec("region", T.TEXT, "Region"),
    FieldSpec("state", T.TEXT, "Bundesland"),
    FieldSpec("website", T.URL, "Eigene Website"),
    FieldSpec("feed", T.URL, "Newsfeed der eigenen Website"),
    FieldSpec("contact", T.OBJECT, "Kontakt", fields=CONTACT_FIELDS),
    FieldSpec("members", T.OBJECT_LIST, "Mitglieder", fields=MEMBER_FIELDS),
    FieldSpec("sectors", T.CHOICE_LIST, "Branchen", vocabulary="sectors"),
    FieldSpec("founded", T.TEXT, "Gegründet"),
    FieldSpec("funders", T.TEXT_LIST, "Förderer"),
    FieldSpec("join", T.MARKDOWN, "Mitmachen"),
    FieldSpec("color", T.COLOR, "Farbe"),
    FieldSpec("logo", T.TEXT, "Logo"),
    FieldSpec("editors", T.EDITOR_LIST, "Redaktion"),
)

Vocabularies = Mapping[str, Collection[str]]


def base_vocabularies(
    sectors: Collection[str],
    funds: Collection[str],
    target_groups: Collection[str],
    pacts: Collection[str],
) -> dict[str, Collection[str]]:
    """Assemble the controlled vocabularies that fields refer to by name."""
    return {
        "sectors": sectors,
        "funds": funds,
        "target_groups": target_groups,
        "pacts": pacts,
        "statuses": STATUSES,
        "member_kinds": MEMBER_KINDS,
    }


@dataclass(frozen=True, slots=True)
class Validation:
    """Everything a validator needs besides the data: where it is and what is allowed."""

    doc: YamlDoc
    path: str
    vocabularies: Vocabularies
    zone: ZoneInfo


def validate_fields(
    data: Any, specs: Sequence[FieldSpec], where: Validation, prefix: str = ""
) -> tuple[dict[str, Any], list[Diagnostic]]:
    """Check a YAML map against field specs; return the typed values and every problem."""
    problems: list[Diagnostic] = []
    if not isinstance(data, dict):
        hint = _map_hint(specs, nested=bool(prefix))
        problems.append(_problem(where, prefix, t("expected a map of 'key: value' lines"), hint))
        return {}, problems
    by_name = {spec.name: spec for spec in specs}
    values: dict[str, Any] = {}
    reported: set[str] = set()
    for key, raw in data.items():
        key_path = f"{prefix}{key}"
        spec = by_name.get(str(key))
        if spec is None:
            problems.append(
                _problem(
                    where,
                    key_path,
                    t("unknown key '{key}'", key=str(key)),
                    did_you_mean(str(key), by_name),
                )
            )
            continue
        value, field_problems = _read_field(spec, raw, where, key_path)
        problems.extend(field_problems)
        if field_problems:
            reported.add(spec.name)
        elif value is not None:
            values[spec.name] = value
    for spec in specs:
        if spec.required and spec.name not in values and spec.name not in reported:
            if spec.name in data:
                message = t("'{key}' has no value", key=spec.name)
                hint = t("write it after the colon: {key}: ...", key=spec.name)
            else:
                message = t("missing required key '{key}'", key=spec.name)
                hint = t("add a line '{key}: ...'", key=spec.name)
            path = f"{prefix}{spec.name}" if spec.name in data else prefix.rstrip(".")
            problems.append(_problem(where, path, message, hint))
    return values, problems


def _read_field(
    spec: FieldSpec, raw: Any, where: Validation, key_path: str
) -> tuple[Any, list[Diagnostic]]:
    try:
        _check_written(spec, raw, where, key_path)
        if raw is None:
            return None, []
        if spec.type is T.OBJECT:
            return validate_fields(raw, spec.fields, where, f"{key_path}.")
        if spec.type is T.OBJECT_LIST:
            return _read_object_list(spec, raw, where, key_path)
        if spec.type in (T.CHOICE, T.CHOICE_LIST):
            return _read_choices(spec, raw, where, key_path)
        return _SCALAR_READERS[spec.type](raw, where.zone), []
    except coerce.CoercionError as error:
        message = t("{key}: {problem}", key=spec.name, problem=error.message)
        return None, [_problem(where, error.at or key_path, message, error.hint)]


_TEXTS = (T.TEXT, T.MARKDOWN, T.URL, T.EMAIL, T.COLOR, T.CHOICE)
_TEXT_LISTS = (T.TEXT_LIST, T.CHOICE_LIST, T.EDITOR_LIST)


def _check_written(spec: FieldSpec, raw: Any, where: Validation, key_path: str) -> None:
    """Compare the value as YAML read it with the text as written, by what the field means."""
    written = where.doc.written.get(key_path)
    prose = spec.type in (T.TEXT, T.MARKDOWN, T.TEXT_LIST)
    if spec.type in _TEXT_LISTS and isinstance(raw, str) and written and written.plain:
        _check_list_written_bare(raw, written)
    if spec.type in _TEXTS or (spec.type in _TEXT_LISTS and not isinstance(raw, list)):
        misread.check_text(raw, written, required=spec.required, prose=prose)
    elif spec.type in _TEXT_LISTS:
        for index, item in enumerate(raw):
            item_written = where.doc.written.get(f"{key_path}.{index}")
            try:
                misread.check_text(item, item_written, prose=prose)
            except coerce.CoercionError as error:
                raise coerce.CoercionError(
                    t("item {number}: {problem}", number=index + 1, problem=error.message),
                    error.hint,
                    at=f"{key_path}.{index}",
                ) from None
    elif spec.type in (T.NUMBER, T.INT):
        misread.check_number(raw, written)
    elif spec.type in (T.DATE, T.MOMENT):
        start = where.doc.value.get("start") if isinstance(where.doc.value, dict) else None
        day = str(start)[:10] if isinstance(start, dt.date | str) else ""
        day = day if re.match(r"^\d{4}-\d{2}-\d{2}$", day) else ""
        misread.check_date(raw, written, with_time=spec.type is T.MOMENT, day=day)
    elif spec.type is T.BOOL and raw is not None:
        misread.check_bool(raw, written)


def _check_list_written_bare(raw: str, written: Written) -> None:
    """`tags: Ausbildung, Chemie`: YAML reads one text with a comma, not a list of two."""
    if "," not in raw:
        return
    items = [item.strip() for item in raw.split(",") if item.strip()]
    listed = ", ".join(quoted(item) if item[:1] in "@`*!&%|>'\"#" else item for item in items)
    raise coerce.CoercionError(
        t("a list is written in [ ]; YAML reads '{written}' as one value", written=raw),
        t("write {line}", line=written.as_line(f"[{listed}]")),
    )


def _read_object_list(
    spec: FieldSpec, raw: Any, where: Validation, key_path: str
) -> tuple[list[dict[str, Any]], list[Diagnostic]]:
    if not isinstance(raw, list):
        raise coerce.CoercionError(
            t("expected a list, got {kind}", kind=coerce.describe(raw)),
            t("start each item with '- '"),
        )
    items: list[dict[str, Any]] = []
    problems: list[Diagnostic] = []
    for index, item in enumerate(raw):
        values, item_problems = validate_fields(item, spec.fields, where, f"{key_path}.{index}.")
        items.append(values)
        problems.extend(item_problems)
    return items, problems


def _read_choices(
    spec: FieldSpec, raw: Any, where: Validation, key_path: str
) -> tuple[Any, list[Diagnostic]]:
    known = where.vocabularies.get(spec.vocabulary, ())
    chosen = coerce.to_text_list(raw) if spec.type is T.CHOICE_LIST else (coerce.to_text(raw),)
    problems: list[Diagnostic] = []
    singular = _SINGULAR[spec.vocabulary]
    for index, value in enumerate(chosen):
        if value not in known:
            item_path = f"{key_path}.{index}" if spec.type is T.CHOICE_LIST else key_path
            hint = _suggest(value, known)
            problems.append(_problem(where, item_path, singular(value), hint))
    if spec.type is T.CHOICE_LIST:
        return tuple(dict.fromkeys(chosen)), problems
    return chosen[0], problems


_GERMAN_WORDS = {
    "geplant": "planned",
    "laufend": "running",
    "läuft": "running",
    "abgeschlossen": "completed",
    "beendet": "completed",
    "unternehmen": "company",
    "firma": "company",
    "betrieb": "company",
    "institution": "institution",
    "kommune": "municipality",
    "stadt": "municipality",
    "gemeinde": "municipality",
    "landkreis": "municipality",
    "kammer": "chamber",
    "agentur": "agency",
    "arbeitsagentur": "agency",
    "jobcenter": "agency",
    "verein": "association",
    "verband": "association",
}
"""German words editors write for the fixed English values of `status` and a member's `kind`."""


def _suggest(value: str, known: Collection[str]) -> Text:
    """Did-you-mean by spelling, by the German word for a fixed value, or by a label
    (`Chemische Industrie` for `chemie`)."""
    by_word: dict[str, str] = {w: v for w, v in _GERMAN_WORDS.items() if v in known}
    if isinstance(known, Mapping):
        for slug, label in known.items():
            by_word[str(getattr(label, "name", label)).casefold()] = str(slug)
    wanted = value.strip().casefold()
    close = by_word.get(wanted) or next(
        iter(difflib.get_close_matches(wanted, sorted(by_word), n=1, cutoff=0.8)), ""
    )
    if close and not difflib.get_close_matches(value, sorted(known), n=1, cutoff=0.6):
        listing = ", ".join(sorted(known)[:12]) + (", ..." if len(known) > 12 else "")
        slug = by_word.get(close, close)
        return t("did you mean '{close}'? (known: {known})", close=slug, known=listing)
    return did_you_mean(value, known)


_SINGULAR: dict[str, Any] = {
    "sectors": lambda value: t("unknown sector '{value}'", value=value),
    "funds": lambda value: t("unknown fund '{value}'", value=value),
    "target_groups": lambda value: t("unknown target group '{value}'", value=value),
    "pacts": lambda value: t("unknown pact '{value}'", value=value),
    "statuses": lambda value: t("unknown status '{value}'", value=value),
    "member_kinds": lambda value: t("unknown member kind '{value}'", value=value),
}


def _map_hint(specs: Sequence[FieldSpec], *, nested: bool) -> Text:
    """How to write a map of these fields that was written as one value."""
    fields = ", ".join(spec.name for spec in specs)
    if nested:
        return t(
            "below it, write one indented 'field: value' line per field: {fields}", fields=fields
        )
    return t("write one 'field: value' line per field: {fields}", fields=fields)


def _problem(where: Validation, key_path: str, message: str | Text, hint: str | Text) -> Diagnostic:
    return Diagnostic(path=where.path, line=where.doc.line_of(key_path), message=message, hint=hint)


_SCALAR_READERS: dict[FieldType, Any] = {
    T.TEXT: lambda raw, zone: coerce.to_text(raw),
    T.MARKDOWN: lambda raw, zone: coerce.to_text(raw),
    T.DATE: lambda raw, zone: coerce.to_date(raw),
    T.MOMENT: coerce.to_date_or_datetime,
    T.BOOL: lambda raw, zone: coerce.to_bool(raw),
    T.INT: lambda raw, zone: coerce.to_int(raw),
    T.NUMBER: lambda raw, zone: coerce.to_number(raw),
    T.URL: lambda raw, zone: coerce.to_url(raw),
    T.EMAIL: lambda raw, zone: coerce.to_email(raw),
    T.COLOR: lambda raw, zone: coerce.to_color(raw),
    T.TEXT_LIST: lambda raw, zone: coerce.to_text_list(raw),
    T.EDITOR_LIST: lambda raw, zone: coerce.to_editor_list(raw),
}
