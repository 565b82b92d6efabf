"""Spread a function over forked worker processes in ordered chunks; one job means no processes.

The output and body stages describe their work (a function and the items it applies to);
this module runs it, here or in workers: `render_in_workers` for the HTML pages.

The workers inherit the items by forking: a chunk is sent to its worker as a pair of
indices, never pickled. Pickling the items would cost the parent the time to pickle them,
and more: CPython keeps a UTF-8 copy in every non-ASCII string that it pickles, for as
long as the string lives (German Markdown is full of them).
"""

from __future__ import annotations

import functools
import gc
import multiprocessing as mp
import os
import signal
import sys
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any, TypeVar

import jinja2

from pactsite.build.spill import PackedFile, keep, pack, release_free_memory, unpack
from pactsite.diagnostics import Diagnostic, OutputError
from pactsite.i18n import Text, t
from pactsite.outputs import BuiltFile, OutputFile, PageJob
from pactsite.outputs.pages import (
    Rendered,
    collect_pages,
    compile_templates,
    count_wide,
    render_recorded,
)
from pactsite.outputs.search.index import (
    Fragments,
    IndexPart,
    PartReader,
    SearchIndex,
    build_search_index,
    html_pages,
    read_part,
)
from pactsite.urls import UrlScheme

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

_Send = Callable[[Any], Any]
_shared: tuple[Callable[[Sequence[Any]], list[Any]], Sequence[Any], _Send | None] | None = None
"""The work, the items and how to send each result of the running `iter_chunks`, for the
workers it forks."""


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
    send: _Send | None = None,
) -> ChunkResults[Result]:
    """Like `map_chunks`, but yield the results in order as the workers send them, so that
    this process can put them away while the workers go on.

    The workers are forked and given all chunks at once, in this call: they work while the
    caller does other things, until it asks for the results. With one worker the work runs
    here, a chunk at a time as the results are asked for. `heavy` items are each worth a
    worker's start and go in chunks of a few: no worker waits long for the last one.
    A worker hands each result to `send` (none when the work runs here) and returns what it
    gives: a form that travels better between processes, which the caller then takes back.
    """
    from concurrent.futures import ProcessPoolExecutor  # here: not every build forks

    global _shared
    workers = min(jobs, len(items) if heavy else len(items) // MIN_ITEMS_PER_WORKER)
    if workers <= 1 or "fork" not in mp.get_all_start_methods():
        here = (work(items[start : start + MAX_CHUNK]) for start in range(0, len(items), MAX_CHUNK))
        return ChunkResults(here, None)  # a chunk's results at a time here too
    size = min(_HEAVY_CHUNK if heavy else MAX_CHUNK, -(-len(items) // (workers * 4)))
    bounds = [(start, min(start + size, len(items))) for start in range(0, len(items), size)]
    context = mp.get_context("fork")
    release_free_memory()
    parent = os.getpid()
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=die_with_parent, initargs=(parent,)
    )
    _shared = (work, items, send)
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
    work, items, send = _shared
    start, stop = bounds
    results = work(items[start:stop])
    if send is not None:
        results = [send(result) for result in results]
    release_free_memory()  # what the chunk needed only while it was worked on
    return results


Kept = tuple[BuiltFile | Diagnostic, frozenset[str]]
"""A rendered page kept until it is written (see `spill.keep`), and the body keys it read."""


def _same(rendered: Rendered) -> Rendered:
    return rendered


def render_in_workers(
    jobs: Sequence[PageJob],
    env: jinja2.Environment,
    urls: UrlScheme,
    workers: int,
    finish: Callable[[Rendered], Any] = _same,
) -> Generator[Any, None, None]:
    """Render each job (noting the bodies it read) on `workers` forked processes, `finish`
    each result where it was rendered, and yield the finished results in order as they
    arrive; a page among them is kept (`spill.keep`).

    The workers inherit the jobs and the environment, so nothing big is pickled; the result
    is the same as rendering here, in the same order. The workers start in this call,
    before the first result is asked for: the caller can do other work meanwhile. It must
    iterate the results to the end or `close` them.
    """
    compile_templates(jobs, env)  # once, before forking
    # the workers are forked with `work` (and what it holds): nothing of it is pickled
    work = functools.partial(_render_chunk, jobs, env, urls, finish)
    gc.freeze()  # workers' garbage collections then leave the inherited objects' pages shared
    wide = count_wide(jobs)
    try:
        if wide and len(jobs) // MIN_ITEMS_PER_WORKER > 1:
            # workers of their own, gone before the others start: rendering a page that
            # lists the whole site makes a worker copy much of the site model (refcounts)
            first = iter_chunks(work, range(wide), workers, heavy=True, send=_packed)
            rest: range | None = range(wide, len(jobs))
        else:
            first, rest = iter_chunks(work, range(len(jobs)), workers, send=_packed), None
    except BaseException:
        gc.unfreeze()
        raise
    return _pages_finished(work, first, rest, workers)


def _pages_finished(
    work: Callable[[Sequence[int]], list[Any]],
    first: ChunkResults[Any],
    rest: range | None,
    workers: int,
) -> Generator[Any, None, None]:
    """The results of the first workers, then of those for the `rest` of the jobs."""
    running = first
    try:
        yield from map(_kept, first)
        if rest is not None:
            running = iter_chunks(work, rest, workers, send=_packed)
            yield from map(_kept, running)
    finally:
        running.close()
        first.close()
        gc.unfreeze()  # the workers were forked with everything frozen


def _render_chunk(
    jobs: Sequence[PageJob],
    env: jinja2.Environment,
    urls: UrlScheme,
    finish: Callable[[Rendered], Any],
    indices: Sequence[int],
) -> list[Any]:
    """Render and finish the jobs at `indices` (in a worker, or here)."""
    return [finish(render_recorded(jobs[index], env, urls)) for index in indices]


def _packed(finished: Any) -> Any:
    """A finished result to send from a worker: a page in it packed (`spill.pack`)."""
    if isinstance(finished, tuple) and isinstance(finished[0], OutputFile):
        return pack(finished[0]), finished[1]
    return finished


def _kept(finished: Any) -> Any:
    """A finished result as received: a page in it (packed or not) kept."""
    if isinstance(finished, tuple) and isinstance(finished[0], OutputFile | PackedFile):
        return unpack(finished[0]), finished[1]
    return finished


def render_pages_kept(
    jobs: Sequence[PageJob], env: jinja2.Environment, urls: UrlScheme, workers: int
) -> tuple[list[BuiltFile], list[Diagnostic]]:
    """Render page jobs on `workers` processes; the pages kept, template errors apart."""
    return collect_pages(page for page, _ in render_in_workers(jobs, env, urls, workers))


INDEX_APART_FROM = 200
"""Fewer pages are indexed faster than a process starts."""


@dataclass(frozen=True, slots=True)
class IndexedLanguage:
    """The pages of one language to index: its pages, its language and where its index goes
    ("" for the default language's `/suchindex/`, "en" for `/en/suchindex/`)."""

    pages: list[BuiltFile]
    language: str
    folder: str = ""


def start_search_index(
    files: Sequence[BuiltFile], language: str = "de", others: Sequence[IndexedLanguage] = ()
) -> SearchIndexing:
    """Start indexing the pages among `files` (and those of the `others` languages, each
    with its own stems, into its own folder) in a forked process while the build goes on."""
    wanted = [
        IndexedLanguage(html_pages(files), language),
        *(replace(other, pages=html_pages(other.pages)) for other in others),
    ]
    count = sum(len(each.pages) for each in wanted)
    if count < INDEX_APART_FROM or "fork" not in mp.get_all_start_methods():
        return SearchIndexing(None, wanted)
    forking = mp.get_context("fork")
    release_free_memory()
    receiving, sending = forking.Pipe(duplex=False)
    process = forking.Process(
        target=_index_into,
        args=(wanted, sending, os.getpid()),
        name="pactsite-search",
        daemon=True,
    )
    process.start()
    sending.close()
    return SearchIndexing((process, receiving), [])


def build_search_indexes(
    wanted: Sequence[IndexedLanguage],
    keep: Callable[[OutputFile], BuiltFile],
    read: PartReader = read_part,
) -> SearchIndex:
    """The index of each language, its files under its folder; the pages of the first's."""
    first = build_search_index(wanted[0].pages, keep, wanted[0].language, read)
    files = list(first.files)
    for other in wanted[1:]:
        root = PurePosixPath(other.folder)

        def kept(file: OutputFile, root: PurePosixPath = root) -> BuiltFile:
            return keep(OutputFile(root / file.path, file.content))

        files += build_search_index(other.pages, kept, other.language, read).files
    return SearchIndex(files=files, pages=first.pages)


INDEX_SPLIT_FROM = 400
"""Pages from which the indexing process has half of them read by a second process: the
index is the last thing a build waits for, made while the build process does the rest."""


def _read_in_two(pages: Sequence[BuiltFile], language: str, made: Fragments) -> IndexPart:
    """Read the pages for the index (`read_part`), the second half in a forked process;
    where that process fails, here."""
    if len(pages) < INDEX_SPLIT_FROM:
        return read_part(pages, language, made)
    half = len(pages) // 2
    reading_apart = _read_apart(pages[half:], language)
    part = read_part(pages[:half], language, made)
    rest = reading_apart() or read_part(pages[half:], language)
    for number, fragment in enumerate(rest.fragments, len(part.pages)):
        made(number, fragment)
    rest.fragments = []
    part.join(rest)
    return part


def _read_apart(pages: Sequence[BuiltFile], language: str) -> Callable[[], IndexPart | None]:
    """Start reading `pages` (`read_part`) in a forked process; what is returned waits for
    its part (None if it gave none)."""
    import pickle

    parent = os.getpid()
    receiving, sending = os.pipe()
    process = os.fork()  # not multiprocessing: the indexing process is a daemon, it may not
    if process == 0:
        code = 1
        try:
            os.close(receiving)
            die_with_parent(parent)
            part = pickle.dumps(read_part(pages, language), pickle.HIGHEST_PROTOCOL)
            with open(sending, "wb") as pipe:  # noqa: PTH123 (a descriptor)
                pipe.write(part)
            code = 0
        finally:
            os._exit(code)  # nothing of the parent's to clean up: no traceback, no atexit
    os.close(sending)

    def received() -> IndexPart | None:
        with open(receiving, "rb") as pipe:  # noqa: PTH123 (a descriptor)
            data = pipe.read()
        _, status = os.waitpid(process, 0)
        if status != 0 or not data:
            return None
        part = pickle.loads(data)
        return part if isinstance(part, IndexPart) else None

    return received


class SearchIndexing:
    """An index under way: `finish` waits for it, `cancel` stops it.

    As a context manager it is cancelled on leaving, so that no indexing process outlives
    a build that failed meanwhile.
    """

    def __init__(
        self, running: tuple[BaseProcess, Connection] | None, wanted: list[IndexedLanguage]
    ):
        self._running = running
        self._process = running[0] if running else None
        self._wanted = wanted

    def __enter__(self) -> SearchIndexing:
        return self

    def __exit__(self, *_: object) -> None:
        self.cancel()

    @property
    def forked(self) -> bool:
        """Whether the index is made in a process of its own."""
        return self._process is not None

    @property
    def running(self) -> bool:
        """Whether that process still runs."""
        return self._process is not None and self._process.is_alive()

    def finish(self) -> SearchIndex:
        """The index (made here if no process was worth starting), its files kept."""
        if self._process is None:
            return build_search_indexes(self._wanted, keep)
        if self._running is None:
            raise OutputError(_error(t("the search index was asked for after it was stopped")))
        process, receiving = self._running
        try:
            outcome = _receive(receiving)
        except EOFError:
            outcome = None
        finally:
            self.cancel()
        if not isinstance(outcome, SearchIndex):
            detail = outcome if isinstance(outcome, str) else f"exit code {process.exitcode}"
            raise OutputError(_error(t("making the search index failed: {detail}", detail=detail)))
        return outcome

    def finish_with_files(self) -> tuple[list[BuiltFile], SearchIndex]:
        """The index's files and the index (for `publish` to write them as they come)."""
        index = self.finish()
        return index.files, index

    def cancel(self) -> None:
        """Stop the indexing process if it still runs."""
        running, self._running = self._running, None
        if running is not None:
            process, receiving = running
            receiving.close()
            if process.is_alive():
                process.kill()
            process.join()


def _index_into(wanted: list[IndexedLanguage], sending: Connection, parent: int) -> None:
    """The indexing process: send back the index, or the message of what went wrong.

    The pages' paths come first, then the files one by one (each freed once sent, so that
    no copy of the whole index is made for sending), then None. The files made wait for
    that in a spill file of this process's own (`spill.keep`), not in memory.
    """
    die_with_parent(parent)
    try:
        index = build_search_indexes(wanted, keep, _read_in_two)
    except Exception as error:  # reported by the build process, which shows errors
        sending.send(f"{type(error).__name__}: {error}")
        return
    sending.send(index.pages)
    files = index.files[::-1]
    del index
    while files:
        file = files.pop()
        sending.send((str(file.path), file.content))
    sending.send(None)
    sending.close()


def _receive(receiving: Connection) -> SearchIndex | str:
    """What `_index_into` sent: the index (its files kept), or what went wrong."""
    pages = receiving.recv()
    if isinstance(pages, str):
        return pages
    files = []
    while (item := receiving.recv()) is not None:
        path, content = item
        files.append(keep(OutputFile(PurePosixPath(path), content)))
    return SearchIndex(files=files, pages=pages)


def _error(message: Text) -> Text:
    """`error: message`, the prefix English in every language (as in diagnostics)."""
    return Text("error: {message}", (("message", message),))
