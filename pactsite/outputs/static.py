"""Static files: the theme's and the site's own (CSS, icons), and files linked from content."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath

from pactsite.outputs import OutputFile

ASSET_FOLDER = "dateien"


def collect_static(folders: Iterable[Path]) -> list[OutputFile]:
    """Copy the files of static folders; a later folder's file replaces an earlier one's."""
    files: dict[PurePosixPath, OutputFile] = {}
    for folder in folders:
        for path in _files(folder):
            relative = PurePosixPath(path.relative_to(folder).as_posix())
            files[relative] = OutputFile(relative, path.read_bytes())
    return [files[key] for key in sorted(files)]


def collect_content_files(root: Path, paths: Iterable[str]) -> list[OutputFile]:
    """Publish files of `content/` that pages link to (images, PDFs) below `/dateien/`."""
    return [
        OutputFile(
            PurePosixPath(ASSET_FOLDER, path.removeprefix("content/")), (root / path).read_bytes()
        )
        for path in sorted(paths)
    ]


def _files(folder: Path) -> Iterator[Path]:
    if not folder.is_dir():
        return
    for current, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                yield Path(current) / name
