"""All Markdown bodies of a site, rendered and audited: from the cache, else over processes.

Rendering Markdown is most of a cold build's cost. Each body's result (HTML, headings,
links, render error, audit warnings) depends only on its own text, file and first line,
and on the code that renders it, so it is cached under a hash of exactly those.
"""

from __future__ import annotations

import gc
import hashlib
import platform
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import markdown
import nh3

from pactsite import __version__
from pactsite.audit import BodySource, audit_body
from pactsite.cache import Cache, digest
from pactsite.diagnostics import Diagnostic, Severity
from pactsite.markup import Heading, LinkRef, RenderedBody, render_each
from pactsite.parallel import iter_chunks

TABLE = "bodies"
_CODE = ("markup.py", "audit.py", "slugs.py", "bodies.py")


@dataclass(frozen=True, slots=True)
class Bodies:
    """Rendered bodies by key (in source order), their render errors and audit warnings."""

    rendered: dict[str, RenderedBody]
    problems: list[Diagnostic]
    warnings: list[Diagnostic]


def renderer_tag() -> str:
    """A hash of everything besides the text that decides a body's result: code and versions."""
    here = Path(__file__).parent
    code = b"".join(hashlib.sha256((here / name).read_bytes()).digest() for name in _CODE)
    versions = f"{__version__} {markdown.__version__} {_nh3_version()} {platform.python_version()}"
    return digest(versions, code, sys.implementation.cache_tag or "")


def _nh3_version() -> str:
    found = getattr(nh3, "__version__", None)
    if isinstance(found, str):
        return found
    from importlib.metadata import version  # here: reading package metadata is slow

    return version("nh3")


def render_bodies_cached(
    sources: Mapping[str, BodySource], jobs: int, cache: Cache | None
) -> Bodies:
    """Render and audit every body; reuse cached results, render the rest on `jobs` processes.

    Cached rows are turned into bodies as they are read, and fresh results as the workers
    send them (and stored in the cache then), so no second copy of every body's plain values
    is kept.
    """
    tag = renderer_tag() if cache is not None else ""
    keys = {key: digest(tag, s.path, str(s.first_line), s.text) for key, s in sources.items()}
    by_digest: dict[str, list[str]] = {}
    for key, hashed in keys.items():
        by_digest.setdefault(hashed, []).append(key)
    done: dict[str, _Result] = {}
    for hashed, value in cache.iter_many(TABLE, by_digest) if cache is not None else ():
        for key in by_digest[hashed]:
            done[key] = _result(value)
    todo = [(key, s) for key, s in sources.items() if key not in done]

    def fresh_rows() -> Iterator[tuple[str, dict[str, Any]]]:
        for key, value in iter_chunks(_render_chunk, todo, jobs):
            done[key] = _result(value)
            yield keys[key], value

    gc.freeze()  # workers' garbage collections then leave the inherited objects' pages shared
    try:
        if cache is not None:  # stored as the workers send them, while they go on
            cache.update(TABLE, fresh_rows(), by_digest)
        else:
            for _ in fresh_rows():
                pass
    finally:
        gc.unfreeze()
    rendered = {key: done[key].body for key in sources}
    problems = [problem for key in sources if (problem := done[key].problem) is not None]
    warnings = [w for key in sorted(done) for w in done[key].warnings]
    return Bodies(rendered=rendered, problems=problems, warnings=warnings)


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
    return [d.path, d.line, d.message, d.hint, d.severity.value]


def _diagnostic(value: list[Any]) -> Diagnostic:
    path, line, message, hint, severity = value
    return Diagnostic(path=path, line=line, message=message, hint=hint, severity=Severity(severity))
