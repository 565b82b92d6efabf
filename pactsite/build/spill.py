"""Built files and bodies kept out of the build's memory until they are written or read.

A build holds every output file until it publishes them, and their bytes are most of a
build's memory (more than linear in the pages, since the directory and network pages list
them all). So the build keeps the contents of more than a few KB (`keep`) in a spill file:
an anonymous temporary file that the bytes are appended to once and read back from
whenever `content` is asked for. They then live in the operating system's file cache,
which can write them out and drop them under memory pressure, and not in the build
process. Where the spill file cannot be written, the bytes stay in memory. The output
stages know nothing of this: they make plain `OutputFile`s, and the build keeps them.

Files sent from worker processes travel compressed (`pack`, `unpack`), and the memory the
build let go of is given back to the system (`release_free_memory`).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO, TYPE_CHECKING, Any, Generic, TypeVar

from pactsite.outputs import BuiltFile, OutputFile

if TYPE_CHECKING:
    import zstandard

SPILL_MIN = 4096
"""Contents smaller than this stay in memory: spilling them saves too little to pay."""
_SPILL_MAX = 1 << 30
"""A spill file that has grown this large takes no more: a new one is started, and the old
one is deleted with the last file that reads from it (so `serve` does not grow one forever)."""


_RELEASE_EVERY = 16 << 20
"""Spilled bytes after which the C heap's free memory is given back to the system."""


def release_free_memory() -> None:
    """Give the heap memory freed so far back to the operating system, where the C library
    can (glibc's malloc_trim); elsewhere do nothing.

    Python frees large objects to the C heap, which keeps the pages, and a build that has
    read and rendered every body holds many of them. Called before forking, so that the
    workers neither share nor copy them, after a worker's chunk, and as the spill file
    grows, so that the build process does not keep what it spilled.
    """
    global _malloc_trim
    if _malloc_trim is None:
        import ctypes  # here: only builds that spill or fork need it

        _malloc_trim = getattr(ctypes.CDLL(None), "malloc_trim", False)
    if _malloc_trim:
        _malloc_trim(0)


_malloc_trim: Any = None
"""glibc's malloc_trim once looked up; False where the C library has none."""


class _SpillFile:
    """An anonymous temporary file: bytes appended once, read back by offset."""

    def __init__(self) -> None:
        import tempfile  # here: a build that finds nothing changed spills nothing

        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="pactsite-spill-")  # noqa: SIM115
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
    """The process's current spill file.

    A forked process starts a file of its own when it first spills (the parent's stays
    readable in it): two processes appending to one file would overwrite each other.
    """

    def __init__(self) -> None:
        self._start()

    def _start(self) -> None:
        self.lock = threading.Lock()
        self.file: _SpillFile | None = None
        self.since_release = 0
        self.pid = os.getpid()

    def put(self, data: bytes) -> tuple[_SpillFile, int] | None:
        """Spill `data`; None where it must stay in memory."""
        if self.pid != os.getpid():
            self._start()
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


_spill = _Spill()


class _Codecs(threading.local):
    """A Zstandard compressor and decompressor for each thread (they keep state)."""

    def __init__(self) -> None:
        import zstandard  # here: a build that finds nothing changed compresses nothing

        self.compressor: zstandard.ZstdCompressor = zstandard.ZstdCompressor(level=1)
        self.decompressor: zstandard.ZstdDecompressor = zstandard.ZstdDecompressor()
        self.error: type[Exception] = zstandard.ZstdError


_codecs = _Codecs()


def compress(data: bytes) -> bytes:
    """`data` compressed for a moment's transfer or the build cache: fast, about a quarter.

    Zstandard at its fastest level: much faster than zlib's fastest at a slightly better
    ratio (bench/RESULTS.md).
    """
    return _codecs.compressor.compress(data)


def decompress(data: bytes) -> bytes:
    """The bytes `compress` was given; raises ValueError for anything else."""
    codecs = _codecs
    try:
        return codecs.decompressor.decompress(data)
    except codecs.error as error:
        raise ValueError(f"not compressed data: {error}") from None


class SpilledFile:
    """A built file whose bytes wait in the spill file: read back when `content` is asked."""

    __slots__ = ("_offset", "_size", "_spill", "origin", "path", "source")

    def __init__(self, file: OutputFile, spill: _SpillFile, offset: int) -> None:
        self.path = file.path
        self.origin = file.origin
        self.source = file.source
        self._spill = spill
        self._offset = offset
        self._size = len(file.content)

    @property
    def content(self) -> bytes:
        """The file's bytes."""
        return self._spill.read(self._offset, self._size)

    def __repr__(self) -> str:
        return f"SpilledFile(path={self.path!r}, size={self._size}, origin={self.origin!r})"


def keep(file: OutputFile) -> BuiltFile:
    """`file` to hold until it is written: its bytes in the spill file when they are large
    (and it can be written), else the file itself."""
    if len(file.content) < SPILL_MIN:
        return file
    spilled = _spill.put(file.content)
    return file if spilled is None else SpilledFile(file, *spilled)


def keep_all(files: Iterable[OutputFile]) -> list[BuiltFile]:
    """Each of `files` kept (see `keep`), one at a time as they come."""
    return [keep(file) for file in files]


@dataclass(frozen=True, slots=True)
class PackedFile:
    """An output file on its way from a worker process: its bytes compressed.

    A worker's results reach the parent as one pickle per chunk of pages, which the parent
    holds about twice while receiving it; compressed, that is a quarter.
    """

    path: PurePosixPath
    packed: bytes
    origin: str
    source: str


def pack(file: OutputFile) -> OutputFile | PackedFile:
    """`file` to send to another process: compressed when it is large (in the worker)."""
    if len(file.content) < SPILL_MIN:
        return file
    return PackedFile(file.path, compress(file.content), file.origin, file.source)


def unpack(sent: OutputFile | PackedFile) -> BuiltFile:
    """The file `pack` sent, kept (see `keep`) in the receiving process."""
    if isinstance(sent, OutputFile):
        return keep(sent)
    return keep(OutputFile(sent.path, decompress(sent.packed), sent.origin, sent.source))


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
