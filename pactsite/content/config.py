"""The network-wide settings of `site.yaml`."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from pactsite.content import misread
from pactsite.content.coerce import CoercionError, to_bool, to_int, to_text, to_url
from pactsite.content.labels import Labels, read_translations
from pactsite.content.languages import read_languages, without_interface
from pactsite.content.textfile import read_text
from pactsite.content.yamldoc import YamlDoc, parse_yaml
from pactsite.diagnostics import Diagnostic, Severity, did_you_mean
from pactsite.i18n import Text, t
from pactsite.slugs import is_valid_slug
from pactsite.urls import UrlPatterns

CONFIG_FILE = "site.yaml"
LANGUAGES = ("de", "en")


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedSettings:
    """The news feeds: how many entries, and the authority of their `tag:` ids."""

    limit: int = 50
    tag_authority: str = ""
    """A domain name owned by the network; empty: the host of `base_url`."""
    pact_limit: int = 10
    """At most this many news from the feed of each pact's own website (`feed:`)."""
    pact_max_age: int = 365
    """News from a pact's website feed older than this many days are left out."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Fund:
    """A funding programme of the controlled vocabulary."""

    slug: str
    name: str
    description: str = ""
    url: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class CmsSettings:
    """The web editor at /admin/ (Decap CMS): off unless `cms: {enabled: true}`."""

    enabled: bool = False
    backend: str = "git-gateway"
    branch: str = "main"


CMS_BACKENDS = ("git-gateway", "github", "gitlab", "gitea", "test-repo")


def _empty() -> Mapping[str, Any]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True, kw_only=True)
class SiteConfig:
    """Validated settings of a network site."""

    title: str
    description: str = ""
    base_url: str = "/"
    language: str = "de"
    languages: tuple[str, ...] = ("de",)
    """The languages of the content, the default (`language`) first; one on most sites."""
    timezone: str = "Europe/Berlin"
    paginate: int = 10
    theme: str = "default"
    sectors: Mapping[str, str] = field(default_factory=_empty)
    funds: Mapping[str, Fund] = field(default_factory=_empty)
    target_groups: Mapping[str, str] = field(default_factory=_empty)
    tags: Mapping[str, str] = field(default_factory=_empty)
    """The tag vocabulary (slug -> label): with it, entries may use only these tags."""
    urls: UrlPatterns = field(default_factory=UrlPatterns)
    cms: CmsSettings = field(default_factory=CmsSettings)
    feeds: FeedSettings = field(default_factory=FeedSettings)
    translations: Mapping[str, Labels] = field(default_factory=_empty)
    """The vocabularies' labels in each further language (`translations:`)."""
    untranslated: Mapping[str, frozenset[str]] = field(default_factory=_empty)
    """In the settings of a further language (`in_language`): the slugs of each vocabulary
    whose label is still the default language's."""
    demo: bool = False
    """A demonstration network: its example addresses and placeholder texts are meant so,
    and are not reported (see `pactsite.render.audit`)."""

    @property
    def tag_authority(self) -> str:
        """The authority of `tag:` ids and calendar UIDs: configured, else base_url's host."""
        return self.feeds.tag_authority or urlsplit(self.base_url).hostname or "localhost"

    @property
    def zone(self) -> ZoneInfo:
        """The site's time zone."""
        return ZoneInfo(self.timezone)


_SCALARS: dict[str, Callable[[Any], Any]] = {
    "title": to_text,
    "description": to_text,
    "base_url": to_url,
    "language": to_text,
    "timezone": to_text,
    "paginate": to_int,
    "theme": to_text,
    "demo": to_bool,
}
_KNOWN_KEYS = (
    *_SCALARS,
    "languages",
    "sectors",
    "funds",
    "target_groups",
    "tags",
    "translations",
    "urls",
    "feeds",
    "cms",
)
_HOST_NAME = re.compile(
    r"^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$"
)


def load_config(root: Path) -> tuple[SiteConfig | None, list[Diagnostic]]:
    """Read and validate `site.yaml` in the site's root folder."""
    path = root / CONFIG_FILE
    if not path.is_file():
        return None, [
            Diagnostic(
                path=CONFIG_FILE,
                line=1,
                message=t("no {file} in {folder}", file=CONFIG_FILE, folder=str(root)),
                hint=t("run pactsite in the site's folder or pass --site DIR"),
            )
        ]
    text, problem = read_text(path, CONFIG_FILE)
    if problem or text is None:
        return None, [problem] if problem else []
    if not text.strip():
        return None, [
            Diagnostic(
                path=CONFIG_FILE,
                line=1,
                message=t("the file is empty"),
                hint=t("write at least the network's name: title: ..."),
            )
        ]
    doc, problems = parse_yaml(text, CONFIG_FILE)
    if doc is None:
        return None, problems
    return parse_config(doc)


def parse_config(doc: YamlDoc) -> tuple[SiteConfig | None, list[Diagnostic]]:
    """Validate a parsed `site.yaml` document."""
    problems: list[Diagnostic] = []

    def report(key: str, message: str | Text, hint: str | Text = "") -> None:
        problems.append(
            Diagnostic(path=CONFIG_FILE, line=doc.line_of(key), message=message, hint=hint)
        )

    data = doc.value
    if not isinstance(data, dict):
        report("", t("site.yaml must be a map of settings"), t("start with 'title: ...'"))
        return None, problems
    for key in data:
        if key not in _KNOWN_KEYS:
            report(
                str(key),
                t("unknown setting '{key}'", key=str(key)),
                did_you_mean(str(key), _KNOWN_KEYS),
            )
    values = _scalar_values(doc, data, report)
    if "title" not in values and "title" not in data:
        report("", t("site.yaml has no 'title'"), t("add a line 'title: Name of the network'"))
    _check_choices(values, report)
    values["languages"] = _languages(data, values, report)
    if values["languages"]:
        values["language"] = values["languages"][0]
    for vocabulary in ("sectors", "target_groups", "tags"):
        values[vocabulary] = _labels(data, vocabulary, report, doc)
    values["funds"] = _funds(data, report)
    if "translations" in data:
        vocabularies = {key: values[key] for key in ("sectors", "target_groups", "tags", "funds")}
        values["translations"] = read_translations(
            data, values["languages"], vocabularies, report, doc
        )
    values["urls"] = _urls(data, report)
    values["feeds"] = _feeds(data, report)
    values["cms"] = _cms(data, report)
    if problems:
        return None, problems
    if not str(values.get("base_url", "/")).endswith("/"):
        values["base_url"] = values["base_url"] + "/"
    warnings = _base_url_warnings(doc, values.get("base_url", ""))
    warnings += _interface_warnings(doc, values["languages"])
    return SiteConfig(**values), warnings


def in_language(config: SiteConfig, code: str) -> SiteConfig:
    """The settings of the site in its further language `code`: the vocabularies with their
    labels in that language where `translations:` gives them (`untranslated`: where not)."""
    labels = config.translations.get(code, Labels())
    untranslated: dict[str, frozenset[str]] = {}
    values: dict[str, Any] = {}
    for name in ("sectors", "target_groups", "tags"):
        own: Mapping[str, str] = getattr(labels, name)
        given: Mapping[str, str] = getattr(config, name)
        values[name] = MappingProxyType({s: own.get(s, label) for s, label in given.items()})
        untranslated[name] = frozenset(given.keys() - own.keys())
    values["funds"] = MappingProxyType(
        {s: replace(fund, **labels.funds.get(s, {})) for s, fund in config.funds.items()}
    )
    untranslated["funds"] = frozenset(
        s for s in config.funds if "name" not in labels.funds.get(s, {})
    )
    return replace(config, language=code, untranslated=MappingProxyType(untranslated), **values)


def _languages(data: dict[str, Any], values: dict[str, Any], report: Report) -> tuple[str, ...]:
    """The content languages: `languages:`, else the one of `language:` (German by default)."""
    if "languages" not in data:
        return (values.get("language", "de"),)
    given = values.get("language") if "language" in data else None
    return read_languages(data["languages"], given, report)


def _interface_warnings(doc: YamlDoc, languages: Sequence[str]) -> list[Diagnostic]:
    """A language the theme has no interface strings for is shown with the English ones."""
    return [
        Diagnostic(
            path=CONFIG_FILE,
            line=doc.line_of(f"languages.{languages.index(code)}"),
            severity=Severity.WARNING,
            message=t(
                "pactsite has no interface strings in '{code}': pages in '{code}' show "
                "their menus, labels and dates in English",
                code=code,
            ),
            hint=t(
                "translate themes/default/i18n/en.yaml into {file} in the site's theme",
                file="i18n/" + code + ".yaml",
            ),
        )
        for code in without_interface(languages)
    ]


def _scalar_values(doc: YamlDoc, data: dict[str, Any], report: Report) -> dict[str, Any]:
    """The plain settings (title, language, ...) given, each checked as written and coerced."""
    values: dict[str, Any] = {}
    for key, coerce in _SCALARS.items():
        if key not in data:
            continue
        try:
            if coerce is to_int:
                misread.check_number(data[key], doc.written.get(key))
            elif coerce is not to_bool:
                misread.check_text(
                    data[key],
                    doc.written.get(key),
                    required=key == "title",
                    prose=key in ("title", "description"),
                )
            if data[key] is None:
                hint = t("write it after the colon: {key}: ...", key=key)
                report(key, t("'{key}' has no value", key=key), hint)
                continue
            values[key] = coerce(data[key])
        except CoercionError as error:
            report(key, t("{key}: {problem}", key=key, problem=error.message), error.hint)
    return values


def _base_url_warnings(doc: YamlDoc, base_url: str) -> list[Diagnostic]:
    """Feeds, calendars and social previews need absolute https addresses."""
    if base_url.startswith("https://"):
        return []
    message = (
        t(
            "base_url '{url}' is not an absolute https address; feeds and calendars need one",
            url=base_url,
        )
        if base_url
        else t(
            "there is no base_url, so links are not an absolute https address; "
            "feeds and calendars need one"
        )
    )
    return [
        Diagnostic(
            path=CONFIG_FILE,
            line=doc.line_of("base_url"),
            message=message,
            hint=t("write the site's public address, e.g. base_url: https://pakte.example.org/"),
            severity=Severity.WARNING,
        )
    ]


Report = Callable[..., None]
_SLUG_HINT = t("use a-z, 0-9 and '-'")
_NAME_HINT = t("write name: ... below it")


def _check_choices(values: dict[str, Any], report: Report) -> None:
    if values.get("language", "de") not in LANGUAGES:
        report(
            "language",
            t("unsupported language '{language}'", language=values["language"]),
            t("use de or en"),
        )
    try:
        ZoneInfo(values.get("timezone", "Europe/Berlin"))
    except (KeyError, ValueError):
        report(
            "timezone",
            t("unknown time zone '{zone}'", zone=values["timezone"]),
            t("e.g. Europe/Berlin"),
        )
    if values.get("paginate", 10) < 1:
        report("paginate", t("paginate must be at least 1"), t("e.g. paginate: 10"))


def _labels(data: dict[str, Any], key: str, report: Report, doc: YamlDoc) -> Mapping[str, str]:
    raw = data.get(key) or {}
    if not isinstance(raw, dict):
        report(
            key,
            t("{key} must be a map of slug: label", key=key),
            t("e.g. {key}:\\n  chemie: Chemie", key=key),
        )
        return MappingProxyType({})
    labels: dict[str, str] = {}
    for slug, label in raw.items():
        where = f"{key}.{slug}"
        if not is_valid_slug(str(slug)):
            report(where, t("'{slug}' is not a valid slug", slug=str(slug)), _SLUG_HINT)
        try:
            misread.check_text(label, doc.written.get(where), prose=True)
            labels[str(slug)] = to_text(label)
        except CoercionError as error:
            report(where, t("{key}: {problem}", key=where, problem=error.message), error.hint)
    return MappingProxyType(dict(sorted(labels.items())))


def _funds(data: dict[str, Any], report: Report) -> Mapping[str, Fund]:
    raw = data.get("funds") or {}
    if not isinstance(raw, dict):
        report("funds", t("funds must be a map of slug: {example}", example="{name: ...}"), "")
        return MappingProxyType({})
    funds: dict[str, Fund] = {}
    for slug, spec in raw.items():
        where = f"funds.{slug}"
        if not is_valid_slug(str(slug)):
            report(where, t("'{slug}' is not a valid slug", slug=str(slug)), _SLUG_HINT)
        if isinstance(spec, str):
            spec = {"name": spec}
        if not isinstance(spec, dict) or "name" not in spec:
            report(where, t("fund '{slug}' needs a name", slug=str(slug)), _NAME_HINT)
            continue
        for key in spec:
            if key not in ("name", "description", "url"):
                report(
                    f"{where}.{key}",
                    t("unknown fund field '{key}'", key=str(key)),
                    did_you_mean(str(key), ("name", "description", "url")),
                )
        try:
            funds[str(slug)] = Fund(
                slug=str(slug),
                name=to_text(spec["name"]),
                description=to_text(spec.get("description", "")),
                url=to_url(spec["url"]) if spec.get("url") else "",
            )
        except CoercionError as error:
            report(
                where,
                t("fund '{slug}': {problem}", slug=str(slug), problem=error.message),
                error.hint,
            )
    return MappingProxyType(dict(sorted(funds.items())))


def _feeds(data: dict[str, Any], report: Report) -> FeedSettings:
    raw = data.get("feeds") or {}
    known = ("limit", "tag_authority", "pact_limit", "pact_max_age")
    numbers = ("limit", "pact_limit", "pact_max_age")
    if not isinstance(raw, dict):
        report(
            "feeds",
            t("feeds must be a map of settings"),
            t("e.g. {example}", example="feeds: {limit: 50}"),
        )
        return FeedSettings()
    chosen: dict[str, Any] = {}
    for key, value in raw.items():
        where = f"feeds.{key}"
        if key not in known:
            report(
                where,
                t("unknown feed setting '{key}'", key=str(key)),
                did_you_mean(str(key), known),
            )
            continue
        try:
            chosen[str(key)] = to_int(value) if key in numbers else to_text(value).lower()
        except CoercionError as error:
            report(where, t("{key}: {problem}", key=where, problem=error.message), error.hint)
    for key, example in (("limit", 50), ("pact_limit", 10), ("pact_max_age", 365)):
        if chosen.get(key, 1) < 1:
            report(
                f"feeds.{key}",
                t("feeds.{key} must be at least 1", key=key),
                t("e.g. {key}: {example}", key=key, example=example),
            )
            chosen.pop(key)
    authority = chosen.get("tag_authority", "")
    if authority and not _HOST_NAME.match(authority):
        report(
            "feeds.tag_authority",
            t("'{authority}' is not a domain name", authority=authority),
            t("write a domain the network owns, without https:// or /, e.g. pakte.example.org"),
        )
    return FeedSettings(**chosen)


def _urls(data: dict[str, Any], report: Report) -> UrlPatterns:
    raw = data.get("urls") or {}
    defaults = UrlPatterns()
    known = tuple(defaults.__dataclass_fields__)
    if not isinstance(raw, dict):
        report(
            "urls",
            t("urls must be a map of section: path segment"),
            t("e.g. {example}", example="urls: {news: news}"),
        )
        return defaults
    chosen: dict[str, str] = {}
    for key, value in raw.items():
        if key not in known:
            report(
                f"urls.{key}",
                t("unknown URL section '{key}'", key=str(key)),
                did_you_mean(str(key), known),
            )
        elif not is_valid_slug(str(value)):
            report(
                f"urls.{key}",
                t("'{value}' is not a valid path segment", value=str(value)),
                _SLUG_HINT,
            )
        else:
            chosen[str(key)] = str(value)
    return UrlPatterns(**chosen)


def _cms(data: dict[str, Any], report: Report) -> CmsSettings:
    raw = data.get("cms") or {}
    if not isinstance(raw, dict):
        report(
            "cms",
            t("cms must be a map of settings"),
            t("e.g. {example}", example="cms: {enabled: true}"),
        )
        return CmsSettings()
    known = ("enabled", "backend", "branch")
    for key in raw:
        if key not in known:
            report(
                f"cms.{key}",
                t("unknown cms setting '{key}'", key=str(key)),
                did_you_mean(str(key), known),
            )
    enabled = raw.get("enabled", False)
    if not isinstance(enabled, bool):
        report("cms.enabled", t("cms.enabled must be true or false"), t("write enabled: true"))
        enabled = False
    backend = str(raw.get("backend", "git-gateway"))
    if backend not in CMS_BACKENDS:
        report(
            "cms.backend",
            t("unknown cms backend '{backend}'", backend=backend),
            did_you_mean(backend, CMS_BACKENDS) or t("use git-gateway"),
        )
    branch = str(raw.get("branch", "main")).strip()
    if not branch:
        report("cms.branch", t("cms.branch must not be empty"), t("write branch: main"))
    return CmsSettings(enabled=enabled, backend=backend, branch=branch or "main")
