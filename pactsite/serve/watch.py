"""Watching the site's sources: which file events matter, and a watchdog observer for them."""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Callable, Iterable
from pathlib import Path, PurePath

from watchdog.events import (
    EVENT_TYPE_CREATED,
    EVENT_TYPE_DELETED,
    EVENT_TYPE_MODIFIED,
    EVENT_TYPE_MOVED,
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import ObservedWatch

WATCHED_FOLDERS = ("content", "themes", "templates", "static")
WATCHED_FILES = ("site.yaml",)
_WATCHED_EVENTS: list[type[FileSystemEvent]] = [
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
]
"""Only changes: by default inotify also reports every file opened and closed, and every
build opens every source. On a large site those events overflowed the kernel's queue, and
watchdog answered each overflow by walking the whole tree again, for minutes."""

# What editors leave beside the file they edit: Emacs locks and autosaves (.#x, #x#),
# backups (x~), Vim swap files (.x.swp) and its write test (4913, 5036, ...), Kate and
# JetBrains temp files, gedit's output streams, download and OS clutter.
_TEMP_NAME = re.compile(
    r"""^(?:
        \..*                              # hidden: .#x, .x.swp, .DS_Store, .goutputstream-*
      | \#.*\#                            # Emacs autosave
      | \d+                               # Vim's write test (4913, then +123)
      | .*(?:~|\.sw[a-p]|\.tmp|\.temp|\.bak|\.orig|\.part|\.crdownload|\.kate-swp
            |___jb_tmp___|___jb_old___)
      | Thumbs\.db | desktop\.ini
    )$""",
    re.VERBOSE | re.IGNORECASE,
)
_ARRIVALS_AND_DEPARTURES = frozenset({EVENT_TYPE_CREATED, EVENT_TYPE_DELETED, EVENT_TYPE_MOVED})
_CHANGES = frozenset(
    {EVENT_TYPE_CREATED, EVENT_TYPE_DELETED, EVENT_TYPE_MODIFIED, EVENT_TYPE_MOVED}
)


def is_editor_litter(path: PurePath, *, is_directory: bool = False) -> bool:
    """Whether a site-relative path is an editor's temp, swap or backup file (or in .git)."""
    if any(part.startswith(".") for part in path.parts[:-1]):
        return True
    name = path.name
    if is_directory:
        return name.startswith(".")
    return bool(_TEMP_NAME.match(name))


def is_source_change(root: Path, event_type: str, is_directory: bool, paths: Iterable[str]) -> bool:
    """Whether a file event can change the build: a real source file created, changed or gone.

    A moved event counts if either end is a real source, so an atomic save (temp file
    renamed over the source) and a rename to a backup name both count.
    """
    if event_type not in _CHANGES or (is_directory and event_type == EVENT_TYPE_MODIFIED):
        return False
    return any(_is_source(root, path, is_directory) for path in paths)


def _is_source(root: Path, path: str, is_directory: bool) -> bool:
    try:
        relative = Path(path).relative_to(root)
    except ValueError:
        return False
    if not relative.parts:
        return False
    top = relative.parts[0]
    watched = top in WATCHED_FOLDERS or (len(relative.parts) == 1 and top in WATCHED_FILES)
    return watched and not is_editor_litter(relative, is_directory=is_directory)


def _event_paths(event: FileSystemEvent) -> list[str]:
    paths = [_text(event.src_path)]
    if event.event_type == EVENT_TYPE_MOVED and event.dest_path:
        paths.append(_text(event.dest_path))
    return paths


def _text(path: str | bytes) -> str:
    return path.decode(errors="surrogateescape") if isinstance(path, bytes) else path


class SiteWatcher(FileSystemEventHandler):
    """Calls `changed` for every event that can change the build of the site at `root`,
    with the files it concerns (None for a folder: anything below it may have changed).

    The site folder itself is watched flat (for site.yaml and for watched folders that
    appear, vanish or are renamed); each watched folder that exists is watched recursively.
    """

    def __init__(self, root: Path, changed: Callable[[list[str] | None], None]) -> None:
        self._root = root.absolute()
        self._changed = changed
        self._observer = Observer()
        self._folders: dict[str, ObservedWatch] = {}
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start watching in watchdog's threads."""
        self._observer.schedule(
            self, str(self._root), recursive=False, event_filter=_WATCHED_EVENTS
        )
        for name in WATCHED_FOLDERS:
            self._rewatch(name)
        self._observer.start()

    def stop(self) -> None:
        """Stop watching and wait for watchdog's threads to end."""
        if self._observer.is_alive():
            self._observer.stop()
            self._observer.join()

    def on_any_event(self, event: FileSystemEvent) -> None:
        """Pass on changes of sources; follow watched folders that come and go."""
        paths = _event_paths(event)
        # Only a folder that appears or vanishes needs a new watch: re-watching on other
        # events (a copy setting the folder's times) would lose the events in between.
        if event.is_directory and event.event_type in _ARRIVALS_AND_DEPARTURES:
            for path in paths:
                folder = Path(path)
                if folder.parent == self._root and folder.name in WATCHED_FOLDERS:
                    self._rewatch(folder.name)
        if is_source_change(self._root, event.event_type, event.is_directory, paths):
            self._changed(None if event.is_directory else paths)

    def _rewatch(self, name: str) -> None:
        folder = self._root / name
        with self._lock:
            old = self._folders.pop(name, None)
            if old is not None:
                with contextlib.suppress(KeyError, OSError):
                    self._observer.unschedule(old)
            if folder.is_dir():
                self._folders[name] = self._observer.schedule(
                    self, str(folder), recursive=True, event_filter=_WATCHED_EVENTS
                )
