"""Spread a pure function over worker processes in ordered chunks; one job means no processes."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

MIN_ITEMS_PER_WORKER = int(os.environ.get("PACTSITE_MIN_ITEMS_PER_WORKER", "64"))
"""Below this many items a worker costs more (start-up, pickling) than it saves. The
environment variable exists so tests can force workers on tiny sites."""


MAX_CHUNK = 100
"""Items per chunk at most: a worker holds a chunk's results until it sends them all (a
chunk of 700 pages was 30 MB of a worker's memory at 5,000 pages), and smaller chunks even
out slow ones."""


def default_jobs() -> int:
    """The number of worker processes to use when not told: the usable CPU cores."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def map_chunks(
    work: Callable[[Sequence[Item]], list[Result]], items: Sequence[Item], jobs: int
) -> list[Result]:
    """Apply `work` to consecutive chunks of `items` on `jobs` processes; results in order.

    `work` must be a module-level function (it is sent to the workers by name). Workers are
    forked, so they also see what the parent prepared before the call. With `jobs` <= 1, or
    too few items to pay for processes, `work` runs here, on all items at once.
    """
    import multiprocessing  # here: a build that finds nothing changed needs no processes
    from concurrent.futures import ProcessPoolExecutor

    workers = min(jobs, len(items) // MIN_ITEMS_PER_WORKER)
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return work(items)
    size = min(MAX_CHUNK, -(-len(items) // (workers * 4)))  # a few chunks per worker at least
    chunks = [items[i : i + size] for i in range(0, len(items), size)]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return [result for part in pool.map(work, chunks) for result in part]
