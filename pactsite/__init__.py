"""pactsite: a static site generator for networks of linked regional websites."""

from __future__ import annotations

import os
from pathlib import Path

__version__ = "0.2.0"


def user_cache_folder() -> Path:
    """The user's cache folder for pactsite (XDG), for what does not depend on a site: the
    parsed hyphenation patterns, the theme's compiled templates. Not a site's build cache."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pactsite"


KEPT_COPIES = 4
"""Copies of one kind kept in the user's cache folder (parsed patterns of one dictionary,
compiled templates): one per install, the most recent; more would pile up with every new
virtual environment."""


def forget_old_copies(pattern: str) -> None:
    """Delete from the user's cache folder all but the newest `KEPT_COPIES` entries (files
    or folders of files) whose names match `pattern`."""
    folder = user_cache_folder()
    try:
        found = sorted(folder.glob(pattern), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for stale in found[KEPT_COPIES:]:
            if stale.is_dir():
                for file in stale.iterdir():
                    file.unlink(missing_ok=True)
                stale.rmdir()
            else:
                stale.unlink(missing_ok=True)
    except OSError:
        pass  # another build's at the same time, or a folder that cannot be written
