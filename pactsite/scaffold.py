"""Templates for new content files and new sites: pure functions that return file texts.

Every field of a type comes from its field specs in `pactsite.schema`; required fields get
a value so the file builds at once, optional fields are commented out with an example.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from pactsite.fieldhelp import explain
from pactsite.i18n import Text, t
from pactsite.schema import (
    EVENT_FIELDS,
    NEWS_FIELDS,
    PACT_FIELDS,
    PAGE_FIELDS,
    PROJECT_FIELDS,
    FieldSpec,
    FieldType,
)
from pactsite.slugs import is_valid_slug, slugify

T = FieldType
ENTRY_KINDS = ("news", "project", "event", "page")
"""What `pactsite new` creates besides pacts."""

SPECS: Mapping[str, Sequence[FieldSpec]] = {
    "news": NEWS_FIELDS,
    "project": PROJECT_FIELDS,
    "event": EVENT_FIELDS,
    "page": PAGE_FIELDS,
    "pact": PACT_FIELDS,
}
_FOLDERS = {"news": "news", "project": "projects", "event": "events", "page": "pages"}
_DATED = ("news", "event")
_BODIES = {
    "news": "Hier steht der Text der Meldung. (Platzhalter: bitte ersetzen.)\n",
    "project": (
        "Hier wird das Projekt beschrieben: Ziele, Vorgehen, Ergebnisse. "
        "(Platzhalter: bitte ersetzen.)\n"
    ),
    "event": "Hier stehen Programm und Anmeldung. (Platzhalter: bitte ersetzen.)\n",
    "page": "Hier steht der Text der Seite. (Platzhalter: bitte ersetzen.)\n",
}
_HEADER = (
    "# Zeilen, die mit # beginnen, sind Erläuterungen oder auskommentierte Felder.\n"
    "# Ein Feld nutzen: '# ' vor dem Feldnamen entfernen und den Wert ersetzen.\n"
    "# Anleitung: docs/redaktion.md oder /hilfe/ auf der Website.\n"
)


class ScaffoldError(ValueError):
    """A new file cannot be made from what was given; the message says why and what to do."""

    def __init__(self, text: str | Text) -> None:
        self.text = text
        super().__init__(str(text))


@dataclass(frozen=True, slots=True)
class NewFile:
    """A file to create: its path relative to the site folder, and its text."""

    path: PurePosixPath
    text: str


def entry_file(
    kind: str,
    title: str,
    pact: str | None,
    today: dt.date,
    vocabularies: Mapping[str, Collection[str]],
) -> NewFile:
    """A new news item, project, event or page titled `title`, in `pact` (or the network)."""
    if kind not in ENTRY_KINDS:
        raise ScaffoldError(
            t(
                "unknown content type '{kind}'; use one of {known}",
                kind=kind,
                known=", ".join(ENTRY_KINDS),
            )
        )
    slug = slugify(title)
    if not slug:
        raise ScaffoldError(
            t("the title '{title}' gives no usable file name; use letters or digits", title=title)
        )
    if pact is None and kind != "page":
        raise ScaffoldError(t("a {kind} belongs to a pact; pass --pact NAME", kind=kind))
    name = f"{today.isoformat()}-{slug}.md" if kind in _DATED else f"{slug}.md"
    folder = f"content/pacts/{pact}/{_FOLDERS[kind]}" if pact else "content/pages"
    required: dict[str, str] = {"title": _quote(title)}
    if kind == "news":
        required["date"] = today.isoformat()
    elif kind == "project":
        required["status"] = "planned"
    elif kind == "event":
        required["start"] = today.isoformat()
    lines = ["---", *_HEADER.splitlines()]
    lines += front_matter(SPECS[kind], required, vocabularies, today, {"slug": slug})
    text = "\n".join([*lines, "---", ""]) + _BODIES[kind]
    return NewFile(PurePosixPath(folder, name), text)


def pact_file(
    slug: str, name: str, today: dt.date, vocabularies: Mapping[str, Collection[str]]
) -> NewFile:
    """A new pact profile `content/pacts/<slug>/pact.yaml` with every field of a profile."""
    if not is_valid_slug(slug) or slug == "pages":
        suggestion = slugify(slug) or "mein-pakt"
        raise ScaffoldError(
            t(
                "'{slug}' cannot be a pact folder name; use a-z, 0-9 and '-', e.g. '{example}'",
                slug=slug,
                example=suggestion,
            )
        )
    lines = [*_HEADER.splitlines()]
    lines += front_matter(PACT_FIELDS, {"name": _quote(name)}, vocabularies, today)
    return NewFile(PurePosixPath("content/pacts", slug, "pact.yaml"), "\n".join(lines) + "\n")


def front_matter(
    specs: Sequence[FieldSpec],
    values: Mapping[str, str],
    vocabularies: Mapping[str, Collection[str]],
    today: dt.date,
    examples: Mapping[str, str] | None = None,
) -> list[str]:
    """YAML lines for every field: given values set, the others commented with an example."""
    lines: list[str] = []
    for spec in specs:
        required = " (Pflichtfeld)" if spec.required else ""
        lines.append(f"# {spec.label}{required}: {explain(spec)}")
        if spec.vocabulary:
            known = ", ".join(vocabularies.get(spec.vocabulary, ())) or "noch keine festgelegt"
            lines.append(f"#   Erlaubte Werte: {known}")
        if spec.name in values:
            lines.append(f"{spec.name}: {values[spec.name]}")
        elif examples and spec.name in examples:
            lines.append(f"# {spec.name}: {examples[spec.name]}")
        else:
            lines += _commented(spec, vocabularies, today)
    return lines


def _commented(
    spec: FieldSpec, vocabularies: Mapping[str, Collection[str]], today: dt.date
) -> list[str]:
    if spec.type is T.OBJECT:
        inner = [f"#   {line}" for line in _object_lines(spec.fields, vocabularies, today)]
        return [f"# {spec.name}:", *inner]
    if spec.type is T.OBJECT_LIST:
        inner = _object_lines(spec.fields, vocabularies, today)
        items = [f"#   - {inner[0]}", *(f"#     {line}" for line in inner[1:])]
        return [f"# {spec.name}:", *items]
    return [f"# {spec.name}: {example_value(spec, vocabularies, today)}"]


def _object_lines(
    fields: Sequence[FieldSpec], vocabularies: Mapping[str, Collection[str]], today: dt.date
) -> list[str]:
    lines = []
    for field in fields:
        value = example_value(field, vocabularies, today)
        lines.append(f"{field.name}: {value}   # {field.label}: {explain(field)}")
    return lines


def example_value(
    spec: FieldSpec, vocabularies: Mapping[str, Collection[str]], today: dt.date
) -> str:
    """A valid example value of a field, as YAML text."""
    known = list(vocabularies.get(spec.vocabulary, ()))
    examples: dict[FieldType, str] = {
        T.TEXT: '""',
        T.MARKDOWN: '""',
        T.DATE: today.isoformat(),
        T.MOMENT: _quote(f"{today.isoformat()} 18:00"),
        T.BOOL: "true",
        T.INT: "10",
        T.NUMBER: "10000",
        T.URL: "https://example.org/",
        T.EMAIL: "name@example.org",
        T.COLOR: '"#1a5276"',
        T.TEXT_LIST: "[]",
        T.EDITOR_LIST: '["@name", "name@example.org"]',
        T.CHOICE: known[0] if known else '""',
        T.CHOICE_LIST: f"[{known[0]}]" if known else "[]",
    }
    return examples.get(spec.type, '""')


def _quote(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


EXAMPLE_PACT = "beispiel"
_VOCABULARIES: dict[str, Collection[str]] = {
    "sectors": ("ikt", "chemie", "landwirtschaft"),
    "funds": ("lokales-kapital",),
    "target_groups": ("arbeitslose", "kmu"),
    "pacts": (EXAMPLE_PACT,),
    "statuses": ("planned", "running", "completed"),
    "member_kinds": ("company", "institution", "municipality"),
}


def site_yaml(title: str) -> str:
    """The `site.yaml` of a new network: settings and example vocabularies, all explained."""
    return f"""# Einstellungen des Netzwerks. Anleitung: docs/redaktion.md oder /hilfe/.
title: {_quote(title)}
description: "Platzhalter: ein Satz, was dieses Netzwerk ist."
base_url: https://example.org/   # Platzhalter: die echte Adresse der Website
language: de
paginate: 10
# Kontrollierte Vokabulare: Kurzname (in Adressen und Front Matter): Bezeichnung.
# Die Einträge sind Beispiele; passen Sie sie an Ihr Netzwerk an.
sectors:
  ikt: Informations- und Kommunikationstechnologie
  chemie: Chemische Industrie
  landwirtschaft: Landwirtschaft
funds:
  lokales-kapital:
    name: Lokales Kapital für soziale Zwecke
    description: Beispiel eines Förderprogramms (Platzhalter).
target_groups:
  arbeitslose: Arbeitslose
  kmu: Beschäftigte in KMU
# Web-Redaktion unter /admin/ (Decap CMS). Erst einschalten, wenn Netlify Identity und
# Git Gateway eingerichtet sind (siehe README).
cms:
  enabled: false
  backend: git-gateway
  branch: main
"""


_PLACEHOLDER = (
    "*Platzhalter: Diese Seite wurde von `pactsite init` angelegt. Alle Angaben müssen vor "
    "der Veröffentlichung ersetzt und geprüft werden.*\n\n"
)
_NETWORK_PAGES = {
    "impressum": (
        "Impressum",
        "Anbieterkennzeichnung (Platzhalter).",
        10,
        "## Herausgeber\n\nName und Anschrift des Anbieters (Platzhalter)\n\n"
        "## Kontakt\n\nE-Mail: info@example.org (Platzhalter)\n",
    ),
    "datenschutz": (
        "Datenschutzerklärung",
        "Wie diese Website mit Daten umgeht (Platzhalter).",
        11,
        "## Verantwortliche Stelle\n\nName und Anschrift (Platzhalter)\n\n"
        "## Welche Daten wir verarbeiten\n\nDiese Website setzt keine Cookies und lädt "
        "nichts von anderen Anbietern. (Platzhalter: vom Betreiber zu prüfen.)\n",
    ),
    "barrierefreiheit": (
        "Erklärung zur Barrierefreiheit",
        "Wie barrierefrei diese Website ist und wo Sie Barrieren melden können.",
        12,
        "## Stand der Vereinbarkeit mit den Anforderungen\n\nDiese Website soll die "
        "Anforderungen der BITV 2.0 (WCAG 2.1, Stufe AA) erfüllen. (Platzhalter: Ergebnis "
        "der eigenen Prüfung eintragen.)\n\n## Barriere melden\n\nE-Mail: "
        "barrierefreiheit@example.org (Platzhalter)\n\n## Schlichtungsverfahren\n\n"
        "Angaben zur zuständigen Schlichtungsstelle (Platzhalter)\n",
    ),
    "leichte-sprache": (
        "Leichte Sprache",
        "Was es auf dieser Internet-Seite gibt. In Leichter Sprache.",
        2,
        "Hier erklären wir diese Internet-Seite in Leichter Sprache.\n\n"
        "(Platzhalter: Dieser Text muss noch in Leichter Sprache geschrieben werden.)\n",
    ),
}


def new_site(title: str, today: dt.date) -> list[NewFile]:
    """Every file of a new, empty network that builds at once: settings, pages, one pact."""
    files = [NewFile(PurePosixPath("site.yaml"), site_yaml(title))]
    for slug, (page_title, summary, weight, body) in _NETWORK_PAGES.items():
        text = (
            f"---\ntitle: {_quote(page_title)}\nsummary: {_quote(summary)}\n"
            f"weight: {weight}\n---\n{_PLACEHOLDER}{body}"
        )
        files.append(NewFile(PurePosixPath("content/pages", f"{slug}.md"), text))
    files.append(pact_file(EXAMPLE_PACT, "Beispielpakt (Platzhalter)", today, _VOCABULARIES))
    files.append(entry_file("news", "Willkommen im Netzwerk", EXAMPLE_PACT, today, _VOCABULARIES))
    return files
