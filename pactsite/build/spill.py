"""What the output stages produce and the writer writes: a file by relative path.

A build holds every output file until it publishes them, and their bytes are most of a
build's memory (more than linear in the pages, since the directory and network pages list
them all). So an OutputFile keeps contents of more than a
few KB in a spill file: an anonymous temporary file that the bytes are appended to once
and read back from whenever `content` is asked for. They then live in the operating
system's file cache, which can write them out and drop them under memory pressure, and
not in the build process. Where the spill file cannot be written, the bytes stay in memory.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterable, Iterator, Mapping
from pathlib import PurePosixPath
from typing import Any, Generic, TypeVar

import zstandard

from pactsite.build.workers import release_free_memory

SPILL_MIN = 4096
"""Contents smaller than this stay in memory: spilling them saves too little to pay."""
_SPILL_MAX = 1 << 30
"""A spill file that has grown this large takes no more: a new one is started, and the old
one is deleted with the last file that reads from it (so `serve` does not grow one forever)."""


_RELEASE_EVERY = 16 << 20
"""Spilled bytes after which the C heap's free memory is given back to the system."""


class _SpillFile:
    """An anonymous temporary file: bytes appended once, read back by offset."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="pactsite-spill-")  # noqa: SIM115 (lives on)
        self.size = 0

    def append(self, data: bytes) -> int:
        """Write `data` at the end; return its offset. Called under the spill lock."""
        offset = self.size
        view = memoryview(data)
        while view:
            written = os.pwrite(self._file.fileno(), view, offset + len(data) - len(view))
            view = view[written:]
        self.size += len(data)
        return offset

    def read(self, offset: int, size: int) -> bytes:
        """The `size` bytes at `offset` (pread: safe from any thread or forked process)."""
        data = os.pread(self._file.fileno(), size, offset)
        while len(data) < size:  # a short read only happens if something else went wrong
            more = os.pread(self._file.fileno(), size - len(data), offset + len(data))
            if not more:
                raise OSError(f"spill file ended at {offset + len(data)}, {size} bytes wanted")
            data += more
        return data


class _Spill:
    """The process's current spill file; none in forked workers (they send bytes back)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.file: _SpillFile | None = None
        self.enabled = True
        self.since_release = 0

    def put(self, data: bytes) -> tuple[_SpillFile, int] | None:
        """Spill `data`; None where it must stay in memory."""
        if not self.enabled:
            return None
        with self.lock:
            try:
                if self.file is None or self.file.size + len(data) > _SPILL_MAX:
                    self.file = _SpillFile()
                placed = self.file, self.file.append(data)
            except OSError:  # no temp folder, disk full: memory is always correct
                self.file = None
                return None
            self.since_release += len(data)
            if self.since_release >= _RELEASE_EVERY:
                # the stages that make the bytes spilled here let go of as much in strings
                self.since_release = 0
                release_free_memory()
            return placed

    def in_child(self) -> None:
        """After a fork: keep new contents in memory; the parent's file stays readable."""
        self.lock = threading.Lock()
        self.file = None
        self.enabled = False


_spill = _Spill()
os.register_at_fork(after_in_child=_spill.in_child)


def spill_here() -> None:
    """Let this forked process spill file contents to a spill file of its own: for a child
    that makes many files and sends them back one by one (the search index)."""
    _spill.enabled = True


class _Codecs(threading.local):
    """A Zstandard compressor and decompressor for each thread (they keep state)."""

    def __init__(self) -> None:
        self.compressor = zstandard.ZstdCompressor(level=1)
        self.decompressor = zstandard.ZstdDecompressor()


_codecs = _Codecs()


def compress(data: bytes) -> bytes:
    """`data` compressed for a moment's transfer or the build cache: fast, about a quarter.

    Zstandard at its fastest level: much faster than zlib's fastest at a slightly better
    ratio (bench/RESULTS.md).
    """
    return _codecs.compressor.compress(data)


def decompress(data: bytes) -> bytes:
    """The bytes `compress` was given; raises ValueError for anything else."""
    try:
        return _codecs.decompressor.decompress(data)
    except zstandard.ZstdError as error:
        raise ValueError(f"not compressed data: {error}") from None


class OutputFile:
    """One file of the built site: its path below the output folder and its bytes.

    Immutable, compared by value like a frozen dataclass; `content` reads spilled bytes back.
    """

    __slots__ = ("_inline", "_offset", "_size", "_spill", "origin", "path", "source")

    path: PurePosixPath
    origin: str
    """The template file that rendered it, where there is one (for error messages)."""
    source: str
    """The site-relative content file the page shows, where there is one."""
    _inline: bytes | None
    _spill: _SpillFile | None
    _offset: int
    _size: int

    def __init__(
        self, path: PurePosixPath, content: bytes, origin: str = "", source: str = ""
    ) -> None:
        spilled = _spill.put(content) if len(content) >= SPILL_MIN else None
        setter = super().__setattr__
        setter("path", path)
        setter("origin", origin)
        setter("source", source)
        setter("_size", len(content))
        setter("_inline", content if spilled is None else None)
        setter("_spill", spilled[0] if spilled else None)
        setter("_offset", spilled[1] if spilled else 0)

    @property
    def content(self) -> bytes:
        """The file's bytes."""
        if self._spill is None:
            assert self._inline is not None
            return self._inline
        return self._spill.read(self._offset, self._size)

    @property
    def size(self) -> int:
        """The number of bytes, without reading them."""
        return self._size

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"OutputFile is immutable: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"OutputFile is immutable: cannot delete {name!r}")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, OutputFile):
            return NotImplemented
        return (self.path, self.origin, self.source, self._size) == (
            other.path,
            other.origin,
            other.source,
            other._size,
        ) and self.content == other.content

    def __hash__(self) -> int:
        return hash((self.path, self.origin, self.source, self.content))

    def __repr__(self) -> str:
        return f"OutputFile(path={self.path!r}, size={self._size}, origin={self.origin!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled with its bytes; compressed when a worker sends a larger file back.

        A worker's results reach the parent as one pickle per chunk of pages, which the
        parent holds about twice while receiving it; compressed, that is a quarter.
        """
        content = self.content
        if not _spill.enabled and len(content) >= SPILL_MIN:
            return (_unzipped, (self.path, compress(content), self.origin, self.source))
        return (OutputFile, (self.path, content, self.origin, self.source))


def _unzipped(path: PurePosixPath, packed: bytes, origin: str, source: str) -> OutputFile:
    """An OutputFile from its compressed bytes (the other half of OutputFile.__reduce__)."""
    return OutputFile(path, decompress(packed), origin, source)


Place = TypeVar("Place")


class PlacedTexts(Mapping[str, str], Generic[Place]):
    """Texts by key, each read from where `_places` says it lies (for the subclasses)."""

    __slots__ = ()
    _places: Mapping[str, Place]

    def __iter__(self) -> Iterator[str]:
        return iter(self._places)

    def __len__(self) -> int:
        return len(self._places)

    def __contains__(self, key: object) -> bool:
        return key in self._places


class SpilledTexts(PlacedTexts[str | tuple[_SpillFile, int, int]]):
    """Texts by key kept in the spill file like large output files, each read back and
    decoded when looked up: for the bodies' HTML, which the whole build holds but each page
    reads one or two of. Forked workers read them from the same file.
    """

    __slots__ = ("_places",)

    def __init__(self, texts: Mapping[str, str] | Iterable[tuple[str, str]]) -> None:
        places: dict[str, str | tuple[_SpillFile, int, int]] = {}
        for key, text in texts.items() if isinstance(texts, Mapping) else texts:
            data = text.encode("utf-8") if len(text) >= SPILL_MIN else b""
            spilled = _spill.put(data) if data else None
            places[key] = text if spilled is None else (*spilled, len(data))
        self._places = places

    def __getitem__(self, key: str) -> str:
        place = self._places[key]
        if isinstance(place, str):
            return place
        spill, offset, size = place
        return spill.read(offset, size).decode("utf-8")

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as the plain texts (a spill file belongs to the process that wrote it)."""
        return dict, (dict(self.items()),)
