"""The bodies' HTML of a saved build state, in a file of its own, read only where needed.

A one-file edit needs the HTML of the edited body and of the few bodies its pages and
feeds show, not that of every body of the site, and decoding all of it was a large part
of loading the state (bench/RESULTS.md). So the state keeps only where each body's HTML lies in
`state-html.bin` (written beside it), and a rebuild reads the bodies it looks up from
the file, mapped into memory. The bodies that quick rebuilds changed since lie over them.
"""

from __future__ import annotations

import mmap
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pactsite.build.spill import PlacedTexts

HTML_FILE = "state-html.bin"
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
