"""Output families: each module turns the linked site into files; none imports another.

What several families share is defined here, in the package they all belong to.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class Pagination:
    """Where a page stands in a paginated list."""

    number: int
    count: int
    previous_url: str
    next_url: str
