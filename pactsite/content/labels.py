"""The labels of site.yaml's vocabularies in the further languages of a network.

```yaml
translations:
  en:
    sectors: {chemie: Chemical industry}
    target_groups: {arbeitslose: Unemployed people}
    funds: {esf: {name: European Social Fund, description: …}}   # or esf: European Social Fund
    tags: {ausbildung: Vocational training}
```

like the `translations:` block of pact.yaml. Without a `tags:` vocabulary, `tags` translates
the tags in use by their slugs ("ausbildung" for "Ausbildung"). A label not translated is
shown in the default language's words, marked with its language (`SiteConfig.untranslated`,
`Topic.language`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from pactsite.content import misread
from pactsite.content.coerce import CoercionError, to_text
from pactsite.content.yamldoc import YamlDoc
from pactsite.diagnostics import did_you_mean
from pactsite.i18n import t

VOCABULARIES = ("sectors", "target_groups", "funds", "tags")
FUND_FIELDS = ("name", "description")
"""What of a fund is said in words; its address is the same in every language."""


def _empty() -> Mapping[str, Any]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True, kw_only=True)
class Labels:
    """The labels of the vocabularies in one further language, by vocabulary and slug."""

    sectors: Mapping[str, str] = field(default_factory=_empty)
    target_groups: Mapping[str, str] = field(default_factory=_empty)
    tags: Mapping[str, str] = field(default_factory=_empty)
    funds: Mapping[str, Mapping[str, str]] = field(default_factory=_empty)
    """Each fund's translated `name` and `description`."""


Report = Callable[..., None]


def read_translations(
    data: dict[str, Any],
    languages: Sequence[str],
    vocabularies: Mapping[str, Mapping[str, Any]],
    report: Report,
    doc: YamlDoc,
) -> Mapping[str, Labels]:
    """The `translations:` of site.yaml, checked: each language one of the further
    `languages`, each vocabulary and slug one of site.yaml's."""
    raw = data.get("translations")
    if raw is None:
        return MappingProxyType({})
    further = languages[1:]
    if not isinstance(raw, dict):
        report("translations", t("translations must be a map of language: labels"), _HINT)
        return MappingProxyType({})
    found: dict[str, Labels] = {}
    for code, given in raw.items():
        where = f"translations.{code}"
        if str(code) not in further:
            report(
                where,
                t("'{code}' is not a further language of 'languages:'", code=str(code)),
                did_you_mean(str(code), further) if further else _LANGUAGES_HINT,
            )
            continue
        if not isinstance(given, dict):
            report(where, t("translations must be a map of language: labels"), _HINT)
            continue
        found[str(code)] = _labels(given, where, vocabularies, report, doc)
    return MappingProxyType(dict(sorted(found.items())))


_HINT = t("e.g. translations: {example}", example="{en: {sectors: {chemie: Chemical industry}}}")
_LANGUAGES_HINT = t("add the language to 'languages:' first, e.g. languages: [de, en]")


def _labels(
    given: dict[Any, Any],
    where: str,
    vocabularies: Mapping[str, Mapping[str, Any]],
    report: Report,
    doc: YamlDoc,
) -> Labels:
    """The labels of one language, each vocabulary's slugs checked against site.yaml's."""
    values: dict[str, Mapping[str, Any]] = {}
    for name, labels in given.items():
        at = f"{where}.{name}"
        if name not in VOCABULARIES:
            report(
                at,
                t("unknown vocabulary '{key}' in translations", key=str(name)),
                did_you_mean(str(name), VOCABULARIES),
            )
        elif not isinstance(labels, dict):
            report(at, t("{key} must be a map of slug: label", key=at), _HINT)
        else:
            values[name] = _vocabulary(labels, at, vocabularies[name], report, doc)
    return Labels(**values)


def _vocabulary(
    labels: dict[Any, Any], at: str, known: Mapping[str, Any], report: Report, doc: YamlDoc
) -> Mapping[str, Any]:
    """One vocabulary's translated labels (a fund's: its name and description)."""
    found: dict[str, Any] = {}
    for slug, label in labels.items():
        here = f"{at}.{slug}"
        if at.endswith(".tags") and not known:
            pass  # free tags: any tag's slug; a translation no tag uses is not shown
        elif str(slug) not in known:
            report(
                here,
                t("'{slug}' is not in this vocabulary of site.yaml", slug=str(slug)),
                did_you_mean(str(slug), known),
            )
            continue
        try:
            found[str(slug)] = (
                _fund(label, here, report, doc)
                if at.endswith(".funds")
                else _text(label, here, doc)
            )
        except CoercionError as error:
            report(here, t("{key}: {problem}", key=here, problem=error.message), error.hint)
    return MappingProxyType(dict(sorted(found.items())))


def _text(value: Any, where: str, doc: YamlDoc) -> str:
    misread.check_text(value, doc.written.get(where), prose=True)
    return to_text(value)


def _fund(value: Any, where: str, report: Report, doc: YamlDoc) -> Mapping[str, str]:
    """A fund's translated name (a text), or its name and description (a map)."""
    if not isinstance(value, dict):
        return MappingProxyType({"name": _text(value, where, doc)})
    for key in value:
        if key not in FUND_FIELDS:
            report(
                f"{where}.{key}",
                t("unknown fund field '{key}'", key=str(key)),
                did_you_mean(str(key), FUND_FIELDS),
            )
    return MappingProxyType(
        {key: _text(value[key], f"{where}.{key}", doc) for key in FUND_FIELDS if key in value}
    )
