"""Spread a function over forked worker processes in ordered chunks; one job means no processes.

The workers inherit the items by forking: a chunk is sent to its worker as a pair of
indices, never pickled. Pickling the items would cost the parent the time to pickle them,
and more: CPython keeps a UTF-8 copy in every non-ASCII string that it pickles, for as
long as the string lives (German Markdown is full of them).
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Executor

Item = TypeVar("Item")
Result = TypeVar("Result")

MIN_ITEMS_PER_WORKER = int(os.environ.get("PACTSITE_MIN_ITEMS_PER_WORKER", "64"))
"""Below this many items a worker costs more (start-up, pickling) than it saves. The
environment variable exists so tests can force workers on tiny sites."""


MAX_CHUNK = 100
"""Items per chunk at most: a worker holds a chunk's results until it sends them all, and
smaller chunks even out slow ones."""

_HEAVY_CHUNK = 4
"""Heavy items per chunk at most."""

_shared: tuple[Callable[[Sequence[Any]], list[Any]], Sequence[Any]] | None = None
"""The work and the items of the running `map_chunks`, for the workers it forks."""


def default_jobs() -> int:
    """The number of worker processes to use when not told: the usable CPU cores."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def release_free_memory() -> None:
    """Give the heap memory freed so far back to the operating system, where the C library
    can (glibc's malloc_trim); elsewhere do nothing.

    Python frees large objects to the C heap, which keeps the pages, and a build that has
    read and rendered every body holds many of them. Called before forking, so that the
    workers neither share nor copy them, and after the stages that make many large strings
    only for a while (feeds, link check), so that the build process does not keep them while
    the search index is made beside it.
    """
    global _malloc_trim
    if _malloc_trim is None:
        import ctypes  # here: only builds that fork need it

        _malloc_trim = getattr(ctypes.CDLL(None), "malloc_trim", False)
    if _malloc_trim:
        _malloc_trim(0)


_malloc_trim: Any = None
"""glibc's malloc_trim once looked up; False where the C library has none."""

_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Have the kernel kill this forked process when `parent` ends, however it ends (on
    Linux; elsewhere nothing is done): a killed build leaves no helper process behind."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    # The signal comes when the *thread* that forked ends: pactsite forks only from threads
    # that outlive their helpers (the main thread, serve's rebuild thread).
    ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before prctl: no signal would come
        os._exit(1)


def map_chunks(
    work: Callable[[Sequence[Item]], list[Result]], items: Sequence[Item], jobs: int
) -> list[Result]:
    """Apply `work` to consecutive chunks of `items` on `jobs` processes; results in order.

    Workers are forked, so they see `work`, `items` and whatever else the parent prepared
    before the call; only the results are pickled. With `jobs` <= 1, or too few items to pay
    for processes, `work` runs here, chunk after chunk.
    """
    return list(iter_chunks(work, items, jobs))


def iter_chunks(
    work: Callable[[Sequence[Item]], list[Result]],
    items: Sequence[Item],
    jobs: int,
    *,
    heavy: bool = False,
) -> ChunkResults[Result]:
    """Like `map_chunks`, but yield the results in order as the workers send them, so that
    this process can put them away while the workers go on.

    The workers are forked and given all chunks at once, in this call: they work while the
    caller does other things, until it asks for the results. With one worker the work runs
    here, a chunk at a time as the results are asked for. `heavy` items are each worth a
    worker's start and go in chunks of a few: no worker waits long for the last one.
    """
    import multiprocessing  # here: a build that finds nothing changed needs no processes
    from concurrent.futures import ProcessPoolExecutor

    global _shared
    workers = min(jobs, len(items) if heavy else len(items) // MIN_ITEMS_PER_WORKER)
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        here = (work(items[start : start + MAX_CHUNK]) for start in range(0, len(items), MAX_CHUNK))
        return ChunkResults(here, None)  # a chunk's results at a time here too
    size = min(_HEAVY_CHUNK if heavy else MAX_CHUNK, -(-len(items) // (workers * 4)))
    bounds = [(start, min(start + size, len(items))) for start in range(0, len(items), size)]
    context = multiprocessing.get_context("fork")
    release_free_memory()
    parent = os.getpid()
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=die_with_parent, initargs=(parent,)
    )
    _shared = (work, items)
    try:
        parts = pool.map(_work_on, bounds)  # forks all workers at its first task (see fork)
    except BaseException:
        pool.shutdown(cancel_futures=True)
        raise
    finally:
        _shared = None  # the forked workers keep their copy
    return ChunkResults(parts, pool)


class ChunkResults(Iterator[Result]):
    """The results of `iter_chunks`, in order; `close` stops its workers, if any."""

    def __init__(self, parts: Iterator[list[Result]], pool: Executor | None) -> None:
        self._parts = parts
        self._pool = pool
        self._part: Iterator[Result] = iter(())

    def __next__(self) -> Result:
        while True:
            for result in self._part:
                return result
            try:
                self._part = iter(next(self._parts))
            except BaseException:  # the end, or a worker's error: the workers are done
                self.close()
                raise

    def close(self) -> None:
        """Stop the workers (chunks not yet begun are dropped) and wait for them to end."""
        if self._pool is not None:
            pool, self._pool = self._pool, None
            pool.shutdown(wait=True, cancel_futures=True)


def _work_on(bounds: tuple[int, int]) -> list[Any]:
    """Apply the shared work to the shared items from start to stop (in a worker)."""
    assert _shared is not None, "map_chunks forks its workers after sharing the work"
    work, items = _shared
    start, stop = bounds
    results = work(items[start:stop])
    release_free_memory()  # what the chunk needed only while it was worked on
    return results
