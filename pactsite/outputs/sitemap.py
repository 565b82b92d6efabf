"""The sitemap and robots.txt for search engines."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from html import escape
from pathlib import PurePosixPath

from pactsite.outputs import OutputFile
from pactsite.urls import UrlScheme, output_url

Alternates = Callable[[str], list[tuple[str, str]]]
"""The (hreflang, URL) of each language version of the page at a URL."""


def build_sitemap(
    page_paths: Iterable[PurePosixPath], urls: UrlScheme, alternates: Alternates | None = None
) -> list[OutputFile]:
    """Write `sitemap.xml` listing every page (`x/index.html`) and `robots.txt` pointing to it.

    With `alternates` (a site of several languages), each page names its translations.
    """
    page_urls = sorted(output_url(path) for path in page_paths if path.name == "index.html")
    if alternates is None:
        entries = "".join(
            f"  <url><loc>{_text(urls.absolute(url))}</loc></url>\n" for url in page_urls
        )
        namespaces = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    else:
        entries = "".join(_with_alternates(url, alternates(url), urls) for url in page_urls)
        namespaces = (
            'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:xhtml="http://www.w3.org/1999/xhtml"'
        )
    sitemap = f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset {namespaces}>\n{entries}</urlset>\n'
    robots = f"User-agent: *\nAllow: /\n\nSitemap: {urls.absolute('/sitemap.xml')}\n"
    return [
        OutputFile(PurePosixPath("sitemap.xml"), sitemap.encode("utf-8")),
        OutputFile(PurePosixPath("robots.txt"), robots.encode("utf-8")),
    ]


def _text(text: str) -> str:
    """`text` as XML text: `&`, `<` and `>` escaped."""
    return escape(text, quote=False)


def _with_alternates(url: str, alternates: list[tuple[str, str]], urls: UrlScheme) -> str:
    """A page's `<url>` entry with an `xhtml:link` to each language version."""
    links = "".join(
        f'    <xhtml:link rel="alternate" hreflang="{code}" href="{escape(urls.absolute(to))}"/>\n'
        for code, to in alternates
    )
    loc = f"<loc>{_text(urls.absolute(url))}</loc>"
    return f"  <url>{loc}\n{links}  </url>\n" if links else f"  <url>{loc}</url>\n"
