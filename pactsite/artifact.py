"""What the output stages produce and the writer writes: a file by relative path."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath


@dataclass(frozen=True, slots=True)
class OutputFile:
    """One file of the built site: its path below the output folder and its bytes."""

    path: PurePosixPath
    content: bytes
    origin: str = ""
    """The template file that rendered it, where there is one (for error messages)."""
