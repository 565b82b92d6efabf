"""The state a build keeps for the next one, in `.pactsite-cache/`, and whether anything it
read or wrote changed since.

A build that keeps its state (see `pactsite.build.incremental`) saves it in four files:
the summary (`summary.pickle`: the size and time of every input file, the names of the
output files, the time of every output folder, the report), the whole state with the site
model (`state.pickle`, tens of MB at thousands of pages), the bodies' HTML beside it
(`state-html.bin`, read only where needed), and the journal of the quick rebuilds since
(`state.journal`, one small pickle each). A build that finds nothing changed reads only the
summary, which holds plain values: it needs none of the pipeline's modules, and the command
line imports them only when there is something to build.

Output files are compared by name, as a listing of the output folder would: the summary
keeps each output folder's modification time, which any file added, removed or renamed in
the folder changes, and only the folders whose time differs are listed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import gc
import mmap
import os
import pickle
import stat
import time
import types
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import IO, Any, TypeVar

from pactsite import __version__
from pactsite.build.spill import PlacedTexts
from pactsite.buildinfo import BuildOptions, BuildReport, ImageStats
from pactsite.cache.keys import CACHE_DIR, digest

SUMMARY_FILE = "summary.pickle"
STATE_FILE = "state.pickle"
HTML_FILE = "state-html.bin"
JOURNAL_FILE = "state.journal"
JOURNAL_LIMIT = 4_000_000
"""A journal of changes longer than this (bytes) is folded into a new full state."""
STATE_FILES = (SUMMARY_FILE, STATE_FILE, HTML_FILE, JOURNAL_FILE)
_RACY_NS = 2_000_000_000
_FORMAT = 4

Stats = dict[str, tuple[int, int]]
"""Size and modification time (ns) of files, by path; for inputs modified just before the
scan, minus a hash of the bytes instead of the time."""

Folders = dict[str, int]
"""The modification time (ns) of every folder of the output folder, by path below it ("":
the output folder itself); -1 for a folder modified just before it was recorded, since a
change within the clock's resolution would not change its time."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Places:
    """Where the input files of a build are."""

    folders: tuple[str, ...]
    """Folders whose files are all inputs (absolute)."""
    files: tuple[str, ...]
    """Single input files (absolute)."""
    absent: tuple[str, ...]
    """Files that would be read instead of those, if they were there."""
    skip: frozenset[str]
    """Folders below `folders` that are no inputs (the output folder, the cache)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Summary:
    """What a build that finds nothing changed needs to know of the last build."""

    token: str
    """Names the whole state saved with this summary."""
    stamp: str
    """pactsite's version and the options: another stamp, another build."""
    places: Places
    inputs: Stats
    outputs: frozenset[str]
    """The files in the output folder, by path below it."""
    folders: Folders
    since: dt.datetime
    until: dt.datetime | None
    zone: dt.tzinfo
    """The site's time zone (a new day can change what pages show)."""
    report: BuildReport


@dataclass(frozen=True, slots=True)
class Look:
    """What a look at the site found: the last build's summary and which inputs changed."""

    summary: Summary | None
    """None: there is no summary that fits these options and this moment."""
    inputs: Stats | None = None
    """The inputs now, scanned where the summary says (None without a summary)."""
    changed: list[str] | None = None
    """The input files that changed; None if files came or went or outputs changed."""

    @property
    def report(self) -> BuildReport | None:
        """The report of a build that has nothing to do, if nothing changed; else None."""
        if self.summary is None or self.changed != []:
            return None
        return unchanged_report(self.summary)


def unchanged_report(summary: Summary) -> BuildReport:
    """The report of a build that found nothing changed since the build of `summary`."""
    return replace(summary.report, rewritten=0, images=from_cache(summary.report.images))


def from_cache(images: ImageStats) -> ImageStats:
    """The image counts of a build that took every image from the cache."""
    return ImageStats(processed=0, cached=images.processed + images.cached)


def look(root: Path, out_dir: Path, options: BuildOptions) -> Look:
    """Compare the site `root` and the output folder with the last build's summary."""
    summary = load_summary(root)
    if summary is None or not fits(summary, options, out_dir):
        return Look(None)
    inputs = scan(summary.places)
    folders = outputs_unchanged(out_dir, summary)
    changed = compare(summary, inputs, folders is not None)
    if folders is not None and folders != summary.folders:
        # times now old enough to trust: kept by the rebuild too, when inputs changed (else
        # every later rebuild would list each folder that a whole build wrote, again)
        summary = replace(summary, folders=folders)
        if changed == []:
            with contextlib.suppress(OSError, pickle.PicklingError):
                save(root / CACHE_DIR / SUMMARY_FILE, summary)
    return Look(summary, inputs, changed)


def fits(summary: Summary, options: BuildOptions, out_dir: Path) -> bool:
    """Whether the last build used these options and saw the site as it is now (schedule)."""
    if summary.stamp != stamp(options, out_dir):
        return False
    now = options.now
    if now < summary.since or (summary.until is not None and now >= summary.until):
        return False
    zone = summary.zone
    return now.astimezone(zone).date() == summary.since.astimezone(zone).date()


def compare(summary: Summary, inputs: Stats, outputs_same: bool) -> list[str] | None:
    """The changed input files; None if files came or went or the outputs changed."""
    if not outputs_same or inputs.keys() != summary.inputs.keys():
        return None
    before = summary.inputs
    return [path for path, now in inputs.items() if not _same_file(path, now, before[path])]


def stamp(options: BuildOptions, out_dir: Path) -> str:
    """What of pactsite and the options makes another build (not the moment or the jobs)."""
    return repr((__version__, options.drafts, options.strict, str(out_dir.absolute())))


def scan(places: Places) -> Stats:
    """Size and modification time of every input file, by absolute path.

    A file modified in the last seconds also gets a hash of its bytes (its time is -1): a
    second write within the clock's resolution would not change its time, so for such a
    file the next build compares the bytes (as git does with "racily clean" files).
    """
    found: Stats = {}
    for folder in places.folders:
        found.update(_stats(folder, places.skip))
    for path in places.files:
        with contextlib.suppress(OSError):
            info = Path(path).stat()
            found[path] = (info.st_size, info.st_mtime_ns)
    for path in places.absent:
        if Path(path).is_file():
            found[path] = (-1, -1)  # never equal to a scan that did not find it
    recent = time.time_ns() - _RACY_NS
    for path, (size, mtime) in found.items():
        if mtime > recent:
            found[path] = (size, -_file_hash(path))
    return found


def rescan(inputs: Stats, changed: Collection[str]) -> Stats | None:
    """`inputs` with the stats of the `changed` files updated; None if one is a folder."""
    updated = dict(inputs)
    recent = time.time_ns() - _RACY_NS
    for path in changed:
        try:
            info = Path(path).lstat()
        except FileNotFoundError:
            updated.pop(path, None)
            continue
        except OSError:
            return None
        if not stat.S_ISREG(info.st_mode):
            return None
        mtime = info.st_mtime_ns
        updated[path] = (info.st_size, -_file_hash(path) if mtime > recent else mtime)
    return updated


def _same_file(path: str, now: tuple[int, int], before: tuple[int, int]) -> bool:
    """Whether the file at `path`, with stats `now`, holds what it held with stats `before`."""
    if before[1] >= 0 or now[0] != before[0]:
        return now == before
    return (now[1] if now[1] < 0 else -_file_hash(path)) == before[1]


def _file_hash(path: str) -> int:
    """A positive 63-bit hash of a file's bytes (0 if it cannot be read)."""
    try:
        data = Path(path).read_bytes()
    except OSError:
        return 0
    return int(digest(data)[:15], 16)  # 60 bits: positive, so that its negative marks a hash


def written_outputs(out_dir: Path, files: Collection[str]) -> tuple[frozenset[str], Folders]:
    """The files of an output folder just published to hold exactly `files`, by path below
    it, and the time of each folder (and of the output folder itself).

    Names only: a deleted or added file (or folder) shows later; a file edited by hand in
    the output folder does not (its time would cost a system call per file). The folders
    are those that hold the files: each is asked for its time without being listed.
    """
    return frozenset(files), restat_folders(out_dir, {}, files)


def restat_folders(out_dir: Path, folders: Folders, paths: Collection[str]) -> Folders:
    """`folders` with the times of the folders that hold `paths` (and their parents) again.

    For a build that changed only these files in an output folder found unchanged.
    """
    base = str(out_dir.absolute())
    updated = dict(folders)
    recent = time.time_ns() - _RACY_NS
    for folder in sorted(_folders_holding(paths)):
        try:
            updated[folder] = _folder_time(Path(_join(base, folder)).stat(), recent)
        except OSError:
            updated.pop(folder, None)
    return updated


def _folders_holding(paths: Collection[str]) -> set[str]:
    """Every folder that holds one of `paths`, each parent too, "" for the top."""
    folders = {""}
    for path in paths:
        while "/" in path:
            path = path.rpartition("/")[0]
            if path in folders:
                break  # and its parents with it
            folders.add(path)
    return folders


def outputs_unchanged(out_dir: Path, summary: Summary) -> Folders | None:
    """The output folder's folder times, if it holds the summary's files by name and no others.

    One `stat` per folder; only the folders whose time differs are listed. None if the
    files differ. The times returned are the summary's, with those that were too recent to
    trust replaced when they no longer are.
    """
    base = str(out_dir.absolute())
    touched: dict[str, int] = {}
    recent = time.time_ns() - _RACY_NS
    for folder, mtime in summary.folders.items():
        try:
            info = Path(base).stat() if not folder else os.lstat(f"{base}/{folder}")
        except OSError:
            return None
        if not stat.S_ISDIR(info.st_mode):
            return None
        if mtime < 0 or info.st_mtime_ns != mtime:
            touched[folder] = _folder_time(info, recent)  # before listing: a later change shows
    if "" not in summary.folders:
        return None
    if not touched:
        return summary.folders
    expected: dict[str, set[str]] = {folder: set() for folder in touched}
    for path in summary.outputs:
        folder, _, name = path.rpartition("/")
        if folder in expected:
            expected[folder].add(name)
    for folder in touched:
        files, subfolders = _listing(_join(base, folder))
        if files is None or files != expected[folder]:
            return None
        prefix = f"{folder}/" if folder else ""
        if any(f"{prefix}{name}" not in summary.folders for name in subfolders):
            return None  # a new folder: files in it would change no recorded time
    return {**summary.folders, **touched}


def _join(base: str, folder: str) -> str:
    return f"{base}/{folder}" if folder else base


def _listing(folder: str) -> tuple[set[str] | None, list[str]]:
    """The names of the files (anything but folders) and of the folders in `folder`."""
    files: set[str] = set()
    folders: list[str] = []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(entry.name)
                else:
                    files.add(entry.name)
    except OSError:
        return None, []
    return files, folders


def _folder_time(info: os.stat_result, recent: int) -> int:
    return -1 if info.st_mtime_ns > recent else info.st_mtime_ns


def _stats(folder: str, skip: Collection[str]) -> Stats:
    """Every regular file below `folder` (`skip` and hidden names left out)."""
    found: Stats = {}
    for entry in _entries_below(folder, skip=skip):
        if entry.is_file(follow_symlinks=False):
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:  # removed meanwhile: missing from the scan, which then differs
                continue
            found[entry.path] = (info.st_size, info.st_mtime_ns)
    return found


def _entries_below(folder: str, *, skip: Collection[str] = ()) -> Iterator[os.DirEntry[str]]:
    """Every entry below `folder`, folders before their contents, without following links.

    Folders in `skip` are left out, and names starting with "." and `__pycache__` folders.
    """
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            entries = list(os.scandir(current))
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith(".") or entry.name == "__pycache__":
                continue
            yield entry
            if entry.is_dir(follow_symlinks=False) and entry.path not in skip:
                pending.append(entry.path)


def load_summary(root: Path) -> Summary | None:
    """The summary saved by the last build in `root`, or None if there is none that fits."""
    summary = load(root / CACHE_DIR / SUMMARY_FILE)
    return summary if isinstance(summary, Summary) else None


def load(path: Path) -> Any:
    """The object pickled in the file at `path` by `save`; None if there is none that fits."""
    try:
        with path.open("rb") as file, no_collection():
            saved = pickle.load(file)
    except Exception:  # whatever a damaged file raises: the state is only a cache
        return None
    if not isinstance(saved, tuple) or len(saved) != 2 or saved[0] != _FORMAT:
        return None
    return saved[1]


def save(path: Path, value: object) -> None:
    """Pickle `value` into the file at `path`, replacing it at once (never half written).

    Each process writes a temporary file of its own: two builds of one site at once (a
    `serve` and a `build`) never write into the same one, and the last to finish wins.
    """
    path.parent.mkdir(exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.new")
    with temporary.open("wb") as file, no_collection():
        dump((_FORMAT, value), file)
    temporary.replace(path)
    for left in path.parent.glob(f"{path.name}.*.new"):  # by a build that was killed
        with contextlib.suppress(OSError):
            if left.stat().st_mtime_ns < time.time_ns() - _LEFTOVER_NS:
                left.unlink()


_LEFTOVER_NS = 600 * 1_000_000_000
"""A temporary state file this old was left by a build that was killed (one that runs
writes it in seconds)."""


def dump(value: object, file: IO[bytes]) -> None:
    """Pickle `value` into `file`, slotted dataclasses as the tuple of their field values."""
    _StatePickler(file, protocol=pickle.HIGHEST_PROTOCOL).dump(value)


class _StatePickler(pickle.Pickler):
    """A pickler that saves a slotted dataclass as `_restore(class, field values)`, and a
    read-only mapping (the model's indexes) as one made again from a dict.

    Pickle's own way calls the dataclass's `__setstate__`, which looks up the class's fields
    again for every object: a large part of loading the state (bench/RESULTS.md).
    """

    def reducer_override(self, obj: object) -> Any:
        cls: type = type(obj)
        if cls is types.MappingProxyType:
            return _read_only, (dict(obj),)  # type: ignore[call-overload]
        fields = _slot_fields(cls)
        if fields is None:
            return NotImplemented
        return _restore, (cls, tuple(getattr(obj, name) for name, _ in fields))


def _read_only(values: dict[str, object]) -> types.MappingProxyType[str, object]:
    """A read-only view of `values` (by name: pickle cannot name the proxy type itself)."""
    return types.MappingProxyType(values)


def _restore(cls: type, values: tuple[object, ...]) -> object:
    """An object of the slotted dataclass `cls` with these field values (see `_StatePickler`)."""
    restored: object = object.__new__(cls)
    for (_, setter), value in zip(_slot_fields(cls) or (), values, strict=True):
        setter(restored, value)
    return restored


@functools.cache
def _slot_fields(cls: type) -> tuple[tuple[str, Callable[[object, object], None]], ...] | None:
    """Each field of a slotted dataclass that pickles the usual way, with how to set it;
    None for any other class."""
    if not dataclasses.is_dataclass(cls) or "__slots__" not in cls.__dict__:
        return None
    if cls.__reduce__ is not object.__reduce__ or cls.__reduce_ex__ is not object.__reduce_ex__:
        return None  # pickles its own way
    return tuple(
        (
            field.name,
            next(k.__dict__[field.name] for k in cls.__mro__ if field.name in k.__dict__).__set__,
        )
        for field in dataclasses.fields(cls)
    )


@contextlib.contextmanager
def no_collection() -> Iterator[None]:
    """Pause the cyclic garbage collector: (un)pickling millions of objects starts it often."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


Journaled = TypeVar("Journaled")


def read_journal(path: Path, kind: type[Journaled]) -> Iterator[Journaled]:
    """The changes saved in the journal at `path`, oldest first (up to a damaged one or
    one that is not a `kind`)."""
    try:
        with path.open("rb") as file, no_collection():
            while True:
                change = pickle.load(file)
                if not isinstance(change, kind):
                    return
                yield change
    except Exception:  # whatever a damaged file raises: the journal is only a cache
        return


def append_to_journal(path: Path, change: object) -> bool:
    """Append `change` to the journal at `path`; False when the journal has grown too long
    (then save the whole state instead)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        size = 0
    if size >= JOURNAL_LIMIT:
        return False
    with path.open("ab") as file:
        dump(change, file)
    return True


# The bodies' HTML of a saved state, in a file of its own, read only where needed: a
# one-file edit needs the HTML of the edited body and of the few bodies its pages and feeds
# show, not that of every body of the site, and decoding all of it was a large part of
# loading the state. So the state keeps only where each body's HTML lies in HTML_FILE, and
# a rebuild reads the bodies it looks up from the file, mapped into memory. The bodies that
# quick rebuilds changed since lie over them.

_TOKEN_SIZE = 16


class StoredHtml(PlacedTexts[tuple[int, int]]):
    """The HTML of each body by key, read from the file written by `write_html`.

    Pickled, it is only the place of each body in the file; after unpickling, `attach`
    opens the file (and finds out whether it is the one the state was saved with).
    """

    def __init__(self, token: str, places: Mapping[str, tuple[int, int]]) -> None:
        self._token = token
        self._places = places
        self._data: mmap.mmap | bytes | None = None

    def attach(self, path: Path) -> bool:
        """Open the file at `path`; whether it holds the bodies this mapping knows (its
        token, and its length: a file cut short would give cut bodies)."""
        expected = max((end for _, end in self._places.values()), default=_TOKEN_SIZE)
        try:
            with path.open("rb") as file:
                size = os.fstat(file.fileno()).st_size
                if size != expected:
                    return False
                if size <= _TOKEN_SIZE:
                    data: mmap.mmap | bytes = file.read()
                else:
                    data = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        except OSError:
            return False
        if data[:_TOKEN_SIZE] != self._token.encode("ascii").ljust(_TOKEN_SIZE, b" "):
            return False
        self._data = data
        return True

    def __getitem__(self, key: str) -> str:
        start, end = self._places[key]
        if self._data is None:
            raise KeyError(key)  # never attached: a state without its file is never used
        return self._data[start:end].decode("utf-8")

    def __reduce__(self) -> tuple[object, ...]:
        return StoredHtml, (self._token, dict(self._places))


class LayeredHtml(Mapping[str, str]):
    """Stored (or spilled) bodies with the bodies that changed since lying over them."""

    def __init__(self, stored: PlacedTexts[Any], changed: Mapping[str, str]) -> None:
        self.stored = stored
        self.changed = changed

    def __getitem__(self, key: str) -> str:
        found = self.changed.get(key)
        return found if found is not None else self.stored[key]

    def __iter__(self) -> Iterator[str]:
        yield from self.stored
        yield from (key for key in self.changed if key not in self.stored)

    def __len__(self) -> int:
        return len(self.stored) + sum(1 for key in self.changed if key not in self.stored)

    def __contains__(self, key: object) -> bool:
        return key in self.changed or key in self.stored


def with_changes(html: Mapping[str, str], changed: Mapping[str, str]) -> Mapping[str, str]:
    """The bodies `html` with the `changed` ones replaced (or added), without reading the
    others from a stored or spill file."""
    if isinstance(html, LayeredHtml):
        return LayeredHtml(html.stored, {**html.changed, **changed})
    if isinstance(html, PlacedTexts):
        return LayeredHtml(html, dict(changed))
    return MappingProxyType({**html, **changed})


def write_html(path: Path, token: str, html: Mapping[str, str]) -> StoredHtml:
    """Write every body's HTML to the file at `path` (replacing it at once, never half
    written); return the mapping to pickle in its place."""
    places: dict[str, tuple[int, int]] = {}
    temporary = path.with_name(f"{path.name}.{token}.new")  # two builds never share one
    with temporary.open("wb") as file:
        file.write(token.encode("ascii").ljust(_TOKEN_SIZE, b" "))
        offset = _TOKEN_SIZE
        for key, text in html.items():
            data = text.encode("utf-8")
            file.write(data)
            places[key] = (offset, offset + len(data))
            offset += len(data)
    temporary.replace(path)
    for left in path.parent.glob(f"{path.name}.*.new"):  # by a build that was killed
        left.unlink(missing_ok=True)
    return StoredHtml(token, places)
