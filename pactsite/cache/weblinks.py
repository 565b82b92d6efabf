"""What the last `check --external` found out about each external address, kept for a day.

The results lie in `.pactsite-cache/links.json`, one record per address (without its
`#fragment`), written sorted so that the same results give the same file. A rerun within a
day takes them from here instead of asking the servers again; the build reads them to show
on the network page whether each pact's website answered (as of the date of the check). A
file that cannot be read is no results at all: the next check asks again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from pactsite.cache.keys import CACHE_DIR
from pactsite.i18n import Text, from_plain, to_plain

LINKS_FILE = "links.json"
LIFETIME = dt.timedelta(days=1)
"""How long a result is taken as still true: websites move and die over weeks, not hours."""
_FORMAT = 1


class Outcome(Enum):
    """What asking for an address came to."""

    LIVE = "live"
    """It answered (2xx, or a refusal that shows the page is there: 401, 403, 429)."""
    MOVED = "moved"
    """It answered with a permanent redirect (301, 308) to an address that answers."""
    DEAD = "dead"
    """Not found, gone, a server error, no answer, no such host, a broken TLS connection."""
    REFUSED = "refused"
    """Not asked: a local or private address, and PACTSITE_ALLOW_LOCAL_URLS is not set."""


@dataclass(frozen=True, slots=True, kw_only=True)
class LinkResult:
    """The answer to one address: its outcome, the HTTP status, why it failed, where it moved."""

    url: str
    outcome: Outcome
    checked: dt.datetime
    """When it was asked (UTC)."""
    status: int = 0
    """The HTTP status that decided the outcome; 0 when there was no answer."""
    reason: str | Text = ""
    """Why there was no answer, said for people (`no complete answer within 10 seconds`)."""
    location: str = ""
    """Where a MOVED address moved to: the address to write instead."""

    def fresh(self, now: dt.datetime) -> bool:
        """Whether the result is recent enough to be reused at `now`."""
        return now - LIFETIME < self.checked <= now + dt.timedelta(minutes=5)


def link_key(url: str) -> str:
    """The address a result is kept under: without `#fragment` (no server ever sees it)."""
    return url.strip().partition("#")[0]


def load_link_results(root: Path) -> dict[str, LinkResult]:
    """Every result of the last check by address (fresh or not); {} if there is none."""
    try:
        data = json.loads((root / CACHE_DIR / LINKS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != _FORMAT:
        return {}
    results: dict[str, LinkResult] = {}
    for url, record in (data.get("links") or {}).items():
        with contextlib.suppress(KeyError, TypeError, ValueError):
            results[url] = _result(url, record)
    return results


def _result(url: str, record: Mapping[str, Any]) -> LinkResult:
    checked = dt.datetime.fromisoformat(record["checked"])
    return LinkResult(
        url=url,
        outcome=Outcome(record["outcome"]),
        checked=checked if checked.tzinfo else checked.replace(tzinfo=dt.UTC),
        status=int(record.get("status", 0)),
        reason=from_plain(record.get("reason", "")),
        location=str(record.get("location", "")),
    )


def store_link_results(root: Path, results: Mapping[str, LinkResult]) -> None:
    """Keep `results` (and only those) for the next check; a cache that fails only costs time."""
    records = {
        url: {
            "status": result.status,
            "reason": to_plain(result.reason),
            "location": result.location,
            "outcome": result.outcome.value,
            "checked": result.checked.astimezone(dt.UTC).isoformat(timespec="seconds"),
        }
        for url, result in results.items()
    }
    text = json.dumps({"format": _FORMAT, "links": records}, indent=1, sort_keys=True) + "\n"
    folder = root / CACHE_DIR
    with contextlib.suppress(OSError):
        folder.mkdir(exist_ok=True)
        staged = folder / f"{LINKS_FILE}.{os.getpid()}"
        staged.write_text(text, encoding="utf-8")
        staged.replace(folder / LINKS_FILE)  # a build reading it sees the old or the new
