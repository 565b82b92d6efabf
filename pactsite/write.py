"""Publishing: write the built files to a staging folder, then swap it in atomically."""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import shutil
from collections.abc import Sequence
from pathlib import Path

from pactsite.artifact import OutputFile
from pactsite.diagnostics import OutputError

_STAGING = ".{name}.staging"
_RETIRED = ".{name}.old"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def publish(files: Sequence[OutputFile], out_dir: Path) -> None:
    """Write all files into a fresh folder beside `out_dir`, then swap it with `out_dir`.

    Until the swap, `out_dir` keeps the last good build; a build killed midway leaves only
    a staging folder behind, which the next build removes.
    """
    out_dir = out_dir.absolute()
    staging = out_dir.with_name(_STAGING.format(name=out_dir.name))
    retired = out_dir.with_name(_RETIRED.format(name=out_dir.name))
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        for leftover in (staging, retired):
            if leftover.exists():
                shutil.rmtree(leftover)
        _write_all(files, staging)
        _swap_in(staging, out_dir, retired)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(_explain(error, out_dir)) from None


def _write_all(files: Sequence[OutputFile], staging: Path) -> None:
    staging.mkdir()
    made: set[Path] = {staging}
    for file in files:
        target = staging.joinpath(*file.path.parts)
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        target.write_bytes(file.content)


def _swap_in(staging: Path, out_dir: Path, retired: Path) -> None:
    if not out_dir.exists():
        staging.rename(out_dir)
        return
    if _exchange(staging, out_dir):
        shutil.rmtree(staging)
        return
    out_dir.rename(retired)  # no atomic exchange on this system: two quick renames
    staging.rename(out_dir)
    shutil.rmtree(retired)


def _exchange(first: Path, second: Path) -> bool:
    """Atomically exchange two folders with Linux's renameat2(RENAME_EXCHANGE)."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    return bool(result == 0)


def _explain(error: OSError, out_dir: Path) -> str:
    reasons = {
        errno.EACCES: "permission denied",
        errno.EROFS: "the disk is read-only",
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is used up",
    }
    reason = reasons.get(error.errno or 0, error.strerror or str(error))
    return (
        f"{out_dir}: error: cannot write the site ({reason}); the previous build is "
        "unchanged. Free space or choose another folder with --output"
    )
