"""Output files kept out of memory (spilled) and cache rows read in batches stay exact; the
largest pages are rendered first; bodies linked and spilled come out exact. How little memory
all this holds is measured in bench/internals.py, not pinned here."""

from __future__ import annotations

import datetime as dt
import pickle
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath
from types import MappingProxyType

import pytest

from pactsite.build.pipeline import BuildOptions, check, page_jobs, spill_linked_bodies
from pactsite.build.spill import SPILL_MIN, SpilledTexts, keep, pack, unpack
from pactsite.build.workers import iter_chunks, map_chunks
from pactsite.cache.store import Cache
from pactsite.outputs import OutputFile
from pactsite.outputs.images import ImageSet
from pactsite.outputs.pages import WIDE_TEMPLATES
from pactsite.render.links import LinkIndex, Target, resolve_links
from pactsite.render.markup import LinkRef, RenderedBody

from conftest import FIXTURES, copy_site


def test_a_large_file_kept_by_the_build_gives_back_exactly_its_bytes() -> None:
    content = bytes(range(256)) * (SPILL_MIN // 64)
    kept = keep(OutputFile(PurePosixPath("a/index.html"), content, "page.html", "content/a.md"))
    assert kept.content == content
    assert (kept.path, kept.origin, kept.source) == (
        PurePosixPath("a/index.html"),
        "page.html",
        "content/a.md",
    )


def test_a_small_file_kept_by_the_build_is_the_file_itself() -> None:
    file = OutputFile(PurePosixPath("a.css"), b"small")
    assert keep(file) is file


def test_output_files_compare_by_value_and_cannot_change() -> None:
    big = b"x" * (SPILL_MIN * 2)
    assert OutputFile(PurePosixPath("a"), big) == OutputFile(PurePosixPath("a"), big)
    assert OutputFile(PurePosixPath("a"), big) != OutputFile(PurePosixPath("a"), big + b"y")
    file = OutputFile(PurePosixPath("a"), b"small")
    with pytest.raises(AttributeError):
        file.path = PurePosixPath("b")  # type: ignore[misc]


def test_an_output_file_survives_pickling_with_its_bytes() -> None:
    for content in (b"small", "ä".encode() * SPILL_MIN):
        file = OutputFile(PurePosixPath("a.html"), content, "t.html")
        assert pickle.loads(pickle.dumps(file)) == file


def _make_files(sizes: Sequence[int]) -> list[OutputFile]:
    return [OutputFile(PurePosixPath(f"{n}.html"), bytes([n % 251]) * n, "t.html") for n in sizes]


def test_output_files_made_in_worker_processes_arrive_intact(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("pactsite.build.workers.MIN_ITEMS_PER_WORKER", 1)
    sizes = [10, SPILL_MIN, SPILL_MIN * 50, 3, SPILL_MIN + 1, 100_000]
    files = [unpack(sent) for sent in iter_chunks(_make_files, sizes, 2, send=pack)]
    assert [f.content for f in files] == [bytes([n % 251]) * n for n in sizes]
    assert [(f.path, f.origin) for f in files] == [(f.path, f.origin) for f in _make_files(sizes)]


def test_cache_rows_read_in_batches_are_all_found(tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    values = {f"k{n}": {"n": n} for n in range(1234)}
    cache.update("t", iter(values.items()), values)
    wanted = [*values, "missing"]
    assert dict(cache.iter_many("t", wanted)) == values
    assert cache.get_many("t", wanted) == values
    cache.close()


def _first_letters(keys: Sequence[str]) -> list[str]:
    return [_shared_texts[key][:12] for key in keys]


_shared_texts: Mapping[str, str] = {}


def test_spilled_texts_read_back_exactly_here_in_workers_and_after_pickling(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts = {f"k{n}": f"<p>Förderung {n:05d} für Betriebe</p>" * (n % 7 * 60) for n in range(200)}
    spilled = SpilledTexts(texts)
    assert spilled == texts
    assert list(spilled) == list(texts)
    assert "k3" in spilled and "k999" not in spilled
    monkeypatch.setattr("pactsite.build.workers.MIN_ITEMS_PER_WORKER", 1)
    monkeypatch.setattr(f"{__name__}._shared_texts", spilled)
    assert map_chunks(_first_letters, list(texts), 2) == [text[:12] for text in texts.values()]
    assert pickle.loads(pickle.dumps(spilled)) == texts


def test_pages_that_list_the_whole_site_are_planned_first(tmp_path: Path) -> None:
    site = copy_site(FIXTURES / "minimal", tmp_path / "site")
    now = dt.datetime(2026, 11, 24, tzinfo=dt.UTC)
    jobs = page_jobs(check(site, BuildOptions(now=now, cache=False)), now)
    wide = [job.template in WIDE_TEMPLATES for job in jobs]
    assert any(wide) and not all(wide)
    assert wide == sorted(wide, reverse=True)  # all of them before any other page


def test_bodies_linked_and_spilled_one_at_a_time_come_out_exact() -> None:
    index = LinkIndex(
        by_key=MappingProxyType({"b": Target("b", "/pakte/b/", frozenset())}),
        by_path=MappingProxyType({"content/b.md": "b"}),
        assets=frozenset(),
        hidden=frozenset(),
    )
    link = LinkRef("b.md", 1, False)
    text = "<p>Förderung für Betriebe in der Region</p>" * 300
    bodies = {
        f"k{n:03d}": RenderedBody(f'<p><a href="b.md">B</a> {n}</p>{text}', (), (link,))
        for n in range(200)
    }  # 200 bodies of 13 KB each, 2.6 MB of HTML
    keys = tuple(bodies)
    expected = {key: body.html.replace('"b.md"', '"/pakte/b/"') for key, body in bodies.items()}
    resolved, problems = resolve_links(bodies, dict.fromkeys(bodies, "content/a.md"), index)
    assert not problems
    linked = spill_linked_bodies(bodies, resolved, ImageSet())  # memory: bench/internals.py
    assert dict(linked.html) == expected
    assert linked.backlinks == {"b": keys}
