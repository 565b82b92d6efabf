"""map_chunks, iter_chunks: workers get their items by forking, not pickled, and return results
in order; iter_chunks starts them at once; closing stops them. How many run when, and what
memory they keep or give back, is measured in bench/internals.py, not pinned here."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from pactsite.build.pipeline import BuildOptions, build
from pactsite.build.workers import iter_chunks, map_chunks

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
    assert workers
    results.close()
    assert not any(worker.is_alive() for worker in workers)


def test_heavy_items_come_back_in_order() -> None:
    assert list(iter_chunks(_slow_lengths, ["ab", "c", "def"], 2, heavy=True)) == [2, 1, 3]


def test_a_cold_and_a_warm_build_with_workers_write_the_same_site(tmp_path: Path) -> None:
    site = copy_site(FIXTURES / "minimal", tmp_path / "site")
    options = BuildOptions(now=dt.datetime(2026, 11, 24, tzinfo=dt.UTC), jobs=2, cache=True)
    build(site, tmp_path / "cold", options)  # the digest made while the workers render
    build(site, tmp_path / "warm", options)  # the digest first, to look the pages up
    assert _tree(tmp_path / "cold") == _tree(tmp_path / "warm")


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
