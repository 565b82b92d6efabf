"""All Markdown bodies of a site, rendered and audited: from the cache, else over processes.

Rendering Markdown is most of a cold build's cost. Each body's result (HTML, headings,
links, render error, audit warnings) depends only on its own text, file and first line,
and on the code that renders it, so it is cached under a hash of exactly those.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import pickle
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import markdown
import nh3

from pactsite import __version__, forget_old_copies, user_cache_folder
from pactsite.build.workers import ChunkResults, iter_chunks
from pactsite.cache.keys import digest
from pactsite.cache.store import Cache
from pactsite.content.sources import ListedSource, read_source
from pactsite.diagnostics import Diagnostic, Severity
from pactsite.i18n import from_plain, to_plain
from pactsite.outputs.help import Guide, render_guide
from pactsite.render.audit import BodySource, audit_body
from pactsite.render.markup import Heading, LinkRef, RenderedBody, render_each

TABLE = "bodies"
_CODE = (
    "render/markup.py",
    "render/audit.py",
    "render/easyread.py",
    "slugs.py",
    "build/bodies.py",
)


@dataclass(frozen=True, slots=True)
class Bodies:
    """Rendered bodies by key (in source order), their render errors and audit warnings."""

    rendered: dict[str, RenderedBody]
    problems: list[Diagnostic]
    warnings: list[Diagnostic]


def renderer_tag() -> str:
    """A hash of everything besides the text that decides a body's result: code and versions."""
    here = Path(__file__).parent.parent  # the package: _CODE is relative to it
    code = [(here / name).read_bytes() for name in _CODE]
    versions = f"{__version__} {markdown.__version__} {_nh3_version()} {_python_version()}"
    return digest(versions, *code, sys.implementation.cache_tag or "")


def render_guide_kept(text: str, path: str) -> tuple[Guide, list[Diagnostic]]:
    """`render_guide` of the guide that ships with pactsite, kept in the user's cache folder
    like the compiled templates (the same for every site, and 80 KB of Markdown), under the
    hash of its text and of the renderer (`renderer_tag`). A guide with problems, or a
    folder that cannot be written, is rendered each time."""
    kept = user_cache_folder() / f"guide-{digest(renderer_tag(), text)}.pickle"
    with contextlib.suppress(OSError, pickle.UnpicklingError, EOFError, AttributeError):
        found = pickle.loads(kept.read_bytes())
        if isinstance(found, Guide):
            return found, []
    guide, problems = render_guide(text, path)
    if not problems:
        with contextlib.suppress(OSError):
            kept.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=kept.parent, delete=False) as file:
                file.write(pickle.dumps(guide, protocol=pickle.HIGHEST_PROTOCOL))
            Path(file.name).replace(kept)
            forget_old_copies("guide-*.pickle")
    return guide, problems


def _python_version() -> str:
    """As platform.python_version() says it ("3.11.7"), without importing platform (5 ms)."""
    return ".".join(str(part) for part in sys.version_info[:3])


def _nh3_version() -> str:
    found = getattr(nh3, "__version__", None)
    if isinstance(found, str):
        return found
    from importlib.metadata import version  # here: reading package metadata is slow

    return version("nh3")


def render_bodies_cached(
    sources: Mapping[str, BodySource], jobs: int, cache: Cache | None
) -> Bodies:
    """Render and audit every body; reuse cached results, render the rest on `jobs` processes."""
    return start_rendering((), jobs, cache).finish(sources)


def start_rendering(files: Sequence[ListedSource], jobs: int, cache: Cache | None) -> BodyRendering:
    """Begin rendering the bodies of these content files on `jobs` worker processes.

    A build calls this before it reads the files: each worker reads its files itself and
    renders their bodies, while this process reads them too and assembles the site model;
    `BodyRendering.finish` then takes the bodies the site has. The workers share no texts
    with this process (forked before it read any), so neither copies the other's pages.
    With a cache that holds bodies nothing is begun: `finish` takes them from the cache
    and renders only what is missing.
    """
    tag = renderer_tag() if cache is not None else ""
    if cache is not None and cache.holds(TABLE):
        files = ()
    gc.freeze()  # workers' garbage collections then leave the inherited objects' pages shared
    try:
        running = iter_chunks(functools.partial(_read_and_render, tag=tag), files, jobs)
    finally:
        gc.unfreeze()  # here only: the workers were forked with everything frozen
    return BodyRendering(tag, cache, jobs, running, len(files))


def _read_and_render(
    chunk: Sequence[ListedSource], *, tag: str
) -> list[tuple[str, dict[str, Any]]]:
    """Read the files of a chunk and render their bodies, each under its cache key (in a
    worker). A file that cannot be read is left out: the build process reports it."""
    items = []
    for listed in chunk:
        file = read_source(listed)
        if file is not None:
            source = BodySource(file.path, file.body, file.body_line)
            items.append((_key(tag, source), source))
    return _render_chunk(items)


class BodyRendering:
    """Bodies being rendered by worker processes (see `start_rendering`)."""

    def __init__(
        self,
        tag: str,
        cache: Cache | None,
        jobs: int,
        running: ChunkResults[tuple[str, dict[str, Any]]],
        begun: int,
    ) -> None:
        self._tag, self._cache, self._jobs, self._running = tag, cache, jobs, running
        self.begun = begun
        """How many files the workers were given to read and render."""

    def finish(self, sources: Mapping[str, BodySource]) -> Bodies:
        """Every body of `sources` (by key) rendered and audited: those begun, those in the
        cache, and the rest rendered now.

        Fresh results are turned into bodies (and stored in the cache) as the workers send
        them, so no second copy of every body's plain values is kept. Bodies begun that the
        site does not have (or whose file changed since) are dropped.
        """
        keys = {key: _key(self._tag, source) for key, source in sources.items()}
        wanted = set(keys.values())
        done: dict[str, _Result] = {}
        cache = self._cache

        def fresh_rows() -> Iterator[tuple[str, dict[str, Any]]]:
            for hashed, value in self._running:
                if hashed in wanted and hashed not in done:
                    done[hashed] = _result(value)
                    yield hashed, value
            missing = [hashed for hashed in dict.fromkeys(keys.values()) if hashed not in done]
            for hashed, value in cache.iter_many(TABLE, missing) if cache is not None else ():
                done[hashed] = _result(value)
            rest = {h: sources[k] for k, h in keys.items() if h not in done}
            gc.freeze()  # as in `start_rendering`
            try:
                rendering = iter_chunks(_render_chunk, list(rest.items()), self._jobs)
            finally:
                gc.unfreeze()
            for hashed, value in rendering:
                done[hashed] = _result(value)
                yield hashed, value

        try:
            if cache is not None:  # stored as the workers send them, while they go on
                cache.update(TABLE, fresh_rows(), wanted)
            else:
                for _ in fresh_rows():
                    pass
        finally:
            self.close()
        results = {key: done[hashed] for key, hashed in keys.items()}
        rendered = {key: result.body for key, result in results.items()}
        problems = [problem for r in results.values() if (problem := r.problem) is not None]
        warnings = [w for key in sorted(results) for w in results[key].warnings]
        return Bodies(rendered=rendered, problems=problems, warnings=warnings)

    def close(self) -> None:
        """Stop the workers, if they still run (a build that failed before `finish`)."""
        self._running.close()


def _key(tag: str, source: BodySource) -> str:
    """The cache key of a body: everything its result depends on."""
    return digest(tag, source.path, str(source.first_line), source.text)


@dataclass(frozen=True, slots=True)
class _Result:
    """One body's result: the rendered body, its render error and its audit warnings."""

    body: RenderedBody
    problem: Diagnostic | None
    warnings: list[Diagnostic]


def _result(value: dict[str, Any]) -> _Result:
    problem = value["problem"]
    return _Result(
        _body(value),
        _diagnostic(problem) if problem else None,
        [_diagnostic(w) for w in value["warnings"]],
    )


def _render_chunk(chunk: Sequence[tuple[str, BodySource]]) -> list[tuple[str, dict[str, Any]]]:
    """Render and audit a chunk of bodies to plain JSON-able values (runs in a worker)."""
    sources = dict(chunk)
    items = ((key, s.path, s.text, s.first_line) for key, s in chunk)
    results = []
    for key, body, problem in render_each(items):
        value = {
            "html": body.html,
            "headings": [[h.level, h.id, h.text] for h in body.headings],
            "links": [[link.target, link.line, link.is_image] for link in body.links],
            "problem": _plain(problem) if problem else None,
            "warnings": [_plain(w) for w in audit_body(body, sources[key])],
        }
        results.append((key, value))
    return results


def _body(value: dict[str, Any]) -> RenderedBody:
    return RenderedBody(
        html=value["html"],
        headings=tuple(Heading(level, id_, text) for level, id_, text in value["headings"]),
        links=tuple(LinkRef(target, line, image) for target, line, image in value["links"]),
    )


def _plain(diagnostic: Diagnostic) -> list[Any]:
    d = diagnostic
    return [d.path, d.line, to_plain(d.message), to_plain(d.hint), d.severity.value]


def _diagnostic(value: list[Any]) -> Diagnostic:
    path, line, message, hint, severity = value
    return Diagnostic(
        path=path,
        line=line,
        message=from_plain(message),
        hint=from_plain(hint),
        severity=Severity(severity),
    )
