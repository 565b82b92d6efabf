"""Measure what the speed and memory machinery is for; print each figure beside its aim.

    python bench/internals.py

These were assertions in the test suite (tests/test_output_memory.py, tests/test_parallel.py)
that pinned internals: bytes held by a process, private attributes, how many processes run
at a moment. A test should fail when the site comes out wrong, not when a refactoring moves
memory around, so they are measurements here; the tests keep the behaviour (exact bytes,
results in order, stopped workers). Exits 1 if a figure misses its aim, for a reviewer who
runs it before and after a change to pactsite/build/workers.py, build/spill.py or the build.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import platform
import shutil
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Any

import pactsite.build.pipeline as build_module
import pactsite.build.workers as parallel
from pactsite.build.pipeline import BuildOptions, build, spill_linked_bodies
from pactsite.build.spill import SPILL_MIN, SpilledFile, SpilledTexts, keep, release_free_memory
from pactsite.build.workers import iter_chunks, map_chunks
from pactsite.outputs import OutputFile
from pactsite.outputs.images import ImageSet
from pactsite.render.links import LinkIndex, Target, resolve_links
from pactsite.render.markup import LinkRef, RenderedBody

MINIMAL = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "minimal"


def spilled_texts_held() -> tuple[float, str]:
    """Bytes the Python heap keeps of 5 MB of texts once spilled (aim: < 200 KB)."""
    texts = {f"k{n}": f"<p>Größere Förderung Nr. {n}</p>" * 300 for n in range(500)}
    tracemalloc.start()
    try:
        spilled = SpilledTexts(texts)
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert spilled["k42"] == texts["k42"]
    return held, "< 200,000 bytes" if held < 200_000 else "MISSED: < 200,000 bytes"


def linking_peak() -> tuple[float, str]:
    """Peak Python heap while 2.6 MB of bodies are linked and spilled (aim: < 400 KB, a few
    bodies at a time, never all of them; each body taken out of the input)."""
    index = LinkIndex(
        by_key=MappingProxyType({"b": Target("b", "/pakte/b/", frozenset())}),
        by_path=MappingProxyType({"content/b.md": "b"}),
        assets=frozenset(),
        hidden=frozenset(),
    )
    text = "<p>Förderung für Betriebe in der Region</p>" * 300
    link = LinkRef("b.md", 1, False)
    bodies = {
        f"k{n:03d}": RenderedBody(f'<p><a href="b.md">B</a> {n}</p>{text}', (), (link,))
        for n in range(200)
    }
    resolved, _ = resolve_links(bodies, dict.fromkeys(bodies, "content/a.md"), index)
    tracemalloc.start()
    try:
        spill_linked_bodies(bodies, resolved, ImageSet())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    met = peak < 400_000 and not bodies
    return peak, "< 400,000 bytes, input emptied" if met else "MISSED: < 400,000, emptied"


def _spilled_in_child(sending: Connection) -> None:
    kept = keep(OutputFile(PurePosixPath("suchindex/w/abc.json"), b"c" * (SPILL_MIN * 3)))
    sending.send(isinstance(kept, SpilledFile) and kept.content == b"c" * (SPILL_MIN * 3))


def child_spills_apart() -> tuple[float, str]:
    """Whether a forked child spills large files into a file of its own, leaving the
    parent's intact (aim: 1)."""
    before = keep(OutputFile(PurePosixPath("a.html"), b"p" * (SPILL_MIN * 3)))
    forking = multiprocessing.get_context("fork")
    receiving, sending = forking.Pipe(duplex=False)
    child = forking.Process(target=_spilled_in_child, args=(sending,))
    child.start()
    in_child = receiving.recv()
    child.join()
    after = keep(OutputFile(PurePosixPath("b.html"), b"q" * (SPILL_MIN * 3)))
    intact = before.content == b"p" * (SPILL_MIN * 3) and after.content == b"q" * (SPILL_MIN * 3)
    met = bool(in_child) and intact and isinstance(before, SpilledFile)
    return float(met), "1" if met else f"MISSED: child {in_child}, parent intact {intact}"


def _lengths(chunk: Sequence[str]) -> list[int]:
    return [len(text) for text in chunk]


def _slow_lengths(chunk: Sequence[str]) -> list[int]:
    time.sleep(0.2)
    return [len(text) for text in chunk]


def utf8_copies_kept() -> tuple[float, str]:
    """Bytes German texts grow by once sent to workers (aim: 0, none pickled)."""
    texts = [f"Größere Förderung für {n} Betriebe " * 200 for n in range(20)]
    before = sum(sys.getsizeof(text) for text in texts)
    map_chunks(_lengths, texts, 2)
    grown = sum(sys.getsizeof(text) for text in texts) - before
    return grown, "0" if grown == 0 else "MISSED: 0"


def _resident_bytes() -> int:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE")


def memory_given_back() -> tuple[float, str]:
    """Resident bytes release_free_memory() gives back after 320 MB of small texts were freed
    but one (aim: > 100 MB, on Linux with glibc)."""
    if not Path("/proc/self/statm").exists() or platform.libc_ver()[0] != "glibc":
        return 0, "not measured (Linux with glibc only)"
    texts = [f"{n:08d}" * 1000 for n in range(40_000)]
    del texts[:-1]
    before = _resident_bytes()
    release_free_memory()
    freed = before - _resident_bytes()
    return freed, "> 100,000,000 bytes" if freed > 100_000_000 else "MISSED: > 100,000,000"


def heavy_workers() -> tuple[float, str]:
    """Worker processes started for three heavy items on two jobs (aim: 2)."""
    results = iter_chunks(_slow_lengths, ["ab", "c", "def"], 2, heavy=True)
    started = len(multiprocessing.active_children())
    list(results)
    return started, "2" if started == 2 else "MISSED: 2"


def workers_at_cold_digest() -> tuple[float, str]:
    """Page workers running while a cold build hashes the site; none on a warm build, which
    needs the digest first (aim: > 0, then 0)."""
    seen: list[int] = []
    digest = build_module.site_digest

    def noting(*args: Any) -> str:
        seen.append(len(multiprocessing.active_children()))
        return digest(*args)

    options = BuildOptions(now=dt.datetime(2026, 11, 24, tzinfo=dt.UTC), jobs=2, cache=True)
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "site"
        shutil.copytree(MINIMAL, site)
        build_module.site_digest = noting  # type: ignore[assignment]
        try:
            build(site, Path(folder) / "cold", options)
            build(site, Path(folder) / "warm", options)
        finally:
            build_module.site_digest = digest
    return seen[0], "> 0, then 0" if seen[0] > 0 and seen[1] == 0 else f"MISSED: {seen}"


MEASUREMENTS: list[Callable[[], tuple[float, str]]] = [
    spilled_texts_held,
    linking_peak,
    child_spills_apart,
    utf8_copies_kept,
    memory_given_back,
    heavy_workers,
    workers_at_cold_digest,
]


def main() -> int:
    """Print each measurement as a Markdown table row; 1 if any missed its aim."""
    parallel.MIN_ITEMS_PER_WORKER = 1  # workers even for the few items measured here
    print("| measurement | figure | aim |\n| --- | ---: | --- |")
    missed = False
    for measure in MEASUREMENTS:
        figure, aim = measure()
        missed = missed or aim.startswith("MISSED")
        what = " ".join((measure.__doc__ or "").split()).split(" (aim")[0]
        print(f"| {what} | {figure:,.0f} | {aim} |")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
