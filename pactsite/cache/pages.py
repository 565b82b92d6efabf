"""Reuse rendered HTML pages from the build cache when nothing they depend on has changed.

A page's output depends on its template job (URL and template), on the site-wide template
data (the site model, settings, UI strings, backlinks, related entries, the date), on the
template files and pactsite's code, and on the rendered bodies it shows. All but the bodies
go into one "site digest"; a page is cached under a hash of the site digest, its URL and
its template, together with a hash of every body it looked up while rendering. The bodies'
Markdown text is left out of the site digest (templates only see a body as rendered HTML,
through `html[key]`), so editing one body re-renders just the pages that show it.
Any other change (front matter, a template, site.yaml) changes the site digest, and every
page is rendered again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2

from pactsite.build.spill import compress, decompress, keep
from pactsite.build.workers import Kept, render_in_workers
from pactsite.cache.keys import digest
from pactsite.cache.store import Cache
from pactsite.model import Entry, Pact, Site
from pactsite.outputs import OutputFile, PageJob
from pactsite.outputs.pages import ALL_KEYS, ReadRecorder, Rendered
from pactsite.urls import UrlScheme

TABLE = "pages"
_MARKDOWN_FIELDS = frozenset({"body", "join"})
"""Markdown text fields: templates see them only as rendered HTML (`html[key]`)."""


def site_digest(template_data: Mapping[str, Any], folders: Sequence[Path]) -> str:
    """Hash everything site-wide a page can depend on: the data and the template files."""
    parts = _HashedText()
    for name in sorted(template_data):
        if name != "html":
            parts.append(f"\n{name}=")
            _canon(template_data[name], parts)
    package = Path(__file__).parent.parent
    code = [p.read_bytes() for p in sorted(package.rglob("*.py"))]
    templates = [
        f"{file.relative_to(folder)}\0".encode() + file.read_bytes()
        for folder in folders
        if folder.is_dir()
        for file in sorted(folder.rglob("*"))
        if file.is_file()
    ]
    return digest(parts.hexdigest(), *code, *templates)


class _HashedText(list[str]):
    """A list of text parts that hashes and drops them as it grows (the canonical text of a
    large site runs to tens of MB in millions of small strings; only its hash is needed)."""

    _LIMIT = 1 << 14

    def __init__(self) -> None:
        super().__init__()
        self._hasher = hashlib.blake2b(digest_size=16)  # as cache.keys.digest

    def flush_if_long(self) -> None:
        """Hash the parts so far and drop them, once there are many."""
        if len(self) >= self._LIMIT:
            self._hasher.update("".join(self).encode("utf-8"))
            self.clear()

    def hexdigest(self) -> str:
        """The hash of all the text appended."""
        self._hasher.update("".join(self).encode("utf-8"))
        self.clear()
        return self._hasher.hexdigest()


def render_pages_cached(
    jobs: Sequence[PageJob],
    env: jinja2.Environment,
    urls: UrlScheme,
    workers: int,
    cache: Cache,
    site: Callable[[], str],
) -> list[Kept]:
    """Render the jobs like `render_in_workers`, taking unchanged pages from the cache.

    `site` gives the site digest. When the cache holds no pages (a cold build: nothing to
    look up), the workers start first and the digest is computed while they render.
    The workers pack each page they render the way the cache stores it (compressed, with
    the hashes of the bodies it read), so that this process only unpacks it and stores it
    as it arrives, while the workers go on.
    """
    html: Mapping[str, str] = env.globals["html"]  # type: ignore[assignment]
    body_hash = _BodyHashes(html)
    env.globals["html"] = ReadRecorder(html)
    try:
        results: list[Kept | None] = [None] * len(jobs)
        cold = not cache.holds(TABLE)
        keys = [] if cold else _page_keys(site(), jobs)
        if not cold:
            _reuse_cached(cache, keys, results, body_hash)
        missing = [index for index, result in enumerate(results) if result is None]
        packed = functools.partial(_packed, body_hash=body_hash)
        finished = render_in_workers([jobs[i] for i in missing], env, urls, workers, packed)
        try:
            if cold:
                keys = _page_keys(site(), jobs)  # while the workers render
            cache.update(TABLE, _fresh_rows(missing, finished, results, keys), keys)
        finally:
            finished.close()
    finally:
        env.globals["html"] = html
    return [result for result in results if result is not None]


class _BodyHashes:
    """The hash of each body's HTML by key ("-": no such body), each computed once."""

    def __init__(self, html: Mapping[str, str]) -> None:
        self._html = html
        self._hashes: dict[str, str] = {}

    def __call__(self, key: str) -> str:
        found = self._hashes.get(key)
        if found is None:
            value = self._html.get(key)
            found = self._hashes[key] = "-" if value is None else digest(value)
        return found


def _packed(rendered: Rendered, body_hash: Callable[[str], str]) -> Rendered | bytes:
    """A rendered page as the cache stores it, with the hashes of the bodies it read (in the
    worker); a template error, or a page that read every body, as it is."""
    result, reads = rendered
    if isinstance(result, OutputFile) and ALL_KEYS not in reads:
        return _pack(result, {key: body_hash(key) for key in sorted(reads)})
    return rendered


def _reuse_cached(
    cache: Cache, keys: Sequence[str], results: list[Kept | None], body_hash: Callable[[str], str]
) -> None:
    """Fill in the `results` whose page the cache holds under its key, bodies unchanged."""
    where: dict[str, list[int]] = {}
    for index, key in enumerate(keys):
        where.setdefault(key, []).append(index)
    for key, value in cache.iter_many(TABLE, keys):  # a batch of rows at a time
        for index in where[key]:
            results[index] = _reuse(value, body_hash)


def _fresh_rows(
    missing: Sequence[int], finished: Iterable[Any], results: list[Kept | None], keys: Sequence[str]
) -> Iterator[tuple[str, bytes]]:
    """Fill in the `missing` results as they are `finished`; give the cache rows of those
    that the workers packed for it."""
    for index, result in zip(missing, finished, strict=True):
        if isinstance(result, bytes):
            file, reads = _unpack(result)
            results[index] = keep(file), frozenset(reads)
            yield keys[index], result
        else:
            results[index] = result


def _page_keys(site: str, jobs: Sequence[PageJob]) -> list[str]:
    """The cache key of each job's page under the site digest `site`."""
    return [digest(site, job.url or str(job.context["entry"].key), job.template) for job in jobs]


def _pack(file: OutputFile, reads: dict[str, str]) -> bytes:
    header = json.dumps([str(file.path), file.origin, file.source, reads]).encode("utf-8")
    return compress(header + b"\n" + file.content)


def _unpack(value: bytes) -> tuple[OutputFile, dict[str, str]]:
    """The page and the hashes of the bodies it read, from what `_pack` made of them."""
    header, _, content = decompress(value).partition(b"\n")
    path, origin, source, reads = json.loads(header)
    return OutputFile(PurePosixPath(path), content, origin, source), reads


def _reuse(value: Any, body_hash: Any) -> Kept | None:
    """The cached page and the bodies it read, if every one is unchanged; else None."""
    if not isinstance(value, bytes):
        return None
    try:
        file, reads = _unpack(value)
    except ValueError:
        return None
    if any(body_hash(key) != hashed for key, hashed in reads.items()):
        return None
    return keep(file), frozenset(reads)


def _canon(value: Any, out: list[str], *, full: bool = False) -> None:
    """Append a canonical text form of template data.

    Entries and pacts are written out in full only where `full` (the site's own lists of
    them); everywhere else by key, which is enough since their content is in the site's.
    """
    # most values are plain: their exact type is checked first, which is quicker
    if type(value) in _PLAIN or isinstance(value, bool | int | float | str):
        out.append(repr(value))
    elif isinstance(value, Entry | Pact) and not full:
        out.append(f"<{type(value).__name__} {value.key!r}>")
    elif isinstance(value, Site):
        _canon_site(value, out)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        _canon_dataclass(value, out)
    elif isinstance(value, Mapping):
        _canon_mapping(value, out, full=full)
    elif isinstance(value, list | tuple):
        _canon_sequence(value, out, full=full)
    elif isinstance(value, set | frozenset):
        _canon_set(value, out)
    elif isinstance(value, enum.Enum):
        out.append(f"{type(value).__name__}.{value.name}")
    elif isinstance(value, dt.date | dt.time):  # datetime is a date
        out.append(f"{type(value).__name__}({value.isoformat()})")
    elif callable(value):
        out.append(f"<{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', '')}>")
    else:
        out.append(f"{type(value).__name__}:{value!r}")


_PLAIN = frozenset({str, int, float, bool, type(None)})


def _canon_site(site: Site, out: list[str]) -> None:
    """The site: its pacts, entries and variants in full, the rest by key."""
    out.append("Site(")
    for field in dataclasses.fields(site):
        out.append(f"{field.name}=")
        _canon(getattr(site, field.name), out, full=field.name in _FULL_SITE_FIELDS)
    out.append(")")


def _canon_dataclass(value: Any, out: list[str]) -> None:
    """A dataclass by its fields; an entry's or pact's Markdown only as whether it has one."""
    out.append(f"{type(value).__name__}(")
    markdown = isinstance(value, Entry | Pact)
    for name in _field_names(type(value)):
        item = getattr(value, name)
        if markdown and name in _MARKDOWN_FIELDS:
            item = bool(item)  # whether there is a body, not its text
        out.append(f"{name}=")
        _canon(item, out)
    out.append(")")


def _field_names(kind: type) -> tuple[str, ...]:
    """The names of a dataclass's fields (dataclasses.fields makes its tuple anew per call)."""
    names = _FIELD_NAMES.get(kind)
    if names is None:
        names = _FIELD_NAMES[kind] = tuple(field.name for field in dataclasses.fields(kind))
    return names


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _canon_mapping(value: Mapping[Any, Any], out: list[str], *, full: bool) -> None:
    """A mapping in its order, key by key."""
    out.append("{")
    for key, item in value.items():
        _canon(key, out)
        out.append(":")
        _canon(item, out, full=full)
        if isinstance(out, _HashedText):
            out.flush_if_long()
    out.append("}")


def _canon_sequence(value: list[Any] | tuple[Any, ...], out: list[str], *, full: bool) -> None:
    """A list or tuple, item by item."""
    out.append("[")
    for item in value:
        _canon(item, out, full=full)
        out.append(",")
        if isinstance(out, _HashedText):
            out.flush_if_long()
    out.append("]")


def _canon_set(value: set[Any] | frozenset[Any], out: list[str]) -> None:
    """A set, its items' forms sorted (a set has no order of its own)."""
    parts = []
    for item in value:
        part: list[str] = []
        _canon(item, part)
        parts.append("".join(part))
    out.append("{" + ",".join(sorted(parts)) + "}")


_FULL_SITE_FIELDS = frozenset({"pacts", "entries", "variants"})
"""The fields of Site whose entries and pacts are written out in full (the others by key)."""
