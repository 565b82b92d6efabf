"""Bodies are rendered by workers that read the files themselves, while the build reads
them too: what the build gets is always the body of the text it read."""

from __future__ import annotations

from pathlib import Path

import pytest

from pactsite.build.bodies import render_bodies_cached, start_rendering
from pactsite.cache.store import Cache
from pactsite.content.sources import listed_sources, read_sources
from pactsite.render.audit import BodySource

from conftest import FIXTURES, copy_site


@pytest.fixture(autouse=True)
def _workers_for_few_items(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pactsite.build.workers.MIN_ITEMS_PER_WORKER", 1)


def _bodies(site: Path) -> dict[str, BodySource]:
    sources, _ = read_sources(site)
    return {f.path: BodySource(f.path, f.body, f.body_line) for f in sources.files if f.body}


def test_bodies_begun_by_the_workers_equal_bodies_rendered_from_the_texts(tmp_path: Path) -> None:
    site = copy_site(FIXTURES / "minimal", tmp_path / "site")
    sources = _bodies(site)
    begun = start_rendering(listed_sources(site), 2, None).finish(sources)
    assert begun == render_bodies_cached(sources, 1, None)
    assert len(begun.rendered) == len(sources) > 2


def test_a_file_that_changed_after_the_workers_read_it_gives_the_body_the_build_read(
    tmp_path: Path,
) -> None:
    site = copy_site(FIXTURES / "minimal", tmp_path / "site")
    rendering = start_rendering(listed_sources(site), 2, None)
    sources = _bodies(site)
    key = next(key for key in sources if "/news/" in key)
    read = sources[key]
    sources[key] = BodySource(read.path, read.text + "\nEin Satz, den nur der Build las.\n", 3)
    bodies = rendering.finish(sources)
    assert "Ein Satz, den nur der Build las." in bodies.rendered[key].html
    assert bodies == render_bodies_cached(sources, 1, None)


def test_with_bodies_in_the_cache_nothing_is_begun_and_the_cache_answers(tmp_path: Path) -> None:
    site = copy_site(FIXTURES / "minimal", tmp_path / "site")
    sources = _bodies(site)
    first = start_rendering(listed_sources(site), 2, Cache(site)).finish(sources)
    cache = Cache(site)
    assert cache.holds("bodies")
    rendering = start_rendering(listed_sources(site), 2, cache)
    assert rendering.begun == 0
    assert rendering.finish(sources) == first
