"""The sitemap and robots.txt for search engines."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePosixPath

from pactsite.outputs import OutputFile
from pactsite.urls import UrlScheme, output_url


def build_sitemap(page_paths: Iterable[PurePosixPath], urls: UrlScheme) -> list[OutputFile]:
    """Write `sitemap.xml` listing every page (`x/index.html`) and `robots.txt` pointing to it."""
    # here: it imports urllib.request, which quick rebuilds skip
    from xml.sax.saxutils import escape

    page_urls = sorted(output_url(path) for path in page_paths if path.name == "index.html")
    entries = "".join(
        f"  <url><loc>{escape(urls.absolute(url))}</loc></url>\n" for url in page_urls
    )
    sitemap = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{entries}</urlset>\n"
    )
    robots = f"User-agent: *\nAllow: /\n\nSitemap: {urls.absolute('/sitemap.xml')}\n"
    return [
        OutputFile(PurePosixPath("sitemap.xml"), sitemap.encode("utf-8")),
        OutputFile(PurePosixPath("robots.txt"), robots.encode("utf-8")),
    ]
