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
