"""Output families: each module turns the linked site into files; none imports another.

What several families share is defined here, in the package they all belong to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


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
