"""Which pages exist in which language: the `hreflang` alternates of a page, the language
switch in the header and the sitemap's alternates."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace

from pactsite.model import Entry, Site

NATIVE_NAMES = {
    "de": "Deutsch",
    "en": "English",
    "fr": "Français",
    "pl": "Polski",
    "cs": "Čeština",
    "nl": "Nederlands",
    "it": "Italiano",
    "es": "Español",
    "da": "Dansk",
    "tr": "Türkçe",
    "uk": "Українська",
    "ru": "Русский",
    "ar": "العربية",
}
"""A language's name in that language, as the switch offers it (else the code)."""
UNTRANSLATED = {
    "de": "(Startseite: diese Seite gibt es nicht auf Deutsch)",
    "en": "(home page: this page is not available in English)",
}
"""What the switch says, in the language it leads to, where a page has no translation."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SwitchLink:
    """One language the header's switch offers: this page in it, or that language's home."""

    code: str
    name: str
    url: str
    translated: bool
    """Whether `url` is this page in that language (else the language's home)."""

    @property
    def untranslated(self) -> str:
        """What the switch says where the page is not translated, in that language (in
        English for a language pactsite has no words in: `untranslated_lang`)."""
        return UNTRANSLATED.get(self.code, UNTRANSLATED["en"])

    @property
    def untranslated_lang(self) -> str:
        """The language of `untranslated`."""
        return self.code if self.code in UNTRANSLATED else "en"


@dataclass(frozen=True, slots=True, kw_only=True)
class LanguageLinks:
    """The pages of every language by their address below the language's root."""

    languages: tuple[str, ...]
    """The site's languages, the default first."""
    roots: Mapping[str, str]
    """Where each language's site begins: `/`, `/en/`."""
    pages: Mapping[str, frozenset[str]]
    """Each language's page addresses without its root (`aktuelles/treffen/`)."""
    language: str = ""
    """The language of the pages being rendered."""

    def of(self, code: str) -> LanguageLinks:
        """The same links, for the pages of language `code`."""
        return replace(self, language=code)

    def _relative(self, url: str) -> str:
        return url.removeprefix(self.roots[self.language or self.languages[0]])

    def alternates(self, url: str) -> list[tuple[str, str]]:
        """(hreflang, URL) of each language the page at `url` exists in, itself included,
        then `x-default` (the default language's page), if it has translations."""
        relative = self._relative(url)
        found = [
            (code, self.roots[code] + relative)
            for code in self.languages
            if relative in self.pages[code]
        ]
        if len(found) < 2:
            return []
        default = [url for code, url in found if code == self.languages[0]]
        return [*found, *(("x-default", url) for url in default)]

    def any_alternates(self, url: str) -> list[tuple[str, str]]:
        """The alternates of a page of any language (the sitemap lists them all)."""
        code = next(
            (c for c in self.languages[1:] if url.startswith(self.roots[c])), self.languages[0]
        )
        return self.of(code).alternates(url)

    def switch(self, url: str) -> tuple[SwitchLink, ...]:
        """The other languages for the header: this page in each, or that language's home."""
        relative = self._relative(url)
        return tuple(
            SwitchLink(
                code=code,
                name=NATIVE_NAMES.get(code, code.upper()),
                url=self.roots[code] + relative
                if relative in self.pages[code]
                else self.roots[code],
                translated=relative in self.pages[code],
            )
            for code in self.languages
            if code != (self.language or self.languages[0])
        )


def language_links(
    languages: tuple[str, ...], roots: Mapping[str, str], urls: Mapping[str, Iterable[str]]
) -> LanguageLinks:
    """The links between the pages of every language, from each language's page URLs."""
    pages = {
        code: frozenset(url.removeprefix(roots[code]) for url in urls[code]) for code in languages
    }
    return LanguageLinks(languages=languages, roots=roots, pages=pages, language=languages[0])


@dataclass(frozen=True, slots=True, kw_only=True)
class NetworkLink:
    """A network page as a page of a further language links it (footer, header)."""

    slug: str
    title: str
    url: str
    lang: str = ""
    """The language of the page where it is not translated (the default's), else empty."""


def network_links(
    default: Site,
    default_url: Callable[[Entry], str],
    site: Site,
    url: Callable[[Entry], str],
    language: str,
) -> tuple[NetworkLink, ...]:
    """The network pages for the pages of a further language: each in that language where
    it is translated, else the default language's page, so that the imprint, the privacy
    policy and the accessibility statement are a click away from every page."""
    translated = {page.key: page for page in site.network_pages if not page.variant}
    return tuple(
        NetworkLink(slug=page.slug, title=translated[page.key].title, url=url(page))
        if page.key in translated
        else NetworkLink(slug=page.slug, title=page.title, url=default_url(page), lang=language)
        for page in default.network_pages
        if not page.variant
    )
