"""The theme: Jinja2 templates with site-local overrides, UI strings, and formatting filters."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

from pactsite import forget_old_copies, user_cache_folder
from pactsite.content.config import SiteConfig
from pactsite.content.languages import FALLBACK_INTERFACE, og_locale
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
    if not strings_file.is_file():  # warned about by the config: the English strings stand in
        strings_file = folder / "i18n" / f"{FALLBACK_INTERFACE}.yaml"
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
        import yaml  # here: a rebuild takes the strings from its saved state

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
    env.globals["lang_of"] = make_lang_attribute(config.language)
    env.globals["lang_name"] = make_lang_name(config.language)
    env.globals["og_locale"] = og_locale(config.language)
    env.globals["vocab_lang"], env.globals["vocab_text"] = make_vocabulary_lang(config)
    env.filters["hyphenate"] = make_hyphenate_filter(hyphenation or {})
    return env


def make_lang_attribute(language: str) -> Callable[[Any], markupsafe.Markup]:
    """Return `lang_of(pact or entry)`: ` lang="de"` where its text is in another language
    than the page's (a pact shown untranslated on an English page), else nothing."""

    def lang_of(item: Any) -> markupsafe.Markup:
        code = getattr(item, "language", "")
        return markupsafe.Markup(f' lang="{code}"' if code and code != language else "")

    return lang_of


def make_vocabulary_lang(
    config: SiteConfig,
) -> tuple[Callable[[str, str], markupsafe.Markup], Callable[[str, str, str], Any]]:
    """Return `vocab_lang(vocabulary, slug)`: ` lang="de"` where the label of a sector,
    fund, target group or tag is shown in the default language on a page of another (it
    has no translation in site.yaml's `translations:`), else nothing; and
    `vocab_text(vocabulary, slug, label)`: the label, in a `<span lang="de">` there."""
    default = config.languages[0]
    marked = markupsafe.Markup(f' lang="{default}"')
    nothing = markupsafe.Markup("")

    def vocab_lang(vocabulary: str, slug: str) -> markupsafe.Markup:
        return marked if slug in config.untranslated.get(vocabulary, ()) else nothing

    def vocab_text(vocabulary: str, slug: str, label: str) -> Any:
        if slug not in config.untranslated.get(vocabulary, ()):
            return label
        return markupsafe.Markup("<span{}>{}</span>").format(marked, label)

    return vocab_lang, vocab_text


def make_lang_name(language: str) -> Callable[[Any, str], str | markupsafe.Markup]:
    """Return `lang_name(pact, text)`: the pact's name `text` in `<span lang="de">` where
    it is shown untranslated on a page of another language, else `text` as it is. For a
    name inside a sentence of the interface (`t("news_of", name=lang_name(pact, …))`);
    not in an attribute or `<title>`, which cannot hold an element."""

    def lang_name(item: Any, text: str) -> str | markupsafe.Markup:
        code = getattr(item, "language", "")
        if not code or code == language:
            return text
        return markupsafe.Markup('<span lang="{}">{}</span>').format(code, text)

    return lang_name


class CompiledTemplates(jinja2.BytecodeCache):
    """Templates compiled in this process, reused by its later builds (`serve`, tests) while
    their source is unchanged; the caches `behind` (the build cache's folder, the user's
    cache folder) serve the first build, the first that has a template compiled."""

    def __init__(self, *behind: jinja2.BytecodeCache) -> None:
        self.behind = behind

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Give the bucket the code compiled here before, or else that of the first cache
        behind that has it (jinja2 drops code compiled from another source)."""
        checksum, code = _COMPILED.get(bucket.key, ("", None))
        if checksum == bucket.checksum:
            bucket.code = code
            return
        for cache in self.behind:
            cache.load_bytecode(bucket)
            if bucket.code is not None:
                return

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Keep newly compiled code here and in every cache behind."""
        _COMPILED[bucket.key] = (bucket.checksum, bucket.code)
        for cache in self.behind:
            cache.dump_bytecode(bucket)


def template_caches(
    env: jinja2.Environment, site_folder: Path | None
) -> list[jinja2.BytecodeCache]:
    """Where compiled templates are kept between processes: `site_folder` (the build cache's,
    if any), then the user's cache folder, which serves every site with the same theme the
    way Python keeps compiled modules. A folder that cannot be made is left out."""
    user_folder = user_cache_folder() / f"templates-{_compiling_options(env)}"
    new_install = not user_folder.is_dir()
    caches: list[jinja2.BytecodeCache] = []
    for folder in (site_folder, user_folder):
        if folder is None:
            continue
        with contextlib.suppress(OSError):
            folder.mkdir(parents=True, exist_ok=True)
            caches.append(_KeptTemplates(str(folder)))
    if new_install:  # only then can the folders have grown beyond the few kept
        forget_old_copies("templates-*")
    return caches


def _compiling_options(env: jinja2.Environment) -> str:
    """What the compiled code depends on besides a template's source: Jinja2's version and
    the environment's syntax options."""
    options = (
        jinja2.__version__,
        env.block_start_string,
        env.variable_start_string,
        env.comment_start_string,
        env.line_statement_prefix,
        env.line_comment_prefix,
        env.trim_blocks,
        env.lstrip_blocks,
        env.keep_trailing_newline,
        env.newline_sequence,
        env.autoescape,
        sorted(env.extensions),
    )
    return hashlib.blake2b(repr(options).encode(), digest_size=8).hexdigest()


class _KeptTemplates(jinja2.FileSystemBytecodeCache):
    """Compiled templates in a folder; a file that cannot be read or written is no error
    (the template is compiled again)."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """The bucket's code from its file, if it can be read."""
        with contextlib.suppress(OSError):
            super().load_bytecode(bucket)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Write the bucket's code to its file, if it can be written."""
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


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
    rendered: dict[tuple[object, ...], markupsafe.Markup] = {}

    def partial_cached(template: str, /, **variables: Hashable) -> markupsafe.Markup:
        # the variables in the order a call names them: a call elsewhere naming them in
        # another order only renders the same text once more
        key = (template, *variables.items())
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
        if type(text) is not str:  # the common case is, without the slower isinstance()
            if isinstance(text, Mapping):
                text = text["one" if values.get("n") == 1 else "other"]
            text = str(text)
        if not values:
            return text
        if any(type(value) is markupsafe.Markup for value in values.values()):
            # a name marked with its language (`lang_name`): the rest escaped, it kept
            return markupsafe.Markup(markupsafe.escape(text)).format(**values)
        return text.format(**values)

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
