"""Output families: each module turns the linked site into files; none imports another.

What several families share is defined here, in the package they all belong to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class OutputFile:
    """One file of the built site: its path below the output folder and its bytes."""

    path: PurePosixPath
    content: bytes
    origin: str = ""
    """The template file that rendered it, where there is one (for error messages)."""
    source: str = ""
    """The site-relative content file the page shows, where there is one."""


class BuiltFile(Protocol):
    """A built file as the stages that read built files see it: an OutputFile, or one whose
    bytes the build keeps elsewhere until they are asked for."""

    @property
    def path(self) -> PurePosixPath:
        """The path below the output folder."""

    @property
    def content(self) -> bytes:
        """The file's bytes."""

    @property
    def origin(self) -> str:
        """The template file that rendered it, or ""."""

    @property
    def source(self) -> str:
        """The content file the page shows, or ""."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Pagination:
    """Where a page stands in a paginated list."""

    number: int
    count: int
    previous_url: str
    next_url: str


@dataclass(frozen=True, slots=True)
class PageJob:
    """One HTML page to render: its URL, template and template data."""

    url: str
    template: str
    context: Mapping[str, Any] = field(default_factory=dict)
