"""Resolving links between pages and pacts, rewriting them to URLs, and collecting backlinks."""

from __future__ import annotations

import difflib
import html
import posixpath
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from urllib.parse import unquote

from pactsite.content.sources import MARKDOWN_SUFFIXES, PACT_PROFILE
from pactsite.diagnostics import Diagnostic, Severity
from pactsite.i18n import Text, t
from pactsite.model import EntryKey, Site
from pactsite.render.markup import LinkRef, RenderedBody, rewrite_targets
from pactsite.slugs import slug_from_filename
from pactsite.urls import UrlScheme

ASSET_PREFIX = "/dateien/"
_EXTERNAL = ("http://", "https://", "mailto:", "tel:", "//")


@dataclass(frozen=True, slots=True)
class Target:
    """Something a link can reach: an entry or pact page, with its URL and heading ids."""

    key: EntryKey
    url: str
    ids: frozenset[str]
    language: str = ""
    """The language of the page reached, where it is not the reader's (no translation)."""


@dataclass(frozen=True, slots=True)
class LinkIndex:
    """All link targets by key and by source path, plus the files of `content/`."""

    by_key: Mapping[EntryKey, Target]
    by_path: Mapping[str, EntryKey]
    assets: frozenset[str]
    hidden: frozenset[str]
    by_name: Mapping[str, EntryKey] = field(default_factory=lambda: MappingProxyType({}))
    """Entries by their file name as a short form (`halle/news/2002-10-22-schaffung`)."""
    failed: frozenset[str] = frozenset()
    """The paths, keys and names of files that could not be read: links to them are not
    errors of their own (the file's error is reported once)."""


@dataclass(frozen=True, slots=True)
class Resolution:
    """The URL a link leads to, the key it reaches (if a page), or what is wrong with it."""

    url: str = ""
    key: EntryKey = ""
    problem: Text | str = ""
    hint: Text | str = ""
    severity: Severity = Severity.ERROR
    unlink: bool = False
    """The target exists but is not published: show the link's text without the link."""
    language: str = ""
    """The language of the page reached, where it is not the reader's."""


_UNLINK = "\x00unpublished"
"""The URL that marks a link to drop (no sanitised HTML holds a NUL character)."""
_UNLINKED = re.compile(r'<a [^>]*href="\x00unpublished"[^>]*>(.*?)</a>', re.DOTALL)


@dataclass(frozen=True, slots=True, kw_only=True)
class LinkedSite:
    """Bodies with every internal link rewritten, and which pages link to which."""

    html: Mapping[str, str]
    backlinks: Mapping[EntryKey, tuple[EntryKey, ...]]
    assets: tuple[str, ...]


def build_index(
    site: Site,
    bodies: Mapping[str, RenderedBody],
    urls: UrlScheme,
    assets: Sequence[str],
    hidden_paths: Sequence[str] = (),
    failed_paths: Iterable[str] = (),
) -> LinkIndex:
    """Index every page by key, source path and file name, with the heading ids of its body.

    `failed_paths` are the files that could not be read or validated: links to them are
    left to that file's own error.
    """
    by_key: dict[EntryKey, Target] = {}
    by_path: dict[str, EntryKey] = {}
    for pact in site.pacts:
        ids = _ids(bodies.get(pact.key))
        by_key[pact.key] = Target(pact.key, urls.pact(pact.key), ids)
        by_path[pact.source.path] = pact.key
        if pact.body_source:
            by_path[pact.body_source.path] = pact.key
    for entry in site.entries.values():
        by_key[entry.key] = Target(entry.key, urls.entry(entry), _ids(bodies.get(entry.key)))
        by_path[entry.source.path] = entry.key
        for copy_key, copy_path in entry.copies:  # an identical copy in another pact
            by_key[copy_key] = by_key[entry.key]
            by_path[copy_path] = entry.key
    by_name = {name: key for path, key in by_path.items() for name in _names(path)[:1]}
    failed = {form for path in failed_paths for form in (path, *_names(path))}
    return LinkIndex(
        by_key=MappingProxyType(by_key),
        by_path=MappingProxyType(by_path),
        assets=frozenset(assets),
        hidden=frozenset(hidden_paths),
        by_name=MappingProxyType(by_name),
        failed=frozenset(failed),
    )


def _names(path: str) -> tuple[str, ...]:
    """The short forms that name a content file: by file name, then by the slug of its name
    (`content/pacts/halle/news/2002-10-22-x.md`: `halle/news/2002-10-22-x`, `halle/news/x`).

    A pact's profile and description name the pact.
    """
    parts = path.split("/")[1:]
    if len(parts) == 3 and parts[0] == "pacts":
        return (parts[1],) if parts[2] == PACT_PROFILE or _stem(parts[2]) == "index" else ()
    if len(parts) == 4 and parts[0] == "pacts":
        head = "/".join(parts[1:3])
    elif len(parts) == 2 and parts[0] == "pages":
        head = "pages"
    else:
        return ()
    stem = _stem(parts[-1])
    return f"{head}/{stem}", f"{head}/{slug_from_filename(stem)}"


def _stem(name: str) -> str:
    """A file name without its Markdown suffix (`.md`, `.markdown`, in any case)."""
    for suffix in MARKDOWN_SUFFIXES:
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name


def _ids(body: RenderedBody | None) -> frozenset[str]:
    return frozenset(h.id for h in body.headings) if body else frozenset()


def resolve_link(
    target: str, source_path: str, index: LinkIndex, *, is_image: bool = False, field: str = ""
) -> Resolution:
    """Resolve one link as written in the source file at `source_path`; pure."""
    if is_image and target.startswith(_EXTERNAL):
        return Resolution(
            problem=t("image '{target}' is loaded from another site", target=target),
            hint=t(
                "save the image next to the Markdown file and link it by its file name "
                "(visitors' browsers must not contact other hosts)"
            ),
        )
    if target.startswith(_EXTERNAL) or target.startswith("/") or not target:
        return Resolution(url=target)
    address, _, fragment = target.partition("#")
    if not address:
        return Resolution(url=target)
    if address.startswith(("pact:", "page:")):
        key, shown = _short_form_key(address, index), address
    else:
        written = unicodedata.normalize("NFC", unquote(address))
        path = posixpath.normpath(posixpath.join(posixpath.dirname(source_path), written))
        settled = _file_key(address, path, index, source_path, field)
        if isinstance(settled, Resolution):
            return settled
        key, shown = settled, path
    found = index.by_key.get(key)
    if found is None:
        if key in index.failed:
            return Resolution()
        return _hidden(shown) if key in index.hidden else _missing(shown, index, source_path)
    if fragment and fragment not in found.ids:
        return _no_heading(found, key, target, fragment, index)
    url = found.url + (f"#{fragment}" if fragment else "")
    return Resolution(url=url, key=found.key, language=found.language)


def language_index(own: LinkIndex, default: LinkIndex, default_language: str) -> LinkIndex:
    """The link targets of a further language's site: its own pages, and the default
    language's pages it has no translation of (marked with that language)."""
    by_key = {
        key: replace(target, language=default_language) for key, target in default.by_key.items()
    }
    by_key.update(own.by_key)
    return LinkIndex(
        by_key=MappingProxyType(by_key),
        by_path=MappingProxyType({**default.by_path, **own.by_path}),
        assets=own.assets,
        hidden=own.hidden | default.hidden,
        by_name=MappingProxyType({**default.by_name, **own.by_name}),
        failed=own.failed | default.failed,
    )


def _file_key(
    address: str, path: str, index: LinkIndex, source_path: str, field: str
) -> str | Resolution:
    """The key of the entry whose file a relative link leads to (`path`, site-relative);
    else how the link resolves: to a published asset, or to the problem with it."""
    if path in index.assets:
        return Resolution(url=ASSET_PREFIX + path.removeprefix("content/"))
    key = index.by_path.get(path, "")
    if key:
        return key
    if path in index.hidden:
        return _hidden(path)
    if any(form in index.failed for form in (path, *_names(path))):
        return Resolution()  # the file's own error (or its pact's) says what is wrong
    if not path.lower().endswith(MARKDOWN_SUFFIXES):
        return _no_file(address, path, index, field)
    return _missing(path, index, source_path)


def _no_heading(
    found: Target, key: str, target: str, fragment: str, index: LinkIndex
) -> Resolution:
    """A link to a heading id the page does not have (unless the page's file failed)."""
    if key in index.failed:
        return Resolution(url=found.url, key=found.key)
    return Resolution(
        problem=t(
            "link to '{target}': the page has no heading with the id '#{fragment}'",
            target=target,
            fragment=fragment,
        ),
        hint=_fragment_hint(fragment, found.ids),
    )


def _no_file(address: str, path: str, index: LinkIndex, field: str) -> Resolution:
    """No file at the path: name a file whose name differs only in case (`bild.JPG`)."""
    problem = (
        t("{field}: there is no file {path}", field=field, path=path)
        if field
        else t("link to '{address}': there is no file {path}", address=address, path=path)
    )
    same = sorted(asset for asset in index.assets if asset.lower() == path.lower())
    if same:
        folder, _, _ = address.rpartition("/")
        name = same[0].rpartition("/")[2]
        written = f"{folder}/{name}" if folder else name
        return Resolution(
            problem=problem,
            hint=t("did you mean '{name}'? (mind upper/lower case)", name=written),
        )
    return Resolution(
        problem=problem,
        hint=t("check the file name, or put the file next to the Markdown file"),
    )


def _short_form_key(address: str, index: LinkIndex) -> EntryKey:
    """The key a short form names: by slug (`pact:halle/news/schaffung`), by file name
    (`pact:halle/news/2002-10-22-schaffung`, also with `.md`), or by a name whose slug it is."""
    scheme, _, rest = address.partition(":")
    rest = _stem(unicodedata.normalize("NFC", unquote(rest)).strip("/"))
    key = f"pages/{rest}" if scheme == "page" else rest
    if key in index.by_key:
        return key
    if key in index.by_name:
        return index.by_name[key]
    head, _, name = key.rpartition("/")
    slugged = f"{head}/{slug_from_filename(name)}" if head else key
    return slugged if slugged in index.by_key else key


def _missing(shown: str, index: LinkIndex, source_path: str) -> Resolution:
    candidates = [
        f"pact:{k}" if not k.startswith("pages/") else f"page:{k[6:]}" for k in index.by_key
    ]
    wanted = shown
    if not shown.startswith(("pact:", "page:")):
        wanted = "pact:" + shown.removeprefix("content/pacts/").removesuffix(".md")
    close = _closest(wanted, candidates)
    hint = (
        t("did you mean {target}?", target=close) if close else t("check the file name and folder")
    )
    return Resolution(problem=t("link to '{target}' leads nowhere", target=shown), hint=hint)


def _closest(wanted: str, candidates: Iterable[str]) -> str:
    """The target whose last part (file name or slug) is much like the wanted one's, in the
    same folder if there is one there; '' if none is: a suggestion must look like the input."""
    head, _, name = wanted.rpartition("/")
    by_name: dict[str, list[str]] = {}
    for candidate in sorted(candidates):
        by_name.setdefault(candidate.rpartition("/")[2], []).append(candidate)
    slug = slug_from_filename(name) if head else name
    close = difflib.get_close_matches(slug, sorted(by_name), n=1, cutoff=0.75)
    if not close:
        return ""
    same = by_name[close[0]]
    return next((c for c in same if c.rpartition("/")[0] == head), same[0])


def _hidden(shown: str) -> Resolution:
    return Resolution(
        problem=t("link to '{target}', which is a draft or not published now", target=shown),
        hint=t("publish the target, or remove the link until it is"),
        severity=Severity.WARNING,
        unlink=True,
    )


def _fragment_hint(fragment: str, ids: frozenset[str]) -> Text:
    close = difflib.get_close_matches(fragment, sorted(ids), n=1, cutoff=0.4)
    if close:
        return t("did you mean '#{fragment}'?", fragment=close[0])
    if ids:
        return t("known: {ids}", ids=", ".join(sorted(ids)))
    return t("the page has no headings")


@dataclass(frozen=True, slots=True, kw_only=True)
class ResolvedLinks:
    """Where every body's links lead, and which pages link to which."""

    urls: Mapping[str, tuple[str | None, ...]]
    """Each body's links in order: the escaped URL to write, or None to leave it as written."""
    backlinks: Mapping[EntryKey, tuple[EntryKey, ...]]
    assets: tuple[str, ...]

    def linked(self, html: Mapping[str, str]) -> LinkedSite:
        """The linked site, given the bodies' rewritten HTML."""
        return LinkedSite(html=html, backlinks=self.backlinks, assets=self.assets)


def link_site(
    bodies: Mapping[str, RenderedBody], sources: Mapping[str, str], index: LinkIndex
) -> tuple[LinkedSite, list[Diagnostic]]:
    """Rewrite every body's internal links to URLs; report broken ones; collect backlinks."""
    resolved, problems = resolve_links(bodies, sources, index)
    rewritten = rewrite_links(((key, bodies[key]) for key in sorted(bodies)), resolved)
    return resolved.linked(MappingProxyType(dict(rewritten))), problems


def resolve_links(
    bodies: Mapping[str, RenderedBody], sources: Mapping[str, str], index: LinkIndex
) -> tuple[ResolvedLinks, list[Diagnostic]]:
    """Resolve every body's links; report broken ones; collect backlinks and used files."""
    problems: list[Diagnostic] = []
    urls: dict[str, tuple[str | None, ...]] = {}
    backlinks: dict[EntryKey, set[EntryKey]] = {}
    used_assets: set[str] = set()
    for body_key in sorted(bodies):
        body = bodies[body_key]
        source_path = sources[body_key]
        owner = body_key.partition("#")[0]
        written: list[str | None] = []
        for link in body.links:
            resolution = resolve_link(link.target, source_path, index, is_image=link.is_image)
            if resolution.problem:
                problems.append(_diagnostic(source_path, link, resolution))
            elif resolution.language:
                problems.append(_other_language(source_path, link, resolution.language))
            if resolution.key and resolution.key != owner:
                backlinks.setdefault(resolution.key, set()).add(owner)
            if resolution.url.startswith(ASSET_PREFIX):
                used_assets.add("content/" + resolution.url.removeprefix(ASSET_PREFIX))
            usable = resolution.url and not resolution.problem
            if resolution.unlink and not link.is_image:
                # a dead link must not go live: the page shows the link's text until then
                written.append(_UNLINK)
                continue
            escaped = html.escape(resolution.url, quote=True) if usable else None
            if escaped and resolution.language:  # the attribute after href="..."
                escaped += f'" hreflang="{resolution.language}'
            written.append(escaped)
        urls[body_key] = tuple(written)
    return ResolvedLinks(
        urls=MappingProxyType(urls),
        backlinks=MappingProxyType({k: tuple(sorted(v)) for k, v in sorted(backlinks.items())}),
        assets=tuple(sorted(used_assets)),
    ), problems


def rewrite_links(
    bodies: Iterable[tuple[str, RenderedBody]], resolved: ResolvedLinks
) -> Iterator[tuple[str, str]]:
    """Each body (key, HTML) with its links rewritten to their URLs, one by one as asked for
    (so a caller can let go of each body's HTML before the next is rewritten)."""
    for key, body in bodies:
        yield key, _rewrite(body.html, resolved.urls[key])


def _diagnostic(path: str, link: LinkRef, resolution: Resolution) -> Diagnostic:
    return Diagnostic(
        path=path,
        line=link.line,
        message=resolution.problem,
        hint=resolution.hint,
        severity=resolution.severity,
    )


def _other_language(path: str, link: LinkRef, language: str) -> Diagnostic:
    return Diagnostic(
        path=path,
        line=link.line,
        severity=Severity.WARNING,
        message=t(
            "the link to {target} leads to a page in '{language}': it has no translation in "
            "this language",
            target=link.target,
            language=language,
        ),
        hint=t("translate that page too, or link a page that exists in this language"),
    )


def _rewrite(body_html: str, urls: tuple[str | None, ...]) -> str:
    replacements = iter(urls)

    def replace(_: str, original: str) -> str:
        url = next(replacements)
        return original if url is None else url

    rewritten = rewrite_targets(body_html, replace)
    return _UNLINKED.sub(r"\1", rewritten) if _UNLINK in urls else rewritten
