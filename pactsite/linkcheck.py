"""After rendering: every site-internal link of every page must reach a file and an id."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from html import unescape
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from pactsite.artifact import OutputFile
from pactsite.diagnostics import Diagnostic

_REFERENCE = re.compile(r'<(?:a|link|img|script|source)\b[^>]*?\b(?:href|src)="([^"]*)"')
_ID = re.compile(r'\bid="([^"]*)"')


def check_rendered_links(files: Sequence[OutputFile], root: Path) -> list[Diagnostic]:
    """Report internal links in rendered pages (from templates, pact.yaml) that lead nowhere."""
    paths = {str(f.path) for f in files}
    pages = {str(f.path): f for f in files if f.path.suffix == ".html"}
    ids: dict[str, set[str]] = {}
    problems: dict[tuple[str, str], Diagnostic] = {}
    for page in pages.values():
        text = page.content.decode("utf-8")
        for target in {unescape(m.group(1)) for m in _REFERENCE.finditer(text)}:
            problem = _problem(target, page.path, paths, pages, ids)
            if problem and (page.origin, target) not in problems:
                problems[(page.origin, target)] = _diagnostic(page, target, problem, root)
    return sorted(problems.values(), key=lambda d: (d.path, d.line, d.message))


def _problem(
    target: str,
    page: PurePosixPath,
    paths: set[str],
    pages: dict[str, OutputFile],
    ids: dict[str, set[str]],
) -> str:
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not (parts.path or parts.fragment):
        return ""
    if parts.path.startswith("/"):
        file = parts.path.lstrip("/")
    elif parts.path:
        file = os.path.normpath(str(page.parent / parts.path))
    else:
        file = str(page)
    file = unquote(file)
    if file.endswith("/") or not file or file == ".":
        file = (file.rstrip("/") + "/index.html").lstrip("/")
    if file not in paths and f"{file}/index.html" in paths:
        file = f"{file}/index.html"
    if file not in paths:
        return f"link to '{target}' leads nowhere in the built site"
    if parts.fragment and file in pages:
        known = ids.setdefault(file, set(_ID.findall(pages[file].content.decode("utf-8"))))
        if parts.fragment not in known:
            return f"link to '{target}': the page has no element with the id '#{parts.fragment}'"
    return ""


def _diagnostic(page: OutputFile, target: str, problem: str, root: Path) -> Diagnostic:
    origin = Path(page.origin) if page.origin else None
    line = 1
    shown = page.origin or str(page.path)
    if origin and origin.is_file():
        text = origin.read_text(encoding="utf-8")
        line = next((n for n, row in enumerate(text.split("\n"), 1) if target in row), 1)
        shown = _relative(origin, root)
    return Diagnostic(
        path=shown,
        line=line,
        message=f"{problem} (on the page /{page.path})",
        hint="fix the link in the template, pact.yaml or site.yaml",
    )


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
