"""map_chunks: workers get their items by forking, not pickled, and return results in order."""

from __future__ import annotations

import os
import platform
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

import pytest

from pactsite.parallel import map_chunks, release_free_memory


@pytest.fixture(autouse=True)
def _workers_for_few_items(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("pactsite.parallel.MIN_ITEMS_PER_WORKER", 1)


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
