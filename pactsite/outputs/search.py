"""The search index: Pagefind (installed from PyPI with its binary) indexes the built pages.

Only pages that mark their `<main>` with `data-pagefind-body` are indexed (entries and pact
profiles); lists, facet pages, the 404 page and redirect stubs are not. The language comes
from `<html lang>`, so German words are stemmed. The index lands in `/pagefind/`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from pactsite.artifact import OutputFile
from pactsite.diagnostics import OutputError

INDEX_FOLDER = "pagefind"
BODY_MARK = b"data-pagefind-body"
EXCLUDED = (".breadcrumb", ".backlinks", ".related", ".variant-link", ".facts")
"""Parts of an indexed page that are navigation or a table of facts (which Pagefind would run
together into excerpts like "PaktMagdeburg"), not the page's own words."""
UNUSED = ("pagefind-ui.", "pagefind-modular-ui.", "pagefind-component-ui.", "pagefind-highlight.")
"""Pagefind's ready-made interfaces: the site renders results with its own script."""
_TIMEOUT_SECONDS = 300
_HTML = re.compile(rb"<html\b[^>]*>")
_TITLE = re.compile(rb"<title>.*?</title>", re.DOTALL)
_INDEXED_MAIN = re.compile(rb"<main\b[^>]*" + BODY_MARK + rb".*?</main>", re.DOTALL)
_SHARED_MEMORY = "/dev/shm"
_LOG = "pagefind.log"
_PREFIX = "pactsite-search-"
_PAGES = "site"
"""The folder of Pagefind's input pages in a search folder."""


def pagefind_binary() -> Path:
    """The Pagefind executable that the `pagefind[bin]` package installed."""
    try:
        from pagefind_bin import get_executable  # type: ignore[import-untyped]
    except ImportError:
        raise OutputError(_missing("the package pagefind-bin is not installed")) from None
    try:
        return Path(get_executable())
    except FileNotFoundError as error:
        raise OutputError(_missing(str(error))) from None


def indexed_pages(files: Sequence[OutputFile]) -> list[OutputFile]:
    """The HTML pages that ask to be indexed, in path order."""
    pages = (f for f in files if f.path.suffix == ".html" and BODY_MARK in f.content)
    return sorted(pages, key=lambda f: f.path)


def indexed_part(page: bytes) -> bytes:
    """What Pagefind reads of a page: `<html lang>`, the title and the indexed `<main>`.

    Pagefind indexes only the element marked `data-pagefind-body` and takes the language
    from `<html lang>`; the navigation around it (with every pact at every page) is half of
    a page's bytes. The index comes out the same; a page in another shape is given whole.
    """
    html, title, main = _HTML.search(page), _TITLE.search(page), _INDEXED_MAIN.search(page)
    if html is None or title is None or main is None:
        return page
    head = b'<head><meta charset="utf-8">' + title.group(0) + b"</head>"
    return html.group(0) + head + b"<body>" + main.group(0) + b"</body></html>"


def build_search_index(files: Sequence[OutputFile], binary: Path | None = None) -> list[OutputFile]:
    """Index the pages that ask for it with Pagefind; return the files of `/pagefind/`."""
    with start_search_index(files, binary) as indexing:
        return indexing.finish()


def start_search_index(files: Sequence[OutputFile], binary: Path | None = None) -> SearchIndexing:
    """Start indexing the pages that ask for it; Pagefind runs while the build goes on."""
    pages = indexed_pages(files)
    if not pages:
        return SearchIndexing(None, None)
    executable = binary or pagefind_binary()
    needed = 3 * sum(page.size for page in pages)  # pages, index, room to spare
    place = _memory_folder(needed)
    sweep_leftovers(Path(place or tempfile.gettempdir()))
    temp = tempfile.TemporaryDirectory(prefix=folder_prefix(os.getpid()), dir=place)
    try:
        site = Path(temp.name, _PAGES)
        for page in pages:
            target = site.joinpath(*page.path.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(indexed_part(page.content))
        command = [str(executable), "--site", str(site), "--output-path", INDEX_FOLDER]
        command.append("--silent")
        for selector in EXCLUDED:
            command += ["--exclude-selectors", selector]
        # its messages go to a file: a pipe nobody reads before the end could fill and stall it
        with Path(temp.name, _LOG).open("wb") as log:
            process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=temp.name)
    except OSError as error:
        temp.cleanup()
        raise OutputError(_failed(str(error))) from None
    except BaseException:
        temp.cleanup()
        raise
    return SearchIndexing(process, temp)


class SearchIndexing:
    """A Pagefind run under way: `finish` waits for its files, `cancel` stops it.

    As a context manager it is cancelled on leaving, so that no Pagefind process or
    temporary folder outlives a build that failed meanwhile.
    """

    def __init__(
        self,
        process: subprocess.Popen[bytes] | None,
        temp: tempfile.TemporaryDirectory[str] | None,
    ) -> None:
        self._process = process
        self._temp = temp

    def __enter__(self) -> SearchIndexing:
        return self

    def __exit__(self, *_: object) -> None:
        self.cancel()

    def finish(self) -> list[OutputFile]:
        """Wait for Pagefind; return the files of `/pagefind/` (none if nothing was indexed)."""
        if self._process is None or self._temp is None:
            return []
        folder = Path(self._temp.name)
        try:
            self._process.wait(timeout=_TIMEOUT_SECONDS)
            if self._process.returncode != 0:
                message = (folder / _LOG).read_bytes().decode(errors="replace").strip()
                raise OutputError(_failed(message))
            return _collect(folder / INDEX_FOLDER)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise OutputError(_failed(str(error))) from None
        finally:
            self.cancel()

    def cancel(self) -> None:
        """Stop Pagefind if it still runs, and remove its folder."""
        process, temp = self._process, self._temp
        self._process, self._temp = None, None
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()
        if temp is not None:
            temp.cleanup()


def sweep_leftovers(place: Path) -> None:
    """Remove the folders that killed builds left in `place`, and stop their Pagefind.

    A build killed outright (SIGKILL, out of memory) cannot clean up: its folder, in
    /dev/shm that is memory, would stay until the next reboot, and its Pagefind would
    index on for nobody. The folder names the build's process and machine; a process of
    this machine that no longer runs left it behind.
    """
    for leftover in place.glob(f"{_PREFIX}*"):
        owner = leftover.name.removeprefix(_PREFIX).split("@", 1)[0]
        if not owner.isdigit() or not leftover.name.startswith(folder_prefix(int(owner))):
            continue  # not a folder of this machine (another container may share the place)
        if not _is_running(int(owner)):
            _stop_pagefind_in(leftover)
            shutil.rmtree(leftover, ignore_errors=True)


def folder_prefix(pid: int) -> str:
    """How the folders of the build process `pid` on this machine begin."""
    machine = hashlib.blake2b(socket.gethostname().encode(), digest_size=4).hexdigest()
    return f"{_PREFIX}{pid}@{machine}-"


def _is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _stop_pagefind_in(leftover: Path) -> None:
    """Kill a Pagefind still indexing the folder (found by its command line; Linux only)."""
    wanted = bytes(leftover / _PAGES)  # as in its command line: --site <folder>/site
    for command_line in Path("/proc").glob("[0-9]*/cmdline"):
        with contextlib.suppress(OSError, ValueError):
            if wanted in command_line.read_bytes().split(b"\0"):
                os.kill(int(command_line.parent.name), signal.SIGKILL)


def _memory_folder(needed: int) -> str | None:
    """/dev/shm if it has room for `needed` bytes: writing thousands of pages to a disk and
    removing them again took longer than Pagefind's own work."""
    try:
        info = os.statvfs(_SHARED_MEMORY)
    except OSError:
        return None
    if info.f_bavail * info.f_frsize < needed or not os.access(_SHARED_MEMORY, os.W_OK):
        return None
    return _SHARED_MEMORY


def previous_search_index(out_dir: Path) -> list[OutputFile]:
    """The `/pagefind/` files of the build in `out_dir`, unchanged; empty if it has none."""
    folder = out_dir / INDEX_FOLDER
    try:
        return _collect(folder) if folder.is_dir() else []
    except OSError:  # swapped away meanwhile: build the index afresh
        return []


def _collect(out: Path) -> list[OutputFile]:
    found = []
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        relative = path.relative_to(out).as_posix()
        if not relative.startswith(UNUSED):
            found.append(OutputFile(PurePosixPath(INDEX_FOLDER, relative), path.read_bytes()))
    return found


def _missing(detail: str) -> str:
    return (
        f"error: cannot build the search index: {detail}; "
        "install pactsite with its dependencies (pip install -e .) to get pagefind[bin]"
    )


def _failed(detail: str) -> str:
    return f"error: the search indexer Pagefind failed: {detail or 'no message'}"
