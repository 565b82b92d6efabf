"""What a build is told and what it tells: its options and its report (plain values).

Apart from the build itself, so that the command line and a build that finds nothing
changed need not import the pipeline (Markdown, Jinja2, Pillow, ...).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field

from pactsite.diagnostics import Diagnostic
from pactsite.i18n import Text


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildOptions:
    """How to build: with drafts or not, and the moment that counts as now."""

    drafts: bool = False
    strict: bool = False
    now: dt.datetime
    jobs: int = 1
    """Worker processes for rendering; 1 renders in this process."""
    cache: bool = False
    """Reuse and update the build cache `.pactsite-cache/` in the site folder."""


@dataclass(frozen=True, slots=True)
class ImageStats:
    """How many images a build processed, and how many it took from the cache."""

    processed: int = 0
    cached: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildReport:
    """What a build wrote, and the warnings it found."""

    files: int
    pages: int
    warnings: tuple[Diagnostic, ...]
    next_change: dt.datetime | None = None
    next_change_line: str | Text = ""
    """`next change: 2003-01-15 16:00 Europe/Berlin`, as in `.pactsite/next-build.txt`."""
    images: ImageStats = field(default_factory=ImageStats)
    rewritten: int | None = None
    """How many files a rebuild of only what changed wrote; None after a whole build."""


def default_jobs() -> int:
    """The number of worker processes to use when not told: the usable CPU cores."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)
