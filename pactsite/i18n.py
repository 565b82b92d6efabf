"""Messages in the reader's language: English templates, translated by gettext catalogs.

A message is made where the problem is found, as `t("key '{key}' is given twice", key=k)`,
and stays a value (`Text`) until it is shown; only then is it looked up in the catalog of
the language the reader asked for (`site.yaml`'s `language:`, or `--lang`). So the stages
need not know the language, and the same diagnostic can be printed in German to an editor
and in English to a developer. The catalogs live in `pactsite/locale/` and are managed with
Babel (`make messages`); `t` is the keyword Babel extracts.
"""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "pactsite"
SOURCE_LANGUAGE = "en"
LANGUAGES = ("de", "en")
"""The languages pactsite's own messages are written in; others fall back to English."""


@dataclass(frozen=True, slots=True, order=True)
class Text:
    """A message to show: an English template (the catalog's msgid) and the values it names."""

    template: str
    values: tuple[tuple[str, str | Text], ...] = ()

    def render(self, language: str = SOURCE_LANGUAGE) -> str:
        """The message in `language`, its values filled in (themselves translated)."""
        template = translation(language).gettext(self.template) if self.template else ""
        if not self.values:
            return template
        return template.format_map({name: render(value, language) for name, value in self.values})

    def __str__(self) -> str:
        return self.render(SOURCE_LANGUAGE)

    def __bool__(self) -> bool:
        return bool(self.template)


def t(template: str, **values: str | int | Text) -> Text:
    """A translatable message; `{name}` in the template is replaced by the value `name`."""
    return Text(
        template,
        tuple(
            (name, value if isinstance(value, Text) else str(value))
            for name, value in sorted(values.items())
        ),
    )


def verbatim(text: str) -> Text:
    """A text shown as it is in every language (a name, a quote from the input)."""
    # TRANSLATORS: a value shown as it is; translate as {text}
    return t("{text}", text=text)


def render(text: str | Text, language: str = SOURCE_LANGUAGE) -> str:
    """Show a message, or a plain string, in `language`."""
    return text.render(language) if isinstance(text, Text) else text


@cache
def translation(language: str) -> gettext.NullTranslations:
    """The compiled catalog of `language`, or the identity for English and unknown ones."""
    if language == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def message_language(language: str) -> str:
    """The language pactsite's messages are shown in for a site of `language`."""
    return language if language in LANGUAGES else SOURCE_LANGUAGE


DEFAULT_SITE_LANGUAGE = "de"
"""A site.yaml without `language:` is German (as `SiteConfig` reads it)."""

# Only the top-level `language: de` line: the command line needs the language also when
# site.yaml is broken, and before (or without) importing YAML and the pipeline.
_LANGUAGE_LINE = re.compile(
    r"""^language[ \t]*:[ \t]*(["']?)([A-Za-z_-]*)\1[ \t]*(?:#.*)?$""", re.MULTILINE
)


# Else the first of `languages: [en, de]` (or of a block list below `languages:`): the
# default language of a network in several languages.
_LANGUAGES_LINE = re.compile(
    r"""^languages[ \t]*:[ \t]*(?:\[[ \t]*|(?:#.*)?\n[ \t]+-[ \t]*)(["']?)([A-Za-z_-]*)\1""",
    re.MULTILINE,
)


def site_language(root: Path) -> str:
    """The language of the messages for the site in `root`, from its site.yaml's `language:`,
    else from the first of its `languages:`."""
    try:
        text = (root / "site.yaml").read_text(encoding="utf-8-sig", errors="replace")
    except OSError:
        return DEFAULT_SITE_LANGUAGE
    found = _LANGUAGE_LINE.search(text) or _LANGUAGES_LINE.search(text)
    return message_language(found.group(2).lower() if found else DEFAULT_SITE_LANGUAGE)


PlainText = str | list[object]
"""A message as JSON-able data: a string, or `[template, [[name, value], ...]]`."""


def to_plain(text: str | Text) -> PlainText:
    """A message as JSON-able data, for caches and worker transfers."""
    if isinstance(text, str):
        return text
    return [text.template, [[name, to_plain(value)] for name, value in text.values]]


def from_plain(value: PlainText) -> str | Text:
    """The message that `to_plain` made data of."""
    if isinstance(value, str):
        return value
    template, values = value
    assert isinstance(template, str) and isinstance(values, list)
    return Text(template, tuple((name, from_plain(inner)) for name, inner in values))
