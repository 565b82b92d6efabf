"""The build cache `.pactsite-cache/` in the site folder: values by content key, safe to delete.

One SQLite file holds JSON values (or bytes) under keys the callers derive from everything
their value depends on. Each build marks what it used; what no build used the last time is pruned,
so the cache never outgrows the site. A cache that cannot be read is simply started over.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from pactsite.cache.keys import CACHE_DIR

_FILE = "cache.sqlite"
_SCHEMA = 1
_BATCH = 500
"""Keys per query (SQLite allows at most 32,766 parameters; fewer keep each batch small)."""
_README = (
    "pactsite's build cache. Safe to delete at any time; the next build is just slower.\n"
    "Keep it between builds (e.g. on Netlify) to rebuild only what changed.\n"
)


class Cache:
    """Tables of JSON values (or bytes) by key, in `<site>/.pactsite-cache/cache.sqlite`."""

    def __init__(self, root: Path) -> None:
        folder = root / CACHE_DIR
        self._db: sqlite3.Connection | None = None
        try:
            folder.mkdir(exist_ok=True)
            readme = folder / "README.txt"
            if not readme.exists():
                readme.write_text(_README, encoding="utf-8")
            self._db = self._open(folder / _FILE)
        except (OSError, sqlite3.Error):
            self._db = None  # no cache at all is always correct, only slower

    @staticmethod
    def _open(path: Path) -> sqlite3.Connection:
        try:
            return _connect(path)
        except sqlite3.DatabaseError:  # damaged or from another schema: start over
            path.unlink(missing_ok=True)
            return _connect(path)

    def get_many(self, table: str, keys: Iterable[str]) -> dict[str, Any]:
        """The cached values of those `keys` that are cached, by key."""
        return dict(self.iter_many(table, keys))

    def iter_many(self, table: str, keys: Iterable[str]) -> Iterator[tuple[str, Any]]:
        """The cached (key, value) pairs of those `keys` that are cached, read as they are
        consumed (a few hundred rows at a time), so that not all values are held at once.

        A cache that fails midway yields fewer pairs: what is missing is only built afresh.
        """
        if self._db is None:
            return
        wanted = list(dict.fromkeys(keys))
        for start in range(0, len(wanted), _BATCH):
            batch = wanted[start : start + _BATCH]
            marks = ",".join("?" * len(batch))
            try:
                rows = self._db.execute(
                    f"SELECT key, value FROM entries WHERE tab = ? AND key IN ({marks})",
                    [table, *batch],
                ).fetchall()
                found = [(key, _load(value)) for key, value in rows]
            except (sqlite3.Error, ValueError):
                return
            yield from found

    def holds(self, table: str) -> bool:
        """Whether `table` has any value (a cache that fails holds none)."""
        if self._db is None:
            return False
        try:
            found = self._db.execute("SELECT 1 FROM entries WHERE tab = ? LIMIT 1", [table])
            return found.fetchone() is not None
        except sqlite3.Error:
            return False

    def update(
        self,
        table: str,
        new: Mapping[str, Any] | Iterable[tuple[str, Any]],
        used: Iterable[str],
    ) -> None:
        """Store the `new` values; drop from `table` every key not in `used` (nor in `new`).

        `new` may be a lazy iterable of (key, value) pairs: each value is stored as it comes,
        so the caller never needs to hold all of them at once. It is always iterated to the
        end, also by a cache that is not open or fails, so work done as it is iterated (the
        rendering that makes the values) is never left undone.
        """
        pairs = iter(new.items() if isinstance(new, Mapping) else new)
        if self._db is not None:
            self._store(table, pairs, used)
        for _ in pairs:  # what the database did not take
            pass

    def _store(self, table: str, pairs: Iterator[tuple[str, Any]], used: Iterable[str]) -> None:
        """`update` on the open database: a failure closes it (the cache only costs time)."""
        assert self._db is not None
        db = self._db
        stored: list[str] = []

        def rows() -> Iterator[tuple[str, str, bytes | str]]:
            for key, value in pairs:
                stored.append(key)
                yield table, key, _dump(value)

        try:
            db.execute("BEGIN")
            db.executemany(
                "INSERT OR REPLACE INTO entries (tab, key, value) VALUES (?, ?, ?)", rows()
            )
            db.execute("CREATE TEMP TABLE IF NOT EXISTS used (key TEXT PRIMARY KEY)")
            db.execute("DELETE FROM used")
            db.executemany("INSERT OR IGNORE INTO used VALUES (?)", ((k,) for k in used))
            db.executemany("INSERT OR IGNORE INTO used VALUES (?)", ((k,) for k in stored))
            db.execute(
                "DELETE FROM entries WHERE tab = ? AND key NOT IN (SELECT key FROM used)", [table]
            )
            db.execute("COMMIT")
        except sqlite3.Error:
            self.close()

    def close(self) -> None:
        """Close the database file."""
        if self._db is not None:
            self._db.close()
            self._db = None


def _dump(value: Any) -> bytes | str:
    """Bytes are stored as they are (a BLOB), anything else as JSON text."""
    return value if isinstance(value, bytes) else json.dumps(value)


def _load(value: bytes | str) -> Any:
    return value if isinstance(value, bytes) else json.loads(value)


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    # A rollback journal, not a WAL: a cold build appends tens of MB of new rows, which a
    # WAL would write twice (into the log, then into the file at the checkpoint)
    db.execute("PRAGMA journal_mode = DELETE")
    db.execute("PRAGMA synchronous = NORMAL")
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version not in (0, _SCHEMA):
        db.close()
        raise sqlite3.DatabaseError("other cache schema")
    db.execute(
        "CREATE TABLE IF NOT EXISTS entries "
        "(tab TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (tab, key))"
    )
    db.execute(f"PRAGMA user_version = {_SCHEMA}")
    return db
