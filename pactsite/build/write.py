"""Publishing: write the built files to a staging folder, then swap it in atomically."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import os
import shutil
import stat
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePosixPath
from typing import TypeVar, overload

from pactsite.diagnostics import OutputError
from pactsite.i18n import Text, t, verbatim
from pactsite.outputs import BuiltFile

_STAGING = ".{name}.staging"
_RETIRED = ".{name}.old"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_TOP = PurePosixPath()


Made = TypeVar("Made")
_File = TypeVar("_File", bound=BuiltFile)
LateFiles = tuple[Sequence[PurePosixPath], Callable[[], tuple[Sequence[BuiltFile], Made]]]
"""Folders of the site and what gives their files (with whatever else it made), asked only
once all other files are being written."""


@overload
def publish(files: Sequence[BuiltFile], out_dir: Path) -> None: ...
@overload
def publish(files: Sequence[BuiltFile], out_dir: Path, late: LateFiles[Made]) -> Made: ...
def publish(
    files: Sequence[BuiltFile], out_dir: Path, late: LateFiles[Made] | None = None
) -> Made | None:
    """Write all files into a folder beside `out_dir`, then swap it with `out_dir`.

    The files of the folders named in `late` (the search index, made meanwhile by another
    process) are asked for and written by a second thread while the other files are
    written: creating files is mostly waiting for the kernel, which two threads share.

    Until the swap, `out_dir` keeps the last good build; a build killed midway leaves only
    a staging folder behind. The build before the last is kept as `.<name>.old` and reused
    as the next staging folder: only files whose bytes differ are written, and files that
    are no longer part of the site are removed, so the staging folder always ends up
    holding exactly `files`, whatever state it was found in. Returns what `late` made
    besides its files.
    """
    out_dir = out_dir.absolute()
    staging = out_dir.with_name(_STAGING.format(name=out_dir.name))
    retired = out_dir.with_name(_RETIRED.format(name=out_dir.name))
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        _prepare_staging(staging, retired)
        made = None
        if late is None:
            _sync(files, staging)
        else:
            folders, supply = late
            with ThreadPoolExecutor(max_workers=1) as late_writer:
                written = late_writer.submit(_sync_late, supply, staging, folders)
                _sync(files, staging, skip=folders)
                made = written.result()
        _swap_in(staging, out_dir, retired)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(_explain(error, out_dir)) from None
    return made


def _sync_late(
    supply: Callable[[], tuple[Sequence[BuiltFile], Made]],
    staging: Path,
    folders: Sequence[PurePosixPath],
) -> Made:
    """Write the files `supply` gives into `folders` of `staging`; return what else it made."""
    files, made = supply()
    if len(folders) == 1:
        _sync(files, staging, under=folders[0])
        return made
    for folder in folders:
        _sync([f for f in files if folder in f.path.parents], staging, under=folder)
    return made


def changed_files(files: Sequence[_File], out_dir: Path) -> list[_File]:
    """The files whose bytes the built site `out_dir` does not hold yet (also a file
    changed there by hand: what is published is what was built)."""
    base = str(out_dir.absolute())
    return [file for file in files if not _holds(f"{base}/{file.path}", file.content)]


def update_in_place(
    files: Sequence[BuiltFile], out_dir: Path, removed: Collection[str] = ()
) -> None:
    """Replace just these files in the built site `out_dir`, each by an atomic rename, and
    delete the files `removed` (paths relative to `out_dir`).

    For a rebuild that changed a few files of a good build. Every new file is written beside
    its target first; only when all are written are they renamed into place (renaming needs
    no space), so a full disk leaves the site as it was. The swap of `publish` would have
    to write or compare every file of the site.
    """
    out_dir = out_dir.absolute()
    moves: list[tuple[Path, Path]] = []
    try:
        for file in files:
            target = out_dir.joinpath(*PurePosixPath(file.path).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{target.name}.pactsite-new")
            moves.append((temporary, target))
            temporary.write_bytes(file.content)
    except OSError as error:
        for temporary, _ in moves:
            with contextlib.suppress(OSError):
                temporary.unlink(missing_ok=True)
        raise OutputError(_explain(error, out_dir)) from None
    for temporary, target in moves:
        temporary.replace(target)
    for path in removed:
        out_dir.joinpath(*PurePosixPath(path).parts).unlink(missing_ok=True)


def _prepare_staging(staging: Path, retired: Path) -> None:
    """Start from a leftover staging folder, else the retired build, else nothing."""
    if _is_real_dir(staging):
        _remove(retired)
    else:
        _remove(staging)
        if _is_real_dir(retired):
            retired.rename(staging)
        else:
            _remove(retired)
    staging.mkdir(exist_ok=True)


def _sync(
    files: Sequence[BuiltFile],
    staging: Path,
    *,
    under: PurePosixPath = _TOP,
    skip: Sequence[PurePosixPath] = (),
) -> None:
    """Make the folder `under` in `staging` hold exactly `files` (all below `under`): write
    what differs, remove the rest, but leave the folders `skip` alone.

    Paths are plain strings here: with tens of thousands of files, pathlib's objects took a
    third of the time of writing them.
    """
    wanted = {str(file.path): file for file in files}
    folders = {parent for path in wanted for parent in _parents(path)}
    start = staging.joinpath(*under.parts)
    if _is_real_dir(start):
        skipped = frozenset("/".join(folder.parts) for folder in skip)
        _prune(str(start), "/".join(under.parts), wanted, folders, skipped)
        if not wanted and under.parts:
            start.rmdir()
    else:
        _remove(start)
    base = str(staging)
    made = {base}
    for path, file in wanted.items():
        content = file.content  # one file's bytes at a time (BuiltFile may spill them)
        target = f"{base}/{path}"
        parent = target.rpartition("/")[0]
        if parent not in made:
            os.makedirs(parent, exist_ok=True)  # noqa: PTH103 (strings: see above)
            made.add(parent)
        if _holds(target, content):
            continue
        with contextlib.suppress(FileNotFoundError):
            os.unlink(target)  # noqa: PTH108 (a new inode: never write through a link)
        _write_new(target, content)


def _parents(path: str) -> list[str]:
    """The folders that hold `path`, innermost first ("a/b/c" → "a/b", "a")."""
    found = []
    while "/" in path:
        path = path.rpartition("/")[0]
        found.append(path)
    return found


def _write_new(target: str, content: bytes) -> None:
    """Create the file `target`, which must not exist (nor be a link), with `content`."""
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
    try:
        view = memoryview(content)
        while view:
            view = view[os.write(descriptor, view) :]
    finally:
        os.close(descriptor)


def _prune(
    folder: str,
    where: str,
    wanted: dict[str, BuiltFile],
    folders: set[str],
    skip: frozenset[str],
) -> None:
    """Remove from `folder` every entry that is not a wanted file or a folder holding one
    (but leave the folders `skip` alone)."""
    with os.scandir(folder) as entries:
        found = list(entries)
    for entry in found:
        path = f"{where}/{entry.name}" if where else entry.name
        if path in skip:
            continue
        if entry.is_dir(follow_symlinks=False):
            if path in folders:
                _prune(entry.path, path, wanted, folders, skip)
            else:
                shutil.rmtree(entry.path)
        elif path not in wanted or not entry.is_file(follow_symlinks=False):
            os.unlink(entry.path)  # noqa: PTH108


def _holds(target: str, content: bytes) -> bool:
    """Whether `target` is a regular file with exactly these bytes."""
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        return False
    if not stat.S_ISREG(info.st_mode) or info.st_size != len(content):
        return False
    with open(target, "rb") as file:  # noqa: PTH123
        return file.read() == content


def _is_real_dir(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink()


def _remove(path: Path) -> None:
    if _is_real_dir(path):
        shutil.rmtree(path)
    elif path.is_symlink() or path.exists():
        path.unlink()


def _swap_in(staging: Path, out_dir: Path, retired: Path) -> None:
    """Put staging in place of out_dir; keep the replaced build as `retired` for reuse."""
    if not out_dir.exists():
        staging.rename(out_dir)
        return
    if _exchange(staging, out_dir):
        staging.rename(retired)
        return
    out_dir.rename(retired)  # no atomic exchange on this system: two quick renames
    staging.rename(out_dir)


def _exchange(first: Path, second: Path) -> bool:
    """Atomically exchange two folders with Linux's renameat2(RENAME_EXCHANGE)."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    result = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    return bool(result == 0)


@functools.cache
def _renameat2() -> Callable[..., int] | None:
    """The C library's renameat2, if it has one, looked up once a process: among the
    symbols this process has loaded (find_library("c") ran `ldconfig -p` on every build)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except (OSError, TypeError):  # TypeError: Windows has no process-wide namespace
        return None
    found: Callable[..., int] | None = getattr(libc, "renameat2", None)
    return found


def _explain(error: OSError, out_dir: Path) -> str | Text:
    reasons = {
        errno.EACCES: t("permission denied"),
        errno.EROFS: t("the disk is read-only"),
        errno.ENOSPC: t("the disk is full"),
        errno.EDQUOT: t("the disk quota is used up"),
    }
    reason = reasons.get(error.errno or 0, verbatim(error.strerror or str(error)))
    message = t(
        "cannot write the site ({reason}); the previous build is unchanged. "
        "Free space or choose another folder with --output",
        reason=reason,
    )
    # the prefix stays English in every language, as in diagnostics: not a t() template
    return Text("{path}: error: {message}", (("message", message), ("path", str(out_dir))))
