"""Redirects for renamed pages: Netlify's `_redirects`, and HTML pages for other hosts."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from pathlib import PurePosixPath

from pactsite.model import Entry
from pactsite.outputs import OutputFile
from pactsite.urls import UrlScheme, alias_url, output_path


def build_redirects(
    entries: Iterable[Entry], urls: UrlScheme, roots: Sequence[str] = ()
) -> list[OutputFile]:
    """Write `_redirects` (a forced 301 per alias) and a forwarding page at each old URL.

    `roots` are the further languages' (`/en/`): an address below one that has no page gets
    that language's 404 page (a rule that is not forced applies only where no file is).
    """
    pairs = sorted(
        (alias_url(alias), urls.entry(entry)) for entry in entries for alias in entry.aliases
    )
    if not pairs and not roots:
        return []
    # `301!`: Netlify applies a rule only where no file exists unless it is forced, and the
    # forwarding page below is a file at the old address (seen with `netlify dev`: 200).
    lines = "".join(f"{old} {new} 301!\n" for old, new in pairs)
    lines += "".join(f"{root}* {root}404.html 404\n" for root in roots)
    files = [OutputFile(PurePosixPath("_redirects"), lines.encode("utf-8"))]
    files += [OutputFile(output_path(old), _forwarding_page(new, urls)) for old, new in pairs]
    return files


def _forwarding_page(target: str, urls: UrlScheme) -> bytes:
    absolute = html.escape(urls.absolute(target), quote=True)
    local = html.escape(target, quote=True)
    return (
        '<!DOCTYPE html>\n<html lang="de">\n<head>\n<meta charset="utf-8">\n'
        f"<title>Weitergeleitet</title>\n"
        f'<meta http-equiv="refresh" content="0; url={local}">\n'
        f'<link rel="canonical" href="{absolute}">\n'
        '<meta name="robots" content="noindex">\n</head>\n<body>\n'
        f'<main><h1>Diese Seite ist umgezogen</h1><p><a href="{local}">Zur neuen Adresse</a>'
        "</p></main>\n</body>\n</html>\n"
    ).encode()
