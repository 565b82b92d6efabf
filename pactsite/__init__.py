"""pactsite: a static site generator for networks of linked regional websites."""

from __future__ import annotations

__version__ = "0.2.0"
