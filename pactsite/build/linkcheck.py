"""After rendering: every site-internal link of every page must reach a file and an id."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Sequence
from html import unescape
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from pactsite.diagnostics import Diagnostic
from pactsite.i18n import Text, t
from pactsite.outputs import BuiltFile

_REFERENCE = re.compile(
    r'<(?:a|link|img|script|source)\b[^>]*?(?:h(?<!\wh)ref|s(?<!\ws)rc)="([^"]*)"'
)  # `\b(?:href|src)=`, with the word start checked after the h or s (faster to search)
_ID = re.compile(r'id="([^"]*)"')  # a literal start: searched fast; \b is checked by hand


def check_rendered_links(
    files: Sequence[BuiltFile], root: Path, also: Iterable[str] = ()
) -> list[Diagnostic]:
    """Report internal links in rendered pages (from templates, pact.yaml) that lead nowhere.

    `also` names files that the build adds later (image variants).
    """
    paths = {str(f.path) for f in files} | set(also)
    pages = {str(f.path): f for f in files if f.path.suffix == ".html"}

    def page_text(path: str) -> str | None:
        page = pages.get(path)
        return page.content.decode("utf-8") if page is not None else None

    return check_page_links(list(pages.values()), paths, page_text, root)


def check_page_links(
    pages: Sequence[BuiltFile],
    paths: set[str],
    page_text: Callable[[str], str | None],
    root: Path,
) -> list[Diagnostic]:
    """Report the internal links of `pages` that lead to none of `paths`, or to no id.

    `page_text` gives the text of any HTML page of the site by path (for its ids).
    """
    ids: dict[str, set[str]] = {}
    problems: dict[tuple[str, str], Diagnostic] = {}
    known: dict[tuple[str, str], Text | None] = {}  # site-absolute targets repeat on every page
    fine: set[str] = set()  # as written: site-absolute targets known to lead somewhere
    for page in pages:
        path = str(page.path)
        text = page.content.decode("utf-8")
        for written in set(_REFERENCE.findall(text)) - fine:
            target = unescape(written)
            absolute = target.startswith("/")
            seen = (target, "" if absolute else path)
            if seen in known:
                problem = known[seen]
            else:
                problem = _problem(target, page.path, paths, page_text, ids, text)
                known[seen] = problem
            if problem:
                found = _diagnostic(page, target, problem, root)
                problems.setdefault((found.path, target), found)
            elif absolute:
                fine.add(written)
    return sorted(problems.values(), key=lambda d: (d.path, d.line, str(d.message)))


def _problem(
    target: str,
    page: PurePosixPath,
    paths: set[str],
    page_text: Callable[[str], str | None],
    ids: dict[str, set[str]],
    own_text: str,
) -> Text | None:
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not (parts.path or parts.fragment):
        return None
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
        return t("link to '{target}' leads nowhere in the built site", target=target)
    if parts.fragment and file == str(page):  # every page links its own skip target
        if not _has_id(own_text, parts.fragment):
            return _no_id(target, parts.fragment)
    elif parts.fragment and file.endswith(".html"):
        if file not in ids:  # once per page (setdefault would scan the page every time)
            text = page_text(file)
            ids[file] = _ids(text) if text is not None else set()
        known = ids[file]
        if parts.fragment not in known:
            return _no_id(target, parts.fragment)
    return None


def _no_id(target: str, fragment: str) -> Text:
    return t(
        "link to '{target}': the page has no element with the id '#{id}'",
        target=target,
        id=fragment,
    )


def _ids(text: str) -> set[str]:
    """The values of `id="..."` attributes: `id` at a word boundary, as `\bid=` would find."""
    return {
        match.group(1)
        for match in _ID.finditer(text)
        if not (start := match.start()) or not _is_word(text[start - 1])
    }


def _has_id(text: str, wanted: str) -> bool:
    """Whether the page has `id="wanted"` (as `_ids` would find it), without listing all."""
    needle = f'id="{wanted}"'
    start = text.find(needle)
    while start >= 0:
        if not start or not _is_word(text[start - 1]):
            return True
        start = text.find(needle, start + 1)
    return False


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _diagnostic(page: BuiltFile, target: str, problem: Text, root: Path) -> Diagnostic:
    """Blame the content file if the link is written there, else the template."""
    where = t("{problem} (on the page /{page})", problem=problem, page=str(page.path))
    if page.source:
        line = _line_with(root / page.source, target)
        if line and target.startswith("#"):
            return _same_page(page, target, line)
        if line:
            hint = t("link the Markdown file of the page instead, e.g. ../pages/impressum.md")
            return Diagnostic(path=page.source, line=line, message=where, hint=hint)
    origin = Path(page.origin) if page.origin else None
    return Diagnostic(
        path=_shown(origin, root) if origin else str(page.path),
        line=(_line_with(origin, target) or 1) if origin else 1,
        message=where,
        hint=t("fix the link in the template, pact.yaml or site.yaml"),
    )


_HEADING_ID = re.compile(r'<h[1-6]\b[^>]*?\bid="([^"]*)"')


def _same_page(page: BuiltFile, target: str, line: int) -> Diagnostic:
    """`[...](#nix)`: name the headings the link can jump to, or say to drop the `#`."""
    anchors = [f"#{anchor}" for anchor in _HEADING_ID.findall(page.content.decode("utf-8"))]
    message = t("link to '{target}': this page has no heading '{target}'", target=target)
    if anchors:
        shown = ", ".join(anchors[:5]) + (", ..." if len(anchors) > 5 else "")
        hint = t(
            "link one of its headings ({anchors}), or remove '{target}'",
            anchors=shown,
            target=target,
        )
    else:
        hint = t(
            "the page has no headings to jump to; remove '{target}' from the link",
            target=target,
        )
    return Diagnostic(path=str(page.source), line=line, message=message, hint=hint)


def _line_with(path: Path, target: str) -> int:
    """The first line of a file that contains `target`, or 0."""
    if not path.is_file():
        return 0
    rows = path.read_text(encoding="utf-8", errors="replace").split("\n")
    return next((n for n, row in enumerate(rows, 1) if target in row), 0)


def _shown(path: Path, root: Path) -> str:
    """A path relative to the site, or from the theme folder for the built-in theme."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        parts = path.parts
        start = max((i for i, part in enumerate(parts) if part == "themes"), default=-1)
        return "/".join(parts[start:]) if start >= 0 else path.name
