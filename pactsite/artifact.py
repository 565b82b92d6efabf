"""What the output stages produce and the writer writes: a file by relative path."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any


@dataclass(frozen=True, slots=True)
class OutputFile:
    """One file of the built site: its path below the output folder and its bytes."""

    path: PurePosixPath
    content: bytes
    origin: str = ""
    """The template file that rendered it, where there is one (for error messages)."""
    source: str = ""
    """The site-relative content file the page shows, where there is one."""


@dataclass(frozen=True, slots=True)
class PageJob:
    """One HTML page to render: its URL, template and template data."""

    url: str
    template: str
    context: Mapping[str, Any] = field(default_factory=dict)
