"""map_chunks, iter_chunks: workers get their items by forking, not pickled, and return results
in order; iter_chunks starts them at once; a cold build hashes the site while pages render."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import platform
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

import pactsite.build.pipeline as build_module
from pactsite.build.pipeline import BuildOptions, build
from pactsite.build.workers import iter_chunks, map_chunks, release_free_memory

from conftest import FIXTURES, copy_site


@pytest.fixture(autouse=True)
def _workers_for_few_items(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pactsite.build.workers.MIN_ITEMS_PER_WORKER", 1)


def _lengths(chunk: Sequence[str]) -> list[int]:
    return [len(text) for text in chunk]


def _lock_states(chunk: Sequence[threading.Lock]) -> list[bool]:
    return [lock.locked() for lock in chunk]


def test_results_come_back_in_the_order_of_the_items() -> None:
    texts = ["x" * n for n in range(250)]
    assert map_chunks(_lengths, texts, 2) == list(range(250))


def test_items_that_cannot_be_pickled_reach_the_workers() -> None:
    locks = [threading.Lock() for _ in range(10)]
    locks[3].acquire()
    assert map_chunks(_lock_states, locks, 2) == [n == 3 for n in range(10)]


def test_german_texts_sent_to_workers_keep_no_utf8_copy_in_this_process() -> None:
    texts = [f"Größere Förderung für {n} Betriebe " * 200 for n in range(20)]
    sizes = [sys.getsizeof(text) for text in texts]
    assert map_chunks(_lengths, texts, 2) == [len(text) for text in texts]
    assert [sys.getsizeof(text) for text in texts] == sizes


def _touch_marks(chunk: Sequence[Path]) -> list[str]:
    for path in chunk:
        path.write_text("done")
    return [path.name for path in chunk]


def _wait_for(paths: Sequence[Path], seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if all(path.exists() for path in paths):
            return True
        time.sleep(0.02)
    return False


def test_workers_start_before_the_first_result_is_asked_for(tmp_path: Path) -> None:
    marks = [tmp_path / f"{n}.mark" for n in range(8)]
    results = iter_chunks(_touch_marks, marks, 2)
    try:
        assert _wait_for(marks), "the workers did nothing until asked for a result"
        assert list(results) == [mark.name for mark in marks]
    finally:
        results.close()


def _slow_lengths(chunk: Sequence[str]) -> list[int]:
    time.sleep(0.2)
    return [len(text) for text in chunk]


def test_closing_unread_results_stops_the_workers() -> None:
    results = iter_chunks(_slow_lengths, ["a"] * 64, 2)
    workers = multiprocessing.active_children()
    assert len(workers) == 2
    results.close()
    assert not any(worker.is_alive() for worker in workers)


def _resident_bytes() -> int:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.skipif(
    not Path("/proc/self/statm").exists() or platform.libc_ver()[0] != "glibc",
    reason="measures resident memory on Linux with glibc",
)
def test_memory_freed_between_live_objects_goes_back_to_the_system() -> None:
    texts = [f"{n:08d}" * 1000 for n in range(40_000)]  # 8 KB each: from the C heap
    del texts[:-1]  # all freed but the last, which keeps the heap from shrinking by itself
    before = _resident_bytes()
    release_free_memory()
    assert before - _resident_bytes() > 100_000_000


def test_heavy_items_get_workers_even_when_few() -> None:
    results = iter_chunks(_slow_lengths, ["ab", "c", "def"], 2, heavy=True)
    assert len(multiprocessing.active_children()) == 2
    assert list(results) == [2, 1, 3]


def test_a_cold_build_hashes_the_site_while_the_page_workers_render(tmp_path: Path) -> None:
    site = copy_site(FIXTURES / "minimal", tmp_path / "site")
    workers_at_digest: list[int] = []
    site_digest = build_module.site_digest

    def noting_workers(*args: Any) -> str:
        workers_at_digest.append(len(multiprocessing.active_children()))
        return site_digest(*args)

    options = BuildOptions(now=dt.datetime(2026, 11, 24, tzinfo=dt.UTC), jobs=2, cache=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(build_module, "site_digest", noting_workers)
        build(site, tmp_path / "cold", options)  # no pages in the cache: nothing to look up
        build(site, tmp_path / "warm", options)  # the digest first, to look the pages up
    assert workers_at_digest[0] > 0
    assert workers_at_digest[1] == 0
    assert _tree(tmp_path / "cold") == _tree(tmp_path / "warm")


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
