"""The web editor at /admin/: a Decap CMS configuration generated from the content schema.

The collections, fields, required flags and vocabularies come from `pactsite.content.schema` and
`site.yaml`, the same sources that validate content, so the editor cannot offer what the
build would reject. Only this page loads third-party code (Decap CMS from unpkg, pinned,
with Subresource Integrity).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from html import escape
from pathlib import PurePosixPath
from typing import Any

from pactsite.content.config import SiteConfig
from pactsite.content.fieldhelp import explain
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
    FieldType,
)
from pactsite.content.sources import VARIANT_SPELLINGS
from pactsite.content.translations import TEXT_FIELDS, pact_translation_spec
from pactsite.model import MEMBER_KINDS, Site, Status
from pactsite.outputs import OutputFile

DECAP_VERSION = "3.16.3"
DECAP_BASE = f"https://unpkg.com/decap-cms@{DECAP_VERSION}/dist/"
"""The published package's files; the admin CSP allows scripts from this path only."""
DECAP_SCRIPT = f"{DECAP_BASE}decap-cms.js"
DECAP_INTEGRITY = "sha384-A/Gdn928CNLufmnGWGs9RM4Q9o8bSNLeJERqBFrBjwzL7FRpoLT3MPF8Tl0+Wd2p"
"""SHA-384 of dist/decap-cms.js in the npm package decap-cms@DECAP_VERSION (npm packages
never change once published; tests/test_cms.py recomputes it from the package): a browser
runs the file only if unpkg.com serves exactly these bytes."""
IDENTITY_SCRIPT = "https://identity.netlify.com/v1/netlify-identity-widget.js"
T = FieldType

ENTRY_COLLECTIONS: tuple[tuple[str, str, str, Sequence[FieldSpec]], ...] = (
    # (folder, label, singular label, fields)
    ("news", "Aktuelles", "Meldung", NEWS_FIELDS),
    ("projects", "Projekte", "Projekt", PROJECT_FIELDS),
    ("events", "Termine", "Termin", EVENT_FIELDS),
    ("pages", "Seiten", "Seite", PAGE_FIELDS),
)
_DATED = {"news": "date", "events": "start"}
"""The field whose day starts the file name, as `pactsite new` names files (Decap's own
{{year}}-{{month}}-{{day}} is the day the file was created, not the day of the news)."""
_DATED_SLUG = "{{{{fields.{field} | date('YYYY-MM-DD')}}}}-{{{{slug}}}}"
_IMAGE_FIELDS = ("image", "logo")  # file names beside the Markdown or pact.yaml
_BODY = {"label": "Text", "name": "body", "widget": "markdown", "required": False}
Options = Mapping[str, Sequence[tuple[str, str]]]
"""Vocabulary name -> (value, German label) pairs."""


def vocabulary_options(site: Site, config: SiteConfig, ui: Mapping[str, Any]) -> Options:
    """Every controlled vocabulary as select options with German labels."""
    return {
        "sectors": tuple(config.sectors.items()),
        "funds": tuple((slug, fund.name) for slug, fund in config.funds.items()),
        "target_groups": tuple(config.target_groups.items()),
        "pacts": tuple((pact.key, pact.short_name) for pact in site.pacts),
        "statuses": tuple((s.value, str(ui.get(f"status_{s.value}", s.value))) for s in Status),
        "member_kinds": tuple((k, str(ui.get(f"kind_{k}", k))) for k in MEMBER_KINDS),
        "tags": tuple((label, label) for label in config.tags.values()),
        "tags_in_use": tuple((topic.label, topic.label) for topic in site.topics),
    }


def widgets(specs: Sequence[FieldSpec], options: Options) -> list[dict[str, Any]]:
    """The Decap CMS fields for field specs; a field whose vocabulary is empty is left out
    (no value could pass validation, and Decap rejects a select without options)."""
    return [
        widget(spec, options)
        for spec in specs
        if not spec.vocabulary or options.get(spec.vocabulary)
    ]


def widget(spec: FieldSpec, options: Options) -> dict[str, Any]:
    """The Decap CMS field for one field spec: widget, label, hint, required, options."""
    field: dict[str, Any] = {
        "label": spec.label,
        "name": spec.name,
        "required": spec.required,
        "hint": explain(spec, formats=False),
    }
    if spec.name in _IMAGE_FIELDS:
        field.update({"widget": "image", "choose_url": False})
    elif spec.name == "tags":
        field.update(_tags_widget(field["hint"], options))
    elif spec.type in (T.CHOICE, T.CHOICE_LIST):
        field["widget"] = "select"
        field["options"] = [
            {"label": label, "value": value} for value, label in options.get(spec.vocabulary, ())
        ]
        if spec.type is T.CHOICE_LIST:
            field["multiple"] = True
    elif spec.type is T.OBJECT:
        field["widget"] = "object"
        field["fields"] = widgets(spec.fields, options)
    elif spec.type is T.OBJECT_LIST:
        field["widget"] = "list"
        field["fields"] = widgets(spec.fields, options)
    else:
        field.update(_SCALAR_WIDGETS[spec.type])
    return field


def _tags_widget(hint: str, options: Options) -> dict[str, Any]:
    """With a tag vocabulary a choice of its tags; else a list whose hint names the tags in
    use (Decap's list widget suggests nothing itself), so that editors take one of them."""
    if options.get("tags"):
        choices = [{"label": label, "value": value} for value, label in options["tags"]]
        return {"widget": "select", "multiple": True, "options": choices}
    used = [label for label, _ in options.get("tags_in_use", ())]
    if not used:
        return {"widget": "list"}
    shown = ", ".join(used[:_SHOWN_TAGS]) + (", …" if len(used) > _SHOWN_TAGS else "")
    return {"widget": "list", "hint": f"{hint} Schon verwendet: {shown}".strip()}


_SHOWN_TAGS = 40
_DATE_WIDGET = {"widget": "datetime", "format": "YYYY-MM-DD", "date_format": "DD.MM.YYYY"}
_SCALAR_WIDGETS: dict[FieldType, dict[str, Any]] = {
    T.TEXT: {"widget": "string"},
    T.MARKDOWN: {"widget": "markdown"},
    T.DATE: {**_DATE_WIDGET, "time_format": False},
    T.MOMENT: {
        "widget": "datetime",
        "format": "YYYY-MM-DD HH:mm",
        "date_format": "DD.MM.YYYY",
        "time_format": "HH:mm",
    },
    T.BOOL: {"widget": "boolean", "default": False},
    T.INT: {"widget": "number", "value_type": "int"},
    T.NUMBER: {"widget": "number", "value_type": "float"},
    T.URL: {"widget": "string", "pattern": ["^https?://", "Adresse mit https:// beginnen"]},
    T.EMAIL: {"widget": "string", "pattern": [r"^[^@\s]+@[^@\s]+\.[^@\s]+$", "E-Mail-Adresse"]},
    T.COLOR: {"widget": "string", "pattern": ["^#[0-9a-fA-F]{6}$", "Farbe als #rrggbb"]},
    T.TEXT_LIST: {"widget": "list"},
    T.EDITOR_LIST: {"widget": "list"},
}


def cms_config(
    site: Site, config: SiteConfig, options: Options, languages: Sequence[str] = ()
) -> dict[str, Any]:
    """The whole Decap CMS configuration: one folder collection per content type per pact,
    and one beside each for its versions in Leichte Sprache and in each further language."""
    originals: list[tuple[dict[str, Any], Sequence[FieldSpec]]] = []
    for pact in site.pacts:
        for folder, label, singular, specs in ENTRY_COLLECTIONS:
            collection = _folder_collection(
                f"{pact.key}-{folder}",
                f"{pact.short_name}: {label}",
                singular,
                f"content/pacts/{pact.key}/{folder}",
                specs,
                options,
                dated=_DATED.get(folder),
            )
            originals.append((collection, specs))
    pages = ("network-pages", "Netzwerk: Seiten", "Seite", "content/pages", PAGE_FIELDS, options)
    originals.append((_folder_collection(*pages), PAGE_FIELDS))
    collections = [collection for collection, _ in originals]
    collections.append(_profile_collection(site, options, languages))
    versions = (*VERSIONS, *(translation_version(code) for code in languages[1:]))
    for version in versions:
        collections += version_collections(originals, version, options)
    collections += [_pact_versions(site, options, v.suffix, v.label) for v in versions]
    return {
        "backend": {"name": config.cms.backend, "branch": config.cms.branch},
        "publish_mode": "editorial_workflow",
        "locale": "de",
        "site_url": config.base_url,
        "media_folder": "content/pages",
        "public_folder": "",
        "collections": collections,
    }


@dataclass(frozen=True, slots=True)
class Version:
    """Another version of the files of a folder collection: `<name>.<suffix>.md` beside
    `<name>.md`, edited in a collection of its own."""

    suffix: str
    label: str
    """What the collections' labels add: "Leichte Sprache", "English"."""
    fields: Callable[[Sequence[FieldSpec]], Sequence[FieldSpec]]
    """The fields of a version, from the original's."""


# Why collections of their own, not Decap's i18n: with `structure: multiple_files` Decap
# writes and reads every locale with a suffix, the default one too (`name.de.md`; see
# getFilePath in decap-cms-core/src/lib/i18n.ts), so it could not open the `name.md` files
# that are already there. A version's file name is its original's, which Decap takes from
# the `original` field (a relation to the original's collection): `{{fields.original}}`.
VERSIONS = (Version("ls", "Leichte Sprache", lambda specs: VARIANT_FIELDS[1:]),)


_TRANSLATED = frozenset({"draft"}.union(*TEXT_FIELDS.values()))
"""What a translation says in its language; the facts (dates, status, sectors, …) are the
original's, and a different value in a translation is an error, so the form offers none."""


def translation_version(code: str) -> Version:
    """The version of a further language: the original's texts, only the title required."""
    return Version(
        code,
        LANGUAGE_NAMES.get(code, code),
        lambda specs: [
            replace(spec, required=spec.name == "title")
            for spec in specs
            if spec.name in _TRANSLATED
        ],
    )


LANGUAGE_NAMES = {"en": "English", "fr": "Français", "pl": "Polski", "nl": "Nederlands"}


def version_collections(
    originals: Sequence[tuple[dict[str, Any], Sequence[FieldSpec]]],
    version: Version,
    options: Options,
) -> list[dict[str, Any]]:
    """One collection of versions beside each folder collection of originals (with the
    originals' field specs)."""
    return [
        {
            **copy.deepcopy(original),
            "name": f"{original['name']}-{version.suffix}",
            "label": f"{original['label']} – {version.label}",
            "label_singular": f"{original['label_singular']} ({version.label})",
            "extension": f"{version.suffix}.md",
            "slug": "{{fields.original}}",
            "fields": [
                _original_field(original["name"]),
                *widgets(version.fields(specs), options),
                _BODY,
            ],
        }
        for original, specs in originals
    ]


def _original_field(collection: str) -> dict[str, Any]:
    """The choice of the original, whose file name the version's file takes."""
    return {
        "label": VARIANT_FIELDS[0].label,
        "name": "original",
        "widget": "relation",
        "collection": collection,
        "search_fields": ["title"],
        "display_fields": ["title"],
        "value_field": "{{slug}}",
        "required": True,
        "hint": explain(VARIANT_FIELDS[0], formats=False),
    }


def _pact_versions(site: Site, options: Options, suffix: str, label: str) -> dict[str, Any]:
    """The pacts' descriptions in Leichte Sprache or a further language: `index.ls.md`,
    `index.en.md` in each pact's folder."""
    names = (f"pact-descriptions-{suffix}", f"Beschreibungen der Pakte – {label}")
    specs = PACT_VARIANT_FIELDS if suffix in VARIANT_SPELLINGS else PACT_INDEX_FIELDS

    def fields() -> list[dict[str, Any]]:
        return [*widgets(specs, options), dict(_BODY)]

    singular = f"Beschreibung ({label})"
    return _pact_files(site, *names, singular, f"index.{suffix}.md", fields)


def _profile_collection(
    site: Site, options: Options, languages: Sequence[str] = ()
) -> dict[str, Any]:
    """The collection of the pacts' profiles: one file, `pact.yaml`, per pact; with further
    languages, their `translations:` of the pact's texts too."""
    specs = [*PACT_FIELDS, _translations_spec(languages)] if languages[1:] else PACT_FIELDS

    def fields() -> list[dict[str, Any]]:
        return widgets(specs, options)

    return _pact_files(site, "pact-profiles", "Profile der Pakte", "Profil", "pact.yaml", fields)


def _translations_spec(languages: Sequence[str]) -> FieldSpec:
    """pact.yaml's `translations:`, each language labelled by its name ("English")."""
    spec = pact_translation_spec(languages)
    named = (replace(s, label=LANGUAGE_NAMES.get(s.name, s.name)) for s in spec.fields)
    return replace(spec, fields=tuple(named))


def _pact_files(
    site: Site,
    name: str,
    label: str,
    singular: str,
    file: str,
    fields: Callable[[], list[dict[str, Any]]],
) -> dict[str, Any]:
    """A collection of one file of each pact's folder (`fields` made anew for each: shared,
    the YAML would name them, `&id001`)."""
    return {
        "name": name,
        "label": label,
        "label_singular": singular,
        "editor": {"preview": False},
        "files": [
            {
                "name": pact.key,
                "label": pact.name,
                "file": f"content/pacts/{pact.key}/{file}",
                "fields": fields(),
            }
            for pact in site.pacts
        ],
    }


def _folder_collection(
    name: str,
    label: str,
    singular: str,
    folder: str,
    specs: Sequence[FieldSpec],
    options: Options,
    dated: str | None = None,
) -> dict[str, Any]:
    return {
        "name": name,
        "label": label,
        "label_singular": singular,
        "folder": folder,
        "create": True,
        "extension": "md",
        "format": "frontmatter",
        "slug": _DATED_SLUG.format(field=dated) if dated else "{{slug}}",
        "media_folder": "",  # images beside the Markdown, as `![Alt](bild.jpg)`
        "public_folder": "",
        "editor": {"preview": False},
        "fields": [*widgets(specs, options), _BODY],
    }


def admin_page(title: str) -> str:
    """The HTML of /admin/: loads Decap CMS (pinned) and the Netlify Identity widget."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="de">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="robots" content="noindex">\n'
        f"<title>Redaktion – {escape(title)}</title>\n"
        f'<script src="{IDENTITY_SCRIPT}"></script>\n'
        "</head>\n<body>\n"
        f'<script src="{DECAP_SCRIPT}" integrity="{DECAP_INTEGRITY}" crossorigin="anonymous">'
        "</script>\n"
        "</body>\n</html>\n"
    )


def build_admin(site: Site, config: SiteConfig, ui: Mapping[str, Any]) -> list[OutputFile]:
    """`admin/index.html` and `admin/config.yml`, when `cms: {enabled: true}` in site.yaml."""
    if not config.cms.enabled:
        return []
    settings = cms_config(site, config, vocabulary_options(site, config, ui), config.languages)
    text = "# Generated by pactsite from the content schema; do not edit.\n" + _yaml(settings)
    return [
        OutputFile(PurePosixPath("admin/index.html"), admin_page(config.title).encode("utf-8")),
        OutputFile(PurePosixPath("admin/config.yml"), text.encode("utf-8")),
    ]


def _yaml(settings: dict[str, Any]) -> str:
    """The configuration as YAML; the last one made in this process is kept, and rebuilds
    (`serve`, tests) whose configuration is the same take it instead of dumping it again."""
    key = repr(settings)  # plain dicts, lists, strings and flags: equal text, equal YAML
    if _LAST_YAML.get(key) is None:
        _LAST_YAML.clear()
        import yaml  # here: most builds write no editor configuration

        _LAST_YAML[key] = yaml.safe_dump(settings, allow_unicode=True, sort_keys=False, width=100)
    return _LAST_YAML[key]


_LAST_YAML: dict[str, str] = {}
"""The last configuration dumped, by its repr (PyYAML's pure-Python emitter takes most of
the time of a build of a small site with the editor)."""
