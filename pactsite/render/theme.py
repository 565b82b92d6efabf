"""The theme: Jinja2 templates with site-local overrides, UI strings, and formatting filters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import markupsafe
import yaml

from pactsite.content.config import SiteConfig
from pactsite.diagnostics import Diagnostic
from pactsite.i18n import t
from pactsite.render.hyphenate import make_hyphenate_filter

_PACKAGE_THEMES = Path(__file__).parent.parent / "themes"
_REPOSITORY_THEMES = Path(__file__).parent.parent.parent / "themes"


def theme_folders(root: Path) -> list[Path]:
    """The folders in which themes are looked for, the site's own `themes/` first."""
    return [root / "themes", _PACKAGE_THEMES, _REPOSITORY_THEMES]


@dataclass(frozen=True, slots=True)
class Theme:
    """A located theme: its folder, the site's override folders, and its UI strings."""

    folder: Path
    site_templates: Path
    site_static: Path
    strings: Mapping[str, Any]


def locate_theme(root: Path, config: SiteConfig) -> tuple[Theme | None, list[Diagnostic]]:
    """Find the configured theme (the site's own `themes/` first) and load its UI strings."""
    candidates = [folder / config.theme for folder in theme_folders(root)]
    folder = next((c for c in candidates if (c / "templates").is_dir()), None)
    if folder is None:
        return None, [
            Diagnostic(
                path="site.yaml",
                line=1,
                message=t("theme '{theme}' not found", theme=config.theme),
                hint=t("remove 'theme:' to use the default theme"),
            )
        ]
    strings_file = folder / "i18n" / f"{config.language}.yaml"
    strings = _theme_strings(strings_file.read_text(encoding="utf-8"))
    return Theme(
        folder=folder,
        site_templates=root / "templates",
        site_static=root / "static",
        strings=strings,
    ), []


def _theme_strings(text: str) -> Mapping[str, Any]:
    """The UI strings of a theme's `i18n/<language>.yaml` text, parsed once per process."""
    strings = _STRINGS.get(text)
    if strings is None:
        strings = _STRINGS[text] = yaml.safe_load(text)
    return strings


_STRINGS: dict[str, Mapping[str, Any]] = {}
"""The parsed UI strings by the text of their file: later builds in this process (`serve`,
tests) do not parse them again."""


def make_environment(
    theme: Theme,
    config: SiteConfig,
    globals_: Mapping[str, Any],
    hyphenation: Mapping[str, str] | None = None,
) -> jinja2.Environment:
    """Create the template environment: strict, autoescaping, site templates override the theme.

    `hyphenation` gives the long words of titles their soft hyphens (the filter `hyphenate`).
    """
    loader = jinja2.ChoiceLoader(
        [
            jinja2.FileSystemLoader(str(theme.site_templates)),
            jinja2.FileSystemLoader(str(theme.folder / "templates")),
            jinja2.PrefixLoader(
                {"theme": jinja2.FileSystemLoader(str(theme.folder / "templates"))}
            ),
        ]
    )
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # a new environment for every build: no need to stat templates
    )
    env.bytecode_cache = CompiledTemplates()
    env.globals.update(globals_)
    env.globals["t"] = make_translate(theme.strings)
    env.globals["partial_cached"] = make_partial_cache(env)
    env.filters["date"] = make_date_format(theme.strings)
    env.filters["time"] = format_time
    env.filters["number"] = make_number_format(config.language)
    env.filters["hyphenate"] = make_hyphenate_filter(hyphenation or {})
    return env


class CompiledTemplates(jinja2.BytecodeCache):
    """Templates compiled in this process, reused by its later builds (`serve`, tests) while
    their source is unchanged; `behind` (the build cache's folder) serves the first build."""

    def __init__(self, behind: jinja2.BytecodeCache | None = None) -> None:
        self.behind = behind

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Give the bucket the code compiled here before, or else that of `behind`."""
        checksum, code = _COMPILED.get(bucket.key, ("", None))
        if checksum == bucket.checksum:
            bucket.code = code
        elif self.behind is not None:
            self.behind.load_bytecode(bucket)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Keep newly compiled code here and in `behind`."""
        _COMPILED[bucket.key] = (bucket.checksum, bucket.code)
        if self.behind is not None:
            self.behind.dump_bytecode(bucket)


_COMPILED: dict[str, tuple[str, Any]] = {}
"""Cache key: the template source's checksum and its compiled code, for every environment."""


def make_partial_cache(env: jinja2.Environment) -> Callable[..., markupsafe.Markup]:
    """Return `partial_cached(template, **variables)`: the template rendered with the
    shared data and `variables` only, once per distinct set of variables (per process), and
    without the white space around it (so that it can stand where its lines were).

    For a part of every page that varies little, such as the network navigation with every
    pact (Hugo's partialCached). The template sees no other page data, so a value it does not
    get as a variable fails loudly instead of being cached wrongly.
    """
    rendered: dict[tuple[str, tuple[tuple[str, Hashable], ...]], markupsafe.Markup] = {}

    def partial_cached(template: str, /, **variables: Hashable) -> markupsafe.Markup:
        key = (template, tuple(sorted(variables.items())))
        found = rendered.get(key)
        if found is None:
            found = markupsafe.Markup(env.get_template(template).render(**variables).strip())
            rendered[key] = found
        return found

    return partial_cached


def make_translate(strings: Mapping[str, Any]) -> Callable[..., str]:
    """Return `t(key, **values)`, which looks up a UI string and fails loudly if it is missing.

    A string given as `{one: …, other: …}` is chosen by the count `n`.
    """

    def translate(key: str, **values: Any) -> str:
        text = strings["ui"][key]
        if type(text) is str:  # the common case, without the slower isinstance(…, Mapping)
            return text.format(**values) if values else text
        if isinstance(text, Mapping):
            text = text["one" if values.get("n") == 1 else "other"]
        return str(text).format(**values) if values else str(text)

    return translate


def make_date_format(strings: Mapping[str, Any]) -> Callable[[dt.date], str]:
    """Return a filter writing dates the way the language does ("22. Oktober 2002")."""
    months = strings["months"]
    pattern = strings["date_format"]

    def format_date(value: dt.date) -> str:
        return str(pattern).format(day=value.day, month=months[value.month - 1], year=value.year)

    return format_date


def format_time(value: dt.datetime) -> str:
    """Write a time of day as 16:00."""
    return f"{value.hour:02d}:{value.minute:02d}"


def make_number_format(language: str) -> Callable[[float], str]:
    """Return a filter writing numbers with the language's separators: 1.250,50 or 1,250.50.

    Cents are shown when the amount has any (an editor's `1250.50` is not rounded away);
    whole amounts have none.
    """
    separator, decimal = (".", ",") if language == "de" else (",", ".")

    def format_number(value: float) -> str:
        cents = round(value * 100)
        shown = f"{cents // 100:,}" if cents % 100 == 0 else f"{cents / 100:,.2f}"
        return shown.replace(",", "\0").replace(".", decimal).replace("\0", separator)

    return format_number
