"""Templates for new content files and new sites: pure functions that return file texts.

Every field of a type comes from its field specs in `pactsite.content.schema`; required fields get
a value so the file builds at once, optional fields are commented out with an example.
"""

from __future__ import annotations

import datetime as dt
import importlib.resources
import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from pactsite.content.fieldhelp import explain
from pactsite.content.schema import (
    EVENT_FIELDS,
    NEWS_FIELDS,
    PACT_FIELDS,
    PAGE_FIELDS,
    PROJECT_FIELDS,
    FieldSpec,
    FieldType,
)
from pactsite.content.translations import PACT_TRANSLATION_FIELDS, pact_translation_spec
from pactsite.i18n import Text, t
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
    lines += _translation_lines(tuple(vocabularies.get("languages", ())), vocabularies, today)
    return NewFile(PurePosixPath("content/pacts", slug, "pact.yaml"), "\n".join(lines) + "\n")


def _translation_lines(
    languages: Sequence[str], vocabularies: Mapping[str, Collection[str]], today: dt.date
) -> list[str]:
    """The commented `translations:` block of a site of several languages (else none)."""
    if len(languages) < 2:
        return []
    spec = pact_translation_spec(languages)
    lines = [f"# {spec.label}: {explain(spec)}", f"# {spec.name}:"]
    for code in languages[1:]:
        lines.append(f"#   {code}:")
        lines += [
            f"#     {line}" for line in _object_lines(PACT_TRANSLATION_FIELDS, vocabularies, today)
        ]
    return lines


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
        "Angaben zur zuständigen Schlichtungsstelle (Platzhalter)\n\n## Gebärdensprache\n\n"
        "Welche Informationen es in Deutscher Gebärdensprache gibt und wie Gehörlose Kontakt "
        "aufnehmen (Platzhalter; die Kopfzeile jeder Seite verlinkt diesen Abschnitt).\n",
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


# What a network's own repository needs besides its content: ignore rules, the Netlify
# configuration, the pinned pactsite, a README with the steps to go live, a check on pull
# requests. The security headers come from one file shipped in the package, so a network's
# netlify.toml and this repository's (tested equal) cannot drift apart.
DEPLOY_DATA = "deploy"
CACHE_PLUGIN = "pactsite-cache"
NETWORK_COMMAND = "python -m pip install -r requirements.txt && pactsite build"
REPOSITORY_COMMAND = "make build"
NETWORK_PLUGIN = f"./netlify/plugins/{CACHE_PLUGIN}"
REPOSITORY_PLUGIN = f"./pactsite/{DEPLOY_DATA}/{CACHE_PLUGIN}"
WHEELS_FOLDER = "wheels"


def _deploy_file(*parts: str) -> str:
    """A file shipped in `pactsite/deploy/`, read from the installed package."""
    resource = importlib.resources.files("pactsite").joinpath(DEPLOY_DATA, *parts)
    return resource.read_text(encoding="utf-8")


def netlify_toml(command: str, plugin: str, intro: str) -> str:
    """A netlify.toml: build command, publish folder, cache plugin and the shipped headers."""
    return (
        f"{intro}"
        f'[build]\n  command = "{command}"\n  publish = "public"\n\n'
        '[build.environment]\n  PYTHON_VERSION = "3.11"\n\n'
        "# Keep pactsite's build cache (.pactsite-cache/) between builds: a local build plugin\n"
        "# (no npm package needed) that calls Netlify's utils.cache.restore before and\n"
        "# utils.cache.save after a successful build. Safe: the cache never changes the output.\n"
        f'[[plugins]]\n  package = "{plugin}"\n\n'
        f"{_deploy_file('headers.toml')}"
    )


def repository_netlify_toml() -> str:
    """pactsite's own netlify.toml, which deploys the example network."""
    intro = (
        "# Connect the repository to Netlify and it deploys the example network with no other"
        " setting.\n# Generated from pactsite/deploy/ (make netlify.toml); `pactsite init` writes"
        " the same rules.\n"
    )
    return netlify_toml(REPOSITORY_COMMAND, REPOSITORY_PLUGIN, intro)


def requirements_txt(version: str, source: str | None) -> str:
    """The pinned pactsite: a wheel in wheels/, or `source` (a pip URL naming the version)."""
    head = (
        "# pactsite, auf eine Version festgelegt. Aktualisieren: siehe README.md, Abschnitt"
        " „pactsite aktualisieren“.\n"
    )
    if source:
        return f"{head}pactsite @ {source}\n"
    return (
        f"{head}# pactsite steht nicht im Python Package Index: pip nimmt das Wheel aus"
        f" {WHEELS_FOLDER}/\n# (pactsite-{version}-py3-none-any.whl), die übrigen Pakete aus"
        f" dem Index.\n--find-links ./{WHEELS_FOLDER}\npactsite=={version}\n"
    )


GITIGNORE = """# Was pactsite erzeugt, gehört nicht ins Repository: die gebaute Website, die
# Zwischenordner eines Builds und der Build-Cache.
/public/
/.public.staging/
/.public.old/
/.pactsite-cache/
# Python-Umgebung und Zwischendateien
/.venv/
__pycache__/
*.pyc
# Netlify CLI (netlify link/dev)
/.netlify/
# Betriebssysteme
.DS_Store
Thumbs.db
"""

CHECK_WORKFLOW = """# Prüft bei jedem Pull Request die Inhalte; Fehler erscheinen als Anmerkungen
# an den Zeilen der Dateien (pactsite check --format github).
name: Inhalte prüfen
on:
  pull_request:
permissions:
  contents: read
jobs:
  pruefen:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - run: python -m pip install -r requirements.txt
      - run: pactsite check --format github
"""


LINKS_WORKFLOW = """# Prüft jeden Montag, ob die Links der Website noch erreichbar sind: die Links
# in den Texten, die Websites der Pakte, ihre Feeds und die Adressen der Mitglieder
# (pactsite check --external). Was nicht erreichbar ist oder dauerhaft umgezogen, steht
# als Anmerkung im Lauf und in einem Issue für die Redaktionen: ein offenes Issue wird
# ergänzt, kein zweites angelegt; wer in `editors:` der pact.yaml steht, wird erwähnt.
name: Links prüfen
on:
  schedule:
    - cron: "23 5 * * 1"
  workflow_dispatch:
permissions:
  contents: read
  issues: write
jobs:
  links:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - run: python -m pip install -r requirements.txt
      - run: pactsite check --external --format github
      - name: Issue für die Redaktionen
        env:
          GH_TOKEN: ${{ github.token }}
        run: |
          # die Antworten von eben liegen einen Tag im Cache: dieser Lauf fragt nicht erneut
          pactsite check --external > bericht.txt 2>&1 || true
          grep -iE ': (warning|error): link ' bericht.txt > links.txt || true
          [ -s links.txt ] || exit 0
          pactsite codeowners > owners.txt 2>/dev/null || true
          {
            echo "Die Linkprüfung vom $(date -u +%d.%m.%Y) hat gefunden:"
            echo
            while IFS= read -r line; do
              pact=$(echo "$line" | sed -n 's|^content/pacts/\\([^/]*\\)/.*|\\1|p')
              who=$(grep "^/content/pacts/$pact/ " owners.txt | cut -d' ' -f2- \\
                | tr ' ' '\\n' | grep '^@' | tr '\\n' ' ' || true)
              echo "- \\`$line\\` $who"
            done < links.txt
            echo
            echo "Jede Zeile nennt Datei und Zeile, was nicht stimmt und was zu tun ist."
          } > issue.md
          title="Links prüfen: nicht erreichbare oder umgezogene Links"
          number=$(gh issue list --state open --search "$title in:title" \\
            --json number --jq '.[0].number // empty')
          if [ -n "$number" ]; then
            gh issue comment "$number" --body-file issue.md
          else
            gh issue create --title "$title" --body-file issue.md
          fi
"""


def network_readme(title: str, version: str, source: str | None) -> str:
    """A short German README for a network's repository: the steps to go live."""
    wheel = f"pactsite-{version}-py3-none-any.whl"
    get = (
        f"pactsite kommt aus `{source}` (siehe `requirements.txt`)."
        if source
        else f"Legen Sie das Wheel `{wheel}` in den Ordner `{WHEELS_FOLDER}/` und committen Sie"
        " es mit (pactsite steht nicht im Python Package Index). Sie erhalten es von den"
        " Betreuern von pactsite oder bauen es selbst im pactsite-Repository mit"
        " `python -m build`."
    )
    return _NETWORK_README.format(title=title, version=version, get=get, wheels=WHEELS_FOLDER)


_NETWORK_README = """# {title}

Website des Netzwerks, gebaut mit pactsite {version}. Inhalte
liegen in `content/`, Einstellungen in `site.yaml`; die Anleitung für Redakteurinnen und
Redakteure steht nach dem Bauen unter `/hilfe/`.

## Schritte bis zur Veröffentlichung

1. **pactsite bereitstellen.** {get}
2. **Lokal ansehen.**

   ```sh
   python3 -m venv .venv
   .venv/bin/pip install -r requirements.txt
   .venv/bin/pactsite serve
   ```

   Die Vorschau läuft unter http://127.0.0.1:8000 und baut bei jeder Änderung neu.
3. **Platzhalter ersetzen.** `pactsite check` listet alles, was noch „Platzhalter“ ist:
   Titel und Adresse (`base_url`) in `site.yaml`, Impressum, Datenschutzerklärung,
   Erklärung zur Barrierefreiheit, den Beispielpakt.
4. **Repository anlegen.** `git init`, `git add -A`, `git commit -m "Neues Netzwerk"`
   und zu GitHub (oder GitLab) hochladen. `.gitignore` hält die gebaute Website
   (`public/`) und den Cache heraus.
5. **Mit Netlify verbinden.** In Netlify *Add new site → Import an existing project*,
   das Repository wählen. `netlify.toml` enthält alles Nötige: Installation von
   pactsite, Build, Cache und Sicherheits-Header. Danach die eigene Domain eintragen
   und dieselbe Adresse als `base_url` in `site.yaml` setzen.
6. **Prüfen lassen.** Bei jedem Pull Request prüft GitHub Actions die Inhalte
   (`.github/workflows/pruefen.yml`); Fehler erscheinen an der betroffenen Zeile.
   Netlify baut zu jedem Pull Request eine Vorschau; ihr Prüfbericht liegt unter
   `/.pactsite/pruefbericht.html`.

## pactsite aktualisieren

In `CHANGELOG.md` von pactsite steht, was sich geändert hat. Die neue Version in
`requirements.txt` eintragen (und das neue Wheel in `{wheels}/` legen), lokal
`pactsite check` ausführen, committen.
"""
"""The README of a new network's repository (`network_readme` fills it in)."""


def deploy_files(title: str, version: str, source: str | None = None) -> list[NewFile]:
    """The files of a network's repository besides its content (see `new_site`)."""
    network_intro = (
        "# Netlify baut diese Website mit pactsite; keine weiteren Einstellungen nötig.\n"
        "# (Von `pactsite init` geschrieben, dieselben Regeln wie in pactsites eigener Datei.)\n"
    )
    plugin = PurePosixPath("netlify/plugins", CACHE_PLUGIN)
    files = [
        NewFile(PurePosixPath(".gitignore"), GITIGNORE),
        NewFile(
            PurePosixPath("netlify.toml"),
            netlify_toml(NETWORK_COMMAND, NETWORK_PLUGIN, network_intro),
        ),
        NewFile(PurePosixPath("requirements.txt"), requirements_txt(version, source)),
        NewFile(PurePosixPath("README.md"), network_readme(title, version, source)),
        NewFile(PurePosixPath(".github/workflows/pruefen.yml"), CHECK_WORKFLOW),
        NewFile(PurePosixPath(".github/workflows/links-pruefen.yml"), LINKS_WORKFLOW),
    ]
    for name in ("index.js", "manifest.yml"):
        files.append(NewFile(plugin / name, _deploy_file(CACHE_PLUGIN, name)))
    if not source:
        files.append(NewFile(PurePosixPath(WHEELS_FOLDER, ".gitkeep"), ""))
    return files
